"""Imports of union building: the cadre and systems roster (干部与制度花名册), one row per union.

Rows are written through ``actions.save_profile`` (scope, rules, audit), all or nothing."""

from typing import Any

from django.utils.translation import gettext_lazy

from unionwork.building import actions
from unionwork.building.models import UnionProfile
from unionwork.core import imports
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units(user: Any):
    return OrgUnit.objects.restrict(user, "change").filter(status=OrgStatus.ACTIVE)


@imports.register
class CadreRosterImporter(imports.RowwiseImporter):
    name = "building.cadres"
    label = gettext_lazy("工会干部与制度")
    model = UnionProfile
    key = ("org",)
    description = gettext_lazy(
        "每行一个工会：专职干部在岗与应配人数、兼职干部人数、补贴是否列入财政预算及金额、诉求代理制度、"
        "法律顾问（姓名、律所）和职工福利设施。已登记的工会按本表更新。"
    )
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("工会"), "org", queryset=_units, noun=gettext_lazy("工会"), required=True
        ),
        imports.IntegerColumn(
            gettext_lazy("专职干部在岗人数"), "full_time_cadres", min_value=0, max_value=1000, default=0
        ),
        imports.IntegerColumn(
            gettext_lazy("专职干部应配人数"), "full_time_required", min_value=0, max_value=1000, default=0
        ),
        imports.IntegerColumn(
            gettext_lazy("兼职干部人数"), "part_time_cadres", min_value=0, max_value=10000, default=0
        ),
        imports.BoolColumn(gettext_lazy("补贴列入财政预算"), "subsidy_in_budget", default=False),
        imports.DecimalColumn(
            gettext_lazy("补贴金额（元/年）"), "subsidy_amount", max_digits=12, min_value=0
        ),
        imports.BoolColumn(gettext_lazy("诉求代理制度"), "grievance_agency", default=False),
        imports.BoolColumn(gettext_lazy("聘请法律顾问"), "legal_adviser", default=False),
        imports.TextColumn(gettext_lazy("法律顾问姓名"), "legal_adviser_name", max_length=50),
        imports.TextColumn(gettext_lazy("法律顾问所在律所"), "legal_adviser_firm", max_length=100),
        imports.TextColumn(gettext_lazy("职工福利设施"), "welfare_facilities", max_length=300),
    ]

    def queryset(self, user: Any):
        return UnionProfile.objects.restrict(user, "change")

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = dict(row.values)
        org = v.pop("org")
        fields = {k: v.get(k) for k in actions.PROFILE_FIELDS if k in v}
        for k in ("legal_adviser_name", "legal_adviser_firm", "welfare_facilities"):
            fields[k] = fields.get(k) or ""
        for k in ("full_time_cadres", "full_time_required", "part_time_cadres"):
            fields[k] = fields.get(k) or 0
        for k in ("subsidy_in_budget", "grievance_agency", "legal_adviser"):
            fields[k] = bool(fields.get(k))
        before = row.existing
        actions.save_profile(ctx.user, org, **fields)
        return "updated" if before is not None else "created"
