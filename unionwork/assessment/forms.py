"""Forms of the assessment. They never save: the views hand ``cleaned_data`` to the actions."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.assessment.models import Group, ItemKind, Rule, Source, VetoEffect
from unionwork.core import indicators
from unionwork.core.forms import BootstrapMixin, MultipleFileField


class SchemeForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    group = forms.ChoiceField(label=_("考核对象"), choices=Group.choices)
    name = forms.CharField(label=_("方案名称"), max_length=200)
    period_start = forms.DateField(label=_("考核期起"), required=False, help_text=_("不填为当年 1 月 1 日"))
    period_end = forms.DateField(label=_("考核期止"), required=False, help_text=_("不填为当年 12 月 31 日"))
    pass_mark = forms.DecimalField(
        label=_("合格分数线"), initial=60, min_value=0, max_value=100, decimal_places=1
    )
    bonus_cap = forms.DecimalField(
        label=_("加分上限"), initial=5, min_value=0, max_value=100, decimal_places=1
    )
    appeal_days = forms.IntegerField(label=_("申诉期（天）"), initial=7, min_value=1, max_value=60)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class SchemeEditForm(SchemeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"]
        del self.fields["group"]


class SectionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("部分名称"), max_length=100, help_text=_("例如：一、基层工会组建"))
    order = forms.IntegerField(label=_("顺序"), required=False, min_value=1, max_value=99)


def _indicator_choices():
    return [("", "—")] + [(i.key, f"{i.label}（{i.key}）") for i in indicators.listed()]


def parse_steps(raw: str) -> list[list[float]]:
    """``"95=100, 90=80, 80=50"`` (figure ≥ 95: 100 % of the points …) as ``[[95, 1.0], …]``."""
    steps = []
    for part in (raw or "").replace("，", ",").replace("；", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        floor, _sep, share = part.replace("＝", "=").partition("=")
        try:
            steps.append([float(floor), float(share.rstrip("%％")) / 100.0])
        except ValueError:
            raise forms.ValidationError(
                _("分档“%(p)s”应写成“下限=得分百分比”，例如 95=100, 90=80。") % {"p": part}
            ) from None
    return steps


class SchemeItemForm(BootstrapMixin, forms.Form):
    section = forms.TypedChoiceField(label=_("部分"), coerce=int)
    code = forms.CharField(
        label=_("编号"), max_length=20, help_text=_("例如 A1；各版本相同的编号视为同一项目")
    )
    name = forms.CharField(label=_("考核内容"), max_length=300)
    kind = forms.ChoiceField(label=_("类别"), choices=ItemKind.choices)
    points = forms.DecimalField(label=_("分值"), min_value=0, max_value=100, decimal_places=1)
    source = forms.ChoiceField(label=_("计分来源"), choices=Source.choices)
    indicator = forms.ChoiceField(label=_("指标"), required=False)
    rule = forms.ChoiceField(
        label=_("计分规则"), choices=[c for c in Rule.choices if c[0] != Rule.REVIEW], required=False
    )
    steps = forms.CharField(
        label=_("分档（分档规则）"),
        required=False,
        help_text=_("下限=得分百分比，逗号分隔，例如 95=100, 90=80, 80=50"),
    )
    low = forms.FloatField(label=_("0 分处（线性规则）"), required=False)
    high = forms.FloatField(label=_("满分处（线性规则）"), required=False)
    target = forms.FloatField(label=_("目标值（时限规则）"), required=False)
    deadline = forms.DateField(label=_("截止日期（时限规则）"), required=False)
    late_until = forms.DateField(label=_("逾期截止（时限规则）"), required=False)
    late_share = forms.FloatField(
        label=_("逾期得分百分比（时限规则）"), required=False, min_value=0, max_value=100
    )
    each = forms.FloatField(label=_("每项分值（按数量计分）"), required=False)
    over = forms.FloatField(label=_("触发界限（超过即触发）"), required=False)
    is_hard = forms.BooleanField(label=_("硬性指标（倒计时与进度预警）"), required=False)
    veto_effect = forms.ChoiceField(label=_("否决后果"), choices=VetoEffect.choices, required=False)
    description = forms.CharField(
        label=_("考核标准"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, scheme=None, **kwargs):
        super().__init__(*args, **kwargs)
        sections = list(scheme.sections.order_by("order", "pk")) if scheme is not None else []
        self.fields["section"].choices = [(s.pk, s.name) for s in sections]
        self.fields["indicator"].choices = _indicator_choices()

    def clean_steps(self):
        return parse_steps(self.cleaned_data.get("steps", ""))

    def item_fields(self) -> dict:
        """What ``actions.save_item`` takes: the fields and the rule's params."""
        d = self.cleaned_data
        params: dict = {}
        rule = d.get("rule") or ""
        if rule == Rule.THRESHOLD:
            params = {"steps": d.get("steps") or []}
        elif rule == Rule.LINEAR:
            params = {"low": d.get("low"), "high": d.get("high")}
        elif rule == Rule.DEADLINE:
            params = {
                "target": d.get("target"),
                "deadline": d["deadline"].isoformat() if d.get("deadline") else "",
                "late_until": d["late_until"].isoformat() if d.get("late_until") else "",
                "late_share": (d.get("late_share") or 0) / 100.0,
            }
        elif rule == Rule.PER_COUNT:
            params = {"each": d.get("each")}
        elif rule == Rule.OVER:
            params = {"over": d.get("over")}
        return {
            "section_id": d["section"],
            "code": d["code"],
            "name": d["name"],
            "kind": d["kind"],
            "points": d["points"],
            "source": d["source"],
            "indicator": d.get("indicator") or "",
            "rule": rule,
            "params": params,
            "is_hard": d.get("is_hard", False),
            "veto_effect": d.get("veto_effect") or VetoEffect.FAIL,
            "description": d.get("description", ""),
        }


def item_initial(item) -> dict:
    p = item.params or {}
    out = {
        "section": item.section_id,
        "code": item.code,
        "name": item.name,
        "kind": item.kind,
        "points": item.points,
        "source": item.source,
        "indicator": item.indicator,
        "rule": item.rule,
        "is_hard": item.is_hard,
        "veto_effect": item.veto_effect,
        "description": item.description,
    }
    if item.rule == Rule.THRESHOLD:
        out["steps"] = ", ".join(f"{s[0]:g}={s[1] * 100:g}" for s in p.get("steps", []))
    for key in ("low", "high", "target", "each", "over"):
        if key in p:
            out[key] = p[key]
    for key in ("deadline", "late_until"):
        if p.get(key):
            out[key] = datetime.date.fromisoformat(p[key])
    if "late_share" in p:
        out["late_share"] = p["late_share"] * 100
    return out


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("修订原因"), widget=forms.Textarea(attrs={"rows": 3}))


class CopyForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("新方案年度"), min_value=2000, max_value=2100)
    name = forms.CharField(
        label=_("新方案名称"), max_length=200, required=False, help_text=_("不填则把原名称中的年度换成新年度")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year + 1


class ConfirmForm(BootstrapMixin, forms.Form):
    confirm = forms.BooleanField(label=_("确认"), required=True)


class ComputeForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("计分类型"),
        choices=[
            ("working", _("试算（不公布）")),
            ("provisional", _("公布初步排名（进入申诉期）")),
            ("final", _("公布最终排名（冻结）")),
        ],
    )


class ClaimForm(BootstrapMixin, forms.Form):
    item = forms.TypedChoiceField(label=_("考核项目"), coerce=int)
    text = forms.CharField(label=_("自评说明"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    link = forms.CharField(
        label=_("平台记录链接"),
        required=False,
        max_length=300,
        help_text=_("本平台的页面地址，例如 /building/unit/12/"),
    )
    files = MultipleFileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、Word、Excel、图片等，每个不超过上限，最多 6 个"),
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [(i.pk, f"{i.code} {i.name}（{i.points} 分）") for i in items]


class ReviewForm(BootstrapMixin, forms.Form):
    item = forms.TypedChoiceField(label=_("考核项目"), coerce=int)
    unit = forms.TypedChoiceField(label=_("被考核单位"), coerce=int)
    points = forms.DecimalField(
        label=_("评定分"), min_value=0, max_value=100, decimal_places=1, required=False
    )
    triggered = forms.BooleanField(label=_("触发否决（一票否决项）"), required=False)
    comment = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, items=(), units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (i.pk, f"{i.code} {i.name}（{i.get_kind_display()} {i.points} 分）") for i in items
        ]
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class AppealForm(BootstrapMixin, forms.Form):
    item = forms.TypedChoiceField(label=_("申诉项目"), coerce=int)
    reason = forms.CharField(label=_("申诉理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [
            (r.item_id, f"{r.item.code} {r.item.name}：{r.points} 分") for r in items
        ]


class DecideForm(BootstrapMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("裁定"),
        choices=[("1", _("申诉成立")), ("0", _("申诉不成立"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    points = forms.DecimalField(
        label=_("裁定得分（申诉成立时）"), required=False, min_value=0, max_value=100, decimal_places=1
    )
    decision = forms.CharField(label=_("裁定理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
