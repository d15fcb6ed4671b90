"""Import of a scheme's items (考核细则) into a draft, as the province's and the city's tables keep
them: one row an item, with its section, code, content, kind, points, and how it is scored.

The draft is chosen in the upload form (or named in the column 方案). Every write goes through
:func:`unionwork.assessment.actions.save_item` (and ``add_section`` for a section the draft does
not have yet), so the checks, the freeze of a published scheme and the audit are the page's. An
item whose code the draft already has is updated. The rule's parameters have a column each: a
row fills those of its rule (分档 ``95=100, 90=80``; 0 分处/满分处; 目标值, 截止日期, 逾期截止,
逾期得分%; 每项分值; 触发界限), and a missing or wrong one is named with its column.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.assessment import actions, rules
from unionwork.assessment.forms import parse_steps
from unionwork.assessment.models import Item, ItemKind, Rule, Scheme, SchemeState, Source, VetoEffect
from unionwork.core import imports, indicators
from unionwork.core.errors import ActionError

PARAM_FIELDS = {
    Rule.THRESHOLD: ("steps",),
    Rule.LINEAR: ("low", "high"),
    Rule.DEADLINE: ("target", "deadline"),
    Rule.PER_COUNT: ("each",),
    Rule.OVER: ("over",),
}


def _drafts(user: Any):
    return Scheme.objects.restrict(user, "manage").filter(state=SchemeState.DRAFT)


def _indicator_choices():
    return [(i.key, str(i.label)) for i in indicators.listed()]


@imports.register
class SchemeItemImporter(imports.RowwiseImporter):
    name = "assessment.items"
    label = gettext_lazy("考核方案细则（考核项目）")
    model = Item
    key = ("scheme", "code")
    permission = "manage"
    target_field = "scheme"
    description = gettext_lazy(
        "导入到一个草拟中的考核方案：每行一个考核项目（部分、编号、考核内容、类别、分值、计分来源）。"
        "绑定平台指标的项目填写指标和计分规则及该规则的参数；佐证材料评审的项目不填指标。"
        "方案中已有的编号更新该项目，没有的部分自动添加。发布后的方案不能导入，请先修订。"
    )
    columns = [
        imports.ReferenceColumn(
            gettext_lazy("方案"),
            "scheme",
            queryset=_drafts,
            noun=gettext_lazy("草拟中的考核方案"),
            code_field=None,
            name_field="name",
            required=True,
            aliases=["考核方案", "方案名称"],
        ),
        imports.TextColumn(
            gettext_lazy("部分"),
            "section",
            compare=False,
            max_length=100,
            required=True,
            aliases=["考核部分", "类别名称"],
        ),
        imports.TextColumn(
            gettext_lazy("编号"), "code", max_length=20, required=True, aliases=["序号", "项目编号"]
        ),
        imports.TextColumn(
            gettext_lazy("考核内容"), "name", max_length=300, required=True, aliases=["考核项目", "项目"]
        ),
        imports.ChoiceColumn(
            gettext_lazy("类别"),
            "kind",
            choices=ItemKind.choices,
            required=True,
            synonyms={"基本": ItemKind.BASE, "否决": ItemKind.VETO, "一票否决项": ItemKind.VETO},
        ),
        imports.DecimalColumn(
            gettext_lazy("分值"),
            "points",
            decimal_places=1,
            min_value=0,
            max_value=100,
            aliases=["分数", "标准分"],
        ),
        imports.ChoiceColumn(
            gettext_lazy("计分来源"),
            "source",
            choices=Source.choices,
            required=True,
            synonyms={"指标": Source.INDICATOR, "评审": Source.EVIDENCE, "佐证材料": Source.EVIDENCE},
        ),
        imports.ChoiceColumn(
            gettext_lazy("指标"), "indicator", choices=_indicator_choices(), aliases=["平台指标"]
        ),
        imports.ChoiceColumn(
            gettext_lazy("计分规则"),
            "rule",
            choices=[c for c in Rule.choices if c[0] != Rule.REVIEW],
            aliases=["规则"],
        ),
        imports.TextColumn(
            gettext_lazy("分档"),
            "steps",
            compare=False,
            max_length=200,
            help=gettext_lazy("下限=得分百分比，如 95=100, 90=80"),
        ),
        imports.DecimalColumn(gettext_lazy("0 分处"), "low", compare=False, decimal_places=2),
        imports.DecimalColumn(gettext_lazy("满分处"), "high", compare=False, decimal_places=2),
        imports.DecimalColumn(gettext_lazy("目标值"), "target", compare=False, decimal_places=2),
        imports.DateColumn(gettext_lazy("截止日期"), "deadline", compare=False),
        imports.DateColumn(gettext_lazy("逾期截止"), "late_until", compare=False),
        imports.DecimalColumn(
            gettext_lazy("逾期得分%"),
            "late_share",
            compare=False,
            decimal_places=1,
            min_value=0,
            max_value=100,
        ),
        imports.DecimalColumn(
            gettext_lazy("每项分值"), "each", compare=False, decimal_places=2, min_value=0, max_value=100
        ),
        imports.DecimalColumn(gettext_lazy("触发界限"), "over", compare=False, decimal_places=2, min_value=0),
        imports.BoolColumn(gettext_lazy("硬性指标"), "is_hard"),
        imports.ChoiceColumn(gettext_lazy("否决后果"), "veto_effect", choices=VetoEffect.choices),
        imports.TextColumn(
            gettext_lazy("考核标准"), "description", max_length=2000, aliases=["评分标准", "说明"]
        ),
    ]
    error_fields = {"points": "points", "frozen": "scheme"}

    def queryset(self, user: Any):
        return Item.objects.restrict(user, "manage").filter(scheme__state=SchemeState.DRAFT)

    # Columns compared with an existing item field by field; the section (a name here, a record
    # there) and the rule's parameters (one ``params`` there) are compared as a whole below.
    COMPARED = (
        "name",
        "kind",
        "points",
        "source",
        "indicator",
        "rule",
        "is_hard",
        "veto_effect",
        "description",
    )

    def changes(self, row: imports.Row, obj: Any, ctx: imports.ImportContext) -> list:
        out = super().changes(row, obj, ctx)
        if row.values.get("section") and row.values["section"] != obj.section.name:
            out.append(imports.Change(ctx.columns["section"], obj.section.name, row.values["section"]))
        return out

    def params_of(self, row: imports.Row) -> dict:
        v = row.values
        rule = v.get("rule") or ""
        if rule == Rule.THRESHOLD:
            return {"steps": v.get("steps_parsed") or []}
        if rule == Rule.LINEAR:
            return {"low": v.get("low"), "high": v.get("high")}
        if rule == Rule.DEADLINE:
            return {
                "target": v.get("target"),
                "deadline": v["deadline"].isoformat() if v.get("deadline") else "",
                "late_until": v["late_until"].isoformat() if v.get("late_until") else "",
                "late_share": float(v.get("late_share") or 0) / 100.0,
            }
        if rule == Rule.PER_COUNT:
            return {"each": v.get("each")}
        if rule == Rule.OVER:
            return {"over": v.get("over")}
        return {}

    def validate_row(self, row: imports.Row, ctx: imports.ImportContext) -> None:
        v = row.values
        if v.get("source") == Source.INDICATOR:
            if not v.get("indicator"):
                ctx.error(row, "indicator", _("绑定平台指标的项目请填写指标。"))
                return
            rule = v.get("rule")
            if not rule:
                ctx.error(row, "rule", _("绑定平台指标的项目请填写计分规则。"))
                return
            for field in PARAM_FIELDS.get(rule, ()):
                if v.get(field) in (None, ""):
                    ctx.error(row, field, _("“%(r)s”规则须填写此列。") % {"r": Rule(rule).label})
                    return
            if rule == Rule.THRESHOLD:
                try:
                    v["steps_parsed"] = parse_steps(v.get("steps") or "")
                except Exception as exc:  # the form's message, on the column
                    ctx.error(row, "steps", " ".join(getattr(exc, "messages", [str(exc)])))
                    return
            try:
                rules.check_params(
                    rule,
                    {k: (float(x) if hasattr(x, "as_tuple") else x) for k, x in self.params_of(row).items()},
                )
            except ActionError as exc:
                ctx.error(row, PARAM_FIELDS.get(rule, ("rule",))[0], imports.messages_of(exc))
        if v.get("kind") != ItemKind.VETO and not v.get("points"):
            ctx.error(row, "points", _("请填写分值（大于 0；一票否决项可不填）。"))

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        v = row.values
        scheme = v["scheme"]
        section = scheme.sections.filter(name=v["section"]).first()
        if section is None:
            section = actions.add_section(ctx.user, scheme, name=v["section"])
        params = {k: (float(x) if hasattr(x, "as_tuple") else x) for k, x in self.params_of(row).items()}
        actions.save_item(
            ctx.user,
            scheme,
            row.existing,
            section=section,
            code=v["code"],
            name=v["name"],
            kind=v["kind"],
            points=v.get("points") or 0,
            source=v["source"],
            indicator=v.get("indicator") or "",
            rule=v.get("rule") or Rule.THRESHOLD,
            params=params,
            is_hard=bool(v.get("is_hard")),
            veto_effect=v.get("veto_effect") or VetoEffect.FAIL,
            description=v.get("description") or "",
        )
        return "updated" if row.existing is not None else "created"
