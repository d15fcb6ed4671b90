"""Citus-readiness of the schema (issue 19 point 5): the rules, checked over the models.

Citus (distributed PostgreSQL) spreads a *distributed* table over nodes by one column and copies a
*reference* table to every node. What it asks of a schema:

1. every distributed table has the distribution column (here ``district_id``: the id of the
   district-level unit a record belongs to, or of the unit itself above that level);
2. its primary key and every unique constraint include that column (uniqueness is checked per
   shard only);
3. a foreign key between distributed tables includes the column on both sides (co-located: the
   two rows live on the same node, and the join stays on it);
4. a reference table has no foreign key to a distributed table (it would have to point at every
   node), and a distributed table's foreign keys go to reference or co-located distributed tables.

Every model of the platform is declared here as distributed (grows with members, units or time)
or reference (the tree, classifications, settings, accounts: small, read everywhere). ``gaps()``
measures where the schema does not follow the rules yet; docs/scale.md lists them and the plan.
``manage.py citus_report`` prints them; ``--write-known`` records the current list, which the
test holds the schema to (a new gap fails, a closed one asks to be recorded).
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import models

DISTRIBUTION_COLUMN = "district_id"

DISTRIBUTED = {
    # the register and what hangs off each member
    "members.Member",
    "members.Membership",
    "members.MemberCard",
    "members.CardBatch",
    # enterprises and grassroots unions (a province: 1,000,000 and 300,000)
    "founding.Enterprise",
    "founding.EnterpriseEvent",
    "founding.GrassrootsUnion",
    "founding.FoundingSubmission",
    # stability: reports every month from every node, incidents, cases and their timelines
    "stability.Report",
    "stability.Incident",
    "stability.Case",
    "stability.CaseEvent",
    "stability.MediationSession",
    "stability.Petition",
    "stability.ReceptionDay",
    "stability.ReceptionVisit",
    "stability.EmergencyPlan",
    "stability.EmergencyResponse",
    "stability.EmergencyLogEntry",
    "stability.AccountabilityDecision",
    "stability.AccountabilityCause",
    "stability.Amendment",
    "stability.LeadingGroupMember",
    "stability.Notification",
    # core: the audit trail, kept figures, the history of units, imports, security events, notices
    "core.AuditEvent",
    "core.IndicatorValue",
    "core.ImportJob",
    "core.ExportJob",
    "core.SecurityEvent",
    "core.Notice",
    "orgs.OrgEvent",
    "core.IndicatorCorrection",
    # members in transit between unions
    "members.Transit",
    # bargaining: contracts and their coverage of enterprises, congresses, rounds, instructors
    "bargaining.Contract",
    "bargaining.ContractCoverage",
    "bargaining.Congress",
    "bargaining.CongressSession",
    "bargaining.BargainingRound",
    "bargaining.RoundSession",
    "bargaining.TripartiteMeeting",
    "bargaining.Instructor",
    "bargaining.StandardCheck",
    "bargaining.ThreeAtOnce",
    # stations: stations, their log, rights consultations, hardship files and relief
    "stations.Station",
    "stations.StationPhoto",
    "stations.StationStatusChange",
    "stations.ServiceRecord",
    "stations.Consultation",
    "stations.HardshipFile",
    "stations.HardshipReview",
    "stations.Relief",
    # visits: campaigns, pairings, visits and their answers, findings, deeds, reports
    "visits.Campaign",
    "visits.Pairing",
    "visits.Visit",
    "visits.Answer",
    "visits.Photo",
    "visits.Finding",
    "visits.Deed",
    "visits.DeedProgress",
    "visits.ResearchReport",
    "visits.Recommendation",
    # documents: each document, its dispatch to every recipient, supervision and progress
    "documents.Document",
    "documents.Attachment",
    "documents.Dispatch",
    "documents.SupervisionItem",
    "documents.SupervisionTarget",
    "documents.ProgressReport",
    # union building and culture: per union, grows with units and years
    "building.Committee",
    "building.UnionProfile",
    "building.GradeApplication",
    "building.Survey",
    "building.SurveyQuestion",
    "building.SurveyBallot",
    "building.SurveyResponse",
    "building.SurveyThrottle",
    "culture.Position",
    "culture.Team",
    "culture.Performance",
    "culture.Base",
    "culture.Nomination",
    "culture.Talent",
    "culture.Experience",
    "culture.Meeting",
}

REFERENCE = {
    "orgs.OrgUnit",  # the tree: read by every query's scope, changed rarely
    "accounts.User",
    "accounts.ApiToken",
    "accounts.LoginThrottle",
    "core.AuditHead",
    "core.ImportMapping",
    "core.ScheduledRun",
    "founding.FoundingRule",
    "founding.IndustrialUnionScope",
    "founding.FoundingTarget",
    "members.CardNumberSequence",
    "stability.ReportingPolicy",
    "stability.SeverityRule",
    "stability.HeightenedPeriod",
    "orgs.OrgLink",  # the tree's dated links: read with the tree by as-of queries
    "orgs.Rezoning",
    "bargaining.StandardItem",
    "stations.EligibilityRule",
    "stations.ReliefPolicy",
    "stations.ServiceKind",
    "visits.ChecklistTemplate",
    "visits.ChecklistItem",
    "documents.DocumentSeries",
    "documents.SerialCounter",
    "building.Campaign",
    "culture.AwardRound",
    # the assessment: a few dozen assessed units per assessing level, a few computations a year
    # (a nation: ~3,000 county federations × ~30 items × a few computations, tens of thousands of
    # rows a year), read with the tree; evidence files are few and small (6 per claim).
    "assessment.Scheme",
    "assessment.Section",
    "assessment.Item",
    "assessment.Claim",
    "assessment.ClaimFile",
    "assessment.Review",
    "assessment.Computation",
    "assessment.UnitResult",
    "assessment.ItemResult",
    "assessment.Appeal",
    # Django's and the libraries' own tables
    "auth.Permission",
    "auth.Group",
    "contenttypes.ContentType",
    "sessions.Session",
    "django_tasks_database.DBTaskResult",
    "otp_totp.TOTPDevice",
}

KNOWN_GAPS_FILE = Path(__file__).with_name("citus_known_gaps.txt")


def label(model) -> str:
    return model._meta.label


def schema_models() -> list[type[models.Model]]:
    """The concrete tables of the schema (no proxies, no unmanaged models, with auto-created m2m tables)."""
    out = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        out.append(model)
    return out


def unclassified() -> list[str]:
    """Tables declared neither distributed nor reference (a new model must be declared)."""
    out = []
    for model in schema_models():
        name = label(model)
        if model._meta.auto_created:  # an m2m table follows the model that declares it
            continue
        if name not in DISTRIBUTED and name not in REFERENCE:
            out.append(name)
    return sorted(out)


def _column_names(model, field_names) -> set[str]:
    cols = set()
    for name in field_names:
        field = model._meta.get_field(name)
        cols.add(getattr(field, "column", None) or name)
    return cols


def _unique_sets(model) -> list[tuple[str, set[str]]]:
    """Every uniqueness the database holds on the table: (description, columns)."""
    out = []
    for field in model._meta.local_concrete_fields:
        if field.unique and not field.primary_key:
            out.append((f"unique field {field.name}", {field.column}))
    for fields in model._meta.unique_together:
        out.append((f"unique_together {tuple(fields)}", _column_names(model, fields)))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.fields:
                out.append((f"unique constraint {constraint.name}", _column_names(model, constraint.fields)))
            else:  # an expression: cannot be checked here, list it
                out.append((f"unique constraint {constraint.name} (expressions)", set()))
    return out


def gaps_of(model) -> list[str]:
    """Where one table does not follow the rules for its kind."""
    name = label(model)
    problems = []
    if name in DISTRIBUTED:
        columns = {f.column for f in model._meta.local_concrete_fields}
        has_column = DISTRIBUTION_COLUMN in columns
        if not has_column:
            problems.append(f"no distribution column {DISTRIBUTION_COLUMN}")
        pk = model._meta.pk
        pk_columns = {f.column for f in getattr(pk, "fields", [pk])}
        if DISTRIBUTION_COLUMN not in pk_columns:
            problems.append(f"primary key ({', '.join(sorted(pk_columns))}) without {DISTRIBUTION_COLUMN}")
        for what, cols in _unique_sets(model):
            if DISTRIBUTION_COLUMN not in cols:
                problems.append(f"{what} without {DISTRIBUTION_COLUMN}")
    for field in model._meta.local_concrete_fields:
        if not field.is_relation or field.related_model is None:
            continue
        target = label(field.related_model)
        if name in DISTRIBUTED and target in DISTRIBUTED:
            from_columns = {f.column for f in getattr(field, "local_related_fields", ())}
            if DISTRIBUTION_COLUMN not in from_columns:
                problems.append(
                    f"foreign key {field.name} -> {target} not co-located (without {DISTRIBUTION_COLUMN})"
                )
        elif name in REFERENCE and target in DISTRIBUTED:
            problems.append(f"reference table's foreign key {field.name} -> distributed {target}")
    return problems


def gaps() -> dict[str, list[str]]:
    """Every table's gaps, by model label (tables without a gap left out)."""
    out = {}
    for model in schema_models():
        if model._meta.auto_created:
            continue
        problems = gaps_of(model)
        if problems:
            out[label(model)] = problems
    return dict(sorted(out.items()))


def gap_lines() -> list[str]:
    return [f"{name}: {problem}" for name, problems in gaps().items() for problem in problems]


def known_gaps() -> set[str]:
    if not KNOWN_GAPS_FILE.exists():
        return set()
    lines = KNOWN_GAPS_FILE.read_text(encoding="utf-8").splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def write_known_gaps() -> int:
    lines = gap_lines()
    KNOWN_GAPS_FILE.write_text(
        "# Citus gaps of the schema as measured by manage.py citus_report (docs/scale.md).\n"
        "# The test fails on a gap not listed here; rewrite with manage.py citus_report --write-known.\n"
        + "".join(line + "\n" for line in lines),
        encoding="utf-8",
    )
    return len(lines)
