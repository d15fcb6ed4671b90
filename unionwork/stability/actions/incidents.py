"""Incidents: reported at once by the unit (first to know, first to report), or recorded by a
higher level that learned of one its unit did not report (the unit is marked for concealment)."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from unionwork.core import audit, identifiers
from unionwork.core.errors import ActionError
from unionwork.orgs.models import OrgUnit
from unionwork.stability import indicators
from unionwork.stability.actions._amend import amend
from unionwork.stability.actions._common import actor_label, check, clean_text, rule_for, server_now
from unionwork.stability.models import (
    SEVERITY_RANK,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Incident,
    IncidentKind,
    Industry,
    Severity,
)

INCIDENT_AMENDABLE = (
    "kind",
    "severity",
    "enterprise_name",
    "enterprise_uscc",
    "industry",
    "workers_involved",
    "amount_at_stake",
    "description",
)


def clean_uscc(value: str) -> str:
    """Optional here; when given, the one USCC rule (``core.identifiers``: letter-first codes pass)."""
    if not (value or "").strip():
        return ""
    try:
        return identifiers.validate_uscc(value)
    except identifiers.IdentifierError as exc:
        raise ActionError(exc.message, code="uscc") from None


def _clean(
    kind, severity, enterprise_name, enterprise_uscc, industry, workers_involved, amount_at_stake, description
):
    if kind not in IncidentKind.values:
        raise ActionError(_("事件类型无效。"))
    if severity not in Severity.values:
        raise ActionError(_("事件等级无效。"))
    if industry and industry not in Industry.values:
        raise ActionError(_("行业无效。"))
    try:
        amount = Decimal(str(amount_at_stake or 0))
    except InvalidOperation as exc:
        raise ActionError(_("涉及金额无效。")) from exc
    if amount < 0 or (workers_involved or 0) < 0:
        raise ActionError(_("人数和金额不能为负数。"))
    return dict(
        kind=kind,
        severity=severity,
        enterprise_name=clean_text(enterprise_name, _("企业名称"), max_length=200),
        enterprise_uscc=clean_uscc(enterprise_uscc),
        industry=industry or "",
        workers_involved=workers_involved or 0,
        amount_at_stake=amount,
        description=clean_text(description, _("基本情况")),
    )


def _notify_serious(incident: Incident) -> None:
    from unionwork.stability.tasks import notify_serious_incident

    transaction.on_commit(lambda: notify_serious_incident.enqueue(incident.pk))


def _open(user, org, recorder_org, *, concealed: bool, learned_at, now, is_demo, fields) -> Incident:
    now = server_now(now)
    if learned_at is None:
        raise ActionError(_("请填写知情时间。"))
    if learned_at > now:
        raise ActionError(_("知情时间不能晚于当前时间。"), code="future")
    rule = rule_for(fields["severity"])
    deadline = learned_at + datetime.timedelta(hours=rule.report_within_hours)
    incident = Incident.objects.create(
        org=org,
        recorder_org=recorder_org,
        learned_at=learned_at,
        reported_at=now,
        report_deadline=deadline,
        # Concealed: the unit did not report it at all, so it was not on time either.
        is_late=concealed or now > deadline,
        concealed=concealed,
        reported_by=user,
        is_demo=is_demo,
        **fields,
    )
    audit.record(
        incident, "record_concealed" if concealed else "report_incident", None, audit.snapshot(incident)
    )
    case = Case.objects.create(
        org=org,
        handling_org=org,
        kind=CaseKind.DISPUTE,
        incident=incident,
        severity=incident.severity,
        title=f"{incident.enterprise_name} {incident.get_kind_display()}"[:200],
        description=incident.description,
        state=CaseState.REPORTED,
        opened_at=now,
        due_at=now + datetime.timedelta(days=rule.resolve_within_days),
        is_demo=is_demo,
    )
    audit.record(case, "open_case", None, audit.snapshot(case))
    indicators.incident_reported(incident)
    indicators.case_changed(None, False, case.org, case.is_open)
    summary = _("%(org)s报告：%(kind)s，%(sev)s，涉及职工 %(n)d 人") % {
        "org": recorder_org.name,
        "kind": incident.get_kind_display(),
        "sev": incident.get_severity_display(),
        "n": incident.workers_involved,
    }
    if concealed:
        summary += _("（上级发现，%(u)s瞒报）") % {"u": org.name}
    elif incident.is_late:
        summary += _("（迟报）")
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.REPORTED,
        at=now,
        to_state=CaseState.REPORTED,
        actor_label=actor_label(),
        org_label=recorder_org.name,
        summary=summary[:1000],
    )
    if rule.notify_upper:
        _notify_serious(incident)
    return incident


@transaction.atomic
def report_incident(
    user,
    org: OrgUnit,
    *,
    kind: str,
    severity: str,
    enterprise_name: str,
    description: str,
    learned_at: datetime.datetime,
    enterprise_uscc: str = "",
    industry: str = "",
    workers_involved: int = 0,
    amount_at_stake: Decimal | int | str = 0,
    now: datetime.datetime | None = None,
    is_demo: bool = False,
) -> Incident:
    """Report an incident of ``org`` (the user's own unit or one below). It opens its case.

    ``reported_at`` is the server's time; the incident is late when it comes after ``learned_at``
    plus the severity's time limit. Serious ones notify the upper levels' leaders.
    """
    check(user, org, "change")
    if not org.is_active:
        raise ActionError(_("“%(u)s”已注销或合并。") % {"u": org.name})
    fields = _clean(
        kind,
        severity,
        enterprise_name,
        enterprise_uscc,
        industry,
        workers_involved,
        amount_at_stake,
        description,
    )
    recorder = user.org if user is not None else org
    return _open(
        user, org, recorder, concealed=False, learned_at=learned_at, now=now, is_demo=is_demo, fields=fields
    )


@transaction.atomic
def record_concealed_incident(
    user,
    org: OrgUnit,
    *,
    kind: str,
    severity: str,
    enterprise_name: str,
    description: str,
    learned_at: datetime.datetime,
    enterprise_uscc: str = "",
    industry: str = "",
    workers_involved: int = 0,
    amount_at_stake: Decimal | int | str = 0,
    recorder_org: OrgUnit | None = None,
    now: datetime.datetime | None = None,
    is_demo: bool = False,
) -> Incident:
    """A higher level records an incident of a lower unit that the unit did not report (瞒报)."""
    check(user, org, "change")
    recorder = user.org if user is not None else recorder_org
    if (
        recorder is None
        or recorder.pk == org.pk
        or not (org.path.startswith(recorder.path) or org.ipath.startswith(recorder.path))
    ):
        raise ActionError(_("只能为本单位的下级单位登记其未报告的事件。"), code="not_lower")
    fields = _clean(
        kind,
        severity,
        enterprise_name,
        enterprise_uscc,
        industry,
        workers_involved,
        amount_at_stake,
        description,
    )
    return _open(
        user, org, recorder, concealed=True, learned_at=learned_at, now=now, is_demo=is_demo, fields=fields
    )


@transaction.atomic
def amend_incident(user, incident: Incident, *, reason: str, **changes) -> Incident:
    """Correct an incident's facts with a reason. Its times and marks (late, concealed) never change."""
    check(user, incident.org, "change")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    old_severity = incident.severity
    merged = {f: changes.get(f, getattr(incident, f)) for f in INCIDENT_AMENDABLE}
    cleaned = _clean(**merged)
    changes = {k: cleaned[k] for k in changes if k in cleaned} | {
        k: v for k, v in changes.items() if k not in cleaned
    }
    amend(incident, INCIDENT_AMENDABLE, changes, reason, "incident")
    if (
        SEVERITY_RANK[incident.severity] > SEVERITY_RANK[old_severity]
        and rule_for(incident.severity).notify_upper
    ):
        _notify_serious(incident)
    return incident
