"""Forms of the bargaining pages: they never save; the views hand ``cleaned_data`` to an action."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.bargaining import indicators as bi
from unionwork.bargaining.actions import CONGRESS_UNION_KINDS, CONTRACT_UNION_KINDS, TRIPARTITE_KINDS
from unionwork.bargaining.models import (
    BargainingRound,
    Congress,
    CongressSession,
    Contract,
    Instructor,
    RoundOutcome,
    RoundSession,
    StandardItem,
    TripartiteMeeting,
)
from unionwork.core.forms import ActionModelForm, BootstrapMixin, PickerField, PickerMultipleField
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgStatus, OrgUnit

TERMS = [
    "title",
    "kind",
    "employer_party",
    "union_representative",
    "employer_representative",
    "workers_covered",
    "signed_on",
    "term_start",
    "term_end",
    "wage_increase",
    "minimum_wage",
    "filed_on",
    "filing_department",
    "filing_result",
]


def unit_field(user, kinds, label) -> PickerField:
    kinds = [str(k) for k in kinds]
    qs = OrgUnit.objects.restrict(user, "change").filter(kind__in=kinds, status=OrgStatus.ACTIVE)
    return PickerField(qs, source="units", params={"kind": kinds, "action": "change"}, label=label)


def enterprises_field(user, label, required=True) -> PickerMultipleField:
    return PickerMultipleField(
        Enterprise.objects.restrict(user, "view"),
        source="enterprises",
        params={"operating": "1"},
        label=label,
        required=required,
    )


class ContractEditForm(ActionModelForm):
    """The terms of a contract (also its correction page)."""

    document = forms.FileField(
        label=_("合同文本"), required=False, help_text=_("PDF、Word、JPG 或 PNG，不超过 20 MB。")
    )

    class Meta:
        model = Contract
        fields = TERMS
        help_texts = {"workers_covered": _("不填则按覆盖企业的从业人员数合计。")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workers_covered"].required = False


class ContractForm(ContractEditForm):
    """A new contract: the signing union, its level and the enterprises it covers. The term
    starts today and runs three years unless given (集体合同期限一般为一至三年)."""

    field_order = ["org", "level", "enterprises"]

    class Meta(ContractEditForm.Meta):
        fields = ["level", *TERMS]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["org"] = unit_field(user, CONTRACT_UNION_KINDS, _("签约工会"))
        self.fields["enterprises"] = enterprises_field(user, _("覆盖企业"))
        self.order_fields(["org", "level", "enterprises", *TERMS, "document"])
        self.fields["signed_on"].initial = timezone.localdate()
        self.fields["term_start"].initial = timezone.localdate()
        self.fields["term_end"].required = False
        self.fields["workers_covered"].initial = None
        self.fields["term_end"].help_text = _("不填则为三年期满（起始日期三年后的前一天）。")

    def clean(self):
        data = super().clean()
        start = data.get("term_start")
        if start and not data.get("term_end"):
            try:
                data["term_end"] = start.replace(year=start.year + 3) - datetime.timedelta(days=1)
            except ValueError:  # 29 February
                data["term_end"] = start.replace(year=start.year + 3, day=28)
        return data


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("撤回原因"), max_length=500)
    on = forms.DateField(label=_("撤回日期"), initial=timezone.localdate)


class CoverForm(BootstrapMixin, forms.Form):
    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprises"] = enterprises_field(user, _("增加覆盖企业"))


class CongressForm(ActionModelForm):
    class Meta:
        model = Congress
        fields = ["kind", "established_on", "cycle_months", "open_affairs"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, CONGRESS_UNION_KINDS, _("工会"))
        self.fields["established_on"].initial = timezone.localdate()
        self.order_fields(["org", "kind", "established_on", "cycle_months", "open_affairs"])


class SessionForm(ActionModelForm):
    class Meta:
        model = CongressSession
        fields = [
            "number",
            "held_on",
            "delegates",
            "frontline_delegates",
            "women_delegates",
            "manager_delegates",
            "resolutions",
        ]
        widgets = {"resolutions": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("不填则按已登记会议顺延。")
        self.fields["held_on"].initial = timezone.localdate()


class InstructorForm(ActionModelForm):
    class Meta:
        model = Instructor
        fields = ["name", "employer", "qualification", "trained_on", "training", "rounds_attended"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, bi.TEAM_KINDS, _("所属工会"))
        self.fields["enterprises"] = enterprises_field(user, _("指导企业"), required=False)
        self.order_fields(
            ["org", "name", "employer", "qualification", "trained_on", "training", "rounds_attended"]
        )


class InstructorEndForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("离任原因"), max_length=500)
    on = forms.DateField(label=_("离任日期"), initial=timezone.localdate)


class RoundForm(ActionModelForm):
    class Meta:
        model = BargainingRound
        fields = ["subject", "level", "offered_on", "offered_by", "departments"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, CONTRACT_UNION_KINDS, _("协商工会"))
        self.fields["enterprises"] = enterprises_field(user, _("参与企业"), required=False)
        self.fields["instructors"] = PickerMultipleField(
            Instructor.objects.restrict(user).filter(left_on__isnull=True),
            source="instructors",
            label=_("指导员"),
            required=False,
        )
        self.fields["offered_on"].initial = timezone.localdate()
        self.order_fields(
            [
                "org",
                "subject",
                "level",
                "offered_on",
                "offered_by",
                "departments",
                "enterprises",
                "instructors",
            ]
        )


class RoundSessionForm(ActionModelForm):
    class Meta:
        model = RoundSession
        fields = ["held_on", "participants", "minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["held_on"].initial = timezone.localdate()


class ConcludeForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("结果"), choices=[c for c in RoundOutcome.choices if c[0] != "ongoing"]
    )
    on = forms.DateField(label=_("结束日期"), initial=timezone.localdate)
    failure_reason = forms.CharField(label=_("未果原因"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"] = PickerField(
            Contract.objects.restrict(user).filter(withdrawn_on__isnull=True),
            source="contracts",
            label=_("签订的集体合同"),
            required=False,
        )
        self.order_fields(["outcome", "on", "contract", "failure_reason"])


class TripartiteForm(ActionModelForm):
    class Meta:
        model = TripartiteMeeting
        fields = [
            "held_on",
            "government_party",
            "employer_party",
            "union_party",
            "topics",
            "decisions",
            "follow_up",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("topics", "decisions", "follow_up")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(user, TRIPARTITE_KINDS, _("工会"))
        self.fields["held_on"].initial = timezone.localdate()
        self.order_fields(["org", "held_on"])


class StandardItemForm(ActionModelForm):
    class Meta:
        model = StandardItem
        fields = ["kind", "text", "order"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class StandardCheckForm(BootstrapMixin, forms.Form):
    """One yes/no per active checklist item, the day checked and a note."""

    def __init__(self, *args, user=None, items=(), checks=None, **kwargs):
        super().__init__(*args, **kwargs)
        checks = checks or {}
        self.items = list(items)
        for item in self.items:
            got = checks.get(item.pk)
            self.fields[f"item_{item.pk}"] = forms.BooleanField(
                label=f"{item.get_kind_display()}：{item.text}", required=False, initial=bool(got and got.met)
            )
        self.fields["checked_on"] = forms.DateField(label=_("检查日期"), initial=timezone.localdate)
        self.fields["note"] = forms.CharField(label=_("说明"), max_length=300, required=False)
