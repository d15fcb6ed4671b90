"""Imports of union building: the cadre and systems roster (干部与制度花名册), one row per union.

Rows are written through ``actions.save_profile`` (scope, rules, audit), all or nothing."""

from typing import Any

from django.utils.translation import gettext_lazy

from unionwork.building import actions
from unionwork.building.models import Committee, ElectionMethod, UnionProfile
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


@imports.register
class CommitteeImporter(imports.RowwiseImporter):
    name = "building.committees"
    label = gettext_lazy("工会委员会换届名册")
    model = Committee
    key = ("org",)
    description = gettext_lazy(
        "每行一个工会的现任委员会：主席、任期、选举方式；会员直选须填选举日期、候选人数、应参选人数、"
        "实际投票数和主席得票数。任期开始日期与现任相同的行不作修改，不同的登记为新一届（原届转为往届）。"
    )
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("工会"), "org", queryset=_units, noun=gettext_lazy("工会"), required=True
        ),
        imports.TextColumn(
            gettext_lazy("工会主席"), "chairman", required=True, max_length=50, aliases=["主席"]
        ),
        imports.TextColumn(gettext_lazy("副主席"), "vice_chairmen", max_length=200),
        imports.IntegerColumn(
            gettext_lazy("委员人数"), "members_count", min_value=0, max_value=1000, default=0
        ),
        imports.DateColumn(gettext_lazy("任期开始"), "term_start", required=True),
        imports.DateColumn(gettext_lazy("任期届满"), "term_end", required=True),
        imports.ChoiceColumn(
            gettext_lazy("选举方式"),
            "method",
            choices=ElectionMethod.choices,
            required=True,
            synonyms={"直选": "direct"},
        ),
        imports.DateColumn(gettext_lazy("选举日期"), "elected_on"),
        imports.IntegerColumn(gettext_lazy("候选人数"), "candidates", min_value=1, max_value=1000),
        imports.IntegerColumn(
            gettext_lazy("应参选会员数"), "eligible_voters", min_value=1, max_value=10_000_000
        ),
        imports.IntegerColumn(gettext_lazy("实际投票数"), "votes_cast", min_value=0, max_value=10_000_000),
        imports.IntegerColumn(
            gettext_lazy("主席得票数"), "chairman_votes", min_value=0, max_value=10_000_000
        ),
    ]

    def queryset(self, user: Any):
        return Committee.objects.restrict(user, "change").current()

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = dict(row.values)
        org = v.pop("org")
        if row.existing is not None and row.existing.term_start == v["term_start"]:
            return "unchanged"
        v["vice_chairmen"] = v.get("vice_chairmen") or ""
        v["members_count"] = v.get("members_count") or 0
        actions.record_committee(ctx.user, org, **v)
        return "created"
