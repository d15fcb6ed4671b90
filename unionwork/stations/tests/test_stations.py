"""What users of the service stations depend on: eligibility by a versioned rule, coverage (also
through a radiating station), the card check, relief approval, roll-ups equal to plain counts."""

import datetime

import pytest
from django.utils import timezone

from unionwork.core import indicators
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent
from unionwork.founding.models import Enterprise
from unionwork.members import actions as members_actions
from unionwork.stability.models import Case, CaseKind
from unionwork.stations import actions, queries
from unionwork.stations import indicators as ind
from unionwork.stations.models import HardshipFile, ReliefStatus

from .helpers import (
    CHAIN,
    as_user,
    community,
    demo_user,
    eligible_enterprise,
    id_number,
    kind,
    member_with_card,
    station,
    unit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def fig(key, code="210211001001"):
    f = indicators.value(key, unit(code))
    return f.numerator, f.denominator


def assert_rollup_is_plain_aggregate(keys=(ind.COVERAGE, ind.WORKERS, ind.SERVICES, ind.CARD_USES)):
    """The kept figure of every level equals the plain aggregate over its subtree."""
    for key in keys:
        for code in CHAIN:
            live = indicators.live_totals(key, unit(code).path)
            assert fig(key, code) == (live.numerator, live.denominator), (key, code)


@pytest.fixture(autouse=True)
def baseline():
    with as_user(None):
        for key in (
            ind.COVERAGE,
            ind.WORKERS,
            ind.SERVICES,
            ind.CARD_USES,
            ind.HARDSHIP_OPEN,
            ind.RELIEF_PAID,
        ):
            indicators.rebuild(key)


# -- eligibility ---------------------------------------------------------------------------------


def test_rule_versions_apply_from_their_effective_date():
    e = eligible_enterprise(employees=150)
    today = TODAY()
    later = today + datetime.timedelta(days=10)
    with as_user(None):
        actions.set_eligibility_rule(None, min_employees=200, requires_union=True, effective_from=today)
        actions.set_eligibility_rule(None, min_employees=100, requires_union=True, effective_from=later)
    assert queries.rule_for(today).min_employees == 200
    assert queries.rule_for(later).min_employees == 100
    assert queries.rule_for(later - datetime.timedelta(days=1)).min_employees == 200
    eligible_on = lambda d: Enterprise.objects.filter(queries.eligible_q(on=d), pk=e.pk).exists()  # noqa: E731
    assert not eligible_on(today)
    assert eligible_on(later)
    # The page explains it in words.
    assert "不足 200 人" in queries.eligibility_of(e, today).reason
    assert "因已建会且职工 ≥ 100 人" in queries.eligibility_of(e, later).reason
    # A rule in force today recounted every level at once: the enterprise is out of the denominator.
    assert_rollup_is_plain_aggregate([ind.COVERAGE])
    assert AuditEvent.objects.filter(verb="set_eligibility_rule").count() == 2


def test_a_rule_cannot_rewrite_the_past_nor_be_set_below_the_city():
    with as_user(None), pytest.raises(ActionError, match="不能早于今天"):
        actions.set_eligibility_rule(
            None, min_employees=10, requires_union=True, effective_from=TODAY() - datetime.timedelta(days=1)
        )
    gjz = demo_user("gjz_admin")
    with as_user(gjz), pytest.raises(ActionError, match="市总工会管理员"):
        actions.set_eligibility_rule(gjz, min_employees=10, requires_union=True, effective_from=TODAY())


def test_union_founded_later_is_eligible_only_from_its_founding_date():
    e = eligible_enterprise(employees=300, founded=TODAY())
    assert Enterprise.objects.filter(queries.eligible_q(on=TODAY()), pk=e.pk).exists()
    assert not Enterprise.objects.filter(
        queries.eligible_q(on=TODAY() - datetime.timedelta(days=1)), pk=e.pk
    ).exists()
    small = eligible_enterprise(employees=20)
    assert "不足 100 人" in queries.eligibility_of(small).reason
    no_union = eligible_enterprise(employees=500, union=False)
    assert "尚未建立工会" in queries.eligibility_of(no_union).reason


def test_communities_are_always_eligible():
    before = fig(ind.COVERAGE)
    assert before[1] >= 1  # the community itself
    station(None, host_kind="community", org=community())
    assert fig(ind.COVERAGE) == (before[0] + 1, before[1])
    assert_rollup_is_plain_aggregate([ind.COVERAGE])


# -- coverage ------------------------------------------------------------------------------------


def test_coverage_through_a_radiating_station():
    host, served = eligible_enterprise(), eligible_enterprise()
    recount()
    n0, d0 = fig(ind.COVERAGE)
    s = station(host, mode="radiating", radiated=[served], workers_covered=400)
    assert fig(ind.COVERAGE) == (n0 + 2, d0)
    assert fig(ind.WORKERS, "210211")[0] >= 400
    assert not queries.missing(demo_user("gjz_admin")).filter(pk__in=[host.pk, served.pk]).exists()
    assert queries.eligibility_of(served).covered
    assert_rollup_is_plain_aggregate()
    # Suspended, it covers nobody; the history keeps the change.
    with as_user(None):
        actions.change_station_status(None, s, status="suspended", on=TODAY(), reason="装修")
    assert fig(ind.COVERAGE) == (n0, d0)
    assert s.history.count() == 2
    assert_rollup_is_plain_aggregate()


def test_only_a_radiating_station_radiates():
    host, served = eligible_enterprise(), eligible_enterprise()
    with pytest.raises(ActionError, match="只有辐射服务站"):
        station(host, mode="comprehensive", radiated=[served])


def test_missing_list_is_the_gap_of_the_figure():
    covered, _gap = eligible_enterprise(), eligible_enterprise()
    # Unions founded in the register reach the figure with the daily recount (founding sends no signal).
    recount()
    station(covered)
    user = demo_user("gjz_admin")
    street = unit("210211001")
    n, d = fig(ind.COVERAGE, "210211001")
    missing = queries.missing(user).filter(community__path__startswith=street.path).count()
    communities = queries.missing_communities(user).filter(path__startswith=street.path).count()
    assert missing + communities == d - n


def test_missing_list_is_the_same_whether_its_ids_are_picked_first_or_not(monkeypatch):
    """The work list picks its ids first (fast at city scale); a longer list than it picks is the
    plain query: both give the same enterprises, in the page's order, for each kind of scope."""
    eligible_enterprise(), eligible_enterprise()
    recount()
    for name in ("gjz_admin", "jx_admin", "city_admin"):
        user = demo_user(name)
        picked = list(queries.missing(user).order_by("community__path", "pk").values_list("pk", flat=True))
        monkeypatch.setattr(queries, "MISSING_PICKED", 0)
        plain = list(queries.missing(user).order_by("community__path", "pk").values_list("pk", flat=True))
        monkeypatch.undo()
        assert picked == plain, name
    assert picked  # the city has enterprises still without a station


def recount():
    from django.test import override_settings

    from unionwork.core import schedule

    job = next(j for j in schedule.jobs() if j.key == "stations.recount")
    immediate = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    with override_settings(TASKS=immediate):
        job.task.enqueue(timezone.now().isoformat())


def test_the_daily_recount_follows_the_founding_register():
    n0, d0 = fig(ind.COVERAGE)
    eligible_enterprise()  # a union founded in the founding module: no bump here
    assert fig(ind.COVERAGE) == (n0, d0)
    recount()
    assert fig(ind.COVERAGE) == (n0, d0 + 1)


# -- service log ----------------------------------------------------------------------------------


def test_a_card_shown_is_checked_and_counted_and_a_cancelled_card_is_refused():
    e = eligible_enterprise()
    s = station(e)
    k = kind()
    card = member_with_card(e.union)
    cards0, services0 = fig(ind.CARD_USES)[0], fig(ind.SERVICES)[0]
    with as_user(None):
        rec = actions.log_service(None, s, kind=k, on=TODAY(), people=1, card_number=card.number)
    assert rec.card_id == card.pk
    assert fig(ind.CARD_USES)[0] == cards0 + 1 and fig(ind.SERVICES)[0] == services0 + 1
    with as_user(None):
        members_actions.change_card(None, card, "cancel", note="退会")
        with pytest.raises(ActionError, match="已注销，不能使用"):
            actions.log_service(None, s, kind=k, on=TODAY(), people=1, card_number=card.number)
        with pytest.raises(ActionError, match="14 位"):
            actions.log_service(None, s, kind=k, on=TODAY(), people=1, card_number="12345")
    assert fig(ind.CARD_USES)[0] == cards0 + 1
    assert_rollup_is_plain_aggregate([ind.SERVICES, ind.CARD_USES])


# -- relief ---------------------------------------------------------------------------------------


def _file(user=None, **kw):
    with as_user(user):
        return actions.open_hardship_file(
            user,
            kw.pop("org", community()),
            name="困难测试",
            id_number=kw.pop("id_number", id_number()),
            cause="illness",
            household_size=3,
            monthly_income=1800,
            opened_on=TODAY(),
        )


def test_relief_above_the_amount_counts_as_paid_only_when_approved():
    f = _file()
    assert f.level == "special"  # 600 a head, below 800
    paid0 = fig(ind.RELIEF_PAID)[0]
    editor, reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    with as_user(editor):
        small = actions.give_relief(editor, f, kind="warmth", on=TODAY(), amount=500, fund_source="union")
        big = actions.give_relief(
            editor, f, kind="medical", on=TODAY(), amount=5000, fund_source="government"
        )
    assert small.status == ReliefStatus.PAID and big.status == ReliefStatus.PENDING
    assert fig(ind.RELIEF_PAID)[0] == paid0 + 500
    with as_user(reviewer):
        actions.decide_relief(reviewer, big, approve=True)
    assert fig(ind.RELIEF_PAID)[0] == paid0 + 5500
    totals = queries.hardship_totals(reviewer, unit("210211"))
    assert totals["by_source"]["government"][1] == 5000
    assert totals["by_cause"]["illness"] == (2, 5500)
    assert_rollup_is_plain_aggregate([ind.RELIEF_PAID, ind.HARDSHIP_OPEN])


def test_a_data_clerk_cannot_approve_relief():
    f = _file()
    admin = demo_user("gjz_admin")
    with as_user(admin):
        big = actions.give_relief(admin, f, kind="cash", on=TODAY(), amount=9000, fund_source="union")
    clerk = demo_user("gjz_editor")
    with as_user(clerk), pytest.raises(ActionError):
        actions.decide_relief(clerk, big, approve=True)


def test_the_hardship_id_is_kept_as_the_member_register_keeps_it():
    number = id_number()
    f = _file(id_number=number)
    stored = HardshipFile.objects.get(pk=f.pk)
    assert number.encode() not in bytes(stored.id_cipher)
    assert number not in stored.id_hash
    assert stored.id_masked.startswith(number[:2]) and number[2:-1] not in stored.id_masked
    # The same person cannot have two open files.
    with pytest.raises(ActionError, match="已有在档"):
        _file(id_number=number)
    admin, clerk = demo_user("gjz_admin"), demo_user("gjz_editor")
    with as_user(clerk), pytest.raises(ActionError, match="只有管理员"):
        actions.reveal_hardship_id(clerk, stored)
    with as_user(admin):
        assert actions.reveal_hardship_id(admin, stored) == number
    assert AuditEvent.objects.filter(
        verb="view_pii", object_id=str(f.pk), model="stations.hardshipfile"
    ).exists()
    # Annual review: closing takes it off the open count.
    open0 = fig(ind.HARDSHIP_OPEN)[0]
    with as_user(admin):
        actions.review_hardship(admin, stored, keep=False, on=TODAY(), note="已就业")
    assert fig(ind.HARDSHIP_OPEN)[0] == open0 - 1


# -- rights ---------------------------------------------------------------------------------------


def test_a_rights_matter_that_becomes_a_dispute_opens_one_linked_stability_case():
    admin = demo_user("gjz_admin")
    with as_user(admin):
        c = actions.record_consultation(
            admin,
            community(),
            kind="legal_aid",
            worker_name="张维权",
            issue="拖欠三个月工资",
            received_on=TODAY(),
        )
        c = actions.consultation_to_case(admin, c, title="张维权欠薪诉求")
    case = Case.objects.get(pk=c.case_id)
    assert case.kind == CaseKind.GRIEVANCE and case.claimant == "张维权" and case.org_id == community().pk
    assert c.status == "case"
    with as_user(admin), pytest.raises(ActionError):
        actions.consultation_to_case(admin, c, title="再次")


def test_scope_is_held_by_the_actions():
    zs = demo_user("zs_admin")
    e = eligible_enterprise()
    with as_user(zs), pytest.raises(ActionError, match="管辖范围"):
        actions.open_station(
            zs, name="越权", host_kind="enterprise", enterprise=e, mode="comprehensive", opened_on=TODAY()
        )
