"""Signals other modules listen to when the tree changes under their records."""

from django.dispatch import Signal

# old_path, new_path: a subtree was moved; records that store paths rewrite their prefix.
subtree_moved = Signal()
# path, old_ipath, new_ipath: the industrial paths of the subtree at ``path`` changed (a link to an
# industrial union was made or undone above it, or it moved; the unit's industrial path before
# and after); records that keep a copy read it again. Sent after ``subtree_moved`` when both
# happen, so the records' paths are already the new ones.
ipaths_changed = Signal()
# source, target: a unit was merged into another; modules may move their records to the target.
unit_merged = Signal()
# unit, old_status, new_status: a unit was deregistered or reactivated (after the change).
unit_status_changed = Signal()
