"""Keep the register's denormalised org paths right when the tree changes under it.

``orgs.actions.move_unit`` sends ``subtree_moved(old_path, new_path)``: every member, stint,
card and card batch whose path starts with the old one gets the new prefix, in one statement
per table, and every path of a transfer (the move itself is the audited change; the path is
bookkeeping). ``merge_units``
sends ``unit_merged(source, target)``: the source union's members become members of the
target (each stint closed and a new one opened, audited, see :func:`actions.move_members`).
"""

from django.db.models import Value
from django.db.models.functions import Concat, Substr


def on_subtree_moved(sender, old_path: str, new_path: str, **kwargs) -> None:
    from unionwork.core.scope import prefix_q
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


def on_unit_merged(sender, source, target, **kwargs) -> None:
    from unionwork.members import actions

    actions.move_members_on_merge(source, target)


def connect() -> None:
    from unionwork.orgs.signals import subtree_moved, unit_merged

    subtree_moved.connect(on_subtree_moved, dispatch_uid="members.subtree_moved")
    unit_merged.connect(on_unit_merged, dispatch_uid="members.unit_merged")
