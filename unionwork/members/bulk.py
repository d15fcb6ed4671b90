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

from unionwork.core import masking
from unionwork.core.imports import fast
from unionwork.members import pii
from unionwork.members.models import CardStatus, Member, Membership, MemberStatus
from unionwork.members.people import person_pinyin

MEMBER_FIELDS = (
    "id",
    "name",
    "pinyin",
    "initials",
    "id_cipher",
    "id_hash",
    "pii_key",
    "birth_year",
    "sex",
    "phone",
    "education",
    "employment_form",
    "union_id",
    "org_path",
    "status",
    "joined_on",
    "left_on",
    "card_status",
    "is_demo",
    "created_at",
    "updated_at",
    "org_ipath",
)
MEMBERSHIP_FIELDS = (
    "id",
    "member_id",
    "union_id",
    "org_path",
    "id_hash",
    "status",
    "started_on",
    "ended_on",
    "end_note",
    "source",
    "job_id",
    "created_at",
)


# A packed new member (see :class:`Packer`): the values of these columns in database form (dates
# as ISO text, the number encrypted). The writer adds the id and the name's pinyin (the checking
# process is the busier of the two), and its constants after.
PACKED_FIELDS = (
    "name",
    "id_cipher",
    "id_hash",
    "birth_year",
    "sex",
    "phone",
    "education",
    "employment_form",
    "union_id",
    "org_path",
    "joined_on",
)
CONSTANT_FIELDS = ("pii_key", "status", "left_on", "card_status", "is_demo", "created_at", "updated_at")
# The union's industrial path is added by the writer too (from the units it is given).
WRITTEN_FIELDS = ("id", "name", "pinyin", "initials", *PACKED_FIELDS[1:], *CONSTANT_FIELDS, "org_ipath")
# A packed row ends with the masked number, for the audit line only (it is not stored in the member).
P_NAME, P_HASH, P_UNION, P_PATH, P_JOINED, P_MASKED = 0, 2, 8, 9, 10, -1


class PackedMembers:
    """New members of one checked batch, each a tuple of :data:`PACKED_FIELDS`, the numbers
    encrypted under the key ``key_id``. Cheap to pickle from the checking process to the writer."""

    __slots__ = ("rows", "key_id")

    def __init__(self, rows: list[tuple], key_id: str):
        self.rows = rows
        self.key_id = key_id

    def __getstate__(self):
        return (self.rows, self.key_id)

    def __setstate__(self, state):
        self.rows, self.key_id = state

    def __len__(self) -> int:
        return len(self.rows)


class Packer:
    """Turns checked rows into :class:`PackedMembers`. In a parallel import this runs in the
    checking process, beside the check: the encryption and the masking are done there."""

    def __init__(self, paths: dict[int, str], today):
        self.key = pii.current_key()
        self.encrypt = pii.encryptor(self.key)
        self.paths = paths
        self.today = today.isoformat()

    def pack(self, rows: list) -> PackedMembers:
        enc, paths, today, mask = self.encrypt, self.paths, self.today, masking.mask_id
        out = []
        append = out.append
        for row in rows:
            v = row.values
            cid = v["id_number"]
            number = cid[0]
            uid = v["union"]
            joined = v.get("joined_on")
            append(
                (
                    v["name"],
                    enc(number),
                    v["id_hash"],
                    int(number[6:10]),
                    cid[2],
                    v.get("phone") or "",
                    v.get("education") or "",
                    v["employment_form"],
                    uid,
                    paths[uid],
                    joined.isoformat() if joined else today,
                    mask(number),
                )
            )
        return PackedMembers(out, self.key.key_id)


DEFER_INDEXES_MIN = 100_000
DEFERRABLE_INDEXES = (
    "member_scope_figures",
    "member_name_search",
    "member_pinyin_search",
    "member_initials_search",
)
# The first stints' one-active-membership-per-person index (random keys: the costliest to keep
# up row by row). Rebuilt at the end of the write, inside its transaction, it still refuses any
# duplicate (the whole import then fails); SQLite's write lock keeps other writers out meanwhile.
DEFERRABLE_STINT_INDEXES = ("membership_one_active_per_id",)


class RosterWriter:
    """Creates members from checked rows; call :meth:`create` per batch, then :meth:`finish`."""

    batch_size = 20_000

    def __init__(
        self,
        user: Any = None,
        *,
        job_id: int | None = None,
        note: str = "名册导入",
        source: str = Membership.Source.IMPORT,
        is_demo: bool = False,
        audit: bool = True,
        expected: int = 0,
    ):
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
        self._deferred = []
        if expected >= DEFER_INDEXES_MIN and expected > Member.objects.count():
            for model, names in ((Member, DEFERRABLE_INDEXES), (Membership, DEFERRABLE_STINT_INDEXES)):
                deferred = fast.indexes_deferred(model, names)
                deferred.__enter__()
                self._deferred.append(deferred)

    def create(self, rows: list, units: dict[int, Any]) -> None:
        """Insert one batch. ``rows``: objects with ``values`` (name, id_number: CitizenId,
        id_hash, union: id, phone, education, employment_form, joined_on)."""
        n = len(rows)
        member_ids = fast.reserve_ids(Member, n)
        stint_ids = fast.reserve_ids(Membership, n)
        enc, key_id, now, today, demo = self.encrypt, self.key.key_id, self.now, self.today, self.is_demo
        mask = masking.mask_id
        active, no_card, source, job_id = (
            MemberStatus.ACTIVE.value,
            CardStatus.NONE.value,
            str(self.source),
            self.job_id,
        )
        paths = {pk: u.path for pk, u in units.items()}
        ipaths = {pk: u.ipath for pk, u in units.items()}
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
            members.append(
                (
                    mid,
                    name,
                    full,
                    initials,
                    enc(number),
                    h,
                    key_id,
                    birth.year,
                    sex,
                    v.get("phone") or "",
                    v.get("education") or "",
                    v["employment_form"],
                    uid,
                    path,
                    active,
                    joined,
                    None,
                    no_card,
                    demo,
                    now,
                    now,
                    ipaths[uid],
                )
            )
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
            fast.record_groups(
                "members.member",
                "import",
                (
                    {
                        "object_id": uid,
                        "object_repr": f"{units[uid].name}：{self.note}新增会员 {len(items)} 人",
                        "org_path": units[uid].path,
                        # One line per member: "member id, name, masked ID, membership id" (one string keeps
                        # the event cheap to serialise and hash at a million rows).
                        "after": {
                            "job": self.job_id,
                            "union": uid,
                            "count": len(items),
                            "fields": "member_id name id_masked membership_id",
                            "members": "\n".join(items),
                        },
                    }
                    for uid, items in groups.items()
                ),
                note=self.note,
            )

    def create_packed(self, packs: list[PackedMembers], units: dict[int, Any]) -> int:
        """Insert packed new members (one or more packs; they form one audit batch)."""
        rows = packs[0].rows if len(packs) == 1 else [t for p in packs for t in p.rows]
        n = len(rows)
        if not n:
            return 0
        member_ids = fast.reserve_ids(Member, n)
        stint_ids = fast.reserve_ids(Membership, n)
        sqlite = connection.vendor == "sqlite"
        ops = connection.ops
        now = ops.adapt_datetimefield_value(self.now)
        active, no_card, source, job_id = (
            MemberStatus.ACTIVE.value,
            CardStatus.NONE.value,
            str(self.source),
            self.job_id,
        )
        demo = int(self.is_demo) if sqlite else self.is_demo
        members: list[tuple] = []
        append = members.append
        pinyin = person_pinyin
        offset = 0
        ipaths = {pk: u.ipath for pk, u in units.items()}
        for p in packs:  # the key that encrypted each pack is stored beside its rows
            tail = (p.key_id, active, None, no_card, demo, now, now)
            for mid, t in zip(member_ids[offset : offset + len(p.rows)], p.rows, strict=True):
                append((mid, t[0], *pinyin(t[0]), *t[1:-1], *tail, ipaths[t[P_UNION]]))
            offset += len(p.rows)
        fast.insert_rows(Member, WRITTEN_FIELDS, members, adapted=True)
        if sqlite:  # the first stints from the rows just written, in SQL
            with connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO members_membership (id, member_id, union_id, org_path, id_hash, status, started_on,"
                    " ended_on, end_note, source, job_id, created_at) SELECT id - %s, id, union_id, org_path, id_hash,"
                    " status, joined_on, NULL, '', %s, %s, created_at FROM members_member WHERE id BETWEEN %s AND %s",
                    [member_ids[0] - stint_ids[0], source, job_id, member_ids[0], member_ids[-1]],
                )
        else:
            fast.insert_rows(
                Membership,
                MEMBERSHIP_FIELDS,
                [
                    (
                        sid,
                        mid,
                        t[P_UNION],
                        t[P_PATH],
                        t[P_HASH],
                        active,
                        t[P_JOINED],
                        None,
                        "",
                        source,
                        job_id,
                        now,
                    )
                    for mid, sid, t in zip(member_ids, stint_ids, rows, strict=True)
                ],
                adapted=True,
            )
        self.created += n
        if self.audit:
            groups: dict[int, list] = defaultdict(list)
            for mid, sid, t in zip(member_ids, stint_ids, rows, strict=True):
                groups[t[P_UNION]].append(f"{mid} {t[P_NAME]} {t[P_MASKED]} {sid}")
            self._record(groups, units)
        return n

    def _record(self, groups: dict[int, list], units: dict[int, Any]) -> None:
        fast.record_groups(
            "members.member",
            "import",
            (
                {
                    "object_id": uid,
                    "object_repr": f"{units[uid].name}：{self.note}新增会员 {len(items)} 人",
                    "org_path": units[uid].path,
                    # One line per member: "member id, name, masked ID, membership id" (one string keeps
                    # the event cheap to serialise and hash at a million rows).
                    "after": {
                        "job": self.job_id,
                        "union": uid,
                        "count": len(items),
                        "fields": "member_id name id_masked membership_id",
                        "members": "\n".join(items),
                    },
                }
                for uid, items in groups.items()
            ),
            note=self.note,
        )

    def finish(self) -> None:
        try:
            while self._deferred:
                self._deferred.pop().__exit__(None, None, None)
        finally:
            self._cache.__exit__(None, None, None)
