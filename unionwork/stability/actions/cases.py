"""Cases followed to the end. :func:`move_case` is the one action that moves a case along
:data:`~unionwork.stability.models.WORKFLOW`; the named functions below are its user actions."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.scope import path_in_scope, user_may
from unionwork.orgs.models import OrgUnit
from unionwork.stability import indicators
from unionwork.stability.actions._amend import amend
from unionwork.stability.actions._common import actor_label, check, clean_text, rule_for, server_now
from unionwork.stability.models import (
    MOVE_ACTION,
    SEVERITY_RANK,
    WORKFLOW,
    Case,
    CaseEvent,
    CaseKind,
    CaseMove,
    CaseState,
    MediationMethod,
    MediationOutcome,
    MediationSession,
    Notification,
    Resolution,
    Severity,
)

CASE_AMENDABLE = ("title", "description", "claimant")
_EVENT_OF_MOVE = {
    CaseMove.ASSESS: CaseEvent.Kind.ASSESSED,
    CaseMove.OWN: CaseEvent.Kind.OWNED,
    CaseMove.MEDIATE: CaseEvent.Kind.MEDIATED,
    CaseMove.RESOLVE: CaseEvent.Kind.RESOLVED,
    CaseMove.VERIFY: CaseEvent.Kind.VERIFIED,
    CaseMove.REOPEN: CaseEvent.Kind.REOPENED,
    CaseMove.ESCALATE: CaseEvent.Kind.ESCALATED,
}


def may_act_on(user, case: Case) -> bool:
    """Whether the user's node is the case's handling level or above it (lower levels only watch)."""
    return user is None or path_in_scope(user, case.handling_org.path, case.handling_org.ipath)


def owner_candidates(user, case: Case):
    """Accounts that may own the case: active, at its handling level or above, inside the user's scope."""
    ancestors = [int(x) for x in case.handling_org.path.strip("/").split("/") if x]
    qs = get_user_model().objects.filter(is_active=True, org_id__in=ancestors).select_related("org")
    if user is not None:
        qs = qs.filter(org__path__startswith=user.org_path)
    return qs.order_by("org__depth", "username")


def _apply_assess(case, user, now, d):
    severity = d.get("severity") or case.severity
    if severity not in Severity.values:
        raise ActionError(_("事件等级无效。"))
    case.assessment = clean_text(d.get("assessment", ""), _("研判意见"))
    upgraded = SEVERITY_RANK[severity] > SEVERITY_RANK[case.severity]
    if severity != case.severity:
        case.severity = severity
        case.due_at = case.opened_at + datetime.timedelta(days=rule_for(severity).resolve_within_days)
    text = _("研判为%(sev)s；%(a)s") % {"sev": case.get_severity_display(), "a": case.assessment}
    if upgraded and case.incident_id and rule_for(severity).notify_upper:
        from unionwork.stability.actions.incidents import _notify_serious

        _notify_serious(case.incident)
    return text


def _apply_own(case, user, now, d):
    owner = d.get("owner")
    if owner is None:
        raise ActionError(_("请选择包案领导。"))
    if not owner_candidates(user, case).filter(pk=owner.pk).exists():
        raise ActionError(_("包案领导须是承办单位或其上级、且在您管辖范围内的在用账号。"), code="owner_scope")
    previous = case.owner
    case.owner = owner
    Notification.objects.get_or_create(
        user=owner,
        key=f"case-owned:{case.pk}:{now:%Y%m%d%H%M%S}",
        defaults={
            "kind": Notification.Kind.CASE_OWNED,
            "title": _("您已被指定为案件包案领导：%(c)s") % {"c": case},
            "url": case.get_absolute_url(),
        },
    )
    name = owner.full_name or owner.username
    if previous is not None and previous.pk != owner.pk:
        return _("包案领导由%(a)s改为%(b)s") % {"a": previous.full_name or previous.username, "b": name}
    return _("由%(n)s（%(o)s）包案") % {"n": name, "o": owner.org.name}


def _apply_mediate(case, user, now, d):
    methods = list(d.get("methods") or [])
    if not methods or set(methods) - set(MediationMethod.values):
        raise ActionError(_("请选择调处方式。"))
    outcome = d.get("outcome")
    if outcome not in MediationOutcome.values:
        raise ActionError(_("请选择调处结果。"))
    held_on = d.get("held_on") or timezone.localdate(now)
    if held_on > timezone.localdate(now):
        raise ActionError(_("调处日期不能晚于今天。"), code="future")
    session = MediationSession.objects.create(
        case=case,
        held_on=held_on,
        parties=clean_text(d.get("parties", ""), _("参加各方"), max_length=500),
        methods=methods,
        outcome=outcome,
        note=(d.get("note") or "").strip(),
        recorded_at=now,
        recorded_by=user,
    )
    audit.record(session, "mediate", None, audit.snapshot(session))
    return _("%(d)s 调处（%(m)s），结果：%(o)s") % {
        "d": held_on.isoformat(),
        "m": session.methods_display(),
        "o": session.get_outcome_display(),
    }


def _apply_resolve(case, user, now, d):
    resolution = d.get("resolution")
    if resolution not in Resolution.values:
        raise ActionError(_("请选择化解方式。"))
    case.resolution = resolution
    case.resolution_note = clean_text(d.get("note", ""), _("化解情况"))
    case.resolved_at = now
    return _("%(r)s：%(n)s") % {"r": Resolution(resolution).label, "n": case.resolution_note}


def _apply_verify(case, user, now, d):
    if user is not None and case.owner_id == user.pk:
        raise ActionError(_("包案领导不能核实自己化解的案件，请由审核人员核实。"), code="self_verify")
    case.verified_at = now
    return _("核实办结：%(n)s") % {"n": clean_text(d.get("note", ""), _("核实意见"))}


def _apply_reopen(case, user, now, d):
    case.resolved_at = None
    return _("退回重办：%(n)s") % {"n": clean_text(d.get("note", ""), _("退回原因"))}


def _apply_escalate(case, user, now, d):
    parent = case.handling_org.parent
    if parent is None:
        raise ActionError(_("市总工会已是最高层级，无法再上报。"), code="top")
    reason = clean_text(d.get("note", ""), _("上报原因"))
    old = case.handling_org
    case.handling_org = parent
    case.owner = None  # the level above names its own leader
    return _("由%(a)s上报%(b)s：%(r)s") % {"a": old.name, "b": parent.name, "r": reason}


_APPLY = {
    CaseMove.ASSESS: _apply_assess,
    CaseMove.OWN: _apply_own,
    CaseMove.MEDIATE: _apply_mediate,
    CaseMove.RESOLVE: _apply_resolve,
    CaseMove.VERIFY: _apply_verify,
    CaseMove.REOPEN: _apply_reopen,
    CaseMove.ESCALATE: _apply_escalate,
}


@transaction.atomic
def move_case(user, case: Case, move: str, *, now: datetime.datetime | None = None, **details) -> Case:
    """Move a case by ``move`` if :data:`WORKFLOW` allows it from the case's state.

    ``details`` are the move's data: assess (severity, assessment), own (owner), mediate
    (held_on, parties, methods, outcome, note), resolve (resolution, note), verify/reopen/escalate
    (note). Writes the timeline event and the audit event. An illegal move is refused in Chinese.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("handling_org", "org", "owner")
        .get(pk=case.pk)
    )
    if move not in CaseMove.values:
        raise ActionError(_("未知的操作。"))
    action = MOVE_ACTION[move]
    check(user, case.org, action)
    if not may_act_on(user, case):
        raise ActionError(
            _("案件已由上级“%(o)s”承办，本级只能查看。") % {"o": case.handling_org.name}, code="not_handler"
        )
    target = WORKFLOW.get(case.state, {}).get(move)
    if target is None:
        allowed = "、".join(str(CaseMove(m).label) for m in WORKFLOW.get(case.state, {})) or _("无")
        raise ActionError(
            _("案件当前状态为“%(s)s”，不能“%(m)s”（可进行：%(a)s）。")
            % {"s": CaseState(case.state).label, "m": CaseMove(move).label, "a": allowed},
            code="illegal_move",
        )
    now = server_now(now)
    before = audit.snapshot(case)
    from_state, counted_at, was_open = case.state, case.org, case.is_open
    summary = _APPLY[move](case, user, now, details)
    case.state = target
    case.save()
    indicators.case_changed(counted_at, was_open, case.org, case.is_open)
    CaseEvent.objects.create(
        case=case,
        kind=_EVENT_OF_MOVE[move],
        at=now,
        from_state=from_state,
        to_state=target,
        actor_label=actor_label(),
        org_label=(user.org.name if user is not None and user.org_id else ""),
        summary=str(summary)[:1000],
    )
    audit.record(case, move, before, audit.snapshot(case))
    return case


def assess_case(user, case: Case, *, assessment: str, severity: str | None = None, now=None) -> Case:
    """研判: the level assesses the matter and may set its severity (which sets the time limit)."""
    return move_case(user, case, CaseMove.ASSESS, assessment=assessment, severity=severity, now=now)


def own_case(user, case: Case, *, owner, now=None) -> Case:
    """领导包案: a named leader owns the case to the end (or takes it over)."""
    return move_case(user, case, CaseMove.OWN, owner=owner, now=now)


def record_mediation(
    user,
    case: Case,
    *,
    parties: str,
    methods: list[str],
    outcome: str,
    note: str = "",
    held_on: datetime.date | None = None,
    now=None,
) -> Case:
    """纠纷调处: one session with the parties, its methods and outcome."""
    return move_case(
        user,
        case,
        CaseMove.MEDIATE,
        parties=parties,
        methods=methods,
        outcome=outcome,
        note=note,
        held_on=held_on,
        now=now,
    )


def resolve_case(user, case: Case, *, resolution: str, note: str, now=None) -> Case:
    return move_case(user, case, CaseMove.RESOLVE, resolution=resolution, note=note, now=now)


def verify_case(user, case: Case, *, note: str, now=None) -> Case:
    return move_case(user, case, CaseMove.VERIFY, note=note, now=now)


def reopen_case(user, case: Case, *, note: str, now=None) -> Case:
    return move_case(user, case, CaseMove.REOPEN, note=note, now=now)


def escalate_case(user, case: Case, *, note: str, now=None) -> Case:
    return move_case(user, case, CaseMove.ESCALATE, note=note, now=now)


@transaction.atomic
def open_case(
    user,
    org: OrgUnit,
    *,
    kind: str,
    title: str,
    description: str,
    claimant: str = "",
    severity: str = Severity.GENERAL,
    now: datetime.datetime | None = None,
    is_demo: bool = False,
    event_summary: str = "",
) -> Case:
    """Open a case without an incident: grievance agency (诉求代理), a petition, a reception visit."""
    check(user, org, "change")
    if kind == CaseKind.DISPUTE:
        raise ActionError(_("矛盾纠纷案件由事件报告生成。"))
    if kind not in CaseKind.values or severity not in Severity.values:
        raise ActionError(_("案件类型或等级无效。"))
    now = server_now(now)
    case = Case.objects.create(
        org=org,
        handling_org=org,
        kind=kind,
        title=clean_text(title, _("案件名称"), max_length=200),
        description=clean_text(description, _("诉求/案情")),
        claimant=(claimant or "").strip()[:100],
        severity=severity,
        state=CaseState.REPORTED,
        opened_at=now,
        due_at=now + datetime.timedelta(days=rule_for(severity).resolve_within_days),
        is_demo=is_demo,
    )
    audit.record(case, "open_case", None, audit.snapshot(case))
    indicators.case_changed(None, False, case.org, case.is_open)
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.REPORTED,
        at=now,
        to_state=CaseState.REPORTED,
        actor_label=actor_label(),
        org_label=(user.org.name if user is not None and user.org_id else org.name),
        summary=(event_summary or _("受理%(k)s：%(t)s") % {"k": CaseKind(kind).label, "t": case.title})[
            :1000
        ],
    )
    return case


def open_grievance_case(
    user,
    org: OrgUnit,
    *,
    title: str,
    claimant: str,
    description: str,
    severity: str = Severity.GENERAL,
    now=None,
) -> Case:
    """诉求代理: the union takes up a worker's claim as a case."""
    return open_case(
        user,
        org,
        kind=CaseKind.GRIEVANCE,
        title=title,
        claimant=claimant,
        description=description,
        severity=severity,
        now=now,
    )


@transaction.atomic
def amend_case(user, case: Case, *, reason: str, **changes) -> Case:
    """Correct a case's title, description or claimant with a reason (its times never change)."""
    check(user, case.org, "change")
    case = Case.objects.select_for_update().get(pk=case.pk)
    diff = amend(case, CASE_AMENDABLE, changes, reason, "case")
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.AMENDED,
        at=timezone.now(),
        actor_label=actor_label(),
        org_label=(user.org.name if user is not None and user.org_id else ""),
        summary=(
            _("更正%(f)s：%(r)s")
            % {"f": "、".join(str(Case._meta.get_field(k).verbose_name) for k in diff), "r": reason}
        )[:1000],
    )
    return case


def user_may_move(user, case: Case, move: str) -> bool:
    """For pages: whether to offer ``move`` to this user (the action checks again)."""
    return (
        move in WORKFLOW.get(case.state, {}) and user_may(user, MOVE_ACTION[move]) and may_act_on(user, case)
    )
