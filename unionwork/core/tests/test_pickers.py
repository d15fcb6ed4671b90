"""Pickers that scale: one search-as-you-type picker for units, unions, enterprises and members.

Its JSON sources offer only what lies in the user's scope, found by name, pinyin, initials or code;
every form that chooses such a record uses it (found by walking the forms, so a new form is
checked), and each form refuses an id outside the scope even though the picker never offered it.
"""

from __future__ import annotations

import datetime

import pytest
from django import forms

from unionwork.core import audit, pickers
from unionwork.core.forms import PickerField, PickerMultipleField, PickerWidget
from unionwork.founding.models import Enterprise, GrassrootsUnion
from unionwork.members.models import Member
from unionwork.orgs.models import OrgUnit

from .factories import demo_user, unit
from .test_forms import _form_classes, _make

pytestmark = pytest.mark.django_db

# Short lists that are public in the tree and city-wide by design (a few industrial unions), and
# the linked accounts of one unit's leading group: these may stay plain selects.
PLAIN_SELECTS = {
    ("UnitEditForm", "industrial_union"),
    ("UnitCreateForm", "industrial_union"),
    ("FoundUnionForm", "industrial_union"),
    ("UnionEditForm", "industrial_union"),
    ("IndustriesForm", "unit"),
    ("OwnForm", "owner"),
    ("GroupMemberForm", "account"),
    ("AccountabilityForm", "reports"),
    ("AccountabilityForm", "incidents"),
    ("ItemForm", "recipients"),  # a supervised item's recipients: the document's own, as checkboxes
    ("RezoneForm", "units"),  # the units moved: the children of the one unit re-zoned, as checkboxes
}
RECORD_MODELS = (OrgUnit, Member, Enterprise, GrassrootsUnion)


@pytest.fixture
def two_districts():
    """A member, an enterprise and a union in 甘井子区 and in 中山区."""
    from unionwork.founding import actions as founding_actions
    from unionwork.founding.tests import factories as ff
    from unionwork.members import actions as members_actions
    from unionwork.members.tests.helpers import new_id

    city = demo_user("city_admin")
    out = {}
    with audit.acting_as(city, "test"):
        for key, district in (("gjz", "210211"), ("zs", "210202")):
            community = ff.communities(district, 1)[0]
            e = ff.enterprise(community, user=city, name=f"拼音测试{key}机械有限公司", employees=40)
            spare = ff.enterprise(community, user=city, name=f"拼音测试{key}备用有限公司", employees=40)
            union = founding_actions.found_union(city, enterprises=[e], founded_on=datetime.date(2024, 3, 1))
            out[key] = {"enterprise": spare, "union": union, "unit": union.unit}
    with audit.acting_as(None, "test"):
        for key in ("gjz", "zs"):
            out[key]["member"] = members_actions.register_member(
                None, out[key]["unit"], name="欧阳娜娜", id_number=new_id(), employment_form="contract"
            )
    _bargaining_records(city, out)
    _assessment_records(out)
    return out


def _assessment_records(out):
    """A draft scheme of each district's own (a district assessing its streets' federations): the
    assessment module's picker source offers the drafts one may import items into."""
    from unionwork.assessment import actions as assessment_actions

    for key, district, admin in (("gjz", "210211", "gjz_admin"), ("zs", "210202", "zs_admin")):
        with audit.acting_as(demo_user(admin), "test"):
            out[key]["assessment_draft"] = assessment_actions.create_scheme(
                demo_user(admin), unit(district), year=2031, group="districts", name=f"拼音测试{key}考核方案"
            )


def _bargaining_records(city, out):
    """A contract and an instructor of each district: the bargaining module's picker sources."""
    from unionwork.bargaining import actions as bargaining_actions

    with audit.acting_as(city, "test"):
        for key, district in (("gjz", "210211"), ("zs", "210202")):
            e = Enterprise.objects.select_related("union").filter(union=out[key]["unit"]).first()
            out[key]["contract"] = bargaining_actions.record_contract(
                city,
                e.union,
                level="enterprise",
                enterprises=[e],
                title=f"拼音测试{key}集体合同",
                kind="comprehensive",
                employer_party=e.name,
                signed_on=datetime.date(2025, 1, 1),
                term_start=datetime.date(2025, 1, 1),
                term_end=datetime.date(2027, 12, 31),
            )
            out[key]["instructor"] = bargaining_actions.add_instructor(
                city, unit(district), name=f"拼音测试{key}指导员"
            )


def _pick(client, source, q, **params):
    resp = client.get(f"/pick/{source}/", {"q": q, **params})
    assert resp.status_code == 200
    return [(int(r["value"]), r["text"]) for r in resp.json()["results"]]


def test_units_found_by_name_pinyin_initials_and_code(client):
    client.force_login(demo_user("gjz_admin"))
    gjz = unit("210211")
    for q in ("甘井子", "ganjingzi", "gjz", "210211"):
        assert gjz.pk in [pk for pk, _t in _pick(client, "units", q)], q
    # Another district is never offered, however it is asked for.
    zs = unit("210202")
    for q in ("中山", "zhongshan", "zs", "210202"):
        assert zs.pk not in [pk for pk, _t in _pick(client, "units", q)], q


def test_every_source_offers_only_the_scope(client, two_districts):
    client.force_login(demo_user("gjz_admin"))
    mine, theirs = two_districts["gjz"], two_districts["zs"]
    cases = {
        "members": ("欧阳", "oyn", "ouyang"),
        "enterprises": ("拼音测试", "9121"),
        "unions": ("拼音测试", "pycs"),
        "units": ("拼音测试", "pycs"),
        "contracts": ("拼音测试",),
        "instructors": ("拼音测试",),
        "assessment_drafts": ("拼音测试",),
    }
    objects = {
        "members": "member",
        "enterprises": "enterprise",
        "unions": "union",
        "units": "unit",
        "contracts": "contract",
        "instructors": "instructor",
        "assessment_drafts": "assessment_draft",
    }
    assert set(cases) == set(pickers.all_sources()), "a new source needs its scope case here"
    for source, queries in cases.items():
        key = objects[source]
        for q in queries:
            found = [pk for pk, _t in _pick(client, source, q)]
            assert theirs[key].pk not in found, (source, q)
        # The user's own record is found by its name or initials.
        assert mine[key].pk in [
            pk for pk, _t in _pick(client, source, queries[-1 if source == "members" else 0])
        ]
    # A viewer has no right to change anything: a source asked for "change" offers nothing.
    client.force_login(demo_user("gjz_viewer"))
    assert _pick(client, "units", "甘井子", action="change") == []
    client.logout()
    assert client.get("/pick/units/", {"q": "甘井子"}).status_code in (302, 403)


def test_params_narrow_but_never_widen(client):
    client.force_login(demo_user("gjz_admin"))
    found = _pick(client, "units", "", kind="grassroots", max_depth="99")
    assert found and all(OrgUnit.objects.get(pk=pk).kind == "grassroots" for pk, _t in found)
    assert all(OrgUnit.objects.get(pk=pk).path.startswith(unit("210211").path) for pk, _t in found)
    assert client.get("/pick/nothing/").status_code == 404


def test_no_form_offers_a_long_drop_down_of_records(two_districts):
    """Units, unions, enterprises and members are chosen with the picker, never a plain select
    (the fields a form builds in its constructor are checked on an instance)."""
    offenders = []
    for cls in _form_classes():
        try:
            form = _make(cls)
        except (TypeError, AttributeError, KeyError):
            continue  # a form that needs a context this test does not build (rules, a case)
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or (cls.__name__, name) in PLAIN_SELECTS:
                continue
            model = field.queryset.model
            if issubclass(model, RECORD_MODELS) and not isinstance(field.widget, PickerWidget):
                offenders.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert not offenders, offenders


def test_every_picker_refuses_a_record_outside_the_scope(two_districts):
    """The picker never offers it, but a forged id is refused by the form all the same."""
    theirs = two_districts["zs"]
    other = {type(record): record for record in theirs.values()}
    checked = 0
    for cls in _form_classes():
        try:
            form = _make(cls)
        except (TypeError, AttributeError, KeyError):
            continue  # a form that needs a context this test does not build (rules, a case)
        for name, field in form.fields.items():
            if not isinstance(field, PickerField | PickerMultipleField):
                continue
            foreign = other[field.queryset.model]
            value = [str(foreign.pk)] if isinstance(field, PickerMultipleField) else str(foreign.pk)
            with pytest.raises(forms.ValidationError) as exc:
                field.clean(value)
            assert "管辖范围" in str(exc.value), (cls.__name__, name)
            checked += 1
    assert checked >= 10


def test_a_picked_record_in_scope_is_accepted_and_rendered_by_name(two_districts):
    from unionwork.members.forms import MemberForm, TransferForm

    mine = two_districts["gjz"]
    user = demo_user("gjz_admin")
    form = TransferForm(
        user=user, member=mine["member"], data={"to_union": unit("G0001").pk, "on": "2025-01-02"}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["to_union"] == unit("G0001")
    # The current union is not offered (nor accepted) as the destination.
    assert f"exclude={mine['unit'].pk}" in str(form["to_union"])
    form = TransferForm(
        user=user, member=mine["member"], data={"to_union": mine["unit"].pk, "on": "2025-01-02"}
    )
    assert not form.is_valid() and "to_union" in form.errors
    # The rendered select holds only the chosen union (by name), not every union of the district.
    html = str(MemberForm(user=user, initial={"union": mine["unit"].pk})["union"])
    assert html.count("<option") == 2 and mine["unit"].name in html and "data-picker-url" in html


@pytest.mark.parametrize("url", ["/audit/", "/members/list/", "/founding/enterprises/", "/stability/cases/"])
def test_the_unit_filter_of_lists_is_the_picker_and_names_only_units_in_scope(client, url):
    """A list's 所属组织 filter is searched, never typed; the chosen unit is shown by name, and an id
    of another district names nothing (the list is empty rather than confirming the unit)."""
    client.force_login(demo_user("gjz_admin"))
    street = OrgUnit.objects.filter(path__startswith=unit("210211").path, kind="township").first()
    page = client.get(url, {"under": street.pk}).content.decode()
    assert 'name="under"' in page and "data-picker-url" in page.split('name="under"')[1].split(">")[0]
    assert f'<option value="{street.pk}" selected>{pickers.label(street)}' in page
    other = unit("210202")  # 中山区
    page = client.get(url, {"under": other.pk}).content.decode()
    assert other.name not in page
