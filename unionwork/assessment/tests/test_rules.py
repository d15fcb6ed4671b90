"""The scoring rules at their boundaries (pure functions, no database)."""

import datetime
from decimal import Decimal

import pytest

from unionwork.assessment import rules
from unionwork.core.errors import ActionError

P = Decimal("8")
STEPS = [[95, 1.0], [90, 0.8], [80, 0.5]]


@pytest.mark.parametrize(
    ("value", "points"),
    [
        (100, "8.00"),
        (95, "8.00"),
        (94.9, "6.40"),
        (90, "6.40"),
        (89.9, "4.00"),
        (80, "4.00"),
        (79.9, "0.00"),
        (None, "0.00"),
    ],
)
def test_threshold_boundaries(value, points):
    assert rules.threshold(value, P, STEPS).points == Decimal(points)


def test_threshold_says_why():
    s = rules.threshold(92.3, P, STEPS)
    assert "92.3 ≥ 90" in s.basis and "80%" in s.basis and "6.4" in s.basis


@pytest.mark.parametrize(
    ("value", "points"),
    [(60, "0.00"), (59, "0.00"), (77.5, "4.00"), (95, "8.00"), (120, "8.00"), (None, "0.00")],
)
def test_linear_boundaries(value, points):
    assert rules.linear(value, P, 60, 95).points == Decimal(points)


def test_linear_lower_is_better():
    assert rules.linear(0, P, 10, 0).points == P
    assert rules.linear(10, P, 10, 0).points == 0
    assert rules.linear(5, P, 10, 0).points == Decimal("4.00")


def test_rank_ties_share_the_better_rank_and_points_fall_linearly():
    ranks = rules.ranks({1: 90.0, 2: 80.0, 3: 90.0, 4: 70.0, 5: None})
    assert ranks == {1: 1, 3: 1, 2: 3, 4: 4}
    assert rules.rank(1, 4, Decimal("3")).points == Decimal("3.00")
    assert rules.rank(3, 4, Decimal("3")).points == Decimal("1.00")
    assert rules.rank(4, 4, Decimal("3")).points == 0
    assert rules.rank(1, 1, Decimal("3")).points == Decimal("3.00")
    assert rules.rank(None, 4, Decimal("3")).points == 0
    assert rules.ranks({1: 1.0, 2: 2.0}, higher_is_better=False) == {1: 1, 2: 2}


DEADLINE = {"target": 90, "deadline": "2026-08-31", "late_until": "2026-09-30", "late_share": 0.5}


def test_deadline_met_by_the_deadline_is_full_points():
    s = rules.deadline(90.0, 95.0, 95.0, P, DEADLINE, datetime.date(2026, 8, 31))
    assert s.points == P and not s.pending


def test_deadline_just_missed_then_met_late_is_the_late_share():
    s = rules.deadline(89.9, 90.0, 95.0, P, DEADLINE, datetime.date(2026, 10, 1))
    assert s.points == Decimal("4.00")
    assert "逾期" in s.basis


def test_deadline_missed_after_the_late_date_is_zero():
    assert rules.deadline(89.9, 89.9, 99.0, P, DEADLINE, datetime.date(2026, 10, 1)).points == 0
    assert rules.deadline(None, None, None, P, DEADLINE, datetime.date(2026, 12, 1)).points == 0


def test_deadline_before_the_date_scores_provisionally():
    before = datetime.date(2026, 8, 30)
    assert rules.deadline(None, None, 91.0, P, DEADLINE, before).points == P
    pending = rules.deadline(None, None, 50.0, P, DEADLINE, before)
    assert pending.points == 0 and pending.pending
    # Between the deadline and the late date, not met yet: zero for now, the late share still possible.
    between = rules.deadline(80.0, 85.0, 85.0, P, DEADLINE, datetime.date(2026, 9, 15))
    assert between.points == 0 and between.pending


def test_per_count_is_capped_at_the_items_points():
    assert rules.per_count(2, Decimal("3"), 1).points == Decimal("2.00")
    assert rules.per_count(5, Decimal("3"), 1).points == Decimal("3.00")
    assert rules.per_count(3, Decimal("3"), 0.5).points == Decimal("1.50")
    assert rules.per_count(None, Decimal("3"), 1).points == 0


def test_over_triggers_only_above_the_limit():
    assert not rules.over(0, Decimal("0"), 0).triggered
    assert rules.over(1, Decimal("0"), 0).triggered
    assert not rules.over(2, Decimal("0"), 2).triggered


def test_params_are_checked_with_a_message_that_names_the_value():
    with pytest.raises(ActionError, match="下限"):
        rules.check_params("threshold", {"steps": [["x", 1]]})
    with pytest.raises(ActionError, match="0 与 1"):
        rules.check_params("threshold", {"steps": [[90, 1.5]]})
    with pytest.raises(ActionError, match="high"):
        rules.check_params("linear", {"low": 1})
    with pytest.raises(ActionError, match="YYYY-MM-DD"):
        rules.check_params("deadline", {"target": 90, "deadline": "8月31日"})
    with pytest.raises(ActionError, match="不能早于"):
        rules.check_params("deadline", {"target": 90, "deadline": "2026-08-31", "late_until": "2026-08-01"})
    assert rules.check_params("threshold", {"steps": [[80, 0.5], [95, 1]]}) == {
        "steps": [[95.0, 1.0], [80.0, 0.5]]
    }
