"""Issue 10 point 5: a member active in a union outside the user's scope is not taken in one step."""

import logging

import pytest
from django.urls import reverse

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions, pii
from unionwork.members.models import Membership, MemberStatus

from .helpers import register

pytestmark = pytest.mark.django_db


def test_the_transfer_in_page_refuses_a_member_of_another_district_and_says_what_to_do(client, caplog):
    theirs = register("G0003")[0]  # 中山区
    number = pii.decrypt(theirs.id_cipher, theirs.pii_key)
    client.force_login(demo_user("gjz_admin"))
    with caplog.at_level(logging.WARNING, logger="unionwork.security"):
        r = client.post(
            reverse("members:transfer-in"),
            {"id_number": number, "to_union": unit("G0001").pk, "on": "2025-01-02", "note": ""},
        )
    assert r.status_code == 400
    page = r.content.decode()
    assert "不在您的管辖范围内" in page and "先为其办理转出" in page
    assert "大连中山演示重工有限公司工会" in page
    theirs.refresh_from_db()
    assert theirs.union.code == "G0003" and theirs.status == MemberStatus.ACTIVE
    assert Membership.objects.filter(member=theirs).count() == 1
    assert any(
        "refused transfer-in" in r.getMessage() and "gjz_admin" in r.getMessage() for r in caplog.records
    )


def test_after_the_other_union_releases_the_member_they_are_registered_here(client):
    theirs = register("G0003")[0]
    number = pii.decrypt(theirs.id_cipher, theirs.pii_key)
    zs = demo_user("zs_admin")
    with audit.acting_as(zs, "test"):
        actions.end_membership(zs, theirs, MemberStatus.TRANSFERRED, note="转往甘井子区")
    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        member = actions.register_member(
            gjz, unit("G0001"), name=theirs.name, id_number=number, employment_form=theirs.employment_form
        )
    assert member.pk == theirs.pk and member.union.code == "G0001"
    assert list(Membership.objects.filter(member=member).order_by("pk").values_list("status", flat=True)) == [
        "transferred",
        "active",
    ]


def test_a_transfer_within_the_scope_is_one_step():
    ours = register("G0001")[0]
    gjz = demo_user("gjz_admin")
    other = unit("G0002")
    if not other.path.startswith(gjz.org_path):
        pytest.skip("G0002 is not in the district of gjz_admin in this demo tree")
    with audit.acting_as(gjz, "test"):
        actions.transfer_member(gjz, ours, other)
    ours.refresh_from_db()
    assert ours.union.code == "G0002"
