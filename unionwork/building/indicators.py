"""Indicators owned by union building, kept by the actions through ``indicators.tracking``.

- ``building.direct_elections``: unions whose current committee was directly elected (直选), out of
  the unions with a committee recorded (a rate).
- ``building.graded``: grades in force (awarded and not yet revoked or expired) of every campaign,
  counted at the graded unit. A grade that reaches its end is moved to ``expired`` by the daily
  job (``tasks.expire_grades``), through the one action that moves applications, so the kept
  figure follows the validity period without a rule outside the actions. The breakdown by level
  (``queries.grades_by_level``) adds up to it.
- ``building.satisfaction``: satisfied answers out of all answers of each union's latest 会员评家
  survey (opening next year's survey takes the previous one's answers out of the figure).
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from unionwork.building.models import ApplicationState, Committee, ElectionMethod, GradeApplication, Survey
from unionwork.core.indicators import COUNT, RATE, Indicator, register

DIRECT_ELECTIONS = "building.direct_elections"
GRADED = "building.graded"
SATISFACTION = "building.satisfaction"


def _subtree(path: str) -> Q:
    return Q(org__path__startswith=path) | Q(org__ipath__startswith=path)


# -- direct elections ------------------------------------------------------------------------------
_DIRECT = Q(method=ElectionMethod.DIRECT)


def committee_contributions(ids) -> dict:
    rows = Committee.objects.filter(pk__in=ids).values_list(
        "pk", "org__path", "org__ipath", "method", "superseded_at"
    )
    return {
        pk: (path, ipath or "", int(method == ElectionMethod.DIRECT), 1)
        for pk, path, ipath, method, superseded in rows
        if superseded is None
    }


def _own_direct():
    rows = (
        Committee.objects.current()
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("pk", filter=_DIRECT), d=Count("pk"))
        .order_by()
    )
    for path, ipath, n, d in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, d


def _live_direct(path: str) -> tuple[int, int]:
    got = (
        Committee.objects.current()
        .filter(_subtree(path))
        .aggregate(n=Count("pk", filter=_DIRECT), d=Count("pk"))
    )
    return got["n"], got["d"]


register(
    Indicator(
        key=DIRECT_ELECTIONS,
        label=_("工会主席直选率"),
        numerator_label=_("现任委员会由会员直选产生的工会"),
        denominator_label=_("已登记现任委员会的工会"),
        unit=RATE,
        higher_is_better=True,
        module="building",
        own_counts=_own_direct,
        live_subtree=_live_direct,
        description=_("按各工会现任委员会的选举方式计；换届登记后按新一届计。"),
        tags=("工会建设",),
    )
)


# -- grades in force -------------------------------------------------------------------------------


def grade_contributions(ids) -> dict:
    rows = GradeApplication.objects.filter(pk__in=ids, state=ApplicationState.AWARDED).values_list(
        "pk", "org__path", "org__ipath"
    )
    return {pk: (path, ipath or "", 1, 0) for pk, path, ipath in rows}


def _own_graded():
    rows = (
        GradeApplication.objects.filter(state=ApplicationState.AWARDED)
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for path, ipath, n in rows.iterator(chunk_size=5000):
        yield path, ipath or "", n, 0


def _live_graded(path: str) -> tuple[int, int]:
    return GradeApplication.objects.filter(_subtree(path), state=ApplicationState.AWARDED).count(), 0


register(
    Indicator(
        key=GRADED,
        label=_("获评等级（有效期内）"),
        numerator_label=_("在有效期内的创建评级等级（五好工会、3A、和谐企业、模范职工之家等）"),
        unit=COUNT,
        higher_is_better=True,
        module="building",
        own_counts=_own_graded,
        live_subtree=_live_graded,
        description=_("上级评定后计入，撤销或有效期届满后不再计入；按获评单位计。"),
        tags=("工会建设",),
    )
)


# -- members' satisfaction -------------------------------------------------------------------------


def survey_contributions(ids) -> dict:
    rows = (
        Survey.objects.filter(pk__in=ids, is_latest=True)
        .values_list("pk", "org__path", "org__ipath")
        .annotate(n=Count("responses", filter=Q(responses__satisfied=True)), d=Count("responses"))
    )
    return {pk: (path, ipath or "", n, d) for pk, path, ipath, n, d in rows if d}


def _own_satisfaction():
    rows = (
        Survey.objects.filter(is_latest=True)
        .values_list("org__path", "org__ipath")
        .annotate(n=Count("responses", filter=Q(responses__satisfied=True)), d=Count("responses"))
        .order_by()
    )
    for path, ipath, n, d in rows.iterator(chunk_size=5000):
        if d:
            yield path, ipath or "", n, d


def _live_satisfaction(path: str) -> tuple[int, int]:
    got = Survey.objects.filter(_subtree(path), is_latest=True).aggregate(
        n=Count("responses", filter=Q(responses__satisfied=True)), d=Count("responses")
    )
    return got["n"], got["d"]


register(
    Indicator(
        key=SATISFACTION,
        label=_("会员评家满意率"),
        numerator_label=_("评为满意或非常满意的答卷"),
        denominator_label=_("会员评家答卷（各工会最近一次评家）"),
        unit=RATE,
        higher_is_better=True,
        target=80.0,
        module="building",
        own_counts=_own_satisfaction,
        live_subtree=_live_satisfaction,
        description=_("会员凭姓名和身份证号后 6 位验证后匿名答卷；各题平均分达到“满意”的答卷计为满意。"),
        tags=("工会建设",),
    )
)
