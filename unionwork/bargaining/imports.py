"""Contracts, congresses and instructors through the platform's one import mechanism.

Every row is written by the module's actions (scope, checks, audit, kept figures), in the import's
one transaction: a row refused anywhere rolls the whole file back (all or nothing). A contract's
covered enterprises are one cell holding their unified social credit codes, separated by commas,
顿号, semicolons or line breaks; each is checked (GB 32100) and must be an enterprise the user sees.
A row whose record already exists (same contract name, the union's congress, the same instructor
of the same union) is left unchanged: importing a file twice adds nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.bargaining import actions
from unionwork.bargaining import indicators as bi
from unionwork.bargaining.models import (
    Congress,
    CongressKind,
    Contract,
    ContractKind,
    ContractLevel,
    FilingResult,
    Instructor,
)
from unionwork.core import identifiers, imports
from unionwork.core.imports import CellError
from unionwork.core.imports.columns import cell_text
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgStatus, OrgUnit

SEPARATORS = re.compile(r"[,，、;；\s]+")


class UsccListColumn(imports.TextColumn):
    """Several unified social credit codes in one cell; each normalised and its check verified."""

    def __init__(self, header, field, **kwargs):
        super().__init__(header, field, keep_text=True, max_length=20000, compare=False, **kwargs)

    def parse(self, raw: Any) -> list[str]:
        text = cell_text(raw, keep_text=True)
        codes = []
        for part in SEPARATORS.split(text):
            if not part:
                continue
            code = identifiers.normalize_uscc(part)
            problem = identifiers.uscc_problem(code)
            if problem:
                raise CellError(_("“%(c)s”：%(p)s") % {"c": part[:30], "p": problem})
            if code not in codes:
                codes.append(code)
        return codes

    def kind_help(self) -> str:
        return _("一个或多个 18 位统一社会信用代码，用逗号、顿号或换行分隔")


def _enterprises_of(row, ctx, field) -> list[Enterprise]:
    codes = row.get(field) or []
    if not codes:
        return []
    found = {e.uscc: e for e in Enterprise.objects.restrict(ctx.user).filter(uscc__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise CellError(
            _("这些信用代码的企业不存在或不在您的管辖范围内：%(c)s") % {"c": "、".join(missing[:5])},
            field=field,
        )
    return [found[c] for c in codes]


def _units(kinds):
    def queryset(user):
        return OrgUnit.objects.restrict(user, "change").filter(
            kind__in=[str(k) for k in kinds], status=OrgStatus.ACTIVE
        )

    return queryset


@imports.register
class ContractImporter(imports.RowwiseImporter):
    name = "bargaining.contracts"
    label = gettext_lazy("集体合同")
    description = gettext_lazy(
        "每行一份集体合同；行业性、区域性合同的覆盖企业在一格中填多个信用代码。已有同名合同的行不变。"
    )
    model = Contract
    key = ("title",)
    audit_note = "导入：集体合同"
    columns = [
        imports.TextColumn(gettext_lazy("合同名称"), "title", required=True, max_length=200),
        imports.ReferenceColumn(
            gettext_lazy("签约工会"),
            "org",
            queryset=_units(actions.CONTRACT_UNION_KINDS),
            noun=gettext_lazy("工会"),
            required=True,
            only=("id", "code", "name", "path", "ipath", "kind", "status"),
            help=gettext_lazy("填工会代码或名称"),
        ),
        imports.ChoiceColumn(gettext_lazy("合同类型"), "kind", choices=ContractKind.choices, required=True),
        imports.ChoiceColumn(
            gettext_lazy("层级"),
            "level",
            choices=ContractLevel.choices,
            required=True,
            synonyms={
                "企业": ContractLevel.ENTERPRISE,
                "行业": ContractLevel.INDUSTRY,
                "区域": ContractLevel.REGIONAL,
            },
        ),
        imports.TextColumn(
            gettext_lazy("企业方（行业协会）"),
            "employer_party",
            required=True,
            max_length=200,
            aliases=["企业方"],
        ),
        UsccListColumn(
            gettext_lazy("覆盖企业信用代码"),
            "enterprises",
            required=True,
            aliases=["覆盖企业", "统一社会信用代码"],
        ),
        imports.IntegerColumn(
            gettext_lazy("覆盖职工人数"), "workers_covered", min_value=0, max_value=10_000_000
        ),
        imports.DateColumn(gettext_lazy("签订日期"), "signed_on"),
        imports.DateColumn(gettext_lazy("期限起始"), "term_start", required=True, aliases=["起始日期"]),
        imports.DateColumn(
            gettext_lazy("期限届满"), "term_end", required=True, aliases=["届满日期", "终止日期"]
        ),
        imports.DecimalColumn(
            gettext_lazy("工资增长幅度（%）"),
            "wage_increase",
            decimal_places=2,
            max_digits=5,
            min_value=-100,
            aliases=["工资增长幅度"],
        ),
        imports.DecimalColumn(
            gettext_lazy("最低工资（元/月）"),
            "minimum_wage",
            decimal_places=2,
            max_digits=9,
            min_value=0,
            aliases=["最低工资"],
        ),
        imports.DateColumn(gettext_lazy("报送备案日期"), "filed_on", aliases=["备案日期"]),
        imports.TextColumn(gettext_lazy("备案部门"), "filing_department", max_length=100),
        imports.ChoiceColumn(gettext_lazy("审查结果"), "filing_result", choices=FilingResult.choices),
    ]

    def validate_row(self, row, ctx) -> None:
        row.values["_enterprises"] = _enterprises_of(row, ctx, "enterprises")

    def write_row(self, row, ctx) -> str:
        if row.existing is not None:
            return "unchanged"
        v = dict(row.values)
        fields = {f: v.get(f) for f in actions.CONTRACT_FIELDS if f in v}
        fields["filing_result"] = fields.get("filing_result") or ""
        for f in ("filing_department",):
            fields[f] = fields.get(f) or ""
        actions.record_contract(ctx.user, v["org"], level=v["level"], enterprises=v["_enterprises"], **fields)
        return "created"


@imports.register
class CongressImporter(imports.RowwiseImporter):
    name = "bargaining.congresses"
    label = gettext_lazy("职工代表大会")
    description = gettext_lazy("每行一个工会的职代会建制，可带最近一次会议；已登记的工会行不变。")
    model = Congress
    key = ("org",)
    audit_note = "导入：职代会"
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("工会"),
            "org",
            queryset=_units(actions.CONGRESS_UNION_KINDS),
            noun=gettext_lazy("工会"),
            required=True,
            only=("id", "code", "name", "path", "ipath", "kind", "status"),
        ),
        imports.ChoiceColumn(
            gettext_lazy("类型"), "kind", choices=CongressKind.choices, default=CongressKind.ENTERPRISE
        ),
        imports.DateColumn(gettext_lazy("建制日期"), "established_on", required=True),
        imports.IntegerColumn(
            gettext_lazy("召开周期（月）"), "cycle_months", min_value=1, max_value=60, default=12
        ),
        imports.BoolColumn(gettext_lazy("实行厂务公开"), "open_affairs", default=False, aliases=["厂务公开"]),
        imports.DateColumn(gettext_lazy("最近一次会议日期"), "held_on", compare=False),
        imports.IntegerColumn(
            gettext_lazy("职工代表人数"), "delegates", min_value=1, max_value=100_000, compare=False
        ),
        imports.IntegerColumn(
            gettext_lazy("一线职工代表"), "frontline_delegates", min_value=0, max_value=100_000, compare=False
        ),
        imports.IntegerColumn(
            gettext_lazy("女职工代表"), "women_delegates", min_value=0, max_value=100_000, compare=False
        ),
    ]

    def validate_row(self, row, ctx) -> None:
        if row.get("held_on") and not row.get("delegates"):
            raise CellError(_("填写会议日期的，请同时填写职工代表人数。"), field="delegates")

    def write_row(self, row, ctx) -> str:
        if row.existing is not None:
            return "unchanged"
        v = row.values
        congress = actions.record_congress(
            ctx.user,
            v["org"],
            established_on=v["established_on"],
            kind=v.get("kind") or CongressKind.ENTERPRISE,
            cycle_months=v.get("cycle_months") or 12,
            open_affairs=bool(v.get("open_affairs")),
        )
        if v.get("held_on"):
            actions.record_session(
                ctx.user,
                congress,
                held_on=v["held_on"],
                delegates=v["delegates"],
                frontline_delegates=v.get("frontline_delegates") or 0,
                women_delegates=v.get("women_delegates") or 0,
            )
        return "created"


@imports.register
class InstructorImporter(imports.RowwiseImporter):
    name = "bargaining.instructors"
    label = gettext_lazy("工资协商指导员")
    description = gettext_lazy("每行一名指导员；同一工会已有同名指导员的行不变。")
    model = Instructor
    key = ("name", "org")
    audit_note = "导入：工资协商指导员"
    columns = [
        imports.TextColumn(gettext_lazy("姓名"), "name", required=True, max_length=50),
        imports.ReferenceColumn(
            gettext_lazy("所属工会"),
            "org",
            queryset=_units(bi.TEAM_KINDS),
            noun=gettext_lazy("工会"),
            required=True,
            only=("id", "code", "name", "path", "ipath", "kind", "status"),
        ),
        imports.TextColumn(gettext_lazy("工作单位"), "employer", max_length=200),
        imports.TextColumn(
            gettext_lazy("资格（职称）"), "qualification", max_length=200, aliases=["资格", "职称"]
        ),
        imports.DateColumn(gettext_lazy("培训日期"), "trained_on"),
        imports.TextColumn(gettext_lazy("培训内容"), "training", max_length=200),
        imports.IntegerColumn(gettext_lazy("参加协商次数"), "rounds_attended", min_value=0, max_value=10_000),
        UsccListColumn(gettext_lazy("指导企业信用代码"), "enterprises", aliases=["指导企业"]),
    ]

    def fetch_existing(self, keys, ctx):
        if not keys:
            return {}
        names = {k[0] for k in keys}
        found = {}
        for obj in self.queryset(ctx.user).filter(name__in=names, left_on__isnull=True):
            found[(obj.name, obj.org)] = obj
        return {k: found[(k[0], k[1])] for k in keys if (k[0], k[1]) in found}

    def validate_row(self, row, ctx) -> None:
        row.values["_enterprises"] = _enterprises_of(row, ctx, "enterprises")

    def write_row(self, row, ctx) -> str:
        if row.existing is not None:
            return "unchanged"
        v = row.values
        fields = {f: v.get(f) for f in actions.INSTRUCTOR_FIELDS if f in v}
        for f in ("employer", "qualification", "training"):
            fields[f] = fields.get(f) or ""
        actions.add_instructor(ctx.user, v["org"], enterprises=v["_enterprises"], **fields)
        return "created"
