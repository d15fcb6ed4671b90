"""Petitions, chairman reception days, emergency handling, accountability and the leading group."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgUnit
from unionwork.stability.actions._common import actor_label, check, clean_text, server_now
from unionwork.stability.actions.cases import open_case
from unionwork.stability.models import (
    AccountabilityCause,
    AccountabilityDecision,
    AccountabilityKind,
    CaseEvent,
    CaseKind,
    CauseKind,
    EmergencyLogEntry,
    EmergencyPlan,
    EmergencyResponse,
    GroupRole,
    Incident,
    IncidentKind,
    LeadingGroupMember,
    Petition,
    PetitionChannel,
    ReceptionDay,
    ReceptionVisit,
    Report,
)

# ---------------------------------------------------------------------------------------------
# Petitions


def _normalise(name: str, phone: str) -> tuple[str, str]:
    return "".join((name or "").split()), "".join(ch for ch in (phone or "") if ch.isdigit())


@transaction.atomic
def register_petition(
    user,
    org: OrgUnit,
    *,
    channel: str,
    received_on: datetime.date,
    petitioner: str,
    kind: str,
    request: str,
    petitioner_phone: str = "",
    people: int = 1,
    enterprise_name: str = "",
    open_as_case: bool = True,
    now: datetime.datetime | None = None,
    is_demo: bool = False,
) -> Petition:
    """Register a petition received by letter or visit (信访登记), and open its case.

    It is marked first letter/first visit (初信/初访) unless the same petitioner (name and phone)
    petitioned before: then it is a repeat (重信/重访), the sign of a matter not settled at first.
    """
    check(user, org, "change")
    now = server_now(now)
    if channel not in PetitionChannel.values or kind not in IncidentKind.values:
        raise ActionError(_("信访方式或诉求类型无效。"))
    if received_on > timezone.localdate(now):
        raise ActionError(_("来信来访日期不能晚于今天。"), code="future")
    if people < 1:
        raise ActionError(_("人数至少为 1。"))
    name, phone = _normalise(petitioner, petitioner_phone)
    if not name:
        raise ActionError(_("信访人不能为空。"))
    earlier = Petition.objects.filter(petitioner=name, received_on__lte=received_on)
    earlier = earlier.filter(petitioner_phone=phone) if phone else earlier
    petition = Petition.objects.create(
        org=org,
        channel=channel,
        received_on=received_on,
        registered_at=now,
        petitioner=name,
        petitioner_phone=phone,
        people=people,
        enterprise_name=(enterprise_name or "").strip()[:200],
        kind=kind,
        request=clean_text(request, _("诉求内容")),
        is_first=not earlier.exists(),
        registered_by=user,
        is_demo=is_demo,
    )
    audit.record(petition, "register_petition", None, audit.snapshot(petition))
    if open_as_case:
        petition = open_case_from_petition(user, petition, now=now)
    return petition


@transaction.atomic
def open_case_from_petition(user, petition: Petition, *, now=None) -> Petition:
    """Open the case of a petition (转办为案件)."""
    petition = Petition.objects.select_for_update().get(pk=petition.pk)
    if petition.case_id:
        raise ActionError(_("该信访已转为案件。"), code="has_case")
    title = f"{petition.first_display()}：{petition.enterprise_name or petition.petitioner} {petition.get_kind_display()}"
    case = open_case(
        user,
        petition.org,
        kind=CaseKind.PETITION,
        title=title,
        description=petition.request,
        claimant=petition.petitioner,
        now=now,
        is_demo=petition.is_demo,
        event_summary=_("%(ch)s登记（%(f)s），%(n)d 人")
        % {"ch": petition.get_channel_display(), "f": petition.first_display(), "n": petition.people},
    )
    before = audit.snapshot(petition)
    petition.case = case
    petition.save(update_fields=["case"])
    audit.record(petition, "update", before, audit.snapshot(petition), note=_("转为案件"))
    return petition


# ---------------------------------------------------------------------------------------------
# Chairman reception days


@transaction.atomic
def schedule_reception(
    user,
    org: OrgUnit,
    *,
    date: datetime.date,
    host: str,
    place: str,
    note: str = "",
    now=None,
    is_demo: bool = False,
) -> ReceptionDay:
    """Put a chairman reception day (主席接待日) on the schedule."""
    check(user, org, "change")
    day = ReceptionDay.objects.create(
        org=org,
        date=date,
        host=clean_text(host, _("接待领导"), max_length=100),
        place=clean_text(place, _("地点"), max_length=200),
        note=(note or "").strip()[:500],
        scheduled_by=user,
        created_at=server_now(now),
        is_demo=is_demo,
    )
    audit.record(day, "schedule_reception", None, audit.snapshot(day))
    return day


@transaction.atomic
def record_reception_visit(
    user,
    day: ReceptionDay,
    *,
    visitor: str,
    request: str,
    workplace: str = "",
    people: int = 1,
    reply: str = "",
    open_as_case: bool = False,
    now=None,
) -> ReceptionVisit:
    """Record who was received and what they asked; optionally open the case it becomes."""
    check(user, day.org, "change")
    now = server_now(now)
    if day.date > timezone.localdate(now):
        raise ActionError(_("接待日尚未到来，不能登记接待记录。"), code="future")
    visit = ReceptionVisit.objects.create(
        day=day,
        visitor=clean_text(visitor, _("来访人"), max_length=100),
        workplace=(workplace or "").strip()[:200],
        people=max(people or 1, 1),
        request=clean_text(request, _("反映问题")),
        reply=(reply or "").strip(),
        recorded_at=now,
    )
    if open_as_case:
        case = open_case(
            user,
            day.org,
            kind=CaseKind.RECEPTION,
            title=_("主席接待：%(v)s反映问题") % {"v": visit.visitor},
            description=visit.request,
            claimant=visit.visitor,
            now=now,
            is_demo=day.is_demo,
            event_summary=_("%(d)s 主席接待日（%(h)s）接待登记") % {"d": day.date.isoformat(), "h": day.host},
        )
        visit.case = case
        visit.save(update_fields=["case"])
    audit.record(visit, "record_reception", None, audit.snapshot(visit))
    return visit


# ---------------------------------------------------------------------------------------------
# Emergency handling


@transaction.atomic
def adopt_emergency_plan(user, org: OrgUnit, *, title: str, content: str, now=None) -> EmergencyPlan:
    """Put a new emergency plan in force for the unit; the one it replaces is kept, out of force."""
    check(user, org, "manage")
    now = server_now(now)
    for old in EmergencyPlan.objects.select_for_update().filter(org=org, in_force=True):
        before = audit.snapshot(old)
        old.in_force, old.superseded_at = False, now
        old.save(update_fields=["in_force", "superseded_at"])
        audit.record(old, "update", before, audit.snapshot(old), note=_("被新预案替代"))
    plan = EmergencyPlan.objects.create(
        org=org,
        title=clean_text(title, _("预案名称"), max_length=200),
        content=clean_text(content, _("预案要点")),
        adopted_at=now,
        in_force=True,
    )
    audit.record(plan, "adopt_plan", None, audit.snapshot(plan))
    return plan


def plan_in_force_for(org: OrgUnit) -> EmergencyPlan | None:
    """The plan in force of the unit, else of its nearest ancestor that has one."""
    ids = [int(x) for x in org.path.strip("/").split("/") if x]
    plans = {p.org_id: p for p in EmergencyPlan.objects.filter(org_id__in=ids, in_force=True)}
    for uid in reversed(ids):
        if uid in plans:
            return plans[uid]
    return None


def _log(response: EmergencyResponse, text: str, now) -> EmergencyLogEntry:
    entry = EmergencyLogEntry.objects.create(
        response=response, at=now, actor_label=actor_label(), text=text[:1000]
    )
    audit.record(entry, "log_emergency", None, audit.snapshot(entry))
    return entry


@transaction.atomic
def start_emergency_response(
    user, incident: Incident, *, commander: str, first_entry: str, now=None
) -> EmergencyResponse:
    """Start emergency handling of an incident under the plan in force; the log begins."""
    check(user, incident.org, "change")
    now = server_now(now)
    if EmergencyResponse.objects.filter(incident=incident).exists():
        raise ActionError(_("该事件已启动应急处置。"), code="exists")
    response = EmergencyResponse.objects.create(
        org=incident.org,
        incident=incident,
        plan=plan_in_force_for(incident.org),
        commander=clean_text(commander, _("现场指挥"), max_length=100),
        started_at=now,
    )
    audit.record(response, "start_emergency", None, audit.snapshot(response))
    _log(response, clean_text(first_entry, _("情况")), now)
    case = getattr(incident, "case", None)
    if case is not None:
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.EMERGENCY,
            at=now,
            actor_label=actor_label(),
            org_label=(user.org.name if user is not None and user.org_id else ""),
            summary=_("启动应急处置，现场指挥：%(c)s") % {"c": response.commander},
        )
    return response


@transaction.atomic
def log_emergency(user, response: EmergencyResponse, *, text: str, now=None) -> EmergencyLogEntry:
    """Add a line to the emergency log; its time is the server's."""
    check(user, response.org, "change")
    response = EmergencyResponse.objects.select_for_update().get(pk=response.pk)
    if response.closed_at:
        raise ActionError(_("应急处置已结束，不能再记录。"), code="closed")
    return _log(response, clean_text(text, _("情况"), max_length=1000), server_now(now))


@transaction.atomic
def close_emergency_response(
    user, response: EmergencyResponse, *, summary: str, now=None
) -> EmergencyResponse:
    check(user, response.org, "change")
    response = EmergencyResponse.objects.select_for_update().get(pk=response.pk)
    if response.closed_at:
        raise ActionError(_("应急处置已结束。"), code="closed")
    now = server_now(now)
    before = audit.snapshot(response)
    response.summary = clean_text(summary, _("处置总结"))
    response.closed_at = now
    response.save(update_fields=["summary", "closed_at"])
    audit.record(response, "close_emergency", before, audit.snapshot(response))
    _log(response, _("应急处置结束：%(s)s") % {"s": response.summary}, now)
    return response


# ---------------------------------------------------------------------------------------------
# Accountability


@transaction.atomic
def record_accountability(
    user,
    org: OrgUnit,
    *,
    kind: str,
    decided_on: datetime.date,
    reason: str,
    reports: list[Report] = (),
    incidents: list[Incident] = (),
    missed: list[tuple[str, datetime.date]] = (),
    document_number: str = "",
    persons: str = "",
    decided_by: OrgUnit | None = None,
    now=None,
) -> AccountabilityDecision:
    """Register a criticism or accountability decision about a lower unit, with its causes.

    Causes are the unit's late reports, its missed periods (derived, passed as (kind, start)),
    and its late or concealed incidents. At least one cause is needed.
    """
    check(user, org, "manage")
    decider = user.org if user is not None else decided_by
    if decider is None or decider.pk == org.pk or not org.path.startswith(decider.path):
        raise ActionError(_("问责由上级单位作出：只能对本单位的下级单位登记。"), code="not_lower")
    if kind not in AccountabilityKind.values:
        raise ActionError(_("处理方式无效。"))
    now = server_now(now)
    if decided_on > timezone.localdate(now):
        raise ActionError(_("决定日期不能晚于今天。"), code="future")
    if not (reports or incidents or missed):
        raise ActionError(_("请至少选择一项迟报、漏报或瞒报的记录作为问责原因。"), code="no_cause")
    from unionwork.stability.queries import missed_periods

    causes = []
    for report in reports:
        if report.org_id != org.pk or not report.is_late:
            raise ActionError(_("%(r)s不是该单位的迟报报告。") % {"r": report})
        causes.append(AccountabilityCause(kind=CauseKind.LATE_REPORT, report=report))
    for incident in incidents:
        if incident.org_id != org.pk or not (incident.is_late or incident.concealed):
            raise ActionError(_("%(i)s不是该单位迟报或瞒报的事件。") % {"i": incident})
        kind_ = CauseKind.CONCEALED_INCIDENT if incident.concealed else CauseKind.LATE_INCIDENT
        causes.append(AccountabilityCause(kind=kind_, incident=incident))
    if missed:
        really_missed = {(p.kind, p.start) for p in missed_periods(org, now=now)}
        for period_kind, start in missed:
            if (period_kind, start) not in really_missed:
                raise ActionError(_("%(d)s 的报告并未漏报。") % {"d": start.isoformat()})
            causes.append(
                AccountabilityCause(kind=CauseKind.MISSED_REPORT, period_kind=period_kind, period_start=start)
            )
    decision = AccountabilityDecision.objects.create(
        org=org,
        decided_by=decider,
        kind=kind,
        decided_on=decided_on,
        document_number=(document_number or "").strip()[:50],
        persons=(persons or "").strip()[:200],
        reason=clean_text(reason, _("事由")),
        recorded_at=now,
        recorded_by=user,
    )
    for cause in causes:
        cause.decision = decision
    AccountabilityCause.objects.bulk_create(causes)
    audit.record(
        decision,
        "record_accountability",
        None,
        audit.snapshot(decision) | {"causes": [str(c) for c in causes]},
    )
    return decision


# ---------------------------------------------------------------------------------------------
# The leading group


@transaction.atomic
def add_group_member(
    user,
    org: OrgUnit,
    *,
    name: str,
    position: str,
    group_role: str,
    duties: str,
    phone: str = "",
    account=None,
    now=None,
) -> LeadingGroupMember:
    """Add a member to the unit's stability leading group (维稳工作领导小组)."""
    check(user, org, "manage")
    if group_role not in GroupRole.values:
        raise ActionError(_("小组职务无效。"))
    if account is not None and account.org_id != org.pk:
        raise ActionError(_("关联的账号须属于本单位。"), code="account_org")
    member = LeadingGroupMember.objects.create(
        org=org,
        name=clean_text(name, _("姓名"), max_length=50),
        position=clean_text(position, _("职务"), max_length=100),
        group_role=group_role,
        duties=clean_text(duties, _("分工职责"), max_length=500),
        phone=(phone or "").strip()[:30],
        user=account,
        joined_at=server_now(now),
    )
    audit.record(member, "add_member", None, audit.snapshot(member))
    return member


@transaction.atomic
def end_group_membership(user, member: LeadingGroupMember, *, reason: str, now=None) -> LeadingGroupMember:
    """A member leaves the leading group; the record stays."""
    check(user, member.org, "manage")
    member = LeadingGroupMember.objects.select_for_update().get(pk=member.pk)
    if not member.active:
        raise ActionError(_("该成员已离任。"))
    before = audit.snapshot(member)
    member.active, member.left_at = False, server_now(now)
    member.save(update_fields=["active", "left_at"])
    audit.record(
        member,
        "end_member",
        before,
        audit.snapshot(member),
        note=clean_text(reason, _("原因"), max_length=500),
    )
    return member
