"""Forms of the visits campaign. They never write: the views hand ``cleaned_data`` to an action."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import (
    ActionModelForm,
    BootstrapMixin,
    MultipleFileInput,
    PickerField,
    PickerMultipleField,
)
from unionwork.founding.models import Enterprise
from unionwork.stability.models import IncidentKind, Severity
from unionwork.stations.models import HardshipCause
from unionwork.visits.models import (
    Campaign,
    ChecklistKind,
    Finding,
    FindingCategory,
    FindingSeverity,
    ItemKind,
    ResearchReport,
    VisitKind,
)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("说明"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class CampaignForm(ActionModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("starts_on", timezone.localdate())

    class Meta:
        model = Campaign
        fields = ["name", "starts_on", "ends_on", "enterprises_per_month", "households_per_month", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}


class PairForm(BootstrapMixin, forms.Form):
    cadre = forms.ModelChoiceField(label=_("联系干部"), queryset=get_user_model().objects.none())
    enterprises = PickerMultipleField(label=_("联系企业"), source="enterprises")

    def __init__(self, *args, campaign: Campaign, user, cadres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres
        self.fields["cadre"].label_from_instance = lambda u: u.full_name or u.username
        self.fields["enterprises"].queryset = Enterprise.objects.restrict(user, "view")


KIND_WORDS = {
    "是/否": ItemKind.YES_NO,
    "数字": ItemKind.NUMBER,
    "文字": ItemKind.TEXT,
    "选项": ItemKind.CHOICE,
}


class ChecklistForm(BootstrapMixin, forms.Form):
    """A new version, one item a line: ``内容 | 回答方式 | 选项1/选项2 | 必填``."""

    kind = forms.ChoiceField(label=_("清单"), choices=ChecklistKind.choices)
    items = forms.CharField(
        label=_("清单项目"),
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("每行一项：内容 | 回答方式（是/否、数字、文字、选项） | 选项（用 / 分隔） | 必填"),
    )
    note = forms.CharField(label=_("修订说明"), max_length=500)

    def clean_items(self):
        out = []
        for line in self.cleaned_data["items"].splitlines():
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                continue
            kind_word = parts[1] if len(parts) > 1 else "文字"
            if kind_word not in KIND_WORDS:
                raise forms.ValidationError(
                    _("“%(w)s”不是回答方式（是/否、数字、文字、选项）。") % {"w": kind_word}
                )
            out.append(
                {
                    "text": parts[0],
                    "kind": KIND_WORDS[kind_word],
                    "choices": [c for c in (parts[2].split("/") if len(parts) > 2 else []) if c.strip()],
                    "required": len(parts) > 3 and parts[3] in ("必填", "是", "required"),
                }
            )
        return out


def items_as_lines(template) -> str:
    words = {v: k for k, v in KIND_WORDS.items()}
    return "\n".join(
        " | ".join([i.text, words[i.kind], "/".join(i.choices), "必填" if i.required else ""]).rstrip(" |")
        for i in template.items.order_by("position")
    )


class VisitForm(BootstrapMixin, forms.Form):
    """The phone form: kind, date, cadres, people met, the checklist of the kind, notes, one finding,
    photos, location. The checklist answers are named ``item_<pk>`` (the current versions' items)."""

    client_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("走访类型"), choices=VisitKind.choices, widget=forms.RadioSelect)
    visited_on = forms.DateField(label=_("走访日期"))
    enterprise = PickerField(label=_("走访企业"), source="enterprises", required=False)
    household_name = forms.CharField(label=_("户主（职工）姓名"), max_length=50, required=False)
    household_address = forms.CharField(label=_("家庭住址"), max_length=200, required=False)
    household_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=20,
        required=False,
        help_text=_("只用于关联会员实名库，不保存。"),
    )
    cadres = forms.ModelMultipleChoiceField(
        label=_("走访干部"), queryset=get_user_model().objects.none(), widget=forms.CheckboxSelectMultiple
    )
    people_met = forms.CharField(label=_("见到的人"), max_length=300)
    notes = forms.CharField(label=_("走访情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    finding_category = forms.ChoiceField(
        label=_("发现的问题类别"), choices=[("", "——")] + FindingCategory.choices, required=False
    )
    finding_severity = forms.TypedChoiceField(
        label=_("程度"),
        choices=FindingSeverity.choices,
        coerce=int,
        required=False,
        initial=FindingSeverity.LOW,
    )
    finding_text = forms.CharField(
        label=_("发现的问题"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = forms.FileField(
        label=_("照片（JPEG/PNG，每张不超过 5 MB）"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    latitude = forms.DecimalField(
        label=_("纬度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )
    longitude = forms.DecimalField(
        label=_("经度"), required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput
    )

    def __init__(self, *args, user, templates: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is None:
            from unionwork.visits import actions

            templates = {k: actions.current_checklist(k) for k in ("six", "eight")}
        self.fields["enterprise"].queryset = Enterprise.objects.restrict(user, "view")
        self.fields["cadres"].queryset = (
            get_user_model().objects.filter(org_id=user.org_id, is_active=True).order_by("username")
        )
        self.fields["cadres"].label_from_instance = lambda u: u.full_name or u.username
        if not self.is_bound:
            self.initial.setdefault("visited_on", timezone.localdate())
            self.initial.setdefault("cadres", [user.pk])
            self.initial.setdefault("kind", VisitKind.ENTERPRISE)
        self.checklists = []
        for kind in VisitKind.values:
            template = templates[{"enterprise": "six", "household": "eight"}[kind]]
            names = []
            for item in template.items.order_by("position"):
                name = f"item_{item.pk}"
                label = f"{item.position}. {item.text}"
                if item.kind == ItemKind.YES_NO:
                    field = forms.ChoiceField(
                        label=label,
                        required=False,
                        choices=[("yes", _("是")), ("no", _("否"))],
                        widget=forms.RadioSelect,
                    )
                elif item.kind == ItemKind.NUMBER:
                    field = forms.DecimalField(
                        label=label, required=False, widget=forms.NumberInput(attrs={"inputmode": "decimal"})
                    )
                elif item.kind == ItemKind.CHOICE:
                    field = forms.ChoiceField(
                        label=label, required=False, choices=[("", "——")] + [(c, c) for c in item.choices]
                    )
                else:
                    field = forms.CharField(
                        label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
                    )
                field.item_required = item.required
                self.fields[name] = field
                names.append(name)
            self.checklists.append((kind, template, names))
        from unionwork.core.forms import style

        style(self)
        for field in self.fields.values():
            if isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs["class"] = "form-check-input"

    def checklist_sections(self):
        return [(kind, template, [self[n] for n in names]) for kind, template, names in self.checklists]

    def answers(self, kind: str) -> dict:
        for k, _template, names in self.checklists:
            if k == kind:
                out = {}
                for n in names:
                    v = self.cleaned_data.get(n)
                    out[int(n[5:])] = (
                        ""
                        if v is None
                        else (format(v, "f").rstrip("0").rstrip(".") if hasattr(v, "as_tuple") else str(v))
                    )
                return out
        return {}


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(
        label=_("照片（JPEG/PNG，不超过 5 MB）"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )


class FindingForm(ActionModelForm):
    class Meta:
        model = Finding
        fields = ["category", "severity", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


class CaseFromFindingForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("事件类型"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)
    workers_involved = forms.IntegerField(label=_("涉及职工人数"), min_value=0, initial=0)


class HardshipFromFindingForm(BootstrapMixin, forms.Form):
    """The fields of the service-station module's hardship file (its unit is the visit's)."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    enterprise_name = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    household_size = forms.IntegerField(label=_("家庭人口"), min_value=1, initial=1)
    monthly_income = forms.DecimalField(label=_("家庭月收入（元）"), min_value=0, decimal_places=2)
    cause = forms.ChoiceField(label=_("致困原因"), choices=HardshipCause.choices)
    opened_on = forms.DateField(label=_("建档日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opened_on"].initial = timezone.localdate()


class DeedForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("实事内容"), max_length=300)
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=get_user_model().objects.none())
    promised_on = forms.DateField(label=_("承诺办结日期"))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("promised_on", timezone.localdate())
        self.fields["owner"].queryset = owners if owners is not None else get_user_model().objects.none()
        self.fields["owner"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.org.name}）"


class DeedDoneForm(BootstrapMixin, forms.Form):
    done_on = forms.DateField(label=_("办结日期"), initial=timezone.localdate)
    evidence = forms.CharField(label=_("办结情况（佐证）"), widget=forms.Textarea(attrs={"rows": 3}))


class ProgressForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("进展"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ReportDraftForm(BootstrapMixin, forms.Form):
    period_start = forms.DateField(label=_("起始日期"))
    period_end = forms.DateField(label=_("截止日期"))
    title = forms.CharField(label=_("标题（留空自动生成）"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            today = timezone.localdate()
            self.initial.setdefault("period_start", today.replace(month=1, day=1))
            self.initial.setdefault("period_end", today)


class ReportEditForm(ActionModelForm):
    class Meta:
        model = ResearchReport
        fields = ["title", "situation", "analysis"]
        widgets = {
            "situation": forms.Textarea(attrs={"rows": 8}),
            "analysis": forms.Textarea(attrs={"rows": 8}),
        }


class RecommendationForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("建议"), widget=forms.Textarea(attrs={"rows": 4}))
    findings = forms.ModelMultipleChoiceField(
        label=_("支撑的走访发现"),
        queryset=Finding.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, findings=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings if findings is not None else Finding.objects.none()
        self.fields["findings"].label_from_instance = lambda f: (
            f"{f.get_category_display()}·{f.get_severity_display()}：{f.text[:40]}"
        )
