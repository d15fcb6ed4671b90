"""Forms of union building. They never save: the views hand ``cleaned_data`` to the actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.building.models import (
    DEFAULT_QUESTIONS,
    RATING_CHOICES,
    Campaign,
    Committee,
    GradeApplication,
    UnionProfile,
)
from unionwork.core.forms import ActionModelForm, BootstrapMixin, PickerField
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit


def unit_field(user, label=None, *, depth: int = 3, kinds=None) -> PickerField:
    """A picker over the active units of the user's subtree (down to ``depth`` levels)."""
    qs = OrgUnit.objects.none()
    if user is not None and user.org_id is not None:
        qs = OrgUnit.objects.restrict(user).filter(
            path__startswith=user.org_path, status=OrgStatus.ACTIVE, depth__lte=user.org.depth + depth
        )
        if kinds:
            qs = qs.filter(kind__in=kinds)
        qs = qs.order_by("path")
    params = {"max_depth": (user.org.depth + depth) if user and user.org_id else 0, "kind": list(kinds or [])}
    field = PickerField(
        qs, source="units", params=params, label=label or _("单位"), initial=getattr(user, "org_id", None)
    )
    field.widget.attrs["class"] = "form-select uw-picker"
    return field


class CommitteeForm(ActionModelForm):
    class Meta:
        model = Committee
        fields = (
            "chairman",
            "vice_chairmen",
            "members_count",
            "term_start",
            "term_end",
            "method",
            "elected_on",
            "candidates",
            "eligible_voters",
            "votes_cast",
            "chairman_votes",
        )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, _("工会"))
        self.order_fields(["org"])
        self.fields["term_start"].initial = timezone.localdate()
        for name in ("elected_on", "candidates", "eligible_voters", "votes_cast", "chairman_votes"):
            self.fields[name].help_text = _("会员直选时必填")


class ProfileForm(ActionModelForm):
    class Meta:
        model = UnionProfile
        fields = (
            "full_time_cadres",
            "full_time_required",
            "part_time_cadres",
            "subsidy_in_budget",
            "subsidy_amount",
            "grievance_agency",
            "legal_adviser",
            "legal_adviser_name",
            "legal_adviser_firm",
            "welfare_facilities",
        )


class ProfileCreateForm(ProfileForm):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, _("工会"))
        self.order_fields(["org"])


class SurveyForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("开始日期"))
    closes_on = forms.DateField(label=_("截止日期"))
    questions = forms.CharField(
        label=_("题目（每行一题，按五级满意度作答）"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, _("基层工会"), kinds=[OrgKind.GRASSROOTS, OrgKind.JOINT])
        self.order_fields(["org"])
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["opens_on"].initial = today
        self.fields["closes_on"].initial = today.replace(month=12, day=31)
        self.fields["questions"].initial = "\n".join(str(q) for q in DEFAULT_QUESTIONS)

    def clean_questions(self):
        return [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class AnswerForm(forms.Form):
    """The public survey form: the proof of membership, then one rating per question."""

    name = forms.CharField(label=_("姓名"), max_length=50)
    id_tail = forms.CharField(
        label=_("身份证号后 6 位"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "inputmode": "text", "autocapitalize": "characters"}
        ),
    )
    comment = forms.CharField(
        label=_("意见建议（选填）"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for q in self.questions:
            self.fields[f"q{q.position}"] = forms.TypedChoiceField(
                label=q.text, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
            )

    def rating_fields(self):
        return [self[f"q{q.position}"] for q in self.questions]

    def ratings(self) -> dict:
        return {str(q.position): self.cleaned_data[f"q{q.position}"] for q in self.questions}


class CampaignForm(ActionModelForm):
    levels_text = forms.CharField(label=_("等级（由低到高，用顿号或逗号分隔）"), max_length=200)

    class Meta:
        model = Campaign
        fields = ("name", "kind", "criteria", "validity_years", "is_active")
        widgets = {"criteria": forms.Textarea(attrs={"rows": 5})}

    def clean_levels_text(self):
        raw = self.cleaned_data["levels_text"].replace("，", ",").replace("、", ",")
        return [p.strip() for p in raw.split(",") if p.strip()]


class ApplicationForm(BootstrapMixin, forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("创建评级活动"), queryset=Campaign.objects.filter(is_active=True)
    )
    level_sought = forms.CharField(label=_("申报等级"), max_length=20, required=False)
    evidence = forms.CharField(
        label=_("申报材料（工作情况与佐证）"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, _("申报单位"))
        self.order_fields(["org", "campaign"])


class MoveForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class AwardForm(MoveForm):
    grade = forms.ChoiceField(label=_("评定等级"))

    def __init__(self, *args, application: GradeApplication | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        levels = application.campaign.levels if application is not None else []
        self.fields["grade"].choices = [(lv, lv) for lv in levels]
        self.order_fields(["grade", "note"])
