"""The statistics bureau's enterprise list, through the one import mechanism (core.imports).

Two registered importers share the columns:

* ``founding.enterprises``: new codes are added, known codes updated (the preview shows every
  change before it is written).
* ``founding.enterprises_full``: the same, for a complete list of the user's area; operating
  enterprises of the area that are missing from the file are marked closed.

Every row is checked before anything is written: a wrong credit code, an unknown community, a
code twice in the file or a negative count is a row's error and nothing is written.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import identifiers, imports
from unionwork.core.imports import CellError, Change, ImportContext, Row, WriteCounts
from unionwork.core.imports.base import RowWriteError
from unionwork.core.imports.columns import cell_text
from unionwork.founding import indicators as founding_indicators
from unionwork.founding.models import (
    OWNERSHIP_CODES,
    Enterprise,
    EnterpriseStatus,
    Industry,
    Ownership,
)
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

# GB/T 4754-2017: the two-digit divisions of each section.
SECTION_OF_DIVISION = {}
for _section, (_lo, _hi) in {
    "A": (1, 5),
    "B": (6, 12),
    "C": (13, 43),
    "D": (44, 46),
    "E": (47, 50),
    "F": (51, 52),
    "G": (53, 60),
    "H": (61, 62),
    "I": (63, 65),
    "J": (66, 69),
    "K": (70, 70),
    "L": (71, 72),
    "M": (73, 75),
    "N": (76, 79),
    "O": (80, 82),
    "P": (83, 83),
    "Q": (84, 85),
    "R": (86, 90),
    "S": (91, 96),
    "T": (97, 97),
}.items():
    for _d in range(_lo, _hi + 1):
        SECTION_OF_DIVISION[f"{_d:02d}"] = _section

STATUS_WORDS = {
    "在营": EnterpriseStatus.OPERATING,
    "存续": EnterpriseStatus.OPERATING,
    "开业": EnterpriseStatus.OPERATING,
    "在业": EnterpriseStatus.OPERATING,
    "正常": EnterpriseStatus.OPERATING,
    "营业": EnterpriseStatus.OPERATING,
    "已关闭": EnterpriseStatus.CLOSED,
    "关闭": EnterpriseStatus.CLOSED,
    "注销": EnterpriseStatus.CLOSED,
    "吊销": EnterpriseStatus.CLOSED,
    "停业": EnterpriseStatus.CLOSED,
    "歇业": EnterpriseStatus.CLOSED,
    "撤销": EnterpriseStatus.CLOSED,
}
# A complete list that would close more than this share of the area's enterprises is refused.
FULL_LIST_MAX_CLOSING_SHARE = 0.5


class UsccColumn(imports.TextColumn):
    """The unified social credit code: normalised, its check character verified (GB 32100)."""

    def __init__(self, header, field, **kwargs):
        super().__init__(header, field, keep_text=True, max_length=40, **kwargs)

    def parse(self, raw: Any) -> str:
        code = identifiers.normalize_uscc(super().parse(raw))
        message = identifiers.uscc_problem(code)
        if message:
            raise CellError(message)
        return code

    def kind_help(self) -> str:
        return _("18 位统一社会信用代码，请保持“文本”格式；末位校验码会被核对")


class OwnershipColumn(imports.ChoiceColumn):
    """登记注册类型 by its Chinese name or its statistical code (110, 173, 300 …)."""

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw, keep_text=True)
        if text.isdigit():
            for code in (text, text[:2] + "0", text[:1] + "00"):
                if code in OWNERSHIP_CODES:
                    return OWNERSHIP_CODES[code].value
        return super().parse(raw)

    def strict_choices(self) -> bool:
        return False  # statistical codes are accepted too

    def kind_help(self) -> str:
        return _("从下拉列表选择，或填统计代码（如 110、173、300）")


class IndustryColumn(imports.ChoiceColumn):
    """行业门类: the section letter (C), its name (制造业) or a division/class code (34, 3411)."""

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw, keep_text=True).upper()
        if len(text) == 1 and text in Industry.values:
            return text
        if text[:1] in Industry.values and text[1:].isdigit():
            return text[:1]  # "C34" style
        if text.isdigit() and 1 <= len(text) <= 4:
            section = SECTION_OF_DIVISION.get(text.zfill(2) if len(text) == 1 else text[:2])
            if section:
                return section
        return super().parse(raw)

    def strict_choices(self) -> bool:
        return False  # letters and division codes are accepted too

    def kind_help(self) -> str:
        return _("从下拉列表选择门类，或填门类字母（A—T）、行业代码（如 34、3411）")


class StatusColumn(imports.ChoiceColumn):
    def strict_choices(self) -> bool:
        return False  # 存续, 注销, 吊销 … are accepted too

    def parse(self, raw: Any) -> Any:
        text = cell_text(raw)
        if text in STATUS_WORDS:
            return STATUS_WORDS[text].value
        return super().parse(raw)


def _communities(user):
    return OrgUnit.objects.restrict(user, "change").filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE)


COLUMNS = [
    UsccColumn(gettext_lazy("统一社会信用代码"), "uscc", required=True, aliases=["信用代码", "社会信用代码"]),
    imports.TextColumn(
        gettext_lazy("单位名称"), "name", required=True, max_length=200, aliases=["企业名称", "单位详细名称"]
    ),
    OwnershipColumn(
        gettext_lazy("登记注册类型"),
        "ownership",
        choices=Ownership.choices,
        required=True,
        aliases=["所有制类型", "企业类型", "登记注册类型代码"],
    ),
    IndustryColumn(
        gettext_lazy("行业门类"),
        "industry",
        choices=Industry.choices,
        required=True,
        aliases=["行业", "行业代码", "国民经济行业"],
    ),
    imports.IntegerColumn(
        gettext_lazy("从业人员数"),
        "employees",
        required=True,
        min_value=0,
        max_value=5_000_000,
        aliases=["从业人员", "职工人数", "从业人员期末人数"],
    ),
    imports.DecimalColumn(
        gettext_lazy("注册资本（万元）"),
        "registered_capital",
        decimal_places=4,
        max_digits=16,
        min_value=0,
        keep_if_blank=True,
        aliases=["注册资本(万元)", "注册资本", "注册资金（万元）"],
    ),
    imports.BoolColumn(
        gettext_lazy("重点项目"),
        "is_key_project",
        keep_if_blank=True,
        help=gettext_lazy("投资 3000 万元以上的重点项目填“是”"),
    ),
    imports.TextColumn(
        gettext_lazy("地址"), "address", max_length=200, keep_if_blank=True, aliases=["单位地址", "详细地址"]
    ),
    imports.ReferenceColumn(
        gettext_lazy("所在村（社区）"),
        "community",
        queryset=_communities,
        noun=gettext_lazy("村（社区）"),
        picker={"kind": ["community"]},
        required=True,
        only=("id", "code", "name", "path", "ipath", "kind"),
        aliases=["所在村(社区)", "村（社区）代码", "区划代码", "统计用区划代码", "所在社区"],
        help=gettext_lazy("填 12 位统计用区划代码（推荐）或村（社区）工会名称"),
    ),
    StatusColumn(
        gettext_lazy("经营状态"),
        "status",
        choices=EnterpriseStatus.choices,
        help=gettext_lazy("空白视为在营；注销、吊销、停业视为已关闭"),
    ),
    imports.DateColumn(gettext_lazy("关闭日期"), "closed_on", aliases=["注销日期"]),
]


@imports.register
class EnterpriseImporter(imports.Importer):
    """The bureau's list: add new codes, update known ones."""

    name = "founding.enterprises"
    label = gettext_lazy("企业名录（统计局共享）")
    description = gettext_lazy("新的信用代码新增，已有的更新；导入前可预览将要修改的内容。")
    model = Enterprise
    key = ("uscc",)
    columns = COLUMNS
    audit_note = "导入：统计局共享企业名录"
    close_missing: ClassVar[bool] = False

    def queryset(self, user):
        return Enterprise.objects.restrict(user, self.permission).select_related("community")

    def _closed_column(self):
        return next(c for c in self.columns if c.field == "closed_on")

    def validate_row(self, row: Row, ctx: ImportContext) -> None:
        today = timezone.localdate()
        status = row.get("status")
        if status is None and ctx.has("status"):
            status = row.values["status"] = EnterpriseStatus.OPERATING  # blank means operating
        if status == EnterpriseStatus.CLOSED:
            closed_on = row.get("closed_on") or (row.existing.closed_on if row.existing else None) or today
            if closed_on > today:
                raise CellError(_("关闭日期不能晚于今天。"), field="closed_on")
            row.values["closed_on"] = closed_on
        elif status == EnterpriseStatus.OPERATING:
            if row.get("closed_on"):
                raise CellError(
                    _("在营企业不应填写关闭日期；已关闭的请把经营状态填为“已关闭”。"), field="closed_on"
                )
            row.values["closed_on"] = None
        elif row.get("closed_on") and row.existing is None:
            row.values["status"] = EnterpriseStatus.CLOSED

    def changes(self, row: Row, obj, ctx: ImportContext) -> list[Change]:
        out = super().changes(row, obj, ctx)
        # The closing date follows the status even when the file has no such column.
        if (
            "closed_on" in row.values
            and not ctx.has("closed_on")
            and row.values["closed_on"] != obj.closed_on
        ):
            out.append(Change(self._closed_column(), obj.closed_on, row.values["closed_on"]))
        return out

    def build(self, row: Row, ctx: ImportContext) -> Enterprise:
        fields = {f: v for f, v in row.values.items() if f in _MODEL_FIELDS}
        fields.setdefault("status", EnterpriseStatus.OPERATING)
        if fields.get("is_key_project") is None:
            fields.pop("is_key_project", None)
        if fields.get("status") == EnterpriseStatus.CLOSED and not fields.get("closed_on"):
            fields["closed_on"] = timezone.localdate()
        return Enterprise(**fields)

    def apply(self, obj, row: Row, changes: list[Change], ctx: ImportContext) -> None:
        for change in changes:
            value = row.values.get(change.column.field, change.new)
            if change.column.field == "is_key_project" and value is None:
                value = False
            setattr(obj, change.column.field, value)

    # -- a complete list ---------------------------------------------------------------------
    def wants_closing(self, ctx: ImportContext) -> bool:
        return self.close_missing or bool(ctx.options.get("close_missing"))

    def missing_from_file(self, ctx: ImportContext):
        """Operating enterprises of the user's own area that the file does not list."""
        listed = set(ctx.file_keys)
        user_path = getattr(ctx.user, "org_path", "")
        qs = Enterprise.objects.restrict(ctx.user, "change").filter(
            status=EnterpriseStatus.OPERATING, community__path__startswith=user_path
        )
        total = qs.count()
        missing = [
            pk for pk, code in qs.values_list("pk", "uscc").iterator(chunk_size=5000) if code not in listed
        ]
        return missing, total

    def after_check(self, ctx: ImportContext, result) -> None:
        """Called by the engine after the check (when it offers the hook): the preview lists the
        enterprises that a complete list would close, and a list that would close too many is
        refused as probably incomplete."""
        if not self.wants_closing(ctx) or ctx.error_count:
            return
        missing, total = self.missing_from_file(ctx)
        message = self._too_many(len(missing), total)
        if message:
            ctx.error(None, None, message)
            return
        result.planned.updated += len(missing)
        if ctx.options.get("dry_run"):
            names = dict(Enterprise.objects.filter(pk__in=missing[:50]).values_list("uscc", "name"))
            for code, name in names.items():
                result.preview.append(
                    {
                        "row": "",
                        "key": code,
                        "action": "update",
                        "changes": [
                            {
                                "column": _("经营状态"),
                                "old": _("在营"),
                                "new": _("已关闭（名录中没有：%(n)s）") % {"n": name},
                            }
                        ],
                    }
                )

    @staticmethod
    def _too_many(missing: int, total: int) -> str:
        if missing > 10 and total and missing > total * FULL_LIST_MAX_CLOSING_SHARE:
            return _(
                "文件缺少本地区 %(m)d 家在营企业（共 %(t)d 家），超过一半，疑似不是完整名单。"
                "没有写入任何数据。请核对文件，或改用“企业名录（统计局共享）”只新增和更新。"
            ) % {"m": missing, "t": total}
        return ""

    def save(self, rows, ctx: ImportContext) -> WriteCounts:
        counts = super().save(rows, ctx)
        if self.wants_closing(ctx):
            counts.updated += self._close_missing(ctx)
        # A bulk list touches enterprises anywhere in the area: recount the founding rate once,
        # in the same transaction (a second or two at city scale), rather than row by row.
        founding_indicators.rebuild_all()
        return counts

    def _close_missing(self, ctx: ImportContext) -> int:
        missing, total = self.missing_from_file(ctx)
        message = self._too_many(len(missing), total)
        if message:
            raise RowWriteError(None, None, message)
        from unionwork.founding import actions

        # The founding rate is rebuilt once by save(), in the same transaction.
        return actions.close_enterprises(
            ctx.user,
            missing,
            summary=_("统计局完整名录中已无此企业，标记为关闭。"),
            note=self.audit_note,
            recount=False,
        )


@imports.register
class FullEnterpriseImporter(EnterpriseImporter):
    """A complete list of the user's area: the same, and missing enterprises are closed."""

    name = "founding.enterprises_full"
    label = gettext_lazy("企业名录完整名单（统计局共享，缺少的标记为关闭）")
    description = gettext_lazy(
        "文件应是您所辖地区的完整企业名录：新的代码新增，已有的更新，名录中没有的在营企业标记为关闭。"
    )
    close_missing = True


_MODEL_FIELDS = {f.name for f in Enterprise._meta.concrete_fields}
