"""Forms of stability work. None has a field for the times that decide timeliness (filed_at,
reported_at, opened_at): the actions take those from the server's clock."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import ActionModelForm, BootstrapMixin, PickerField
from unionwork.core.forms import style as style
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stability import periods as P
from unionwork.stability.actions.incidents import INCIDENT_AMENDABLE
from unionwork.stability.actions.reports import REPORT_AMENDABLE
from unionwork.stability.models import (
    AccountabilityDecision,
    Case,
    EmergencyPlan,
    HeightenedPeriod,
    Incident,
    IncidentKind,
    Industry,
    LeadingGroupMember,
    MediationMethod,
    MediationSession,
    Petition,
    ReceptionDay,
    ReceptionVisit,
    Report,
    Resolution,
    Severity,
)

# Django 6.1's own blank label has no Chinese translation yet.
EMPTY = _("—— 请选择 ——")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _units(user, *, depth: int = 2, kinds=None, exclude_own: bool = False):
    """Units the user may pick: the own unit and up to ``depth`` levels below, in scope, active."""
    if user.org_id is None:
        return OrgUnit.objects.none()
    qs = OrgUnit.objects.restrict(user).filter(
        path__startswith=user.org_path, status=OrgStatus.ACTIVE, depth__lte=user.org.depth + depth
    )
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    if exclude_own:
        qs = qs.exclude(pk=user.org_id)
    return qs.order_by("path")


def unit_field(user, label=None, *, depth: int = 2, kinds=None, exclude_own: bool = False) -> PickerField:
    """The picker over :func:`_units`: the search offers, and the form accepts, the same units."""
    params = {
        "max_depth": (user.org.depth + depth) if user.org_id else 0,
        "kind": list(kinds or []),
        "exclude_own": "1" if exclude_own else "",
    }
    field = PickerField(
        _units(user, depth=depth, kinds=kinds, exclude_own=exclude_own),
        source="units",
        params=params,
        label=label or _("单位"),
        initial=None if exclude_own else user.org_id,
    )
    field.widget.attrs["class"] = "form-select uw-picker"
    return field


# ---------------------------------------------------------------------------------------------
# Reports


class NilReportForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(queryset=OrgUnit.objects.none())
    period = forms.ChoiceField(label=_("报告期"))
    summary = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        policy = P.get_policy()
        self.fields["org"] = unit_field(user, label=_("报送单位"), depth=1, kinds=policy.kinds)
        now = timezone.now()
        self.fields["period"].choices = [
            (p.key, f"{p.label}（截止 {timezone.localtime(p.deadline):%Y-%m-%d %H:%M}）")
            for p in P.fileable_periods(now, months_back=3, policy=policy)
        ]
        self.order_fields(["org", "period"])

    def clean_period(self):
        parsed = P.parse_key(self.cleaned_data["period"])
        if parsed is None:
            raise forms.ValidationError(_("报告期无效。"))
        return parsed


class ReportForm(NilReportForm):
    summary = forms.CharField(
        label=_("情况概述"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("本期矛盾排查、化解和需要上级关注的情况"),
    )
    disputes_found = forms.IntegerField(label=_("排查矛盾纠纷（件）"), min_value=0, initial=0)
    disputes_resolved = forms.IntegerField(label=_("化解矛盾纠纷（件）"), min_value=0, initial=0)
    workers_involved = forms.IntegerField(label=_("涉及职工（人）"), min_value=0, initial=0)


class ReportAmendForm(ActionModelForm):
    reason = forms.CharField(label=_("更正原因"), max_length=500)

    class Meta:
        model = Report
        fields = REPORT_AMENDABLE
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}


# ---------------------------------------------------------------------------------------------
# Incidents and cases


class IncidentForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(queryset=OrgUnit.objects.none())
    kind = forms.ChoiceField(label=_("类型"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    enterprise_uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, required=False)
    industry = forms.ChoiceField(
        label=_("行业（GB/T 4754 门类）"), choices=[("", "—")] + Industry.choices, required=False
    )
    workers_involved = forms.IntegerField(label=_("涉及职工（人）"), min_value=0, initial=0)
    amount_at_stake = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, initial=0
    )
    description = forms.CharField(label=_("基本情况"), widget=forms.Textarea(attrs={"rows": 5}))
    learned_at = forms.DateTimeField(
        label=_("知情时间"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("本单位得知此事的时间；报告时间由系统自动记录，不能填写。"),
    )

    concealed = False

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(
            user,
            label=_("瞒报单位（下级）") if self.concealed else _("责任单位"),
            depth=2,
            exclude_own=self.concealed,
        )
        self.order_fields(["org"])


class ConcealedIncidentForm(IncidentForm):
    concealed = True


class IncidentAmendForm(ActionModelForm):
    industry = forms.ChoiceField(label=_("行业"), choices=[("", "—")] + Industry.choices, required=False)
    amount_at_stake = forms.DecimalField(
        label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("更正原因"), max_length=500)

    class Meta:
        model = Incident
        fields = INCIDENT_AMENDABLE
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class AssessForm(BootstrapMixin, forms.Form):
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)
    assessment = forms.CharField(label=_("研判意见"), widget=forms.Textarea(attrs={"rows": 4}))


class OwnForm(BootstrapMixin, forms.Form):
    owner = forms.ModelChoiceField(label=_("包案领导"), queryset=OrgUnit.objects.none(), empty_label=EMPTY)

    def __init__(self, *args, user=None, case=None, **kwargs):
        from unionwork.stability.actions import owner_candidates

        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owner_candidates(user, case)
        self.fields["owner"].label_from_instance = lambda u: f"{u.full_name or u.username}（{u.org.name}）"


class MediateForm(ActionModelForm):
    methods = forms.MultipleChoiceField(
        label=_("调处方式"), choices=MediationMethod.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = MediationSession
        fields = ("held_on", "parties", "methods", "outcome", "note")
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"parties": _("如：企业负责人、职工代表、劳动监察、街道")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate


class ResolveForm(BootstrapMixin, forms.Form):
    resolution = forms.ChoiceField(label=_("化解方式"), choices=Resolution.choices)
    note = forms.CharField(label=_("化解情况"), widget=forms.Textarea(attrs={"rows": 4}))


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("意见"), widget=forms.Textarea(attrs={"rows": 3}))


class GrievanceForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(queryset=OrgUnit.objects.none())
    title = forms.CharField(label=_("案件名称"), max_length=200)
    claimant = forms.CharField(label=_("诉求人"), max_length=100)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}))
    severity = forms.ChoiceField(label=_("等级"), choices=Severity.choices)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, label=_("承办单位"), depth=2)
        self.order_fields(["org"])


class CaseAmendForm(ActionModelForm):
    reason = forms.CharField(label=_("更正原因"), max_length=500)

    class Meta:
        model = Case
        fields = ("title", "claimant", "description")  # CASE_AMENDABLE, in the page's order
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].required = True  # a case says what it is about


# ---------------------------------------------------------------------------------------------
# Petitions, receptions, emergencies


class PetitionForm(ActionModelForm):
    people = forms.IntegerField(label=_("人数"), min_value=1, initial=1)
    open_as_case = forms.BooleanField(label=_("同时立案办理"), required=False, initial=True)

    class Meta:
        model = Petition
        fields = (
            "channel",
            "received_on",
            "petitioner",
            "petitioner_phone",
            "people",
            "enterprise_name",
            "kind",
            "request",
        )
        widgets = {"request": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["received_on"].initial = timezone.localdate
        self.fields["org"] = unit_field(user, label=_("受理单位"), depth=2)
        self.order_fields(["org"])


class ReceptionForm(ActionModelForm):
    class Meta:
        model = ReceptionDay
        fields = ("date", "host", "place", "note")
        help_texts = {"host": _("如：工会主席 张某某")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate
        self.fields["org"] = unit_field(user, depth=2)
        self.order_fields(["org"])


class VisitForm(ActionModelForm):
    people = forms.IntegerField(label=_("人数"), min_value=1, initial=1)
    open_as_case = forms.BooleanField(label=_("转为案件办理"), required=False)

    class Meta:
        model = ReceptionVisit
        fields = ("visitor", "workplace", "people", "request", "reply")
        widgets = {"request": forms.Textarea(attrs={"rows": 3}), "reply": forms.Textarea(attrs={"rows": 3})}


class PlanForm(ActionModelForm):
    class Meta:
        model = EmergencyPlan
        fields = ("title", "content")
        widgets = {"content": forms.Textarea(attrs={"rows": 8})}
        help_texts = {"content": _("组织指挥、信息报告、先期处置、响应分级、善后工作等")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, depth=2)
        self.order_fields(["org"])


class EmergencyStartForm(BootstrapMixin, forms.Form):
    commander = forms.CharField(label=_("现场指挥"), max_length=100)
    first_entry = forms.CharField(label=_("首报情况"), widget=forms.Textarea(attrs={"rows": 3}))


class LogForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("处置情况"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class CloseEmergencyForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("处置总结"), widget=forms.Textarea(attrs={"rows": 4}))


# ---------------------------------------------------------------------------------------------
# Accountability, leading group, rules


class UnitPickForm(BootstrapMixin, forms.Form):
    org = forms.ModelChoiceField(queryset=OrgUnit.objects.none())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, label=_("被问责单位（下级）"), depth=2, exclude_own=True)


class AccountabilityForm(ActionModelForm):
    reports = forms.ModelMultipleChoiceField(
        label=_("迟报的定期报告"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    incidents = forms.ModelMultipleChoiceField(
        label=_("迟报、瞒报的事件"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    missed = forms.MultipleChoiceField(
        label=_("漏报的报告期"), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = AccountabilityDecision
        fields = ("kind", "decided_on", "document_number", "persons", "reason")
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, unit=None, **kwargs):
        from django.db.models import Q

        from unionwork.stability.queries import missed_periods

        super().__init__(*args, **kwargs)
        self.fields["decided_on"].initial = timezone.localdate
        self.fields["reports"].queryset = Report.objects.filter(org=unit, is_late=True).select_related("org")
        self.fields["reports"].label_from_instance = lambda r: (
            f"{r.period_label}（{timezone.localtime(r.filed_at):%Y-%m-%d %H:%M} 报送）"
        )
        self.fields["incidents"].queryset = Incident.objects.filter(
            Q(is_late=True) | Q(concealed=True), org=unit
        )
        self.fields["incidents"].label_from_instance = lambda i: f"{i}（{i.timeliness_display()}）"
        self.fields["missed"].choices = [(p.key, p.label) for p in missed_periods(unit)]

    def clean_missed(self):
        return [P.parse_key(k) for k in self.cleaned_data["missed"]]


class GroupMemberForm(ActionModelForm):
    account = forms.ModelChoiceField(
        label=_("平台账号"),
        queryset=None,
        required=False,
        empty_label=_("（不关联）"),
        help_text=_("关联账号的成员接收重大事件通知"),
    )

    class Meta:
        model = LeadingGroupMember
        fields = ("name", "position", "group_role", "duties", "phone")
        help_texts = {"position": _("如：区总工会主席")}

    def __init__(self, *args, unit=None, **kwargs):
        from django.contrib.auth import get_user_model

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = (
            get_user_model().objects.filter(org=unit, is_active=True).order_by("username")
        )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class PolicyForm(BootstrapMixin, forms.Form):
    reporting_kinds = forms.MultipleChoiceField(
        label=_("须报送的组织类型"), choices=OrgKind.choices, widget=forms.CheckboxSelectMultiple
    )
    monthly_deadline_day = forms.IntegerField(label=_("月报截止日（次月第几日）"), min_value=1, max_value=28)
    monthly_deadline_time = forms.TimeField(
        label=_("月报截止时刻"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    daily_deadline_time = forms.TimeField(
        label=_("日报截止时刻（敏感时期）"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    remind_days_before = forms.IntegerField(label=_("提前提醒天数"), min_value=0, max_value=30)


class SeverityRulesForm(BootstrapMixin, forms.Form):
    """The four severities' rules on one form."""

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        for sev, label in Severity.choices:
            rule = rules[sev]
            self.fields[f"{sev}_hours"] = forms.IntegerField(
                label=_("%(s)s：知情后报告时限（小时）") % {"s": label},
                min_value=1,
                initial=rule.report_within_hours,
            )
            self.fields[f"{sev}_days"] = forms.IntegerField(
                label=_("%(s)s：化解时限（天）") % {"s": label}, min_value=1, initial=rule.resolve_within_days
            )
            self.fields[f"{sev}_notify"] = forms.BooleanField(
                label=_("%(s)s：即时通知上级领导") % {"s": label}, required=False, initial=rule.notify_upper
            )
        style(self)


class HeightenedForm(ActionModelForm):
    class Meta:
        model = HeightenedPeriod
        fields = ("name", "starts_on", "ends_on", "note")
        help_texts = {"name": _("如：党的代表大会召开期间")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].initial = timezone.localdate
