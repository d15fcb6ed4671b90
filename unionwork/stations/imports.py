"""Imports of the service stations from Excel (core/imports): stations and hardship files.

Both write row by row through :mod:`unionwork.stations.actions` (scope, checks, audit and the kept
figures as on the pages), inside the mechanism's one transaction: a row the action refuses rolls
the whole file back and is reported (all or nothing). Both only add records; a row naming a
station that exists, or a person with an open file, is refused.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import imports
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stations import actions
from unionwork.stations.models import HardshipCause, HardshipFile, HostKind, Station, StationMode


def _units(user: Any):
    return (
        OrgUnit.objects.restrict(user, "change")
        .filter(status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.INDUSTRIAL)
    )


def _enterprises(user: Any):
    return Enterprise.objects.restrict(user, "change").filter(status="operating")


@imports.register
class StationImporter(imports.RowwiseImporter):
    name = "stations.stations"
    label = gettext_lazy("职工服务站")
    model = Station
    key = ("name",)
    batch_size = 500
    description = gettext_lazy(
        "每行新建一个服务站。企业服务站填依托企业的统一社会信用代码；社区服务站、街道或区级中心填所属单位。"
    )
    columns = [
        imports.TextColumn(gettext_lazy("服务站名称"), "name", required=True, max_length=200, width=30),
        imports.ChoiceColumn(
            gettext_lazy("依托单位类型"),
            "host_kind",
            choices=HostKind.choices,
            required=True,
            synonyms={"社区": HostKind.COMMUNITY, "村": HostKind.COMMUNITY, "街道": HostKind.CENTRE},
        ),
        imports.ReferenceColumn(
            gettext_lazy("依托企业"),
            "enterprise",
            queryset=_enterprises,
            noun=gettext_lazy("企业"),
            code_field="uscc",
            help=gettext_lazy("企业服务站必填：统一社会信用代码或企业名称"),
        ),
        imports.ReferenceColumn(
            gettext_lazy("所属单位"),
            "org",
            queryset=_units,
            noun=gettext_lazy("单位"),
            help=gettext_lazy("社区服务站、街道或区级中心必填：组织代码或名称"),
        ),
        imports.ChoiceColumn(gettext_lazy("建站模式"), "mode", choices=StationMode.choices, required=True),
        imports.DateColumn(gettext_lazy("建站日期"), "opened_on", required=True),
        imports.IntegerColumn(gettext_lazy("面积（平方米）"), "space_m2", min_value=0, default=0),
        imports.IntegerColumn(gettext_lazy("工作人员数"), "staff", min_value=0, max_value=1000, default=0),
        imports.IntegerColumn(gettext_lazy("覆盖职工数"), "workers_covered", min_value=0, default=0),
    ]
    error_fields = {"duplicate": "enterprise", "future": "opened_on", "out_of_scope": "org"}

    def validate_row(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        if row.existing is not None:
            ctx.error(row, "name", _("已有同名服务站，导入只新建服务站；修改请在服务站页面进行。"))
        kind = row.get("host_kind")
        if kind == HostKind.ENTERPRISE and row.get("enterprise") is None:
            ctx.error(row, "enterprise", _("企业服务站须填写依托企业。"))
        if kind and kind != HostKind.ENTERPRISE and row.get("org") is None:
            ctx.error(row, "org", _("社区服务站、街道或区级中心须填写所属单位。"))

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = dict(row.values)
        actions.open_station(
            ctx.user,
            name=v["name"],
            host_kind=v["host_kind"],
            enterprise=v.get("enterprise"),
            org=v.get("org"),
            mode=v["mode"],
            opened_on=v["opened_on"],
            space_m2=v.get("space_m2") or 0,
            staff=v.get("staff") or 0,
            workers_covered=v.get("workers_covered") or 0,
        )
        return "created"


@imports.register
class HardshipImporter(imports.RowwiseImporter):
    name = "stations.hardship"
    label = gettext_lazy("困难职工档案")
    model = HardshipFile
    key = ("id_number",)
    batch_size = 500
    description = gettext_lazy("每行建立一份困难职工档案；身份证号加密保存，已有在档档案的人不能重复建档。")
    unused_headers = {"民族": gettext_lazy("平台不记录民族"), "家庭住址": gettext_lazy("平台不记录家庭住址")}
    columns = [
        imports.TextColumn(gettext_lazy("姓名"), "name", required=True, max_length=50),
        imports.TextColumn(
            gettext_lazy("身份证号"),
            "id_number",
            required=True,
            keep_text=True,
            max_length=20,
            secret=True,
            personal=True,
        ),
        imports.ReferenceColumn(
            gettext_lazy("建档单位"), "org", queryset=_units, noun=gettext_lazy("单位"), required=True
        ),
        imports.ChoiceColumn(
            gettext_lazy("致困原因"),
            "cause",
            choices=HardshipCause.choices,
            required=True,
            synonyms={
                "疾病": HardshipCause.ILLNESS,
                "残疾": HardshipCause.DISABILITY,
                "单亲家庭": HardshipCause.SINGLE_PARENT,
            },
        ),
        imports.IntegerColumn(
            gettext_lazy("家庭人口"), "household_size", min_value=1, max_value=50, required=True
        ),
        imports.DecimalColumn(gettext_lazy("家庭月收入（元）"), "monthly_income", min_value=0, required=True),
        imports.TextColumn(gettext_lazy("工作单位"), "enterprise_name", max_length=200),
        imports.DateColumn(gettext_lazy("建档日期"), "opened_on", required=True),
    ]
    error_fields = {"id_number": "id_number", "duplicate": "id_number", "future": "opened_on"}

    def fetch_existing(self, keys, ctx):
        return {}  # only adds: a person with an open file is refused by the action

    def taken_keys(self, keys, ctx):
        return set()

    def validate_row(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        from unionwork.core.errors import ActionError
        from unionwork.members import actions as members_actions

        try:
            members_actions.check_identity(row.get("id_number"))
        except ActionError as exc:
            ctx.error(row, "id_number", imports.messages_of(exc))

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = dict(row.values)
        actions.open_hardship_file(
            ctx.user,
            v["org"],
            name=v["name"],
            id_number=v["id_number"],
            cause=v["cause"],
            household_size=v["household_size"],
            monthly_income=v["monthly_income"],
            opened_on=v["opened_on"],
            enterprise_name=v.get("enterprise_name") or "",
        )
        return "created"
