"""Every read of the documents module; each starts from ``Model.objects.restrict(user, action)``."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core import indicators
from unionwork.documents.models import (
    Attachment,
    Dispatch,
    DocState,
    Document,
    DocumentSeries,
    ProgressReport,
    SupervisionItem,
    SupervisionTarget,
    TargetState,
)


def documents(user):
    return Document.objects.restrict(user, "view").select_related("issuer", "series")


def outbox(user):
    """Documents issued by the user's unit and the units below it (drafts included)."""
    return (
        documents(user).filter(issuer__path__startswith=user.org_path)
        if user.org_path
        else documents(user).none()
    )


def inbox(user):
    """收文: the dispatch rows of the user's own unit."""
    return (
        Dispatch.objects.restrict(user, "view")
        .filter(recipient_id=getattr(user, "org_id", None))
        .select_related("document", "document__issuer", "recipient")
    )


def receipts(user):
    """收文与签收: what reached the user's unit and the units below it (an upper level sees its
    subtree's receipts and acknowledgements)."""
    path = getattr(user, "org_path", "")
    qs = Dispatch.objects.restrict(user, "view").select_related("document", "document__issuer", "recipient")
    return qs.filter(recipient__path__startswith=path) if path else qs.none()


def dispatches(user):
    return Dispatch.objects.restrict(user, "view").select_related("document", "document__issuer", "recipient")


def series(user, action="view"):
    return DocumentSeries.objects.restrict(user, action).select_related("issuer")


def series_for(user, unit):
    """The active series the user may draft in for ``unit``."""
    return series(user, "change").filter(issuer=unit, is_active=True).order_by("prefix")


def own_dispatch(user, doc: Document) -> Dispatch | None:
    """The user's own unit's copy of ``doc`` (to read and acknowledge), if it was sent to it."""
    if not getattr(user, "org_id", None):
        return None
    return (
        Dispatch.objects.restrict(user, "view")
        .filter(document=doc, recipient_id=user.org_id)
        .select_related("recipient")
        .first()
    )


def recipients_of(user, doc: Document):
    """The recipients of ``doc`` the user may see: all of them for the issuer, the user's subtree
    for a recipient (an upper level sees its subtree's acknowledgements)."""
    return (
        Dispatch.objects.restrict(user, "view")
        .filter(document=doc)
        .select_related("recipient", "acknowledged_by", "read_by")
        .order_by("role", "recipient__path")
    )


def receipt_summary(rows) -> dict:
    rows = list(rows)
    return {
        "sent": len(rows),
        "read": sum(1 for r in rows if r.read_at),
        "acknowledged": sum(1 for r in rows if r.acknowledged_at),
        "pending": sum(1 for r in rows if not r.acknowledged_at),
    }


def recipient_units(doc: Document):
    """The units a sent document went to (the choices of its supervised items' recipients)."""
    from unionwork.orgs.models import OrgUnit

    return OrgUnit.objects.filter(pk__in=doc.dispatches.values("recipient_id")).order_by("path")


def attachments_of(user, doc: Document):
    return Attachment.objects.restrict(user, "view").filter(document=doc, report__isnull=True).defer("data")


def attachment_in_scope(user, pk: int) -> Attachment:
    return Attachment.objects.get_in_scope(user, pk=pk)


def forwards_of(user, doc: Document):
    return documents(user).filter(forwarded_from=doc)


def items(user):
    return SupervisionItem.objects.restrict(user, "view").select_related("document", "document__issuer")


def items_of(user, doc: Document):
    return (
        items(user)
        .filter(document=doc)
        .annotate(n=Count("targets"), done=Count("targets", filter=Q(targets__state=TargetState.DONE)))
    )


def targets(user):
    return SupervisionTarget.objects.restrict(user, "view").select_related(
        "item", "item__document", "item__document__issuer", "recipient"
    )


def targets_of(user, item: SupervisionItem):
    return targets(user).filter(item=item).order_by("recipient__path")


def live_figures(item: SupervisionItem, units) -> dict[int, indicators.Figure]:
    """Each unit's live figure of the indicator that measures the item, if one is registered
    (looked up by key: a key of a module not installed is skipped)."""
    key = item.indicator_key
    if not key or key not in indicators.INDICATORS:
        return {}
    return indicators.values(key, [u.pk for u in units])


def indicator_label(key: str) -> str:
    if key and key in indicators.INDICATORS:
        return str(indicators.get(key).label)
    return ""


def reports_of(user, target: SupervisionTarget):
    return (
        ProgressReport.objects.restrict(user, "view")
        .filter(target=target)
        .select_related("submitted_by", "decided_by")
    )


def report_attachments(user, report_ids):
    return Attachment.objects.restrict(user, "view").filter(report_id__in=list(report_ids)).defer("data")


def awaiting_ack(user):
    """The user's unit's documents not yet acknowledged (sent, not revoked)."""
    return inbox(user).filter(acknowledged_at__isnull=True, document__state=DocState.SENT)


def awaiting_report(user, today=None):
    """The user's unit's supervised items to report on (open, not done)."""
    return (
        targets(user)
        .filter(recipient_id=getattr(user, "org_id", None), item__closed_at__isnull=True)
        .exclude(state__in=[TargetState.DONE, TargetState.REPORTED])
        .order_by("item__deadline")
    )


def awaiting_decision(user):
    """Progress reports on the user's unit's items waiting for a decision."""
    return (
        ProgressReport.objects.restrict(user, "view")
        .filter(decision="", target__item__document__issuer_id=getattr(user, "org_id", None))
        .select_related("target", "target__item", "target__recipient")
    )


def kept_figures(user, month=None) -> list[tuple[object, indicators.Figure]]:
    """The module's three figures for the user's unit (from the stored roll-up)."""
    unit = getattr(user, "org", None)
    if unit is None:
        return []
    keys = ("documents.acknowledged_on_time", "documents.supervision_on_time", "documents.overdue")
    return [(indicators.get(k), indicators.value(k, unit, month)) for k in keys]


RANK_GROUPS = (
    (("district",), _("区市县总工会")),
    (("zone",), _("开放先导区总工会")),
    (("industrial",), _("产业工会")),
    (("township", "community", "joint", "grassroots"), _("下级工会")),
)


def children_ranked(user, key: str, month=None):
    """The user's unit's children ranked by one figure, by kind (districts, zones, industrial
    unions, lower units: never mixed, as the dashboard ranks them): ``[(group label, rows)]``.
    A rate ranks the children that received something; a count (lower is better) ranks them all."""
    unit = getattr(user, "org", None)
    if unit is None:
        return []
    children = list(unit.children.filter(status="active").order_by("path"))
    ind = indicators.get(key)
    figures = indicators.children_values(key, children, month)
    out = []
    for kinds, label in RANK_GROUPS:
        rows = [(c, f) for c, f in figures if c.kind in kinds]
        if ind.unit == indicators.RATE:
            rows = [(c, f) for c, f in rows if f.denominator]
            rows.sort(key=lambda r: -(r[1].rate or 0))
        else:
            rows.sort(key=lambda r: r[1].numerator)
        if rows:
            out.append((label, rows))
    return out


def today():
    return timezone.localdate()
