"""Every read of union building: scoped lists, a unit's page, the survey results, the figures.

Figures shown beside a node come from the kept indicators (``figures``), as on the dashboard;
breakdowns the indicators do not hold (grades by level, each union's survey result) are plain
aggregates over the same definitions, and the tests hold them equal to the indicators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from unionwork.building import indicators as ind
from unionwork.building.models import (
    MIN_RESPONSES,
    SATISFACTION_THRESHOLD,
    ApplicationState,
    Campaign,
    Committee,
    GradeApplication,
    Survey,
    SurveyResponse,
    UnionProfile,
)
from unionwork.core import indicators
from unionwork.core.scope import path_in_scope
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

KEYS = (ind.DIRECT_ELECTIONS, ind.GRADED, ind.SATISFACTION)


def node_for(user, node_id) -> OrgUnit:
    """The unit a page is about: the one asked for (in scope, else 404), or the user's own."""
    if node_id:
        try:
            return OrgUnit.objects.get_in_scope(user, pk=int(node_id))
        except (TypeError, ValueError):
            raise Http404 from None
    if user.org_id is None:
        raise Http404
    return user.org


def ancestors_in_scope(user, node: OrgUnit) -> list[OrgUnit]:
    return [a for a in node.ancestors() if path_in_scope(user, a.path, a.ipath)]


def children(user, node: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.restrict(user)
        .filter(parent=node, status=OrgStatus.ACTIVE)
        .order_by("kind", "code", "pinyin")
    )


@dataclass
class FigureRow:
    unit: OrgUnit
    figures: dict  # key -> Figure
    total: bool = False
    first_industrial: bool = False  # the page puts a note above the industrial unions

    @property
    def direct(self):
        return self.figures[ind.DIRECT_ELECTIONS]

    @property
    def graded(self):
        return self.figures[ind.GRADED]

    @property
    def satisfaction(self):
        return self.figures[ind.SATISFACTION]


def figures(user, node: OrgUnit, month=None) -> list[FigureRow]:
    """The module's kept figures for each child of ``node`` in scope and the node's total."""
    kids = children(user, node)
    ids = [node.pk, *[c.pk for c in kids]]
    got = {k: indicators.values(k, ids, month) for k in KEYS}
    zero = {k: indicators.Figure(0, 0, indicators.get(k).unit) for k in KEYS}
    rows = [FigureRow(c, {k: got[k].get(c.pk, zero[k]) for k in KEYS}) for c in kids]
    _mark_industrial(rows)
    rows.append(FigureRow(node, {k: got[k].get(node.pk, zero[k]) for k in KEYS}, total=True))
    return rows


def _mark_industrial(rows) -> None:
    for r in rows:
        if r.unit.kind == OrgKind.INDUSTRIAL:
            r.first_industrial = True
            return


# -- lists -----------------------------------------------------------------------------------------


def committees(user) -> QuerySet[Committee]:
    return Committee.objects.restrict(user).select_related("org")


def elections_due(user, within_days: int, today: datetime.date | None = None) -> QuerySet[Committee]:
    """Current committees whose term ends within ``within_days`` (or has ended) in the user's scope."""
    today = today or timezone.localdate()
    return (
        Committee.objects.restrict(user)
        .current()
        .filter(term_end__lte=today + datetime.timedelta(days=within_days))
        .select_related("org")
        .order_by("term_end", "pk")
    )


def unit_page(user, unit: OrgUnit, today: datetime.date | None = None) -> dict:
    """What a union's building page shows: its committee (and past ones), cadres and systems,
    grades in force and applications, its surveys."""
    today = today or timezone.localdate()
    return {
        "committee": Committee.objects.current().filter(org=unit).first(),
        "past_committees": list(
            Committee.objects.filter(org=unit, superseded_at__isnull=False).order_by("-term_start")[:10]
        ),
        "profile": UnionProfile.objects.filter(org=unit).first(),
        "grades": list(
            GradeApplication.objects.in_force(today)
            .filter(org=unit)
            .select_related("campaign")
            .order_by("campaign__name")
        ),
        "applications": list(
            GradeApplication.objects.filter(org=unit)
            .exclude(state=ApplicationState.AWARDED)
            .select_related("campaign")
            .order_by("-submitted_at")[:20]
        ),
        "surveys": list(Survey.objects.filter(org=unit).order_by("-year")[:5]),
    }


# -- survey results --------------------------------------------------------------------------------


@dataclass
class SurveyResult:
    responses: int
    satisfied: int
    by_question: list[tuple[int, str, float | None]]  # position, text, mean rating

    @property
    def rate(self) -> float | None:
        return round(self.satisfied * 100.0 / self.responses, 1) if self.responses else None

    @property
    def flagged(self) -> bool:
        return self.responses >= MIN_RESPONSES and (self.rate or 0) < SATISFACTION_THRESHOLD


def survey_result(survey: Survey) -> SurveyResult:
    rows = list(SurveyResponse.objects.filter(survey=survey).values_list("ratings", "satisfied"))
    questions = list(survey.questions.values_list("position", "text"))
    sums = {pos: 0 for pos, _t in questions}
    for ratings, _s in rows:
        for pos in sums:
            sums[pos] += int(ratings.get(str(pos), 0))
    n = len(rows)
    return SurveyResult(
        responses=n,
        satisfied=sum(1 for _r, s in rows if s),
        by_question=[(pos, text, round(sums[pos] / n, 2) if n else None) for pos, text in questions],
    )


def survey_table(user, year: int | None = None) -> QuerySet[Survey]:
    """Surveys in scope with their counts (the latest of each union by default)."""
    qs = Survey.objects.restrict(user).select_related("org")
    qs = qs.filter(year=year) if year else qs.filter(is_latest=True)
    return qs.annotate(
        n=Count("responses"), sat=Count("responses", filter=Q(responses__satisfied=True))
    ).order_by("org__path")


def flagged_surveys(user) -> list[Survey]:
    """Latest surveys in scope whose satisfaction is below the threshold (with enough answers)."""
    out = []
    for s in survey_table(user):
        if s.n >= MIN_RESPONSES and s.sat * 100.0 / s.n < SATISFACTION_THRESHOLD:
            s.rate = round(s.sat * 100.0 / s.n, 1)
            out.append(s)
    return out


def survey_by_slug(slug: str) -> Survey:
    """The survey of a short link (public page; 404 when unknown)."""
    survey = Survey.objects.select_related("org").filter(slug=slug).first()
    if survey is None:
        raise Http404
    return survey


def questions_of(survey: Survey) -> list:
    return list(survey.questions.order_by("position"))


# -- grades ------------------------------------------------------------------------------------------


def campaigns(active_only: bool = False) -> QuerySet[Campaign]:
    qs = Campaign.objects.all()
    return qs.filter(is_active=True) if active_only else qs


def grades_by_level(node: OrgUnit) -> list[tuple[str, str, int]]:
    """(campaign, grade, count) of the grades held in ``node``'s subtree: the breakdown of
    ``building.graded`` (same definition: awarded and not revoked or expired)."""
    subtree = Q(org__path__startswith=node.path) | Q(org__ipath__startswith=node.path)
    rows = (
        GradeApplication.objects.filter(subtree, state=ApplicationState.AWARDED)
        .values_list("campaign__name", "grade")
        .annotate(n=Count("pk"))
        .order_by("campaign__name", "grade")
    )
    return list(rows)
