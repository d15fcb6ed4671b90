"""Members and card coverage are kept rolled up at every level, at once, and agree with a count."""

import pytest

from unionwork.core import audit, indicators
from unionwork.core.tests.factories import unit
from unionwork.members import actions
from unionwork.members.indicators import ACTIVATED_KEY, ACTIVE_KEY, COVERAGE_KEY, INACTIVE_KEY, rebuild_all
from unionwork.members.models import MemberStatus

from .helpers import register

pytestmark = pytest.mark.django_db
LEVELS = ("G0001", "210211001001", "210211001", "210211", "2102", "I01")


def figures():
    return {
        (k, c): indicators.value(k, unit(c)) for k in (ACTIVE_KEY, COVERAGE_KEY) for c in (*LEVELS, "G0002")
    }


def agree():
    for key in (ACTIVE_KEY, COVERAGE_KEY, ACTIVATED_KEY, INACTIVE_KEY):
        for code in (*LEVELS, "G0002", "210202"):
            u = unit(code)
            fig, live = indicators.value(key, u), indicators.live_totals(key, u.path)
            assert (fig.numerator, fig.denominator) == (live.numerator, live.denominator), (key, code)


@pytest.fixture(autouse=True)
def counted():
    with audit.acting_as(None, "test"):
        rebuild_all()


def test_every_change_shows_at_every_level_at_once():
    before = figures()
    (m,) = register("G0001")
    after = figures()
    for code in LEVELS:  # G0001 is linked to the industrial union I01
        assert after[(ACTIVE_KEY, code)].numerator == before[(ACTIVE_KEY, code)].numerator + 1, code
        assert after[(COVERAGE_KEY, code)].denominator == before[(COVERAGE_KEY, code)].denominator + 1, code
    agree()
    with audit.acting_as(None, "test"):
        actions.issue_cards(None, unit("G0001"), member_ids=[m.pk])
        assert (
            indicators.value(COVERAGE_KEY, unit("210211")).numerator
            == after[(COVERAGE_KEY, "210211")].numerator + 1
        )
        agree()
        card = m.cards.get()
        actions.change_card(None, card, "activate")
        assert indicators.value(ACTIVATED_KEY, unit("210211")).numerator >= 1
        agree()
        actions.change_card(None, card, "report_lost")
        agree()
        actions.replace_card(None, card)
        agree()
        actions.transfer_member(None, m, unit("G0002"))
        agree()
        m.refresh_from_db()
        left = indicators.value(INACTIVE_KEY, unit("2102")).numerator
        actions.end_membership(None, m, MemberStatus.RETIRED)
        assert indicators.value(INACTIVE_KEY, unit("2102")).numerator == left + 1
        agree()


def test_rebuild_equals_the_kept_figures():
    register("G0001", 3)
    kept = figures()
    with audit.acting_as(None, "test"):
        rebuild_all()
    assert figures() == kept
