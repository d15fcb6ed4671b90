"""The audit trail: append-only events written by every action, linked into a keyed chain.

Public API (``from unionwork.core import audit``): :func:`acting_as`, :func:`record`,
:func:`record_many`, :func:`snapshot`, :func:`verify`, :func:`anchor`, :func:`link_pending`
and the verb labels. The parts:

- ``context``: who is acting (web, API, imports, tasks, commands); no write without it;
- ``chain``: writing events (unlinked, in the change's transaction) and linking them after
  commit by one sequencer; the keyed hashes (docs/keys.md);
- ``anchors``: the head signed and kept outside the database; ``verify``: ``audit_verify``;
- ``labels``: how verbs read, declared by each module; ``db``: the append-only triggers;
- ``filters``: the audit list's filter sets; ``tasks``: the periodic anchoring.
"""

from unionwork.core.audit.anchors import (
    ANCHOR_LOG_PREFIX,
    Anchor,
    AuditAnchorError,
    anchor,
    anchor_file,
    read_anchors,
)
from unionwork.core.audit.chain import (
    GENESIS,
    MIN_KEY_LENGTH,
    _append,
    _build,
    _jsonable,
    _payload,
    audit_key,
    canonical,
    diff,
    event_hash,
    legacy_hash,
    link_pending,
    record,
    record_many,
    seal,
    snapshot,
)
from unionwork.core.audit.context import Actor, NoActorError, acting_as, current_actor, set_actor
from unionwork.core.audit.labels import KEYED_VERB, verb_choices, verb_label
from unionwork.core.audit.verify import VerifyResult, link_bound, verify

__all__ = [
    "ANCHOR_LOG_PREFIX",
    "GENESIS",
    "KEYED_VERB",
    "MIN_KEY_LENGTH",
    "Actor",
    "Anchor",
    "AuditAnchorError",
    "NoActorError",
    "VerifyResult",
    "_append",
    "_build",
    "_jsonable",
    "_payload",
    "acting_as",
    "anchor",
    "anchor_file",
    "audit_key",
    "canonical",
    "current_actor",
    "diff",
    "event_hash",
    "legacy_hash",
    "link_bound",
    "link_pending",
    "read_anchors",
    "record",
    "record_many",
    "seal",
    "set_actor",
    "snapshot",
    "verb_choices",
    "verb_label",
    "verify",
]
