"""Issue 12 item 2: a transfer is a handshake (转出, then 转入); members in transit are counted in
neither union but at the releasing union's district; a release not accepted in time hands the
member to the street union above as a floating member (流动会员); a registration that finds a
person in transfer offers them to its union instead of refusing."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from unionwork.core import audit, indicators
from unionwork.core.errors import ActionError
from unionwork.core.tests.factories import demo_user, unit
from unionwork.members import actions, pii, queries
from unionwork.members.indicators import (
    ACTIVE_KEY,
    COVERAGE_KEY,
    FLOATING_KEY,
    IN_TRANSIT_KEY,
    INACTIVE_KEY,
    rebuild_all,
)
from unionwork.members.models import Membership, MemberStatus, Transit, TransitStatus

from .helpers import register

pytestmark = pytest.mark.django_db
KEYS = (ACTIVE_KEY, COVERAGE_KEY, INACTIVE_KEY, IN_TRANSIT_KEY, FLOATING_KEY)
CODES = ("G0001", "G0002", "G0003", "210211001", "210211", "210202", "2102", "I01")


@pytest.fixture(autouse=True)
def counted():
    with audit.acting_as(None, "test"):
        rebuild_all()


def agree():
    """Every kept figure equals a plain count over the register (the indicator's live_subtree)."""
    for key in KEYS:
        for code in CODES:
            u = unit(code)
            fig, live = indicators.value(key, u), indicators.live_totals(key, u.path)
            assert (fig.numerator, fig.denominator) == (live.numerator, live.denominator), (key, code)


def n(key, code) -> int:
    return indicators.value(key, unit(code)).numerator


def number_of(member) -> str:
    return pii.decrypt(member.id_cipher, member.pii_key)


def test_release_then_another_district_registers_is_offered_and_accepts():
    (theirs,) = register("G0003")  # 中山区
    zs, gjz = demo_user("zs_admin"), demo_user("gjz_admin")
    before = {(k, c): n(k, c) for k in (ACTIVE_KEY, IN_TRANSIT_KEY) for c in CODES}
    with audit.acting_as(zs, "test"):
        transit = actions.release_member(zs, theirs, note="调往甘井子区")
    theirs.refresh_from_db()
    assert theirs.status == MemberStatus.IN_TRANSIT
    # Counted in neither union, but at the releasing union's district (and the city).
    assert n(ACTIVE_KEY, "G0003") == before[ACTIVE_KEY, "G0003"] - 1
    assert n(ACTIVE_KEY, "2102") == before[ACTIVE_KEY, "2102"] - 1
    assert n(IN_TRANSIT_KEY, "210202") == before[IN_TRANSIT_KEY, "210202"] + 1
    assert n(IN_TRANSIT_KEY, "2102") == before[IN_TRANSIT_KEY, "2102"] + 1
    assert n(IN_TRANSIT_KEY, "G0003") == 0  # not below the district
    assert n(IN_TRANSIT_KEY, "210211") == before[IN_TRANSIT_KEY, "210211"]
    agree()
    # 甘井子区 does not see it yet; registering the ID number offers the member to G0001.
    assert not queries.pending_acceptances(gjz).filter(pk=transit.pk).exists()
    with audit.acting_as(gjz, "test"):
        got = actions.register_member(
            gjz,
            unit("G0001"),
            name=theirs.name,
            id_number=number_of(theirs),
            employment_form=theirs.employment_form,
        )
    assert got.pk == theirs.pk and got.status == MemberStatus.IN_TRANSIT  # offered, not taken
    assert queries.pending_acceptances(gjz).filter(pk=transit.pk).exists()
    with audit.acting_as(gjz, "test"):
        actions.accept_member(gjz, theirs, unit("G0001"))
    theirs.refresh_from_db()
    assert theirs.status == MemberStatus.ACTIVE and theirs.union.code == "G0001"
    assert n(ACTIVE_KEY, "G0001") == before[ACTIVE_KEY, "G0001"] + 1
    assert n(ACTIVE_KEY, "2102") == before[ACTIVE_KEY, "2102"]
    assert n(IN_TRANSIT_KEY, "210202") == before[IN_TRANSIT_KEY, "210202"]
    assert list(Membership.objects.filter(member=theirs).order_by("pk").values_list("status", "source")) == [
        ("transferred", "form"),
        ("active", "transfer"),
    ]
    transit.refresh_from_db()
    assert transit.status == TransitStatus.ACCEPTED and transit.accepted_union.code == "G0001"
    agree()


def test_a_named_destination_sees_the_pending_acceptance_and_only_it_accepts():
    (m,) = register("G0003")
    zs, gjz = demo_user("zs_admin"), demo_user("gjz_admin")
    with audit.acting_as(zs, "test"):
        transit = actions.release_member(zs, m, destination=unit("G0001"))
    assert queries.pending_acceptances(gjz).filter(pk=transit.pk).exists()
    assert queries.transits(gjz).filter(pk=transit.pk).exists()
    if unit("G0002").path.startswith(gjz.org_path):
        with audit.acting_as(gjz, "test"), pytest.raises(ActionError) as exc:
            actions.accept_member(gjz, m, unit("G0002"))
        assert exc.value.code == "other_destination"
    with audit.acting_as(gjz, "test"):
        actions.accept_member(gjz, m, unit("G0001"))
    m.refresh_from_db()
    assert m.union.code == "G0001"


def test_a_union_outside_the_transfer_cannot_accept():
    (m,) = register("G0003")
    zs, gjz = demo_user("zs_admin"), demo_user("gjz_admin")
    with audit.acting_as(zs, "test"):
        actions.release_member(zs, m)
    with audit.acting_as(gjz, "test"), pytest.raises(ActionError) as exc:
        actions.accept_member(gjz, m, unit("G0001"))
    assert exc.value.code == "out_of_scope"
    m.refresh_from_db()
    assert m.status == MemberStatus.IN_TRANSIT


def test_accepting_before_the_release_date_or_twice_is_refused():
    (m,) = register("G0001")
    gjz = demo_user("gjz_admin")
    today = timezone.localdate()
    with audit.acting_as(gjz, "test"):
        actions.release_member(gjz, m, on=today - datetime.timedelta(days=3))
        with pytest.raises(ActionError):
            actions.accept_member(gjz, m, unit("G0002"), on=today - datetime.timedelta(days=4))
        actions.accept_member(gjz, m, unit("G0002"), on=today)
        with pytest.raises(ActionError) as exc:
            actions.accept_member(gjz, m, unit("G0002"))
    assert exc.value.code == "not_in_transit"


@pytest.mark.parametrize(("days", "floating"), [(89, False), (90, False), (91, True)])
def test_the_hand_over_to_the_street_at_the_boundary_of_the_default_90_days(days, floating):
    (m,) = register("G0001")
    gjz = demo_user("gjz_admin")
    today = timezone.localdate()
    street = unit("210211001")
    with audit.acting_as(gjz, "test"):
        transit = actions.release_member(gjz, m, on=today - datetime.timedelta(days=days))
    active_street, floating_street = n(ACTIVE_KEY, "210211001"), n(FLOATING_KEY, "210211001")
    assert actions.street_of(unit("G0001")) == street
    with audit.acting_as(None, "test"):
        handed = actions.hand_over_floating(today)
        again = actions.hand_over_floating(today)  # idempotent: a second run changes nothing
    assert again == 0
    m.refresh_from_db()
    transit.refresh_from_db()
    if floating:
        assert handed >= 1
        assert m.status == MemberStatus.FLOATING and m.union == street
        assert transit.status == TransitStatus.FLOATING and transit.holder == street
        assert n(ACTIVE_KEY, "210211001") == active_street + 1  # counted at the street
        assert n(FLOATING_KEY, "210211001") == floating_street + 1
        assert n(FLOATING_KEY, "G0001") == 0
    else:
        assert m.status == MemberStatus.IN_TRANSIT and transit.status == TransitStatus.IN_TRANSIT
        assert n(ACTIVE_KEY, "210211001") == active_street
    agree()


@override_settings(UNIONWORK_TRANSIT_HANDOVER_DAYS=10)
def test_the_hand_over_time_is_a_setting():
    (m,) = register("G0001")
    today = timezone.localdate()
    with audit.acting_as(None, "test"):
        actions.release_member(None, m, on=today - datetime.timedelta(days=11))
        assert actions.hand_over_floating(today) >= 1
    m.refresh_from_db()
    assert m.status == MemberStatus.FLOATING


def test_a_floating_member_is_claimed_by_any_union_that_registers_them():
    (m,) = register("G0003")
    zs, gjz = demo_user("zs_admin"), demo_user("gjz_admin")
    today = timezone.localdate()
    with audit.acting_as(zs, "test"):
        transit = actions.release_member(zs, m, on=today - datetime.timedelta(days=120))
    with audit.acting_as(None, "test"):
        actions.hand_over_floating(today)
    # The street of 中山区 keeps them; it sees them, 甘井子区 does not.
    assert queries.transits(zs).filter(pk=transit.pk, status=TransitStatus.FLOATING).exists()
    assert not queries.transits(gjz).filter(pk=transit.pk).exists()
    with audit.acting_as(gjz, "test"):
        actions.register_member(
            gjz, unit("G0001"), name=m.name, id_number=number_of(m), employment_form=m.employment_form
        )
        actions.accept_member(gjz, m, unit("G0001"))
    m.refresh_from_db()
    assert m.status == MemberStatus.ACTIVE and m.union.code == "G0001"
    agree()


def test_the_direct_transfer_is_a_release_and_an_acceptance_in_one_step():
    (m,) = register("G0001")
    with audit.acting_as(None, "test"):
        actions.transfer_member(None, m, unit("G0002"))
    t = Transit.objects.get(member=m)
    assert t.status == TransitStatus.ACCEPTED and t.from_union.code == "G0001"
    assert t.accepted_union.code == "G0002" and t.released_on == t.accepted_on
    agree()


def test_a_release_is_audited_and_refused_for_a_member_not_active():
    (m,) = register("G0001")
    gjz = demo_user("gjz_admin")
    with audit.acting_as(gjz, "test"):
        actions.release_member(gjz, m)
        with pytest.raises(ActionError) as exc:
            actions.release_member(gjz, m)
    assert exc.value.code == "not_active"
    from unionwork.core.models import AuditEvent

    assert AuditEvent.objects.filter(model="members.member", object_id=str(m.pk), verb="release").exists()
