"""Writing members in bulk (roster imports, demo data): a few statements per 20,000 rows.

Each new member is one row of ``members_member`` and one of ``members_membership`` (its first
stint), written through :mod:`unionwork.core.imports.fast` with ids reserved in advance. The
audit trail gets one event per union and batch, naming every member added there (id, name,
masked ID, stint id): the whole import stays in the hash chain without a million snapshots.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db import connection
from django.utils import timezone

from unionwork.core.imports import fast
from unionwork.members import idnumber, pii
from unionwork.members.models import CardStatus, Member, Membership, MemberStatus
from unionwork.members.people import person_pinyin

MEMBER_FIELDS = (
    "id", "name", "pinyin", "initials", "id_cipher", "id_hash", "id_masked", "pii_key", "birth_date", "sex", "phone",
    "education", "employment_form", "union_id", "org_path", "status", "joined_on", "left_on", "card_status",
    "is_demo", "created_at", "updated_at",
)
MEMBERSHIP_FIELDS = (
    "id", "member_id", "union_id", "org_path", "id_hash", "status", "started_on", "ended_on", "end_note", "source",
    "job_id", "created_at",
)


DEFER_INDEXES_MIN = 100_000
DEFERRABLE_INDEXES = ("member_scope_figures", "member_name_search", "member_pinyin_search", "member_initials_search")


class RosterWriter:
    """Creates members from checked rows; call :meth:`create` per batch, then :meth:`finish`."""

    batch_size = 20_000

    def __init__(self, user: Any = None, *, job_id: int | None = None, note: str = "名册导入",
                 source: str = Membership.Source.IMPORT, is_demo: bool = False, audit: bool = True,
                 expected: int = 0):
        self.user = user
        self.job_id = job_id
        self.note = note
        self.source = source
        self.is_demo = is_demo
        self.audit = audit
        self.key = pii.current_key()
        self.encrypt = pii.encryptor(self.key)
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.created = 0
        self._cache = fast.bulk_cache()
        self._cache.__enter__()
        # A load larger than the register (a first load, a new city): build the search indexes
        # once at the end instead of row by row. Unique indexes stay: they guard the rules.
        self._deferred = None
        if expected >= DEFER_INDEXES_MIN and expected > Member.objects.count():
            self._deferred = fast.indexes_deferred(Member, DEFERRABLE_INDEXES)
            self._deferred.__enter__()

    def create(self, rows: list, units: dict[int, Any]) -> None:
        """Insert one batch. ``rows``: objects with ``values`` (name, id_number: CitizenId,
        id_hash, union: id, phone, education, employment_form, joined_on)."""
        n = len(rows)
        member_ids = fast.reserve_ids(Member, n)
        stint_ids = fast.reserve_ids(Membership, n)
        enc, key_id, now, today, demo = self.encrypt, self.key.key_id, self.now, self.today, self.is_demo
        mask = idnumber.mask
        active, no_card, source, job_id = MemberStatus.ACTIVE.value, CardStatus.NONE.value, str(self.source), self.job_id
        paths = {pk: u.path for pk, u in units.items()}
        members, stints = [], []
        groups: dict[int, list] = defaultdict(list)
        audit_on = self.audit
        sqlite = connection.vendor == "sqlite"
        for mid, sid, row in zip(member_ids, stint_ids, rows, strict=True):
            v = row.values
            number, birth, sex = v["id_number"][:3]
            uid = v["union"]
            path = paths[uid]
            name = v["name"]
            full, initials = person_pinyin(name)
            masked = mask(number)
            joined = v.get("joined_on") or today
            h = v["id_hash"]
            members.append((
                mid, name, full, initials, enc(number), h, masked, key_id, birth, sex, v.get("phone") or "",
                v.get("education") or "", v["employment_form"], uid, path, active, joined, None, no_card, demo,
                now, now,
            ))
            if not sqlite:
                stints.append((sid, mid, uid, path, h, active, joined, None, "", source, job_id, now))
            if audit_on:
                groups[uid].append(f"{mid} {name} {masked} {sid}")
        fast.insert_rows(Member, MEMBER_FIELDS, members)
        if connection.vendor == "sqlite":  # the first stints from the rows just written, in SQL
            with connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO members_membership (id, member_id, union_id, org_path, id_hash, status, started_on,"
                    " ended_on, end_note, source, job_id, created_at) SELECT id - %s, id, union_id, org_path, id_hash,"
                    " status, joined_on, NULL, '', %s, %s, created_at FROM members_member WHERE id BETWEEN %s AND %s",
                    [member_ids[0] - stint_ids[0], source, job_id, member_ids[0], member_ids[-1]],
                )
        else:
            fast.insert_rows(Membership, MEMBERSHIP_FIELDS, stints)
        self.created += n
        if self.audit:
            fast.record_groups("members.member", "import", (
                {
                    "object_id": uid,
                    "object_repr": f"{units[uid].name}：{self.note}新增会员 {len(items)} 人",
                    "org_path": units[uid].path,
                    # One line per member: "member id, name, masked ID, membership id" (one string keeps
                    # the event cheap to serialise and hash at a million rows).
                    "after": {"job": self.job_id, "union": uid, "count": len(items),
                              "fields": "member_id name id_masked membership_id", "members": "\n".join(items)},
                }
                for uid, items in groups.items()
            ), note=self.note)

    def finish(self) -> None:
        try:
            if self._deferred is not None:
                self._deferred.__exit__(None, None, None)
        finally:
            self._cache.__exit__(None, None, None)
