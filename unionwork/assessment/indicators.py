"""The assessment's kept figure: each assessed unit's score in its latest published ranking.

``assessment.score`` is a rate: the numerator is the unit's total in hundredths of a point, the
denominator 100 points in hundredths (10,000), so a unit's figure reads as its score (87.5 points:
87.5 %), and a level above reads the average score of the units assessed under it. It moves when
a ranking is published (provisional or final, :func:`follow_published`, in the action's
transaction): by the difference from the unit's previously published total.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from unionwork.assessment.models import UnitResult
from unionwork.core import indicators
from unionwork.core.indicators import RATE, Indicator, register

SCORE = "assessment.score"
FULL = 10_000  # 100 points in hundredths


def _hundredths(total) -> int:
    return int(round(total * 100))


def _latest_published() -> dict[int, tuple[str, str, int]]:
    """Each unit's total in its latest published ranking: unit id -> (path, ipath, hundredths)."""
    rows = (
        UnitResult.objects.filter(computation__published_at__isnull=False)
        .order_by("unit_id", "-computation__published_at", "-computation_id")
        .values_list("unit_id", "unit__path", "unit__ipath", "total")
    )
    out: dict[int, tuple[str, str, int]] = {}
    for uid, path, ipath, total in rows:
        out.setdefault(uid, (path, ipath or "", _hundredths(total)))
    return out


def _own_scores():
    for path, ipath, n in _latest_published().values():
        yield path, ipath, n, FULL


def _live_score(path: str) -> tuple[int, int]:
    n = d = 0
    for p, ip, h in _latest_published().values():
        if p.startswith(path) or (ip and ip.startswith(path)):
            n, d = n + h, d + FULL
    return n, d


register(
    Indicator(
        key=SCORE,
        label=_("百分考核得分率"),
        numerator_label=_("公布的考核得分（以 0.01 分计）"),
        denominator_label=_("满分（以 0.01 分计）"),
        unit=RATE,
        higher_is_better=True,
        module="assessment",
        own_counts=_own_scores,
        live_subtree=_live_score,
        description=_(
            "各被考核单位在最近一次公布的排名（初步或最终）中的总分占满分 100 分的比率，即得分；"
            "上级为所辖被考核单位的平均得分。"
        ),
        tags=("百分考核",),
    )
)


def follow_published(computation) -> None:
    """A ranking was published: move each unit's figure from its previous published total."""
    previous = (
        UnitResult.objects.filter(computation__published_at__isnull=False)
        .exclude(computation=computation)
        .filter(unit__in=computation.results.values("unit_id"))
        .order_by("unit_id", "-computation__published_at", "-computation_id")
        .values_list("unit_id", "total")
    )
    before: dict[int, int] = {}
    for uid, total in previous:
        before.setdefault(uid, _hundredths(total))
    deltas = []
    for uid, path, ipath, total in computation.results.values_list(
        "unit_id", "unit__path", "unit__ipath", "total"
    ):
        old = before.get(uid)
        deltas.append((path, ipath or "", _hundredths(total) - (old or 0), 0 if old is not None else FULL))
    indicators.bump_many(SCORE, deltas)
