"""Forms of the member register; each feeds one action of :mod:`unionwork.members.actions`."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import ActionModelForm, BootstrapMixin, DateInput, PickerField
from unionwork.members import queries
from unionwork.members.models import CARD_MOVES, Education, EmploymentForm, Member, MemberStatus, Sex
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

DATE = DateInput()
UNION_KINDS = [OrgKind.GRASSROOTS.value, OrgKind.JOINT.value]


def UnionChoiceField(label):  # noqa: N802 - reads like the field class it stands for
    """A grassroots or joint union of the user's scope, chosen by search."""
    return PickerField(label=label, source="units", params={"kind": UNION_KINDS, "action": "change"})


def _not_future(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(_("日期不能晚于今天。"))
    return value


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, help_text=_("18 位；旧的 15 位号码会自动升为 18 位。")
    )
    sex = forms.ChoiceField(
        label=_("性别"), choices=[("", _("（按身份证号）"))] + Sex.choices, required=False
    )
    birth_date = forms.DateField(
        label=_("出生日期"), required=False, widget=DATE, help_text=_("可不填；填写时须与身份证号一致。")
    )
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    education = forms.ChoiceField(
        label=_("文化程度"), choices=[("", "—")] + Education.choices, required=False
    )
    employment_form = forms.ChoiceField(label=_("用工形式"), choices=EmploymentForm.choices)
    union = UnionChoiceField(label=_("所在工会"))
    joined_on = forms.DateField(label=_("入会日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = queries.member_unions(user).order_by("path")
        if user is not None and user.org_id and self.fields["union"].queryset.filter(pk=user.org_id).exists():
            self.fields["union"].initial = user.org_id

    def clean_joined_on(self):
        return _not_future(self.cleaned_data["joined_on"])


class MemberEditForm(ActionModelForm):
    education = forms.ChoiceField(
        label=_("文化程度"), choices=[("", "—")] + Education.choices, required=False
    )
    id_number = forms.CharField(
        label=_("更正身份证号"),
        max_length=30,
        required=False,
        help_text=_("仅在原号码登记错误时填写；留空则不改。"),
    )

    class Meta:
        model = Member
        fields = ("name", "phone", "education", "employment_form", "joined_on")

    def __init__(self, *args, member=None, **kwargs):
        super().__init__(*args, instance=member, **kwargs)  # the member's values, as initial only

    def clean_joined_on(self):
        return _not_future(self.cleaned_data["joined_on"])


class TransferForm(BootstrapMixin, forms.Form):
    to_union = UnionChoiceField(label=_("转入的工会"))
    on = forms.DateField(label=_("转会日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = queries.member_unions(user).order_by("path")
        if member is not None:
            qs = qs.exclude(pk=member.union_id)
            self.fields["to_union"].set_params(exclude=member.union_id)
        self.fields["to_union"].queryset = qs

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class TransferInForm(TransferForm):
    id_number = forms.CharField(
        label=_("身份证号"), max_length=30, help_text=_("已在其他工会登记的在会会员的身份证号。")
    )

    field_order = ["id_number", "to_union", "on", "note"]


class LeaveForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("离会类型"),
        choices=[
            (MemberStatus.RETIRED, _("退休")),
            (MemberStatus.LEFT, _("退会")),
            (MemberStatus.TRANSFERRED, _("转出（转往本平台以外的工会）")),
        ],
    )
    on = forms.DateField(label=_("日期"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class CardIssueForm(BootstrapMixin, forms.Form):
    unit = PickerField(
        label=_("发卡范围"),
        source="units",
        params={"action": "change"},
        help_text=_("为该组织及其全部下级中尚未持卡的在会会员发卡。提交后先预览，确认后才发卡。"),
    )
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = OrgUnit.objects.restrict(user, "change").filter(
            status=OrgStatus.ACTIVE
        )
        if user is not None and user.org_id:
            self.fields["unit"].initial = user.org_id


MOVE_LABELS = {
    "activate": _("激活"),
    "report_lost": _("挂失"),
    "found": _("解除挂失"),
    "replace": _("补换新卡"),
    "cancel": _("注销"),
}


class CardActionForm(BootstrapMixin, forms.Form):
    move = forms.ChoiceField(label=_("操作"), choices=[(k, MOVE_LABELS[k]) for k in CARD_MOVES])
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class ReleaseForm(BootstrapMixin, forms.Form):
    """The releasing union's half of a transfer (转出)."""

    on = forms.DateField(label=_("转出日期"), widget=DATE, initial=timezone.localdate)
    destination = PickerField(
        label=_("拟转入的工会"),
        source="units",
        params={"kind": UNION_KINDS},
        required=False,
        help_text=_(
            "知道去向且在您的管辖范围内时选择；不在范围内的工会登记该会员的身份证号时，会收到待接收提示。"
        ),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user=None, member=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = OrgUnit.objects.restrict(user).filter(kind__in=UNION_KINDS, status=OrgStatus.ACTIVE)
        if member is not None:
            qs = qs.exclude(pk=member.union_id)
            self.fields["destination"].set_params(exclude=member.union_id)
        self.fields["destination"].queryset = qs.order_by("path")

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])


class AcceptForm(BootstrapMixin, forms.Form):
    """The receiving union's half (转入)."""

    union = UnionChoiceField(label=_("转入的工会"))
    on = forms.DateField(label=_("转入日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user=None, transit=None, **kwargs):
        super().__init__(*args, **kwargs)
        qs = queries.member_unions(user).order_by("path")
        self.fields["union"].queryset = qs
        if transit is not None:
            for named in (transit.offered_to_id, transit.destination_id):
                if named and qs.filter(pk=named).exists():
                    self.fields["union"].initial = named
                    break

    def clean_on(self):
        return _not_future(self.cleaned_data["on"])
