"""Forms keep their values: every date field of every form in every module renders as stored and
posts back unchanged, required dates default to today, and every edit page of an existing record,
submitted as rendered, changes nothing.

The forms are found by walking each module's ``forms.py`` and the edit pages by walking the URL
resolver, so a new form or edit page is covered the day it is added (an edit page this test has no
sample record for fails it until one is declared in ``EDIT_SAMPLES``).
"""

from __future__ import annotations

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from unionwork.core.forms import DateInput
from unionwork.core.testing import form_data
from unionwork.core.testing.routes import page_routes
from unionwork.core.views import ActionFormView

from .factories import demo_user, unit

pytestmark = pytest.mark.django_db

STORED = datetime.date(2023, 5, 7)
# Required dates that have no sensible default (a period's end is chosen after its start).
NO_TODAY_DEFAULT = {("HeightenedForm", "ends_on"), ("ItemForm", "deadline")}
NO_TODAY_DEFAULT |= {("CampaignForm", "ends_on"), ("ReportDraftForm", "period_start")}  # visits: periods
NO_TODAY_DEFAULT |= {
    ("HeightenedForm", "ends_on"),
    ("CommitteeForm", "term_end"),
    ("SurveyForm", "closes_on"),
    ("RoundForm", "nominations_close"),
}


def _form_classes() -> list[type[forms.BaseForm]]:
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("unionwork."):
            continue
        for modname in ("forms", "imports.views"):
            try:
                module = importlib.import_module(f"{config.name}.{modname}")
            except ModuleNotFoundError:
                continue
            for obj in vars(module).values():
                if (
                    inspect.isclass(obj)
                    and issubclass(obj, forms.BaseForm)
                    and obj.__module__ == module.__name__
                    and not (issubclass(obj, forms.ModelForm) and obj._meta.model is None)  # a base
                ):
                    found[f"{obj.__module__}.{obj.__name__}"] = obj
    return [found[k] for k in sorted(found)]


def _date_forms():
    out = []
    for cls in _form_classes():
        names = [
            n
            for n, f in cls.base_fields.items()
            if type(f) is forms.DateField or isinstance(f, forms.DateField)
        ]
        names = [n for n in names if not isinstance(cls.base_fields[n], forms.DateTimeField)]
        if names:
            out.append(pytest.param(cls, names, id=f"{cls.__module__.split('.')[1]}.{cls.__name__}"))
    return out


def _init_params(cls) -> set[str]:
    names = set()
    for klass in cls.__mro__:
        if "__init__" in vars(klass):
            names |= {p.name for p in inspect.signature(klass.__init__).parameters.values()}
    return names


def _make(cls, **kwargs):
    """The form, given the context objects its constructor names (a user, a member, a union…)."""
    from unionwork.founding.models import GrassrootsUnion
    from unionwork.members.models import Member

    user = demo_user("gjz_admin")
    context = {
        "user": user,
        "member": Member.objects.restrict(user).first(),
        "union": GrassrootsUnion.objects.restrict(user).select_related("unit").first(),
        "unit": unit("210211"),
        "parent": unit("210211"),
    }
    wanted = _init_params(cls)
    return cls(**{k: v for k, v in context.items() if k in wanted}, **kwargs)


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """One member, one enterprise with its union in 甘井子区 (enough for every form's context):
    made once for the module, in a transaction rolled back after its last test; each test runs in
    a savepoint of it, so none sees another's changes."""
    from django.db import transaction
    from django.test import override_settings

    from unionwork.core import audit
    from unionwork.core.testing.db import settle_constraint_checks
    from unionwork.founding import actions as founding_actions
    from unionwork.founding.tests import factories as founding_factories
    from unionwork.members.tests.helpers import register

    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock(), override_settings(TASKS=immediate, UNIONWORK_AUDIT_ANCHOR_FILE=""):
            register("G0001", 2)
            city = demo_user("city_admin")
            with audit.acting_as(city, "test"):
                community = founding_factories.communities("210211", 1)[0]
                e = founding_factories.enterprise(community, user=city, employees=40)
                founding_factories.enterprise(community, user=city, employees=40)
                founding_actions.found_union(city, enterprises=[e], founded_on=datetime.date(2024, 3, 1))
            settle_constraint_checks()
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_module_has_date_forms_found():
    """The discovery finds the date forms of every module, or the round trip below tests nothing."""
    found = {p.id.split(".")[0] for p in _date_forms()}
    assert {"members", "founding", "stability"} <= found


@pytest.mark.parametrize(("cls", "names"), _date_forms())
def test_every_date_field_renders_as_stored_and_posts_back_unchanged(demo_data, cls, names):
    form = _make(cls, initial=dict.fromkeys(names, STORED))
    for name in names:
        assert isinstance(form.fields[name].widget, DateInput), name
        html = str(form[name])
        assert 'type="date"' in html and f'value="{STORED:%Y-%m-%d}"' in html, html
    # What the browser posts back (ISO from its picker, or what a clerk types) is the same date.
    for typed in ("2023-05-07", "2023/5/7", "2023年5月7日"):
        bound = _make(cls, data=dict.fromkeys(names, typed))
        bound.is_valid()
        for name in names:
            assert name not in bound.errors, (name, typed, bound.errors.get(name))
            assert bound.cleaned_data[name] == STORED


@pytest.mark.parametrize(("cls", "names"), _date_forms())
def test_required_dates_default_to_today(demo_data, cls, names):
    if "Edit" in cls.__name__:
        return  # an edit form shows the record's own dates (the page test below)
    form = _make(cls)
    today = timezone.localdate()
    for name in names:
        if not form.fields[name].required or (cls.__name__, name) in NO_TODAY_DEFAULT:
            continue
        assert f'value="{today:%Y-%m-%d}"' in str(form[name]), (cls.__name__, name)


# -- edit pages of existing records ----------------------------------------------------------------


def _member():
    from unionwork.members.models import Member

    m = Member.objects.restrict(demo_user("gjz_admin")).filter(status="active").order_by("pk").first()
    Member.objects.filter(pk=m.pk).update(joined_on=STORED, phone="13904110000", education="bachelor")
    return m


def _union():
    from unionwork.founding.models import GrassrootsUnion

    u = GrassrootsUnion.objects.restrict(demo_user("gjz_admin")).active().order_by("pk").first()
    GrassrootsUnion.objects.filter(pk=u.pk).update(chairman_elected_on=STORED, chairman_name="王主席")
    return u


def _enterprise():
    from unionwork.founding.models import Enterprise

    return Enterprise.objects.restrict(demo_user("gjz_admin"), "change").order_by("pk").first()


def _account():
    return demo_user("gjz_editor")


def _policy():
    from unionwork.stability.models import ReportingPolicy

    # As an administrator saved it (an empty list there means "the defaults").
    policy = ReportingPolicy.objects.get_or_create(pk=1)[0]
    ReportingPolicy.objects.filter(pk=1).update(reporting_kinds=policy.kinds)
    return policy


def _contract():
    from unionwork.bargaining import actions
    from unionwork.core import audit
    from unionwork.founding.models import Enterprise

    e = Enterprise.objects.restrict(demo_user("gjz_admin")).filter(union__isnull=False).order_by("pk").first()
    with audit.acting_as(None, "test"):
        return actions.record_contract(
            None,
            e.union,
            level="enterprise",
            enterprises=[e],
            title="集体合同",
            kind="wage",
            employer_party=e.name,
            signed_on=STORED,
            term_start=STORED,
            term_end=datetime.date(2026, 5, 6),
            wage_increase="5.5",
            filed_on=STORED,
            filing_department="人社局",
            filing_result="approved",
        )


def _station():
    from unionwork.stations.tests.helpers import eligible_enterprise, kind, station

    kind()
    host, served = eligible_enterprise(), eligible_enterprise()
    return station(host, mode="radiating", radiated=[served], space_m2=80, staff=2, workers_covered=150)


def _draft_document():
    from unionwork.core import audit
    from unionwork.documents import actions
    from unionwork.documents.models import DocumentSeries

    city = unit("2102")
    with audit.acting_as(None, "test"):
        series = DocumentSeries.objects.filter(issuer=city).order_by("pk").first()
        return actions.draft_document(
            None,
            city,
            series=series or actions.add_series(None, city, prefix="样例发"),
            title="样例草稿",
            body="正文",
            main_groups=["district"],
            main_units=[unit("210211001")],
            issue_date=STORED,
        )


def _visits_report():
    from unionwork.core import audit
    from unionwork.visits import actions as visits_actions

    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        return visits_actions.draft_report(gjz, unit("210211"), period_start=STORED, period_end=STORED)


def _building_profile():
    from unionwork.building import actions
    from unionwork.core import audit

    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        return actions.save_profile(
            gjz, unit("210211001"), full_time_cadres=2, subsidy_in_budget=True, subsidy_amount=12000
        )


def _building_campaign():
    from unionwork.building import actions
    from unionwork.core import audit

    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        return actions.save_campaign(
            city, name="表单测试活动", kind="three_a", levels=["A", "AA"], criteria="标准"
        )


def _assessment_draft():
    from unionwork.assessment import demo
    from unionwork.core import audit

    city = demo_user("city_admin")
    with audit.acting_as(city, "test"):
        sections = demo.district_items(2032)[:1]
        return demo.build_scheme(
            city, unit("2102"), year=2032, group="districts", name="表单测试方案", sections=sections
        )


def _assessment_item():
    return _assessment_draft().items.order_by("pk").first()


# URL name of an edit page -> (account that edits, the record, the record to compare after saving)
EDIT_SAMPLES = {
    "members:edit": ("gjz_admin", _member),
    "founding:union-edit": ("gjz_admin", _union),
    "founding:enterprise-edit": ("gjz_admin", _enterprise),
    "orgs:edit": ("gjz_admin", lambda: unit("G0001")),
    "accounts:edit": ("gjz_admin", _account),
    "stability:policy-edit": ("city_admin", _policy),
    "bargaining:contract-edit": ("gjz_admin", _contract),
    "stations:station-edit": ("gjz_admin", _station),
    "documents:edit": ("city_admin", _draft_document),
    "visits:report-edit": ("gjz_admin", _visits_report),
    "building:profile-edit": ("gjz_admin", _building_profile),
    "building:campaign-edit": ("city_admin", _building_campaign),
    "assessment:scheme-edit": ("city_admin", _assessment_draft),
    "assessment:item-edit": ("city_admin", _assessment_item),
}
# Bookkeeping that a save may move without the record changing.
VOLATILE = {"updated_at", "last_login", "password"}


def _edit_routes() -> list[tuple[str, str]]:
    out = []
    for route in page_routes():
        view = getattr(route.pattern.callback, "view_class", None)
        if view is None or not issubclass(view, ActionFormView) or not route.pattern.name:
            continue
        if route.pattern.name.endswith("edit"):
            out.append((route.name, route.route))
    return sorted(out)


def test_every_edit_page_has_a_sample():
    names = {name for name, _route in _edit_routes()}
    assert names, "no edit page found"
    missing = names - EDIT_SAMPLES.keys()
    assert not missing, f"declare a sample record for these edit pages in EDIT_SAMPLES: {missing}"


def _state(obj) -> dict:
    obj = type(obj)._default_manager.get(pk=obj.pk)
    return {k: v for k, v in model_to_dict(obj).items() if k not in VOLATILE}


@pytest.mark.parametrize("name", sorted(EDIT_SAMPLES))
def test_an_edit_page_submitted_unchanged_changes_nothing(client, demo_data, name):
    username, sample = EDIT_SAMPLES[name]
    record = sample()
    client.force_login(demo_user(username))
    url = (
        reverse(name, args=[record.pk]) if "<int:pk>" in dict(_edit_routes()).get(name, "") else reverse(name)
    )
    before = _state(record)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    if name in ("members:edit", "founding:union-edit"):
        assert f'value="{STORED:%Y-%m-%d}"' in html, "the stored date is shown in the form"
    data = form_data(html)
    resp = client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[:3000]
    assert _state(record) == before
