"""Every read of stability work: scoped lists, the figures rolled up per node, the reminders.

A figure table has one row for the node itself (本级), one per child in the user's scope and a
total row for the node's whole subtree; each row counts the child's whole subtree, so the total
is the sum of the rows. Each table is one or two aggregate queries with one filtered count per
row and measure, whatever the number of units below (about 2,000 reporting units in a city).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionwork.core.scope import path_in_scope
from unionwork.orgs import queries as org_queries
from unionwork.orgs.models import OrgStatus, OrgUnit
from unionwork.stability import periods as P
from unionwork.stability.models import (
    OPEN_STATES,
    AccountabilityDecision,
    Case,
    CaseEvent,
    CaseState,
    EmergencyPlan,
    EmergencyResponse,
    GroupRole,
    HeightenedPeriod,
    Incident,
    IncidentKind,
    Industry,
    LeadingGroupMember,
    Notification,
    PeriodKind,
    Petition,
    ReceptionDay,
    Report,
    ReportingPolicy,
    Severity,
    SeverityRule,
)

# ---------------------------------------------------------------------------------------------
# Nodes


def node_for(user, node_id: str | int | None) -> OrgUnit:
    """The unit a figure page is about: the one asked for (in scope, else 404), or the user's own."""
    if node_id:
        return OrgUnit.objects.get_in_scope(user, pk=node_id)
    if user.org_id is None:
        raise Http404
    return user.org


def ancestors_in_scope(user, node: OrgUnit) -> list[OrgUnit]:
    """The node's ancestors the user may see (for breadcrumbs), top first."""
    return [a for a in node.ancestors() if path_in_scope(user, a.path, a.ipath)]


def reporting_units(node: OrgUnit, policy: ReportingPolicy | None = None) -> QuerySet[OrgUnit]:
    """The units of the node's subtree that must file periodic reports."""
    policy = policy or P.get_policy()
    return OrgUnit.objects.filter(path__startswith=node.path, kind__in=policy.kinds, status=OrgStatus.ACTIVE)


# ---------------------------------------------------------------------------------------------
# Tables rolled up per child


@dataclass
class Row:
    label: str
    unit: OrgUnit | None = None
    own: bool = False
    total: bool = False
    values: dict = field(default_factory=dict)

    def get(self, key, default=0):
        return self.values.get(key, default)


@dataclass
class Table:
    node: OrgUnit
    measures: list[tuple[str, str]]  # (key, Chinese label)
    rows: list[Row]

    @property
    def total(self) -> Row:
        return self.rows[-1]

    @property
    def body(self) -> list[Row]:
        return self.rows[:-1]

    @property
    def lines(self) -> list[tuple[Row, list]]:
        """Each row with its values in the order of the measures (for templates)."""
        return [(r, [r.values.get(k) for k, _label in self.measures]) for r in self.rows]


def _children(user, node: OrgUnit) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.restrict(user)
        .filter(parent=node, status=OrgStatus.ACTIVE)
        .order_by("kind", "code", "pinyin")
    )


def _aggregate(
    qs: QuerySet, node: OrgUnit, children: list[OrgUnit], path_field: str, measures: dict[str, Q]
) -> dict[str, dict[str, int]]:
    """One query: a filtered count per measure, grouped by the child of ``node`` each record lies
    under (``own``: the node itself; ``total``: the whole subtree, records under children the user
    does not see included), keyed ``own``, ``c<child pk>``, ``total``."""
    by_path = {c.path: f"c{c.pk}" for c in children}
    out: dict[str, dict[str, int]] = {
        key: dict.fromkeys(measures, 0) for key in ("own", *by_path.values(), "total")
    }
    if not measures:
        return out
    counts = {m: Count("pk", filter=q) if q else Count("pk") for m, q in measures.items()}
    rows = (
        qs.annotate(_child=org_queries.child_prefix(path_field, node.path))
        .order_by()
        .values("_child")
        .annotate(**counts)
    )
    for row in rows:
        child = row.pop("_child")
        key = "own" if child == node.path else by_path.get(child)
        for m, value in row.items():
            out["total"][m] += value or 0
            if key is not None:
                out[key][m] += value or 0
    return out


def _rows(node: OrgUnit, children: list[OrgUnit], data: dict[str, dict[str, int]], keep) -> list[Row]:
    rows = [Row(_("本级"), unit=node, own=True, values=data["own"])]
    rows += [Row(c.name, unit=c, values=data[f"c{c.pk}"]) for c in children]
    rows = [r for r in rows if keep(r)]
    rows.append(Row(_("合计"), unit=node, total=True, values=data["total"]))
    return rows


def _period_q(periods: Iterable[P.Period]) -> Q:
    months = [p.start for p in periods if p.kind == PeriodKind.MONTHLY]
    days = [p.start for p in periods if p.kind == PeriodKind.DAILY]
    q = Q(pk__in=[])
    if months:
        q |= Q(period_kind=PeriodKind.MONTHLY, period_start__in=months)
    if days:
        q |= Q(period_kind=PeriodKind.DAILY, period_start__in=days)
    return q


REPORT_MEASURES = [
    ("units", _l("须报送单位")),
    ("expected", _l("应报（已到期）")),
    ("on_time", _l("按时报送")),
    ("late", _l("迟报")),
    ("missing", _l("漏报")),
    ("pending", _l("未到期待报")),
    ("rate", _l("及时率%")),
]


def report_timeliness(
    user, node: OrgUnit, month: datetime.date, now: datetime.datetime | None = None
) -> Table:
    """Completeness and timeliness of the periodic reports of a month (its monthly report and its
    heightened days), per child of ``node`` and rolled up. Missing reports are derived: expected
    periods whose deadline has passed, minus the reports filed for them."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = P.get_policy()
    periods = [p for p in P.periods_of_month(month, policy) if p.start <= today]
    due = [p for p in periods if p.is_due(now)]
    pending = [p for p in periods if not p.is_due(now)]
    children = _children(user, node)
    units = _aggregate(reporting_units(node, policy), node, children, "path", {"n": Q()})
    reports = Report.objects.filter(
        org__path__startswith=node.path, org__kind__in=policy.kinds, org__status=OrgStatus.ACTIVE
    )
    due_q, pending_q = _period_q(due), _period_q(pending)
    filed = _aggregate(
        reports,
        node,
        children,
        "org__path",
        {"on_time": due_q & Q(is_late=False), "late": due_q & Q(is_late=True), "filed_pending": pending_q},
    )
    data = {}
    for bkey in units:
        n = units[bkey]["n"]
        f = filed[bkey]
        expected = n * len(due)
        values = {
            "units": n,
            "expected": expected,
            "on_time": f["on_time"],
            "late": f["late"],
            "missing": expected - f["on_time"] - f["late"],
            "pending": n * len(pending) - f["filed_pending"],
        }
        values["rate"] = round(values["on_time"] * 100.0 / expected, 1) if expected else None
        data[bkey] = values
    table = Table(node, REPORT_MEASURES, _rows(node, children, data, keep=lambda r: r.get("units") > 0))
    table.periods = periods
    table.due = due
    return table


INCIDENT_TIMELINESS = [
    ("on_time", _l("按时报告")),
    ("late", _l("迟报")),
    ("concealed", _l("瞒报")),
    ("all", _l("合计")),
]


def _incidents(node: OrgUnit, since: datetime.date, until: datetime.date) -> QuerySet[Incident]:
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(datetime.datetime.combine(until, datetime.time.max))
    return Incident.objects.filter(org__path__startswith=node.path, reported_at__range=(start, end))


def incident_timeliness(user, node: OrgUnit, since: datetime.date, until: datetime.date) -> Table:
    """Incidents reported on time, late, or found concealed, per child and rolled up."""
    children = _children(user, node)
    measures = {
        "on_time": Q(is_late=False, concealed=False),
        "late": Q(is_late=True, concealed=False),
        "concealed": Q(concealed=True),
        "all": Q(),
    }
    data = _aggregate(_incidents(node, since, until), node, children, "org__path", measures)
    return Table(node, INCIDENT_TIMELINESS, _rows(node, children, data, keep=lambda r: r.get("all") > 0))


def incidents_by_kind(user, node: OrgUnit, since: datetime.date, until: datetime.date) -> Table:
    """Disputes by type per child and rolled up."""
    children = _children(user, node)
    measures = {k: Q(kind=k) for k in IncidentKind.values} | {"all": Q()}
    data = _aggregate(_incidents(node, since, until), node, children, "org__path", measures)
    labels = [(k, str(label)) for k, label in IncidentKind.choices] + [("all", _("合计"))]
    return Table(node, labels, _rows(node, children, data, keep=lambda r: r.get("all") > 0))


def open_cases_by_severity(user, node: OrgUnit, now: datetime.datetime | None = None) -> Table:
    """Open cases by severity, and the overdue ones, per child and rolled up."""
    now = now or timezone.now()
    children = _children(user, node)
    measures = {s: Q(severity=s) for s in Severity.values} | {"overdue": Q(due_at__lt=now), "all": Q()}
    qs = Case.objects.filter(org__path__startswith=node.path, state__in=OPEN_STATES)
    data = _aggregate(qs, node, children, "org__path", measures)
    labels = [(s, str(label)) for s, label in Severity.choices] + [("overdue", _("逾期")), ("all", _("合计"))]
    return Table(node, labels, _rows(node, children, data, keep=lambda r: r.get("all") > 0))


AGE_BUCKETS = [
    (0, 7, _l("7天内")),
    (8, 30, _l("8–30天")),
    (31, 90, _l("31–90天")),
    (91, None, _l("90天以上")),
]


def open_cases_by_age(
    node: OrgUnit, now: datetime.datetime | None = None
) -> list[tuple[str, dict[str, int]]]:
    """Open cases of the subtree by age bucket and severity: [(bucket label, {severity: n})]."""
    now = now or timezone.now()
    exprs = {}
    for i, (lo, hi, _label) in enumerate(AGE_BUCKETS):
        q = Q(opened_at__lte=now - datetime.timedelta(days=lo))
        if hi is not None:
            q &= Q(opened_at__gt=now - datetime.timedelta(days=hi + 1))
        for s in Severity.values:
            exprs[f"b{i}__{s}"] = Count("pk", filter=q & Q(severity=s))
    result = Case.objects.filter(org__path__startswith=node.path, state__in=OPEN_STATES).aggregate(**exprs)
    return [
        (str(label), {s: result[f"b{i}__{s}"] for s in Severity.values})
        for i, (_lo, _hi, label) in enumerate(AGE_BUCKETS)
    ]


def incidents_by(
    node: OrgUnit, since: datetime.date, until: datetime.date, field_name: str, choices
) -> list[tuple[str, str, int]]:
    """Counts of the subtree's incidents by a choice field: [(value, label, n)], every choice listed."""
    counts = dict(_incidents(node, since, until).values_list(field_name).annotate(n=Count("pk")).order_by())
    rows = [(value, str(label), counts.get(value, 0)) for value, label in choices]
    if field_name == "industry" and counts.get(""):
        rows.append(("", _("未填行业"), counts[""]))
    return rows


def summary(node: OrgUnit, since: datetime.date, until: datetime.date, now=None) -> dict:
    """Headline numbers of the subtree."""
    now = now or timezone.now()
    inc = _incidents(node, since, until).aggregate(
        n=Count("pk"),
        workers=Sum("workers_involved"),
        amount=Sum("amount_at_stake"),
        n_concealed=Count("pk", filter=Q(concealed=True)),
        n_late=Count("pk", filter=Q(is_late=True, concealed=False)),
    )
    cases = Case.objects.filter(org__path__startswith=node.path).aggregate(
        open=Count("pk", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("pk", filter=Q(state__in=OPEN_STATES, due_at__lt=now)),
        closed=Count("pk", filter=Q(state=CaseState.VERIFIED)),
    )
    return {**{k: v or 0 for k, v in inc.items()}, **cases}


# ---------------------------------------------------------------------------------------------
# Missed reports and reminders


def missed_periods(org: OrgUnit, now: datetime.datetime | None = None, months: int = 12) -> list[P.Period]:
    """The periods of the last months whose deadline passed without a report of ``org`` (漏报)."""
    now = now or timezone.now()
    due = [p for p in P.fileable_periods(now, months_back=months) if p.is_due(now)]
    filed = set(
        Report.objects.filter(org=org).filter(_period_q(due)).values_list("period_kind", "period_start")
    )
    return [p for p in due if (p.kind, p.start) not in filed]


def unfiled_periods(org: OrgUnit, now: datetime.datetime | None = None, months: int = 2) -> list[P.Period]:
    """The unit's periods of the last months without a report, due ones and open ones, oldest first."""
    now = now or timezone.now()
    candidates = P.fileable_periods(now, months_back=months)
    filed = set(
        Report.objects.filter(org=org)
        .filter(_period_q(candidates))
        .values_list("period_kind", "period_start")
    )
    return sorted((p for p in candidates if (p.kind, p.start) not in filed), key=lambda p: p.deadline)


@dataclass
class Reminder:
    level: str  # danger, warning, info
    text: str
    url: str = ""


def reminders_for(user, now: datetime.datetime | None = None) -> list[Reminder]:
    """What the user should do now: reports due or missed, cases overdue (shown on /stability/)."""
    from django.urls import reverse

    from unionwork.stability.actions.reports import must_report

    now = now or timezone.now()
    out: list[Reminder] = []
    org = user.org
    if org is None:
        return out
    policy = P.get_policy()
    soon = now + datetime.timedelta(days=policy.remind_days_before)
    if must_report(org, policy) and user.may("change"):
        for p in unfiled_periods(org, now):
            if p.is_due(now):
                out.append(
                    Reminder(
                        "danger",
                        _("本单位%(p)s已过截止时间（%(d)s）仍未报送，请立即补报。")
                        % {"p": p.label, "d": f"{timezone.localtime(p.deadline):%m-%d %H:%M}"},
                        reverse("stability:report-file"),
                    )
                )
            elif p.deadline <= soon:
                out.append(
                    Reminder(
                        "warning",
                        _("本单位%(p)s请于 %(d)s 前报送（无情况请报零报告）。")
                        % {"p": p.label, "d": f"{timezone.localtime(p.deadline):%m-%d %H:%M}"},
                        reverse("stability:report-file"),
                    )
                )
    # The subtree below: how many lower units missed the latest due period.
    latest_due = [p for p in P.fileable_periods(now, months_back=1) if p.is_due(now)]
    if latest_due:
        p = max(latest_due, key=lambda x: x.deadline)
        lower = reporting_units(org, policy).exclude(pk=org.pk)
        missing = lower.exclude(
            pk__in=Report.objects.filter(period_kind=p.kind, period_start=p.start).values("org_id")
        ).count()
        if missing:
            out.append(
                Reminder(
                    "warning",
                    _("下级单位有 %(n)d 个未报送%(p)s。") % {"n": missing, "p": p.label},
                    reverse("stability:timeliness") + f"?month={p.start:%Y-%m}",
                )
            )
    owned = Case.objects.filter(owner=user).overdue(now).count()
    if owned:
        out.append(
            Reminder(
                "danger",
                _("您包案的 %(n)d 件案件已超过办结时限。") % {"n": owned},
                reverse("stability:case-list") + "?mine=1&overdue=1",
            )
        )
    overdue = Case.objects.restrict(user).overdue(now).count()
    if overdue and overdue != owned:
        out.append(
            Reminder(
                "warning",
                _("辖区内有 %(n)d 件案件逾期未办结。") % {"n": overdue},
                reverse("stability:case-list") + "?overdue=1",
            )
        )
    unowned = (
        Case.objects.restrict(user)
        .filter(
            handling_org__path__startswith=org.path,
            state__in=[CaseState.REPORTED, CaseState.ESCALATED, CaseState.ASSESSED],
        )
        .count()
    )
    if unowned:
        out.append(
            Reminder(
                "info",
                _("有 %(n)d 件案件待研判或待包案。") % {"n": unowned},
                reverse("stability:case-list") + "?state=reported",
            )
        )
    return out


def notifications_for(user, unread_only: bool = False, limit: int = 50) -> list[Notification]:
    qs = Notification.objects.filter(user=user)
    if unread_only:
        qs = qs.filter(read_at=None)
    return list(qs[:limit])


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at=None).count()


def upper_leaders(org: OrgUnit) -> list:
    """The leaders of every level above ``org``: accounts of their leading-group members, or,
    where a level has linked none, its administrators and viewers (the leadership's accounts)."""
    ids = [int(x) for x in org.path.strip("/").split("/") if x][:-1]
    if not ids:
        return []
    User = get_user_model()
    linked = {}
    for m in LeadingGroupMember.objects.filter(
        org_id__in=ids, active=True, user__isnull=False, user__is_active=True
    ).select_related("user"):
        linked.setdefault(m.org_id, []).append(m.user)
    out = []
    fallback = User.objects.filter(org_id__in=[i for i in ids if i not in linked], is_active=True)
    for u in fallback:
        if {"administrator", "viewer"} & set(u.role_names()):
            out.append(u)
    for users in linked.values():
        out += users
    return list({u.pk: u for u in out}.values())


# ---------------------------------------------------------------------------------------------
# Single records


def case_timeline(case: Case) -> list[CaseEvent]:
    return list(CaseEvent.objects.filter(case=case).order_by("at", "id"))


# What a record's page shows beside it (the record itself is already fetched in scope).


def case_of_incident(incident: Incident) -> Case | None:
    return Case.objects.filter(incident=incident).select_related("owner", "handling_org").first()


def emergency_of_incident(incident: Incident) -> EmergencyResponse | None:
    return EmergencyResponse.objects.filter(incident=incident).first()


def petition_of_case(case: Case) -> Petition | None:
    return Petition.objects.filter(case=case).first()


def sessions_of(case: Case) -> list:
    return list(case.sessions.all())


def visits_of(day: ReceptionDay) -> list:
    return list(day.visits.select_related("case"))


def log_of(response: EmergencyResponse) -> list:
    return list(response.log.all())


def causes_of(decision: AccountabilityDecision) -> list:
    return list(decision.causes.select_related("report", "incident", "report__org"))


def plans_in_force(user) -> list[EmergencyPlan]:
    """The emergency plans in force in the user's scope, by unit."""
    qs = EmergencyPlan.objects.restrict(user).filter(in_force=True).select_related("org")
    return list(qs.order_by("org__path"))


def emergency_responses(user, limit: int = 100) -> list[EmergencyResponse]:
    return list(EmergencyResponse.objects.restrict(user).select_related("org", "incident", "plan")[:limit])


def active_children(user, node: OrgUnit, limit: int = 200) -> list[OrgUnit]:
    """The active units directly below ``node`` in the user's scope."""
    qs = OrgUnit.objects.restrict(user).filter(parent=node, status=OrgStatus.ACTIVE)
    return list(qs.order_by("kind", "code")[:limit])


def current_heightened_period(today: datetime.date) -> HeightenedPeriod | None:
    """The heightened period in force or next to come (not cancelled, not over)."""
    qs = HeightenedPeriod.objects.filter(cancelled=False, ends_on__gte=today)
    return qs.order_by("starts_on").first()


def heightened_periods(limit: int = 100) -> list[HeightenedPeriod]:
    return list(HeightenedPeriod.objects.select_related("set_by")[:limit])


def heightened_period(pk: int) -> HeightenedPeriod:
    """One heightened period (city-wide, no scope), or Http404."""
    try:
        return HeightenedPeriod.objects.get(pk=pk)
    except HeightenedPeriod.DoesNotExist as exc:
        raise Http404 from exc


def severity_rules_stored() -> bool:
    """Whether the city has saved its own severity rules (else the defaults apply)."""
    return SeverityRule.objects.exists()


def notification_of(user, pk: int) -> Notification | None:
    """One of the user's own notifications (someone else's: None)."""
    return Notification.objects.filter(user=user, pk=pk).first()


def group_of(user, node: OrgUnit) -> list[LeadingGroupMember]:
    """The leading group of one unit (in scope), active members first."""
    rank = {role: i for i, role in enumerate(GroupRole.values)}
    members = LeadingGroupMember.objects.restrict(user).filter(org=node).select_related("user").order_by("id")
    return sorted(members, key=lambda m: (not m.active, rank.get(m.group_role, 9), m.pk))


def industries() -> list[tuple[str, str]]:
    return [(k, str(v)) for k, v in Industry.choices]


def amendments_of(obj) -> list:
    """The amendments of a report, incident or case, each with ``rows``: (field label, before, after)."""
    labels = {f.attname: str(f.verbose_name) for f in type(obj)._meta.concrete_fields}
    out = list(obj.amendments.all())
    for a in out:
        a.rows = [(labels.get(k, k), v[0], v[1]) for k, v in a.changes.items()]
    return out
