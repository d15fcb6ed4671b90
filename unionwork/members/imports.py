"""The roster import (会员名册导入): a union's members from .xlsx or .csv, up to a million rows.

Built on the core import mechanism (:mod:`unionwork.core.imports`): every row is checked (the ID
number's check character, date and address code; birth date and sex against the number; the
union in the user's scope; the phone), duplicates inside the file are refused, the register is
consulted for every ID (by keyed hash, whatever the scope), and then everything is written in
one transaction or nothing is.

A row naming someone active in another union is refused with where they are (the ID masked;
outside the user's scope only the union's name) until the user says what to do, row by row in
the column “冲突处理” (转入 = transfer to this union, 跳过 = leave as is), or for the whole file
with the job option ``on_conflict``. Nothing happens silently.

The write is the bulk path of this module (:mod:`unionwork.members.bulk`): new members go in
with a few multi-row statements per batch, each batch with its audit events; existing members
(updates, transfers, rejoins) go through the actions one by one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import identifiers, imports, masking
from unionwork.core.errors import ActionError
from unionwork.core.imports import CellError, ImportContext, Row, WriteCounts, fast
from unionwork.core.imports.base import RowWriteError
from unionwork.core.imports.normalize import normalize_phone
from unionwork.members import actions, pii
from unionwork.members.models import IN_TRANSFER, Education, EmploymentForm, Member, MemberStatus, Sex
from unionwork.members.people import clean_name, clean_phone
from unionwork.orgs.models import OrgStatus, OrgUnit

TRANSFER, SKIP = "transfer", "skip"


class CitizenIdColumn(imports.Column):
    """The citizen ID: 18 characters (or a legacy 15-digit number), kept as text."""

    text_format = True
    default_width = 22

    def parse(self, raw: Any) -> identifiers.CitizenId:
        try:
            return identifiers.parse_id(raw)
        except identifiers.IdentifierError as exc:
            raise CellError(exc.message) from None

    def display(self, value: Any, ctx: ImportContext | None = None) -> str:
        number = value.number if isinstance(value, identifiers.CitizenId) else str(value or "")
        return masking.mask_id(number) if number else ""

    def kind_help(self) -> str:
        return _("18 位身份证号（旧的 15 位号码会自动升为 18 位），请把整列设为“文本”格式")


class NameColumn(imports.Column):
    text_format = True

    def parse(self, raw: Any) -> str:
        try:
            return clean_name(imports.cell_text(raw))
        except ValueError as exc:
            raise CellError(str(exc)) from None

    def kind_help(self) -> str:
        return _("汉字姓名，少数民族姓名可用“·”分隔")


class PhoneColumn(imports.Column):
    text_format = True
    empty_value = ""

    def parse(self, raw: Any) -> str:
        text = imports.cell_text(raw, keep_text=True)
        try:
            return clean_phone(text)
        except ValueError:
            pass
        try:  # as typed by hand: +86 138 0411 2345, (0411)84123456, 138-0411-2345 …
            return clean_phone(normalize_phone(text))
        except ValueError as exc:
            raise CellError(str(exc)) from None

    def kind_help(self) -> str:
        return _("11 位手机号，或带区号的固定电话如 0411-84123456")


def _member_unions(user):
    return OrgUnit.objects.restrict(user, "change").filter(
        kind__in=actions.MEMBER_UNION_KINDS, status=OrgStatus.ACTIVE
    )


class ChoiceColumn(fast.MemoizedColumn, imports.ChoiceColumn):
    pass


class DateColumn(fast.MemoizedColumn, imports.DateColumn):
    pass


class UnionColumn(imports.ReferenceColumn):
    """The union, by code or name, among the active grassroots and joint unions in scope.

    The value is the union's id (a row is pickled between checking and writing: an id is cheap).
    """

    def prepare(self, ctx: ImportContext):
        resolve = super().prepare(ctx)

        def parse(raw: Any) -> int | None:
            unit = resolve(raw)
            return unit.pk if unit is not None else None

        return fast.memoized(parse)

    def comparable(self, value: Any) -> Any:
        return value

    def target_value(self, obj: OrgUnit) -> int:
        return obj.pk


# Header aliases: the names union offices give these columns in the rosters they keep.
COLUMNS = [
    NameColumn(gettext_lazy("姓名"), "name", required=True, aliases=["会员姓名", "职工姓名", "名字"]),
    # secret: never shown in messages or previews; personal: kept in the encrypted error file
    # so that the user can fix it and upload it again (docs/keys.md).
    CitizenIdColumn(
        gettext_lazy("身份证号"),
        "id_number",
        required=True,
        compare=False,
        secret=True,
        personal=True,
        aliases=[
            "公民身份号码",
            "身份证号码",
            "身份证",
            "居民身份证号",
            "居民身份证号码",
            "身份证件号码",
            "证件号码",
            "身份号码",
        ],
    ),
    ChoiceColumn(
        gettext_lazy("性别"),
        "sex",
        choices=Sex.choices,
        compare=False,
        help=gettext_lazy("可不填；填写时须与身份证号一致"),
        check_only=gettext_lazy("只用于核对身份证号，性别取自身份证号"),
    ),
    DateColumn(
        gettext_lazy("出生日期"),
        "birth_date",
        compare=False,
        aliases=["出生年月", "出生年月日", "生日", "出生时间"],
        help=gettext_lazy("可不填；填写时须与身份证号一致（只填年月时核对年月）"),
        check_only=gettext_lazy("只用于核对身份证号，出生日期取自身份证号"),
    ),
    PhoneColumn(
        gettext_lazy("联系电话"),
        "phone",
        aliases=["手机", "手机号", "手机号码", "电话", "电话号码", "联系方式", "移动电话", "联系手机"],
    ),
    ChoiceColumn(
        gettext_lazy("文化程度"),
        "education",
        choices=Education.choices,
        aliases=["学历", "最高学历", "文化水平", "教育程度"],
        synonyms={
            "博士": Education.POSTGRADUATE,
            "硕士": Education.POSTGRADUATE,
            "博士研究生": Education.POSTGRADUATE,
            "硕士研究生": Education.POSTGRADUATE,
            "本科": Education.BACHELOR,
            "大学": Education.BACHELOR,
            "学士": Education.BACHELOR,
            "专科": Education.COLLEGE,
            "大专": Education.COLLEGE,
            "高职": Education.COLLEGE,
            "高中": Education.SECONDARY,
            "中专": Education.SECONDARY,
            "技校": Education.SECONDARY,
            "职高": Education.SECONDARY,
            "中技": Education.SECONDARY,
            "初中": Education.JUNIOR,
            "小学": Education.JUNIOR,
            "文盲": Education.JUNIOR,
        },
    ),
    ChoiceColumn(
        gettext_lazy("用工形式"),
        "employment_form",
        choices=EmploymentForm.choices,
        aliases=["用工性质", "用工方式", "用工类型", "用工类别"],
        synonyms={
            "合同制": EmploymentForm.CONTRACT,
            "劳动合同": EmploymentForm.CONTRACT,
            "合同工": EmploymentForm.CONTRACT,
            "正式工": EmploymentForm.CONTRACT,
            "派遣": EmploymentForm.DISPATCHED,
            "派遣工": EmploymentForm.DISPATCHED,
            "劳务工": EmploymentForm.DISPATCHED,
            "农民合同制": EmploymentForm.MIGRANT,
            "小时工": EmploymentForm.PART_TIME,
            "兼职": EmploymentForm.PART_TIME,
            "在编": EmploymentForm.ESTABLISHED,
            "事业编制": EmploymentForm.ESTABLISHED,
            "编制": EmploymentForm.ESTABLISHED,
            "公务员": EmploymentForm.ESTABLISHED,
        },
        default=EmploymentForm.NOT_RECORDED,
        keep_if_blank=True,
        default_help=gettext_lazy("没有此列或不填时，新会员记为“未记录”"),
    ),
    UnionColumn(
        gettext_lazy("所在工会"),
        "union",
        queryset=_member_unions,
        noun=gettext_lazy("基层工会或联合工会"),
        picker={"kind": ["grassroots", "joint"]},
        only=("id", "code", "name", "path", "ipath", "kind", "status"),
        aliases=["所属工会", "工会名称", "基层工会", "基层工会名称", "工会"],
        help=gettext_lazy("填工会代码或名称；本账号属于基层工会，或上传时选了导入到哪个工会，可不填此列"),
    ),
    DateColumn(
        gettext_lazy("入会日期"),
        "joined_on",
        help=gettext_lazy("不填为今天"),
        aliases=["入会时间", "加入工会时间", "加入工会日期", "入会年月"],
    ),
    ChoiceColumn(
        gettext_lazy("冲突处理"),
        "on_conflict",
        choices=[(TRANSFER, gettext_lazy("转入")), (SKIP, gettext_lazy("跳过"))],
        compare=False,
        help=gettext_lazy("此人已是其他工会的在会会员时：转入本工会，或跳过此行"),
    ),
]


@imports.register
class RosterImporter(imports.Importer):
    name = "members.roster"
    label = gettext_lazy("会员名册")
    model = Member
    key = ("id_number",)
    columns = COLUMNS
    batch_size = 5000
    audit_note = "名册导入"
    description = gettext_lazy(
        "一行一名会员。身份证号须为文本格式；已是其他工会在会会员的人，需在“冲突处理”列选择“转入”或“跳过”。"
    )
    # Checked and written in one pass, in one transaction; from 50,000 rows the file is read and
    # checked in a second process while this one writes (see the core engine).
    # Columns rosters often have that the register does not keep (named in the result).
    unused_headers = {
        "民族": gettext_lazy("平台不记录民族"),
        "政治面貌": gettext_lazy("平台不记录政治面貌"),
        "籍贯": gettext_lazy("平台不记录籍贯"),
        "职务": gettext_lazy("平台不记录职务"),
        "岗位": gettext_lazy("平台不记录岗位"),
        "工作单位": gettext_lazy("会员按所在工会登记"),
        "单位名称": gettext_lazy("会员按所在工会登记"),
        "部门": gettext_lazy("平台不记录部门"),
        "年龄": gettext_lazy("年龄由身份证号计算"),
        "婚姻状况": gettext_lazy("平台不记录婚姻状况"),
        "家庭住址": gettext_lazy("平台不记录住址"),
        "户籍所在地": gettext_lazy("平台不记录户籍"),
    }
    # A district's user chooses the union in the upload form instead of filling the column.
    target_field = "union"
    single_pass = True
    parallel_min_rows = 50_000
    error_fields = {
        "id_number": "id_number",
        "birth_date": "birth_date",
        "sex": "sex",
        "name": "name",
        "phone": "phone",
        "active_elsewhere": "on_conflict",
        "union_kind": "union",
        "union_inactive": "union",
        "out_of_scope": "union",
    }

    # -- keys: the 18-character number; messages show it masked ------------------------------------
    def key_of(self, values: dict[str, Any]) -> Any:
        cid = values.get("id_number")
        return cid.number if isinstance(cid, identifiers.CitizenId) else None

    def key_text(self, key: Any) -> str:
        return masking.mask_id(str(key))

    def fetch_existing(self, keys: list[Any], ctx: ImportContext) -> dict[Any, Member]:
        """The register's records of these numbers, in any scope (the hash finds them), by number."""
        hashers = ctx.state.get("hashers")
        if hashers is None:
            hashers = ctx.state["hashers"] = [pii.hasher(k) for k in pii.keyring()]
            ctx.state["default_union"] = _default_union(ctx)
            ctx.state["today"] = timezone.localdate()
        current = hashers[0]
        by_hash: dict[str, str] = {}
        batch_hashes = {}
        for k in keys:
            if k is None:
                continue
            h = current(k)
            batch_hashes[k] = h
            by_hash[h] = k
            for other in hashers[1:]:
                by_hash[other(k)] = k
        ctx.state["batch_hashes"] = batch_hashes
        if not by_hash:
            return {}
        # Most rows of a roster are new: ask which hashes exist with plain SQL, then load those.
        hashes = list(by_hash)
        present: list[str] = []
        with connection.cursor() as cur:
            for i in range(0, len(hashes), 5000):
                part = hashes[i : i + 5000]
                cur.execute(
                    f"SELECT id_hash FROM members_member WHERE id_hash IN ({', '.join(['%s'] * len(part))})",
                    part,
                )
                present.extend(r[0] for r in cur.fetchall())
        found: dict[Any, Member] = {}
        for i in range(0, len(present), 2000):
            for m in Member._base_manager.filter(id_hash__in=present[i : i + 2000]).select_related("union"):
                found[by_hash[m.id_hash]] = m
        return found

    def taken_keys(self, keys: list[Any], ctx: ImportContext) -> set[Any]:
        return set()  # fetch_existing already looked in the whole register

    # -- checks across columns -------------------------------------------------------------------
    def validate_row(self, row: Row, ctx: ImportContext) -> None:
        values = row.values
        cid: identifiers.CitizenId = values["id_number"]
        values["id_hash"] = ctx.state["batch_hashes"][cid.number]
        birth = values.get("birth_date")
        if getattr(birth, "month_only", False):  # 出生年月: the month is what can be compared
            if (birth.year, birth.month) != (cid.birth_date.year, cid.birth_date.month):
                ctx.error(
                    row,
                    "birth_date",
                    _("出生年月 %(a)s 与身份证号第 7 至 12 位不一致，请核对。")
                    % {"a": f"{birth.year}年{birth.month}月"},
                )
        elif birth and birth != cid.birth_date:
            ctx.error(
                row, "birth_date", _("出生日期 %(a)s 与身份证号第 7 至 14 位不一致，请核对。") % {"a": birth}
            )
        sex = values.get("sex")
        if sex and sex != cid.sex:
            ctx.error(
                row,
                "sex",
                _("性别“%(a)s”与身份证号（第 17 位）表示的“%(b)s”不一致，请核对。")
                % {"a": Sex(sex).label, "b": Sex(cid.sex).label},
            )
        if values.get("union") is None:
            default = ctx.state.get("default_union")
            if default is None:
                ctx.error(row, "union", _("请填写所在工会（代码或名称）。"))
                return
            values["union"] = default
        joined = values.get("joined_on")
        if joined and joined > ctx.state["today"]:
            ctx.error(row, "joined_on", _("入会日期不能晚于今天。"))
        existing: Member | None = row.existing
        choice = values.pop("on_conflict", None) or ctx.options.get("on_conflict")
        values.pop("sex", None)
        values.pop("birth_date", None)
        if existing is None:
            values["_action"] = "create"
            ctx.state["creates"] = ctx.state.get("creates", 0) + 1
        elif existing.status in IN_TRANSFER:
            # Released by a union and not accepted yet (or floating): a transfer by handshake, which
            # the roster does not take over; the union accepts the member on the pages or the API.
            ctx.error(
                row,
                "id_number",
                _(
                    "%(id)s 已由原工会办理转出，正在转会途中（或为流动会员）：请在“会员—登记会员”或“接收转入”中登记该身份证号并确认接收，再导入其余名册。"
                )
                % {"id": existing.id_masked},
            )
        elif not existing.is_active:
            values["_action"] = "rejoin"
        elif existing.union_id == values["union"]:
            values["_action"] = "update" if self.changes(row, existing, ctx) else "unchanged"
        elif choice == TRANSFER:
            try:
                actions.check_transfer_from(ctx.user, existing)
            except ActionError as exc:
                ctx.error(row, "on_conflict", " ".join(exc.messages))
            values["_action"] = "transfer"
        elif choice == SKIP:
            values["_action"] = "skip"
        else:
            ctx.error(
                row,
                "on_conflict",
                actions.active_elsewhere_message(ctx.user, existing)
                + _("请在“冲突处理”列填写“转入”（转入本工会）或“跳过”（不导入此行）后重新上传。"),
            )

    def changes(self, row: Row, obj: Member, ctx: ImportContext) -> list[imports.Change]:
        if row.values.get("_action") == "skip":
            return []
        return super().changes(row, obj, ctx)

    # -- the write -------------------------------------------------------------------------------
    def pack_batch(self, rows: list[Row], ctx: ImportContext) -> list:
        """New members packed ready to insert (encrypted, pinyin, masked); other rows as they are."""
        from unionwork.members.bulk import Packer

        packer = ctx.state.get("packer")
        if packer is None:
            packer = ctx.state["packer"] = Packer(
                {pk: u.path for pk, u in _units(ctx).items()}, timezone.localdate()
            )
        creates = [r for r in rows if r.values.get("_action") == "create"]
        others = [r for r in rows if r.values.get("_action") != "create"] if len(creates) < len(rows) else []
        return ([packer.pack(creates)] if creates else []) + others

    def save(self, rows: Iterable[Row], ctx: ImportContext) -> WriteCounts:
        """Write checked rows, or what :meth:`pack_batch` made of them (the one-pass mode)."""
        from unionwork.members.bulk import PackedMembers, RosterWriter

        counts = WriteCounts()
        units = _units(ctx)
        expected = max(ctx.state.get("creates", 0), ctx.state.get("rows_estimate", 0))
        writer = RosterWriter(
            ctx.user, job_id=ctx.options.get("job_id"), note=self.audit_note, expected=expected
        )
        pending: list[Row] = []
        packs: list[PackedMembers] = []
        packed = 0
        try:
            for row in rows:
                if type(row) is PackedMembers:
                    packs.append(row)
                    packed += len(row)
                    if packed >= writer.batch_size:
                        counts.created += writer.create_packed(packs, units)
                        packs, packed = [], 0
                    continue
                action = row.values.get("_action")
                if action == "create":
                    pending.append(row)
                    if len(pending) >= writer.batch_size:
                        writer.create(pending, units)
                        counts.created += len(pending)
                        pending = []
                elif action in ("skip", "unchanged"):
                    counts.unchanged += 1
                else:
                    counts.add(self._write_existing(row, action, units, ctx))
            if packs:
                counts.created += writer.create_packed(packs, units)
            if pending:
                writer.create(pending, units)
                counts.created += len(pending)
        finally:
            writer.finish()
        # A roster touches many unions at once: recount the members' indicators in one pass
        # (a grouped count), in the same transaction, rather than member by member.
        from unionwork.members.indicators import rebuild_all

        rebuild_all()
        return counts

    def _write_existing(self, row: Row, action: str, units: dict, ctx: ImportContext) -> str:
        v = row.values
        member = Member.objects.select_related("union").get(id_hash=_stored_hash(v))
        union = units[v["union"]]
        try:
            if action == "transfer":
                actions.transfer_member(ctx.user, member, union, note=_("名册导入"))
                member.refresh_from_db()
            elif action == "rejoin":
                actions.register_member(
                    ctx.user,
                    union,
                    name=v["name"],
                    id_number=v["id_number"].number,
                    phone=v.get("phone", member.phone),
                    education=v.get("education") or member.education,
                    employment_form=v["employment_form"],
                    joined_on=v.get("joined_on") or timezone.localdate(),
                )
                return "updated"
            changes = self.changes(row, member, ctx)
            changes = [c for c in changes if c.column.field != "union"]
            if not changes:
                return "updated" if action == "transfer" else "unchanged"
            fields = {c.column.field: row.values[c.column.field] for c in changes}
            actions.update_member(
                ctx.user,
                member,
                name=fields.get("name", member.name),
                phone=fields.get("phone", member.phone),
                education=fields.get("education", member.education) or "",
                employment_form=fields.get("employment_form", member.employment_form),
                joined_on=fields.get("joined_on", member.joined_on),
            )
            return "updated"
        except ActionError as exc:
            raise RowWriteError(
                row.number, self.error_fields.get(exc.code or ""), imports.messages_of(exc)
            ) from exc


def _stored_hash(values: dict) -> str:
    """The hash the register holds for a row's number (it may still be under an older key)."""
    number = values["id_number"].number
    found = (
        Member._base_manager.filter(id_hash__in=pii.id_hashes(number))
        .values_list("id_hash", flat=True)
        .first()
    )
    return found or values["id_hash"]


def _units(ctx: ImportContext) -> dict[int, OrgUnit]:
    """The unions rows may name (the column's lookup table) and the default union, by id."""
    units = ctx.state.get("units")
    if units is None:
        lookup = ctx.refs.get("union")
        units = dict(lookup.by_pk) if lookup else {}
        if "default_union" not in ctx.state:
            ctx.state["default_union"] = _default_union(ctx)
        default = ctx.state["default_union"]
        if default and default not in units:
            units[default] = OrgUnit.objects.get(pk=default)
        ctx.state["units"] = units
    return units


def _default_union(ctx: ImportContext) -> int | None:
    """The union chosen in the upload form, else the user's own node when it keeps members."""
    if ctx.target is not None:
        return ctx.target.pk
    org = getattr(ctx.user, "org", None)
    if org is not None and org.kind in actions.MEMBER_UNION_KINDS and org.status == OrgStatus.ACTIVE:
        return org.pk
    return None


__all__ = ["COLUMNS", "RosterImporter", "TRANSFER", "SKIP", "MemberStatus", "datetime"]
