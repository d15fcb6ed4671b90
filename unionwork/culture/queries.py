"""Every read of workers' culture: the figures of a node (from the kept indicators), the counts
per year and topic, what a record's page shows beside it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from unionwork.core import indicators
from unionwork.core.scope import path_in_scope
from unionwork.culture import indicators as ind
from unionwork.culture.models import (
    AwardRound,
    Experience,
    Meeting,
    Nomination,
    Performance,
    Team,
    Topic,
)
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

KEYS = (ind.POSITIONS, ind.TEAMS, ind.EXPERIENCES, ind.MEETINGS)


def node_for(user, node_id) -> OrgUnit:
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


@dataclass
class FigureRow:
    unit: OrgUnit
    values: list  # [(key, Figure)] in the order of KEYS
    total: bool = False
    first_industrial: bool = False  # the page puts a note above the industrial unions


def figures(user, node: OrgUnit, month=None) -> list[FigureRow]:
    """The module's kept counts for each child of ``node`` in scope and the node's total."""
    kids = list(
        OrgUnit.objects.restrict(user)
        .filter(parent=node, status=OrgStatus.ACTIVE)
        .order_by("kind", "code", "pinyin")
    )
    ids = [node.pk, *[c.pk for c in kids]]
    got = {k: indicators.values(k, ids, month) for k in KEYS}
    zero = indicators.Figure(0, 0, indicators.COUNT)

    def row(u, total=False):
        return FigureRow(u, [(k, got[k].get(u.pk, zero)) for k in KEYS], total)

    rows = [row(c) for c in kids]
    for r in rows:
        if r.unit.kind == OrgKind.INDUSTRIAL:
            r.first_industrial = True
            break
    return [*rows, row(node, True)]


def _subtree(node: OrgUnit) -> Q:
    return Q(org__path__startswith=node.path) | Q(org__ipath__startswith=node.path)


def _by_year_topic(qs: QuerySet, year_field: str) -> list[tuple[int, list[int], int]]:
    """(year, [count per topic in Topic order], total) rows, newest year first."""
    rows = qs.values_list(year_field, "topic").annotate(n=Count("pk")).order_by()
    table: dict[int, dict[str, int]] = {}
    for year, topic, n in rows:
        table.setdefault(year, {})[topic] = n
    return [
        (year, [t.get(v, 0) for v in Topic.values], sum(t.values()))
        for year, t in sorted(table.items(), reverse=True)
    ]


def experiences_by(node: OrgUnit) -> list[tuple[int, list[int], int]]:
    """Model experiences of the subtree per year and topic (adds up to ``culture.model_experiences``)."""
    return _by_year_topic(Experience.objects.filter(_subtree(node)), "year")


def meetings_by(node: OrgUnit) -> list[tuple[int, list[int], int]]:
    """On-site meetings hosted in the subtree per year and topic (adds up to ``culture.onsite_meetings``)."""
    return _by_year_topic(Meeting.objects.filter(_subtree(node)), "held_on__year")


def performances_of(team: Team) -> list[Performance]:
    return list(team.performances.order_by("-held_on", "-pk")[:50])


def rounds() -> QuerySet[AwardRound]:
    return AwardRound.objects.select_related("organiser")


def nominations_of_round(user, award_round: AwardRound) -> QuerySet[Nomination]:
    return (
        Nomination.objects.restrict(user)
        .filter(round=award_round)
        .select_related("org", "held_by")
        .order_by("state", "-submitted_at")
    )


def awaiting(user) -> QuerySet[Nomination]:
    """Nominations held by the user's own level, waiting for it to forward or decide them."""
    return (
        Nomination.objects.restrict(user, "review")
        .filter(held_by_id=user.org_id, state="pending")
        .select_related("org", "round")
    )


def meetings_of_experience(user, experience: Experience) -> list[Meeting]:
    """The on-site meetings in the user's scope where the experience was presented."""
    return list(Meeting.objects.restrict(user).filter(experience=experience).order_by("-held_on", "pk"))


def experience_of(user, meeting: Meeting) -> Experience | None:
    """The experience presented at the meeting, if the user may see it."""
    if meeting.experience_id is None:
        return None
    return Experience.objects.restrict(user).filter(pk=meeting.experience_id).select_related("org").first()


def attending_of(user, meeting: Meeting) -> tuple[list[OrgUnit], int]:
    """The attending units the user may see, and how many others attended (named to no one
    outside their own scope)."""
    seen = list(OrgUnit.objects.restrict(user).filter(pk__in=meeting.attending.values("pk")).order_by("path"))
    return seen, meeting.attending.count() - len(seen)
