"""Imports of workers' culture: positions (阵地) and teams (团队), all or nothing, through the
actions (scope, rules, audit, the kept counts). A row whose unit already has a position (team) of
that name is left as it is."""

from typing import Any

from django.utils.translation import gettext_lazy

from unionwork.core import imports
from unionwork.culture import actions
from unionwork.culture.models import Position, PositionKind, Team, TeamKind
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units(user: Any):
    return OrgUnit.objects.restrict(user, "change").filter(status=OrgStatus.ACTIVE)


@imports.register
class PositionImporter(imports.RowwiseImporter):
    name = "culture.positions"
    label = gettext_lazy("文化阵地")
    model = Position
    key = ("org", "name")
    description = gettext_lazy("每行一处文化阵地：主办单位、名称、类型、面积、开放时间、地址。")
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("主办单位"), "org", queryset=_units, noun=gettext_lazy("单位"), required=True
        ),
        imports.TextColumn(gettext_lazy("名称"), "name", required=True, max_length=100, aliases=["阵地名称"]),
        imports.ChoiceColumn(gettext_lazy("类型"), "kind", choices=PositionKind.choices, required=True),
        imports.IntegerColumn(
            gettext_lazy("面积（平方米）"), "area_sqm", min_value=0, max_value=10_000_000, default=0
        ),
        imports.TextColumn(gettext_lazy("开放时间"), "opening_hours", max_length=100),
        imports.TextColumn(gettext_lazy("地址"), "address", max_length=200),
    ]

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        if row.existing is not None:
            return "unchanged"
        v = dict(row.values)
        org = v.pop("org")
        actions.add_position(
            ctx.user,
            org,
            name=v["name"],
            kind=v["kind"],
            area_sqm=v.get("area_sqm") or 0,
            opening_hours=v.get("opening_hours") or "",
            address=v.get("address") or "",
        )
        return "created"


@imports.register
class TeamImporter(imports.RowwiseImporter):
    name = "culture.teams"
    label = gettext_lazy("文化团队")
    model = Team
    key = ("org", "name")
    description = gettext_lazy("每行一支文化团队：所属单位、名称、类型、成员人数、负责人。")
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("所属单位"), "org", queryset=_units, noun=gettext_lazy("单位"), required=True
        ),
        imports.TextColumn(gettext_lazy("名称"), "name", required=True, max_length=100, aliases=["团队名称"]),
        imports.ChoiceColumn(gettext_lazy("类型"), "kind", choices=TeamKind.choices, required=True),
        imports.IntegerColumn(
            gettext_lazy("成员人数"), "members_count", min_value=0, max_value=100_000, default=0
        ),
        imports.TextColumn(gettext_lazy("负责人"), "leader", required=True, max_length=50),
    ]

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        if row.existing is not None:
            return "unchanged"
        v = dict(row.values)
        org = v.pop("org")
        actions.add_team(
            ctx.user,
            org,
            name=v["name"],
            kind=v["kind"],
            leader=v["leader"],
            members_count=v.get("members_count") or 0,
        )
        return "created"
