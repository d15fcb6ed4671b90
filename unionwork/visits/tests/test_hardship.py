"""A household in hardship found on a visit opens a hardship file in the service-station module:
linked, never copied, in one transaction with the file, refused twice, counted once."""

import datetime
import itertools

import pytest
from django.utils import timezone

from unionwork.core import identifiers, indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.stations.indicators import HARDSHIP_OPEN
from unionwork.stations.models import HardshipFile
from unionwork.visits import actions
from unionwork.visits.models import Finding

from .helpers import as_user, demo_user, enterprise_in, visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("module_demos")]

_ids = itertools.count(1)


def id_number() -> str:
    return identifiers.make_id("210211", datetime.date(1981, 7, 9), 500 + next(_ids))


def fields(**kw) -> dict:
    return {
        "name": "困难走访测试",
        "id_number": id_number(),
        "cause": "illness",
        "household_size": 3,
        "monthly_income": 1800,
        "opened_on": timezone.localdate(),
        **kw,
    }


@pytest.fixture
def gjz():
    return demo_user("gjz_admin")


def household_finding(user) -> Finding:
    v = visit(
        user,
        kind="household",
        household_name="困难走访测试",
        household_address="大连市甘井子区某某街道 3 号",
        findings=[{"category": "living", "severity": 3, "text": "爱人重病，家庭收入低"}],
    )
    return v.findings.get()


def test_a_household_finding_opens_a_linked_file_counted_once_at_the_visit_unit(gjz):
    f = household_finding(gjz)
    unit = f.org
    before = indicators.value(HARDSHIP_OPEN, unit).numerator
    number = id_number()
    with as_user(gjz):
        actions.open_hardship_file_from_visit(gjz, f, **fields(id_number=number))
    f.refresh_from_db()
    file = HardshipFile.objects.get(pk=f.hardship_file_id)
    assert file.org_id == unit.pk and file.id_number == number  # sealed by the stations module
    assert indicators.value(HARDSHIP_OPEN, unit).numerator == before + 1
    # Nothing of the ID number is kept in the visit or its finding or their audit.
    for obj in (f, f.visit):
        values = [str(getattr(obj, fld.attname)) for fld in obj._meta.concrete_fields]
        assert not any(number in v or number[-6:] in v for v in values)
    events = list(
        AuditEvent.objects.filter(
            verb="open_hardship_from_finding", model="visits.finding", object_id=str(f.pk)
        )
        | AuditEvent.objects.filter(
            verb="linked_from_visit", model="stations.hardshipfile", object_id=str(file.pk)
        )
    )
    assert sorted(e.verb for e in events) == ["linked_from_visit", "open_hardship_from_finding"]
    assert not any(number in str(e.before) + str(e.after) + e.note for e in events)
    # A second open on the same finding is refused, and the figure stays.
    with as_user(gjz), pytest.raises(ActionError) as exc:
        actions.open_hardship_file_from_visit(gjz, f, **fields())
    assert exc.value.code == "linked"
    assert indicators.value(HARDSHIP_OPEN, unit).numerator == before + 1


def test_a_refusal_by_stations_leaves_neither_file_nor_link(gjz):
    f = household_finding(gjz)
    files = HardshipFile.objects.count()
    with as_user(gjz), pytest.raises(ActionError):
        actions.open_hardship_file_from_visit(gjz, f, **fields(id_number="210211198107090000"))
    with as_user(gjz), pytest.raises(ActionError):
        actions.open_hardship_file_from_visit(gjz, f, **fields(household_size=0))
    f.refresh_from_db()
    assert f.hardship_file_id is None and HardshipFile.objects.count() == files


def test_a_failure_after_the_file_is_opened_rolls_the_file_back(gjz, monkeypatch):
    """The link is written in the transaction of the file: if linking fails, no file stays."""
    f = household_finding(gjz)
    unit = f.org
    files = HardshipFile.objects.count()
    before = indicators.value(HARDSHIP_OPEN, unit).numerator

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Finding, "save", broken)
    with as_user(gjz), pytest.raises(RuntimeError):
        actions.open_hardship_file_from_visit(gjz, f, **fields())
    monkeypatch.undo()
    assert HardshipFile.objects.count() == files
    assert indicators.value(HARDSHIP_OPEN, unit).numerator == before
    f.refresh_from_db()
    assert f.hardship_file_id is None


def test_the_open_file_of_the_same_person_is_linked_not_opened_twice(gjz):
    first, second = household_finding(gjz), household_finding(gjz)
    number = id_number()
    with as_user(gjz):
        actions.open_hardship_file_from_visit(gjz, first, **fields(id_number=number))
    before = indicators.value(HARDSHIP_OPEN, first.org).numerator
    with as_user(gjz):
        actions.open_hardship_file_from_visit(gjz, second, **fields(id_number=number))
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.hardship_file_id == first.hardship_file_id
    assert indicators.value(HARDSHIP_OPEN, first.org).numerator == before


def test_an_enterprise_visit_and_another_district_are_refused(gjz):
    v = visit(
        gjz,
        enterprise=enterprise_in("210211"),
        findings=[{"category": "living", "severity": 1, "text": "食堂差"}],
    )
    with as_user(gjz), pytest.raises(ActionError) as exc:
        actions.open_hardship_file_from_visit(gjz, v.findings.get(), **fields())
    assert exc.value.code == "not_household"
    zs = demo_user("zs_admin")
    f = household_finding(zs)
    files = HardshipFile.objects.count()
    with as_user(gjz), pytest.raises(ActionError):
        actions.open_hardship_file_from_visit(gjz, f, **fields())
    assert HardshipFile.objects.count() == files


def test_the_visit_page_offers_the_form_then_links_the_file(client, gjz):
    f = household_finding(gjz)
    url = f"/visits/findings/{f.pk}/hardship/"
    viewer = demo_user("gjz_viewer")
    client.force_login(viewer)
    page = client.get(f.visit.get_absolute_url()).content.decode()
    assert url not in page  # no change right: no link
    client.force_login(gjz)
    page = client.get(f.visit.get_absolute_url()).content.decode()
    assert url in page and "建立困难职工档案" in page
    form = client.get(url)
    assert (
        form.status_code == 200 and "困难走访测试" in form.content.decode()
    )  # the administrator sees the name
    data = fields()
    data["opened_on"] = data["opened_on"].isoformat()
    r = client.post(url, data)
    assert r.status_code == 302, r.content.decode()
    f.refresh_from_db()
    page = client.get(f.visit.get_absolute_url()).content.decode()
    assert f.hardship_file.get_absolute_url() in page and url not in page
    detail = client.get(f.hardship_file.get_absolute_url()).content.decode()
    assert f"ZF{f.visit_id:06d}" in detail  # the file's history names the visit it came from
