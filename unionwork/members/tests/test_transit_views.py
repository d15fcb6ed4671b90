"""The transfer pages: release (转出) and accept (转入) forms, the list of members in transit and
floating with their age (filters, export), the pending acceptance in the notifications, and a
registration that finds a person in transfer leading to the acceptance."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from unionwork.core import audit
from unionwork.core import notifications as core_notifications
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions, pii
from unionwork.members.models import MemberStatus, Transit, TransitStatus

from .helpers import register

pytestmark = pytest.mark.django_db


def test_release_by_one_district_and_accept_by_another_through_the_pages(client):
    (m,) = register("G0003")
    client.force_login(demo_user("zs_admin"))
    r = client.post(
        reverse("members:release", args=[m.pk]), {"on": timezone.localdate().isoformat(), "note": "调动"}
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    t = Transit.objects.get(member=m)
    assert t.status == TransitStatus.IN_TRANSIT
    page = client.get(reverse("members:transits")).content.decode()
    assert m.name in page and "转出待接收" in page
    # 甘井子区 registers the same ID number: offered, and sent to the acceptance page.
    client.force_login(demo_user("gjz_admin"))
    assert client.get(reverse("members:transit", args=[t.pk])).status_code == 404
    r = client.post(
        reverse("members:add"),
        {
            "name": m.name,
            "id_number": pii.decrypt(m.id_cipher, m.pii_key),
            "employment_form": m.employment_form,
            "union": unit("G0001").pk,
            "joined_on": timezone.localdate().isoformat(),
        },
    )
    assert r.status_code == 302 and r["Location"] == reverse("members:accept", args=[t.pk])
    gjz = demo_user("gjz_admin")
    groups = {g.source.key: g for g in core_notifications.collect(gjz)}
    assert groups["members.pending_acceptances"].count == 1
    page = client.get(r["Location"]).content.decode()
    assert "大连中山演示重工有限公司工会" in page  # the releasing union is named to the receiver
    r = client.post(r["Location"], {"union": unit("G0001").pk, "on": timezone.localdate().isoformat()})
    assert r.status_code == 302, r.content.decode()[:3000]
    m.refresh_from_db()
    assert m.status == MemberStatus.ACTIVE and m.union.code == "G0001"
    assert "members.pending_acceptances" not in {
        g.source.key for g in core_notifications.collect(gjz) if g.count
    }


def test_the_list_shows_the_age_filters_by_it_and_exports(client):
    a, b = register("G0001", 2)
    today = timezone.localdate()
    with audit.acting_as(None, "test"):
        actions.release_member(None, a, on=today - datetime.timedelta(days=40))
        actions.release_member(None, b, on=today - datetime.timedelta(days=5))
    client.force_login(demo_user("gjz_admin"))
    page = client.get(reverse("members:transits") + "?min_age=30").content.decode()
    assert a.name in page and b.name not in page
    r = client.get(reverse("members:transits") + "?export=xlsx")
    assert r.status_code == 200 and "spreadsheetml" in r["Content-Type"]
    # The city sees them too; a viewer gets no release button.
    client.force_login(demo_user("city_admin"))
    assert a.name in client.get(reverse("members:transits")).content.decode()


def test_release_list_and_accept_over_the_api(client):
    from unionwork.core.tests.apiclient import clients

    (m,) = register("G0001")
    api = clients(client)("gjz_admin")
    r = api.post(f"/api/v1/members/{m.pk}/release", {"note": "调动", "destination_id": unit("G0002").pk})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "in_transit" and body["age_days"] == 0 and "*" in body["id_masked"]
    listed = api.get("/api/v1/members/transits", pending="true").json()["items"]
    assert body["id"] in [t["id"] for t in listed]
    r = api.post(f"/api/v1/members/transits/{body['id']}/accept", {"union_id": unit("G0002").pk})
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted" and r.json()["accepted_union_id"] == unit("G0002").pk
    # 中山区 sees none of it.
    zs = clients(client)("zs_admin")
    assert (
        zs.post(f"/api/v1/members/transits/{body['id']}/accept", {"union_id": unit("G0003").pk}).status_code
        == 404
    )


def test_the_transfer_in_page_offers_a_released_member_and_leads_to_the_acceptance(client):
    (m,) = register("G0003")
    with audit.acting_as(None, "test"):
        t = actions.release_member(None, m)
    client.force_login(demo_user("gjz_admin"))
    r = client.post(
        reverse("members:transfer-in"),
        {"id_number": pii.decrypt(m.id_cipher, m.pii_key), "to_union": unit("G0001").pk, "on": "2025-01-02"},
    )
    assert r.status_code == 302 and r["Location"] == reverse("members:accept", args=[t.pk])
    t.refresh_from_db()
    assert t.offered_to == unit("G0001") and t.status == TransitStatus.IN_TRANSIT


def test_moving_a_unit_moves_the_paths_of_its_transfers():
    from unionwork.members import signals

    (m,) = register("G0001")
    with audit.acting_as(None, "test"):
        t = actions.release_member(None, m, destination=unit("G0002"))
    old = unit("210211001").path
    signals.on_subtree_moved(None, old_path=old, new_path="/9999/")
    t.refresh_from_db()
    assert t.from_path.startswith("/9999/") and t.to_path.startswith("/9999/")


def test_a_roster_row_naming_a_member_in_transit_says_how_to_accept_them():
    from unionwork.core.imports.testing import csv_bytes, run_upload
    from unionwork.core.models import ImportJob

    from .test_imports import HEADER, _row

    (m,) = register("G0003")
    with audit.acting_as(None, "test"):
        actions.release_member(None, m)
    rows = [HEADER, _row(m.name, pii.decrypt(m.id_cipher, m.pii_key))]
    job = run_upload(demo_user("gjz_editor"), "members.roster", csv_bytes(rows), filename="名册.csv")
    assert job.status == ImportJob.Status.FAILED
    (issue,) = job.errors
    assert "正在转会途中" in issue["message"] and m.id_masked in issue["message"]
    m.refresh_from_db()
    assert m.status == MemberStatus.IN_TRANSIT
