"""Re-zoning: many streets under a new parent at once, previewed, one audited action."""

import pytest

from unionwork.core import audit, indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.core.tests.factories import demo_user, unit
from unionwork.orgs import actions, queries
from unionwork.orgs.indicators import GRASSROOTS_UNITS
from unionwork.orgs.models import OrgEvent, OrgKind, OrgLink, OrgUnit, Rezoning

pytestmark = pytest.mark.django_db
KEY = GRASSROOTS_UNITS.key


@pytest.fixture
def city_admin():
    user = demo_user("city_admin")
    with audit.acting_as(user, "test"):
        yield user


def test_rezoning_a_districts_streets_into_a_new_zone(city_admin):
    city, gjz = unit("2102"), unit("210211")
    streets = list(OrgUnit.objects.filter(parent=gjz, kind=OrgKind.TOWNSHIP).order_by("code")[:4])
    for i, s in enumerate(streets):
        community = s.children.first()
        for k in range(i + 1):
            actions.create_unit(
                city_admin, parent=community, name=f"区划演示工会{i}-{k}", kind=OrgKind.GRASSROOTS
            )
    zone = actions.create_unit(city_admin, parent=city, name="演示新区总工会", kind=OrgKind.ZONE)
    gjz.refresh_from_db()
    before = {u.pk: indicators.value(KEY, u).numerator for u in (city, gjz, zone)}
    moved = sum(indicators.value(KEY, s).numerator for s in streets)
    preview = queries.rezoning_preview(city_admin, streets, zone)
    assert [r.unit.pk for r in preview.rows] == [s.pk for s in streets]
    (old,) = preview.parents
    assert old.unit.pk == gjz.pk
    assert old.numerators()[KEY] == (before[gjz.pk], before[gjz.pk] - moved)
    assert preview.new_parent.numerators()[KEY] == (0, moved)
    assert preview.rows[-1].figures[KEY].numerator == 4

    rz = actions.rezone(city_admin, streets, zone, reason="设立新区")
    assert rz.status == Rezoning.Status.DONE and rz.done == rz.total == 4
    for s in streets:
        s.refresh_from_db()
        assert s.parent_id == zone.pk and s.path.startswith(zone.path)
        assert (
            OrgUnit.objects.filter(path__startswith=s.path).count()
            == OrgUnit.objects.filter(path__startswith=s.path).filter(path__startswith=zone.path).count()
        )
        assert OrgEvent.objects.filter(unit=s, kind=OrgEvent.Kind.MOVED).count() == 1
        assert OrgLink.objects.get(unit=s, kind="territorial", valid_to=None).parent_id == zone.pk
    gjz.refresh_from_db()
    zone.refresh_from_db()
    assert indicators.value(KEY, gjz).numerator == before[gjz.pk] - moved
    assert indicators.value(KEY, zone).numerator == moved
    assert indicators.value(KEY, city).numerator == before[city.pk]
    assert indicators.live_totals(KEY, zone.path).numerator == moved
    # One audited action (the re-zoning, with its reason), plus one move per street.
    assert AuditEvent.objects.filter(model="orgs.rezoning", object_id=str(rz.pk), verb="rezone").count() == 1
    assert AuditEvent.objects.filter(model="orgs.orgunit", verb="move", note="设立新区").count() == 4


def test_a_rezoning_is_refused_as_a_move_would_be():
    gjz_admin = demo_user("gjz_admin")
    with audit.acting_as(gjz_admin, "test"):
        street = unit("210211001")
        with pytest.raises(ActionError):  # into another district: outside the district's scope
            actions.rezone(gjz_admin, [street], unit("210204"), reason="越权")
        with pytest.raises(ActionError):  # no reason
            actions.rezone(gjz_admin, [street], unit("210211"), reason=" ")
        with pytest.raises(ActionError):  # a street and its own community: nested
            actions.rezone(
                gjz_admin, [unit("210211002"), unit("210211002001")], unit("210211001"), reason="x"
            )
    assert not Rezoning.objects.exists()


def test_preview_then_confirm_through_the_pages(client):
    user = demo_user("gjz_admin")
    street = unit("210211001")
    target = unit("210211002")
    communities = list(street.children.order_by("code")[:2])
    client.force_login(user)
    form = client.get(f"/orgs/{street.pk}/rezone/")
    assert form.status_code == 200 and communities[0].name in form.content.decode()
    resp = client.post(
        f"/orgs/{street.pk}/rezone/",
        {"units": [c.pk for c in communities], "new_parent": target.pk, "reason": "社区调整"},
    )
    rz = Rezoning.objects.get()
    assert resp.status_code == 302 and resp["Location"] == f"/orgs/rezonings/{rz.pk}/"
    assert all(OrgUnit.objects.get(pk=c.pk).parent_id == street.pk for c in communities)  # nothing moved yet
    page = client.get(resp["Location"]).content.decode()
    assert communities[1].name in page and target.name in page and "确认执行区划调整" in page
    done = client.post(f"/orgs/rezonings/{rz.pk}/confirm/")
    assert done.status_code == 302
    rz.refresh_from_db()
    assert rz.status == Rezoning.Status.DONE and rz.done == 2
    assert all(OrgUnit.objects.get(pk=c.pk).parent_id == target.pk for c in communities)
    # Confirmed twice: refused, nothing moves again.
    client.post(f"/orgs/rezonings/{rz.pk}/confirm/")
    assert OrgEvent.objects.filter(unit__in=communities, kind=OrgEvent.Kind.MOVED).count() == 2
    assert "确认执行区划调整" not in client.get(f"/orgs/rezonings/{rz.pk}/").content.decode()


def test_a_large_rezoning_runs_as_a_task_batch_by_batch(city_admin, monkeypatch):
    """More units than REZONE_INLINE_MAX: confirmed, it is handed to the background task (run at
    once by the test backend), which moves a batch per transaction and counts its progress."""
    street = unit("210211001")
    target = unit("210211002")
    communities = list(street.children.filter(status="active").order_by("code"))
    monkeypatch.setattr(actions, "REZONE_INLINE_MAX", 3)
    monkeypatch.setattr(actions, "REZONE_BATCH", 4)
    monkeypatch.setattr(actions, "_in_outer_transaction", lambda: False)
    progress = []
    real_move = actions._move

    def move(unit_, new_parent, reason, on):
        progress.append(Rezoning.objects.get().done)
        return real_move(unit_, new_parent, reason, on)

    monkeypatch.setattr(actions, "_move", move)
    rz = actions.rezone(city_admin, communities, target, reason="批量调整")
    assert rz.status == Rezoning.Status.DONE and rz.done == rz.total == len(communities) > 4
    # The count of units done grows batch by batch (4 at a time).
    assert progress == [4 * (i // 4) for i in range(len(communities))]
    assert not OrgUnit.objects.filter(parent=street, status="active").exists()
    moves = AuditEvent.objects.filter(model="orgs.orgunit", verb="move", note="批量调整")
    assert moves.count() == len(communities)
