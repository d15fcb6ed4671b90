"""The stability indicators: kept at once by the actions, equal to a rebuild and to the live count."""

import datetime

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unionwork.core import indicators
from unionwork.core.models import IndicatorValue
from unionwork.orgs import actions as org_actions
from unionwork.orgs.models import OrgKind
from unionwork.stability import actions
from unionwork.stability.indicators import INCIDENTS_ON_TIME, OPEN_CASES

from .helpers import as_user, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db

KEYS = (OPEN_CASES.key, INCIDENTS_ON_TIME.key)
# A community, its township, its district, the city; and a unit linked to an industrial union.
CHAIN = ("210211001001", "210211001", "210211", "2102")
OTHER = "210202"


def figures(codes) -> dict:
    return {
        (key, code): (f.numerator, f.denominator)
        for key in KEYS
        for code in codes
        for f in [indicators.value(key, unit(code))]
    }


def delta(before: dict, after: dict) -> dict:
    return {k: (after[k][0] - before[k][0], after[k][1] - before[k][1]) for k in before}


def close(case):
    """Take a case to its end: assessed, owned, resolved by the district, verified by its reviewer."""
    admin, reviewer = demo_user("gjz_admin"), demo_user("gjz_reviewer")
    with as_user(admin):
        if case.state in ("reported", "escalated"):
            actions.assess_case(admin, case, assessment="属实")
        actions.own_case(admin, case, owner=admin)
        actions.resolve_case(admin, case, resolution="agreement", note="达成协议")
    with as_user(reviewer):
        actions.verify_case(reviewer, case, note="回访确认")


def late() -> dict:
    return {"learned_at": timezone.now() - datetime.timedelta(hours=30)}  # general: 24 hours


def assert_consistent(codes):
    """Every node's stored figure equals the live count, and a rebuild changes no figure."""
    for key in KEYS:
        for code in codes:
            node = unit(code)
            stored, live = indicators.value(key, node), indicators.live_totals(key, node.path)
            assert (stored.numerator, stored.denominator) == (live.numerator, live.denominator), (key, code)
        month = indicators.month_of()
        rows = IndicatorValue.objects.filter(indicator=key, month=month)
        bumped = {r.unit_id: (r.numerator, r.denominator) for r in rows if r.numerator or r.denominator}
        indicators.rebuild(key)
        rebuilt = {
            r.unit_id: (r.numerator, r.denominator) for r in rows.all() if r.numerator or r.denominator
        }
        assert bumped == rebuilt, key


def test_a_change_shows_at_once_at_every_level():
    gjz = demo_user("gjz_admin")
    codes = (*CHAIN, OTHER)
    community = unit(CHAIN[0])

    before = figures(codes)
    on_time = new_incident(gjz, community)
    up = delta(before, figures(codes))
    for code in CHAIN:
        assert up[(OPEN_CASES.key, code)] == (1, 0), code
        assert up[(INCIDENTS_ON_TIME.key, code)] == (1, 1), code
    assert up[(OPEN_CASES.key, OTHER)] == up[(INCIDENTS_ON_TIME.key, OTHER)] == (0, 0)

    # Late and concealed incidents count in the denominator only; each opens a case.
    before = figures(codes)
    new_incident(gjz, community, **late())
    new_incident(gjz, community, concealed=True)
    with as_user(gjz):
        actions.open_grievance_case(gjz, community, title="讨薪", claimant="张某", description="欠薪两月")
    up = delta(before, figures(codes))
    for code in CHAIN:
        assert up[(OPEN_CASES.key, code)] == (3, 0), code
        assert up[(INCIDENTS_ON_TIME.key, code)] == (0, 2), code

    # Verifying a case closes it at every level at once; the incident figure stays.
    before = figures(codes)
    close(on_time.case)
    down = delta(before, figures(codes))
    for code in CHAIN:
        assert down[(OPEN_CASES.key, code)] == (-1, 0), code
        assert down[(INCIDENTS_ON_TIME.key, code)] == (0, 0), code
    assert_consistent(codes)


def test_an_escalated_case_stays_counted_where_it_arose():
    c_admin = demo_user("gjz_admin")
    case = new_incident(c_admin, unit(CHAIN[0])).case
    before = figures(CHAIN)
    with as_user(c_admin):
        actions.escalate_case(c_admin, case, note="本级无力化解")
        actions.escalate_case(c_admin, case, note="再上报")
    case.refresh_from_db()
    assert case.handling_org == unit("210211")
    assert figures(CHAIN) == before
    close(case)
    assert delta(before, figures(CHAIN))[(OPEN_CASES.key, CHAIN[0])] == (-1, 0)
    assert_consistent(CHAIN)


def test_amendments_change_no_figure_and_a_linked_unit_counts_for_its_industrial_union():
    gjz = demo_user("gjz_admin")
    codes = (*CHAIN, "I01", "G0001")
    before = figures(codes)
    incident = new_incident(gjz, unit("G0001"), **late())
    with as_user(gjz):
        actions.amend_incident(gjz, incident, reason="核实后升级", severity="major", workers_involved=80)
        actions.amend_case(gjz, incident.case, reason="更正名称", title="星海机床欠薪")
    up = delta(before, figures(codes))
    for code in codes:
        assert up[(OPEN_CASES.key, code)] == (1, 0), code
        assert up[(INCIDENTS_ON_TIME.key, code)] == (0, 1), code
    assert_consistent(codes)


def test_a_moved_community_carries_its_figures():
    gjz = demo_user("gjz_admin")
    old_town, new_town = unit("210211001"), unit("210211002")
    with as_user(gjz):
        community = org_actions.create_unit(
            gjz, parent=old_town, name="演示指标移动社区", kind=OrgKind.COMMUNITY
        )
    new_incident(gjz, community)
    new_incident(gjz, community, **late())
    before = figures(("210211001", "210211002", "210211"))
    with as_user(gjz):
        org_actions.move_unit(gjz, community, new_town, "区划调整")
    moved = delta(before, figures(("210211001", "210211002", "210211")))
    assert moved[(OPEN_CASES.key, "210211001")] == (-2, 0)
    assert moved[(OPEN_CASES.key, "210211002")] == (2, 0)
    assert moved[(INCIDENTS_ON_TIME.key, "210211002")] == (1, 2)
    assert moved[(OPEN_CASES.key, "210211")] == (0, 0)
    assert_consistent(("210211001", "210211002", "210211", "2102"))


UNITS = ("210211001001", "210211001002", "210211002", "G0001", "210202001")
OPS = st.lists(
    st.tuples(st.sampled_from(["on_time", "late", "concealed", "escalate", "close"]), st.sampled_from(UNITS)),
    min_size=1,
    max_size=5,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_of_changes_keeps_the_rollup_exact(ops):
    gjz, zs = demo_user("gjz_admin"), demo_user("zs_admin")
    for op, code in ops:
        org = unit(code)
        user = zs if code.startswith("210202") else gjz
        if op in ("on_time", "late", "concealed"):
            new_incident(user, org, concealed=op == "concealed", **(late() if op == "late" else {}))
            continue
        case = org.stability_cases.filter(state__in=["reported", "escalated"]).order_by("pk").first()
        if case is None or user is zs:
            continue
        if op == "escalate" and case.handling_org.parent.depth >= 1:
            with as_user(user):
                actions.escalate_case(user, case, note="上报")
        elif op == "close":
            close(case)
    assert_consistent(("210211001001", "210211001", "210211", "2102", "I01", "210202"))
