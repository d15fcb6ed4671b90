"""Keep the register's denormalised org paths right when the tree changes under it.

``orgs.actions.move_unit`` sends ``subtree_moved(old_path, new_path)``: every member, stint,
card and card batch whose path starts with the old one gets the new prefix, in one statement
per table, and every path of a transfer (the move itself is the audited change; the path is
bookkeeping). ``merge_units``
sends ``unit_merged(source, target)``: the source union's members become members of the
target (each stint closed and a new one opened, audited, see :func:`actions.move_members`).
``ipaths_changed(path)`` (a link to an industrial union made or undone, or a move): the members
under ``path`` read their union's industrial path again (``Member.org_ipath``).
"""

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Concat, Substr

from unionwork.core.scope import prefix_q


def on_subtree_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    from unionwork.members.models import CardBatch, Member, MemberCard, Membership, Transit

    for model in (Member, Membership, MemberCard, CardBatch):
        model._base_manager.filter(prefix_q("org_path", old_path)).update(
            org_path=Concat(Value(new_path), Substr("org_path", len(old_path) + 1))
        )
    # The transfers' paths: the releasing union, the destination, the offer, the street keeping them.
    for field in ("from_path", "to_path", "offer_path", "holder_path"):
        Transit._base_manager.filter(prefix_q(field, old_path)).update(
            **{field: Concat(Value(new_path), Substr(field, len(old_path) + 1))}
        )


def on_ipaths_changed(sender, path: str, **kwargs) -> None:
    from unionwork.members.models import Member

    resync_ipaths(Member._base_manager.filter(prefix_q("org_path", path)))


def resync_ipaths(members) -> int:
    """Set each of ``members``' industrial path to its union's (one statement)."""
    from unionwork.orgs.models import OrgUnit

    return members.update(
        org_ipath=Subquery(OrgUnit.objects.filter(pk=OuterRef("union_id")).values("ipath")[:1])
    )


def on_unit_merged(sender, source, target, **kwargs) -> None:
    from unionwork.members import actions

    actions.move_members_on_merge(source, target)


def connect() -> None:
    from unionwork.orgs.signals import ipaths_changed, subtree_moved, unit_merged

    subtree_moved.connect(on_subtree_moved, dispatch_uid="members.subtree_moved")
    ipaths_changed.connect(on_ipaths_changed, dispatch_uid="members.ipaths_changed")
    unit_merged.connect(on_unit_merged, dispatch_uid="members.unit_merged")
