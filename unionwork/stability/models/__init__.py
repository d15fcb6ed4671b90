"""Stability work (维稳): periodic reports, incidents, cases, petitions, accountability.

One file per sub-domain, as ``actions/``: ``rules`` (reporting policy, severities, heightened
periods), ``reports``, ``incidents``, ``cases`` (the workflow and mediation), ``registers``
(petitions, chairman reception, emergencies, accountability, the leading group), ``amendments``,
``notifications``; ``choices`` holds the choices several of them share. Import from here:
``from unionwork.stability.models import Case``.

Records of this module are never deleted: the querysets and models refuse ``delete()`` and a
correction is an :class:`Amendment` with its reason. Times that decide timeliness (``filed_at``,
``reported_at``, ``opened_at``) are set by the server in the actions, never taken from a form.

The case workflow is one table, :data:`WORKFLOW`; :func:`unionwork.stability.actions.move_case`
is the one action that moves a case along it.
"""

# The models register with Django in the order the single file had before the split.
# isort: off
from unionwork.core.classifications import Industry
from unionwork.stability.models._permanent import PermanentModel, PermanentQuerySet, PermanentRecordError
from unionwork.stability.models.rules import (
    DEFAULT_SEVERITY_RULES,
    HeightenedPeriod,
    ReportingPolicy,
    SeverityRule,
)
from unionwork.stability.models.reports import Report
from unionwork.stability.models.incidents import Incident
from unionwork.stability.models.cases import (
    MOVE_ACTION,
    OPEN_STATES,
    WORKFLOW,
    Case,
    CaseEvent,
    CaseKind,
    CaseMove,
    CaseQuerySet,
    CaseState,
    MediationMethod,
    MediationOutcome,
    MediationSession,
    Resolution,
)
from unionwork.stability.models.registers import (
    AccountabilityCause,
    AccountabilityDecision,
    AccountabilityKind,
    CauseKind,
    EmergencyLogEntry,
    EmergencyPlan,
    EmergencyResponse,
    GroupRole,
    LeadingGroupMember,
    Petition,
    PetitionChannel,
    ReceptionDay,
    ReceptionVisit,
)
from unionwork.stability.models.amendments import Amendment
from unionwork.stability.models.notifications import Notification
from unionwork.stability.models.choices import (
    DEFAULT_REPORTING_KINDS,
    SEVERITY_RANK,
    IncidentKind,
    PeriodKind,
    Severity,
)
# isort: on

__all__ = [
    "DEFAULT_REPORTING_KINDS",
    "DEFAULT_SEVERITY_RULES",
    "MOVE_ACTION",
    "OPEN_STATES",
    "SEVERITY_RANK",
    "WORKFLOW",
    "AccountabilityCause",
    "AccountabilityDecision",
    "AccountabilityKind",
    "Amendment",
    "Case",
    "CaseEvent",
    "CaseKind",
    "CaseMove",
    "CaseQuerySet",
    "CaseState",
    "CauseKind",
    "EmergencyLogEntry",
    "EmergencyPlan",
    "EmergencyResponse",
    "GroupRole",
    "HeightenedPeriod",
    "Incident",
    "IncidentKind",
    "Industry",
    "LeadingGroupMember",
    "MediationMethod",
    "MediationOutcome",
    "MediationSession",
    "Notification",
    "PeriodKind",
    "PermanentModel",
    "PermanentQuerySet",
    "PermanentRecordError",
    "Petition",
    "PetitionChannel",
    "ReceptionDay",
    "ReceptionVisit",
    "Report",
    "ReportingPolicy",
    "Resolution",
    "Severity",
    "SeverityRule",
]
