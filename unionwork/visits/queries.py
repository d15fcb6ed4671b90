"""Every read of the visits campaign: scoped lists, progress against the plan, deeds, and the
figures a research report is drafted from (reproducible from its stored period and scope)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.core.scope import path_in_scope
from unionwork.founding.models import Industry, Ownership
from unionwork.orgs.models import OrgUnit
from unionwork.visits import indicators as kept
from unionwork.visits.models import (
    Campaign,
    ChecklistTemplate,
    Deed,
    DeedState,
    Finding,
    FindingCategory,
    FindingSeverity,
    Pairing,
    Photo,
    ResearchReport,
    Visit,
    VisitKind,
)

LIVE = Q(withdrawn_at=None)


def node_for(user, node_id) -> OrgUnit:
    if node_id:
        return OrgUnit.objects.get_in_scope(user, pk=node_id)
    if user.org_id is None:
        raise Http404
    return user.org


def ancestors_in_scope(user, node: OrgUnit) -> list[OrgUnit]:
    return [a for a in node.ancestors() if path_in_scope(user, a.path, a.ipath)]


# ---------------------------------------------------------------------------------------------
# Campaigns: planned vs done, who is behind


@dataclass
class CadreRow:
    cadre: object
    enterprises: list
    planned: int  # to date: the monthly rule × months begun
    done: int
    done_enterprise: int
    done_household: int

    @property
    def behind(self) -> bool:
        return self.done < self.planned

    @property
    def gap(self) -> int:
        return max(0, self.planned - self.done)


def campaigns(user) -> QuerySet[Campaign]:
    return Campaign.objects.restrict(user).select_related("org")


def campaign_cadres(campaign: Campaign, today: datetime.date | None = None) -> list[CadreRow]:
    """Each paired cadre of the campaign: visits planned to date and done, enterprise and household."""
    pairings = list(
        Pairing.objects.filter(campaign=campaign, ended_on=None)
        .select_related("cadre", "enterprise")
        .order_by("cadre__username", "pk")
    )
    by_cadre: dict[int, CadreRow] = {}
    months = campaign.months_elapsed(today)
    for p in pairings:
        row = by_cadre.get(p.cadre_id)
        if row is None:
            row = by_cadre[p.cadre_id] = CadreRow(p.cadre, [], campaign.per_cadre_month * months, 0, 0, 0)
        row.enterprises.append(p.enterprise)
    done = (
        Visit.objects.filter(LIVE, campaign=campaign, cadres__in=list(by_cadre))
        .values_list("cadres", "kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for cadre_id, kind, n in done:
        row = by_cadre[cadre_id]
        row.done += n
        if kind == VisitKind.ENTERPRISE:
            row.done_enterprise += n
        else:
            row.done_household += n
    return list(by_cadre.values())


@dataclass
class CampaignRow:
    campaign: Campaign
    cadres: int
    planned: int
    done: int
    behind: int

    @property
    def rate(self) -> float | None:
        return self.done / self.planned if self.planned else None


def campaign_table(user, node: OrgUnit, today: datetime.date | None = None) -> list[CampaignRow]:
    """The open campaigns of the node's subtree in the user's scope, each unit's planned to date and done."""
    rows = []
    for c in (
        campaigns(user)
        .filter(org__path__startswith=node.path, closed_on=None)
        .order_by("org__path", "-starts_on")
    ):
        cadres = campaign_cadres(c, today)
        rows.append(
            CampaignRow(
                c,
                len(cadres),
                sum(r.planned for r in cadres),
                sum(r.done for r in cadres),
                sum(1 for r in cadres if r.behind),
            )
        )
    return rows


def pairings(user) -> QuerySet[Pairing]:
    return Pairing.objects.restrict(user).select_related("campaign", "cadre", "enterprise")


def cadre_choices(campaign: Campaign):
    return get_user_model().objects.filter(org=campaign.org, is_active=True).order_by("username")


# ---------------------------------------------------------------------------------------------
# Visits, checklists, findings, deeds


def visits(user, action: str = "view") -> QuerySet[Visit]:
    return Visit.objects.restrict(user, action)


def visit_detail(visit: Visit) -> dict:
    return {
        "answers": list(visit.answers.select_related("item").order_by("item__position")),
        "cadres": list(visit.cadres.order_by("username")),
        "photos": list(visit.photos.order_by("pk")),
        "findings": list(
            visit.findings.select_related("case", "hardship_file").prefetch_related("deeds").order_by("pk")
        ),
    }


def checklist_versions() -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.objects.annotate(
        n_items=Count("items", distinct=True), n_visits=Count("visits", distinct=True)
    )


def current_templates() -> dict[str, ChecklistTemplate]:
    return {t.kind: t for t in ChecklistTemplate.objects.filter(is_current=True).prefetch_related("items")}


def findings(user, action: str = "view") -> QuerySet[Finding]:
    return Finding.objects.restrict(user, action)


def deeds(user, action: str = "view") -> QuerySet[Deed]:
    return Deed.objects.restrict(user, action)


def deed_log(deed: Deed) -> list:
    return list(deed.progress.order_by("at", "pk"))


def owned_overdue(user, today: datetime.date | None = None) -> QuerySet[Deed]:
    """Open deeds past their promised date that the user owns (the owners' reminder)."""
    return Deed.objects.restrict(user).overdue(today).filter(owner=user)


@dataclass
class DeedSummary:
    demands: int
    promised: int
    on_time: int
    late: int
    open: int
    overdue: int


def deed_summary(user, node: OrgUnit, today: datetime.date | None = None) -> DeedSummary:
    """Demands raised, deeds promised, done on time, done late, open (and of those overdue), for
    the node's subtree in the user's scope."""
    today = today or timezone.localdate()
    f = findings(user).filter(org__path__startswith=node.path, category=FindingCategory.DEMAND).count()
    got = (
        deeds(user)
        .filter(org__path__startswith=node.path)
        .aggregate(
            promised=Count("pk"),
            on_time=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("promised_on"))),
            late=Count("pk", filter=Q(done_on__isnull=False, done_on__gt=F("promised_on"))),
            open=Count("pk", filter=Q(state=DeedState.OPEN)),
            overdue=Count("pk", filter=Q(state=DeedState.OPEN, promised_on__lt=today)),
        )
    )
    return DeedSummary(f, got["promised"], got["on_time"], got["late"], got["open"], got["overdue"])


KEYS = (kept.DONE_VS_PLANNED, kept.ENTERPRISES_REACHED, kept.HOUSEHOLDS_REACHED, kept.DEEDS_ON_TIME)


def kept_figures(node: OrgUnit, month=None) -> list[tuple[indicators.Indicator, indicators.Figure]]:
    """The node's kept figures (the dashboard's numbers), as of the end of ``month``."""
    return [(indicators.get(k), indicators.value(k, node, month)) for k in KEYS]


def kept_children(user, node: OrgUnit, month=None) -> list[tuple[OrgUnit, dict]]:
    """The node's children in the user's scope, each with its kept figures, ranked by done vs planned."""
    children = [
        c
        for c in OrgUnit.objects.filter(parent=node).order_by("path")
        if path_in_scope(user, c.path, c.ipath)
    ]
    values = {k: indicators.values(k, [c.pk for c in children], month) for k in KEYS}
    rows = [(c, {k: values[k].get(c.pk) for k in KEYS}) for c in children]
    rows = [r for r in rows if any(f is not None and (f.numerator or f.denominator) for f in r[1].values())]

    def rank(row):
        fig = row[1][kept.DONE_VS_PLANNED]
        return -(fig.rate or 0) if fig is not None and fig.rate is not None else 1

    return sorted(rows, key=rank)


# ---------------------------------------------------------------------------------------------
# Research reports: figures drawn from the period and scope


def _period_visits(org: OrgUnit, start: datetime.date, end: datetime.date):
    return Visit.objects.filter(
        LIVE, org__path__startswith=org.path, visited_on__gte=start, visited_on__lte=end
    )


def _period_findings(org: OrgUnit, start: datetime.date, end: datetime.date):
    return Finding.objects.filter(
        visit__withdrawn_at=None, org__path__startswith=org.path, found_on__gte=start, found_on__lte=end
    )


def _counts(org, start, end) -> dict:
    v = _period_visits(org, start, end)
    got = v.aggregate(
        visits=Count("pk"),
        enterprise_visits=Count("pk", filter=Q(kind=VisitKind.ENTERPRISE)),
        household_visits=Count("pk", filter=Q(kind=VisitKind.HOUSEHOLD)),
        enterprises=Count("enterprise", distinct=True),
    )
    got["cadres"] = v.values("cadres").distinct().count()
    got["workers"] = (
        Visit.objects.filter(pk__in=v.filter(kind=VisitKind.ENTERPRISE).values("pk"))
        .values("enterprise")
        .distinct()
        .aggregate(n=Sum("enterprise__employees"))["n"]
        or 0
    )
    f = _period_findings(org, start, end)
    got["findings"] = f.count()
    by_cat = dict(f.values_list("category").annotate(n=Count("pk")).order_by())
    score = dict(f.values_list("category").annotate(s=Sum("severity")).order_by())
    got["by_category"] = [
        {"key": k, "label": str(label), "count": by_cat.get(k, 0), "score": score.get(k, 0) or 0}
        for k, label in FindingCategory.choices
    ]
    got["by_severity"] = [
        {"key": int(k), "label": str(label), "count": f.filter(severity=k).count()}
        for k, label in FindingSeverity.choices
    ]
    return got


def _breakdown(f, field: str, choices) -> list[dict]:
    labels = dict(choices)
    rows = (
        f.exclude(**{f"enterprise__{field}": None})
        .values_list(f"enterprise__{field}")
        .annotate(n=Count("pk"), s=Sum("severity"))
        .order_by("-s", "-n")
    )
    return [{"key": k, "label": str(labels.get(k, k)), "count": n, "score": s or 0} for k, n, s in rows if k]


def report_figures(org: OrgUnit, start: datetime.date, end: datetime.date) -> dict:
    """Every figure of a research report over ``org``'s subtree and the period, JSON-ready.

    Problems are ranked by frequency × severity (the sum of the severities of their findings);
    the previous period is the same number of days just before.
    """
    now = _counts(org, start, end)
    days = (end - start).days + 1
    prev_end = start - datetime.timedelta(days=1)
    prev_start = prev_end - datetime.timedelta(days=days - 1)
    prev = _counts(org, prev_start, prev_end)
    f = _period_findings(org, start, end)
    ranked = sorted(now["by_category"], key=lambda r: (-r["score"], -r["count"], r["key"]))
    d = Deed.objects.filter(org__path__startswith=org.path, finding__in=f)
    deeds_got = d.aggregate(
        promised=Count("pk"),
        on_time=Count("pk", filter=Q(done_on__isnull=False, done_on__lte=F("promised_on"))),
        late=Count("pk", filter=Q(done_on__isnull=False, done_on__gt=F("promised_on"))),
        open=Count("pk", filter=Q(state=DeedState.OPEN)),
    )
    return {
        "org_id": org.pk,
        "org_name": org.name,
        "period": [start.isoformat(), end.isoformat()],
        "previous_period": [prev_start.isoformat(), prev_end.isoformat()],
        **{
            k: now[k]
            for k in (
                "visits",
                "enterprise_visits",
                "household_visits",
                "enterprises",
                "cadres",
                "workers",
                "findings",
            )
        },
        "by_category": now["by_category"],
        "by_severity": now["by_severity"],
        "ranked": [r for r in ranked if r["count"]],
        "by_industry": _breakdown(f, "industry", Industry.choices),
        "by_ownership": _breakdown(f, "ownership", Ownership.choices),
        "deeds": deeds_got,
        "previous": {
            k: prev[k] for k in ("visits", "enterprise_visits", "household_visits", "enterprises", "findings")
        }
        | {"by_category": {r["key"]: r["count"] for r in prev["by_category"]}},
    }


def _change(now: int, before: int) -> str:
    if now == before:
        return _("与上期持平")
    word = _("增加") if now > before else _("减少")
    return _("比上期%(w)s %(n)d") % {"w": word, "n": abs(now - before)}


def _cn(iso: str) -> str:
    d = datetime.date.fromisoformat(iso)
    return f"{d.year}年{d.month}月{d.day}日"


def situation_text(fig: dict) -> str:
    """一、基本情况: what was done, in words drawn from the figures."""
    lines = [
        _(
            "%(a)s至%(b)s，%(org)s共组织走访 %(v)d 次（%(c)d 名干部参加），其中走访企业 %(ev)d 次、"
            "覆盖企业 %(e)d 家、职工约 %(w)d 人，走访职工家庭 %(hv)d 户次。"
        )
        % {
            "a": _cn(fig["period"][0]),
            "b": _cn(fig["period"][1]),
            "org": fig["org_name"],
            "v": fig["visits"],
            "c": fig["cadres"],
            "ev": fig["enterprise_visits"],
            "e": fig["enterprises"],
            "w": fig["workers"],
            "hv": fig["household_visits"],
        },
        _("走访中了解掌握情况 %(n)d 条：") % {"n": fig["findings"]}
        + "；".join(f"{r['label']} {r['count']} 条" for r in fig["by_category"])
        + "。",
        _("职工诉求转化为办实事 %(p)d 件，按期办结 %(t)d 件，超期办结 %(l)d 件，正在办理 %(o)d 件。")
        % {
            "p": fig["deeds"]["promised"],
            "t": fig["deeds"]["on_time"],
            "l": fig["deeds"]["late"],
            "o": fig["deeds"]["open"],
        },
    ]
    return "\n".join(lines)


def analysis_text(fig: dict) -> str:
    """二、问题分析: problems ranked by frequency × severity, by industry and ownership, change."""
    lines = []
    if fig["ranked"]:
        lines.append(
            _("（一）主要问题（按出现次数与严重程度排序）：")
            + "；".join(
                f"{i}. {r['label']}（{r['count']} 条，加权 {r['score']}）"
                for i, r in enumerate(fig["ranked"], 1)
            )
            + "。"
        )
    else:
        lines.append(_("（一）本期走访未登记问题。"))
    if fig["by_industry"]:
        lines.append(
            _("（二）分行业看：")
            + "；".join(f"{r['label']} {r['count']} 条" for r in fig["by_industry"])
            + "。"
        )
    if fig["by_ownership"]:
        lines.append(
            _("（三）分所有制看：")
            + "；".join(f"{r['label']} {r['count']} 条" for r in fig["by_ownership"])
            + "。"
        )
    prev = fig["previous"]
    lines.append(
        _("（四）与上期（%(a)s至%(b)s）相比：走访次数%(v)s，发现问题%(f)s。")
        % {
            "a": _cn(fig["previous_period"][0]),
            "b": _cn(fig["previous_period"][1]),
            "v": _change(fig["visits"], prev["visits"]),
            "f": _change(fig["findings"], prev["findings"]),
        }
    )
    return "\n".join(lines)


def reports(user, action: str = "view") -> QuerySet[ResearchReport]:
    return ResearchReport.objects.restrict(user, action).select_related("org", "author")


def report_findings(user, report: ResearchReport) -> QuerySet[Finding]:
    """The findings of the report's scope and period that the user may see (to support a recommendation)."""
    return (
        findings(user)
        .filter(pk__in=_period_findings(report.org, report.period_start, report.period_end).values("pk"))
        .select_related("enterprise")
        .order_by("-severity", "category", "pk")
    )


def recommendations(report: ResearchReport) -> list:
    return list(report.recommendations.prefetch_related("findings").order_by("position"))


def photo_in_scope(user, pk: int) -> Photo:
    """A photo of a visit the user may see, or 404."""
    photo = Photo.objects.filter(visit__in=visits(user).values("pk"), pk=pk).select_related("visit").first()
    if photo is None:
        raise Http404
    return photo


def checklist(pk: int) -> ChecklistTemplate:
    """A checklist version (the same for every level), or 404."""
    template = ChecklistTemplate.objects.filter(pk=pk).first()
    if template is None:
        raise Http404
    return template
