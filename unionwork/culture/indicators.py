"""Indicators owned by workers' culture (all counts, at the record's unit, rolled up):

- ``culture.positions``: culture positions in use (not closed);
- ``culture.teams``: culture teams in activity (not closed);
- ``culture.model_experiences``: model experiences recorded (every year; the per-year and
  per-topic breakdown is ``queries.experiences_by``, which adds up to it);
- ``culture.onsite_meetings``: on-site meetings held, counted at the host unit (the seed's city
  count: 7 in the previous year; per year and topic by ``queries.meetings_by``).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unionwork.core.indicators import COUNT, Indicator, register
from unionwork.culture.models import Experience, Meeting, Position, Team

POSITIONS = "culture.positions"
TEAMS = "culture.teams"
EXPERIENCES = "culture.model_experiences"
MEETINGS = "culture.onsite_meetings"


def _subtree(path: str) -> Q:
    return Q(org__path__startswith=path) | Q(org__ipath__startswith=path)


def _counter(qs_fn):
    def contributions(ids) -> dict:
        rows = qs_fn().filter(pk__in=ids).values_list("pk", "org__path", "org__ipath")
        return {pk: (path, ipath or "", 1, 0) for pk, path, ipath in rows}

    def own():
        rows = qs_fn().values_list("org__path", "org__ipath").annotate(n=Count("pk")).order_by()
        for path, ipath, n in rows.iterator(chunk_size=5000):
            yield path, ipath or "", n, 0

    def live(path: str) -> tuple[int, int]:
        return qs_fn().filter(_subtree(path)).count(), 0

    return contributions, own, live


def _open_positions():
    return Position.objects.filter(closed_on__isnull=True)


def _open_teams():
    return Team.objects.filter(closed_on__isnull=True)


def _experiences():
    return Experience.objects.all()


def _meetings():
    return Meeting.objects.all()


position_contributions, _own_p, _live_p = _counter(_open_positions)
team_contributions, _own_t, _live_t = _counter(_open_teams)
experience_contributions, _own_e, _live_e = _counter(_experiences)
meeting_contributions, _own_m, _live_m = _counter(_meetings)

for key, label, numerator_label, own, live, description in (
    (
        POSITIONS,
        _("职工文化阵地"),
        _("在用的文化阵地（书屋、活动中心、体育场地等）"),
        _own_p,
        _live_p,
        _("停用后不再计入。"),
    ),
    (TEAMS, _("职工文化团队"), _("活动中的文化团队"), _own_t, _live_t, _("停用后不再计入。")),
    (
        EXPERIENCES,
        _("典型经验"),
        _("登记的典型经验"),
        _own_e,
        _live_e,
        _("各年度累计；按年度、主题的分布见职工文化首页。"),
    ),
    (
        MEETINGS,
        _("现场会"),
        _("召开的现场会（按承办单位）"),
        _own_m,
        _live_m,
        _("各年度累计；按年度、主题的分布见职工文化首页。"),
    ),
):
    register(
        Indicator(
            key=key,
            label=label,
            numerator_label=numerator_label,
            unit=COUNT,
            higher_is_better=True,
            module="culture",
            own_counts=own,
            live_subtree=live,
            description=description,
            tags=("职工文化",),
        )
    )
