"""Forms of the service stations. They never save: the views hand ``cleaned_data`` to an action."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import BootstrapMixin, PickerField, PickerMultipleField
from unionwork.founding.models import Enterprise
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit
from unionwork.stations.models import (
    ConsultationKind,
    EntryKind,
    FundSource,
    HardshipCause,
    HostKind,
    ReliefKind,
    ServiceKind,
    StationMode,
    StationStatus,
)


def _units(user, kinds):
    if user.org_id is None:
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.restrict(user, "change")
        .filter(status=OrgStatus.ACTIVE, kind__in=kinds)
        .order_by("path")
    )


def unit_field(user, label, kinds, required=True) -> PickerField:
    field = PickerField(
        _units(user, kinds),
        source="units",
        params={"kind": list(kinds), "action": "change"},
        label=label,
        required=required,
    )
    field.widget.attrs["class"] = "form-select uw-picker"
    return field


def enterprise_field(user, label, *, action="change", multiple=False, required=False):
    qs = Enterprise.objects.restrict(user, action).filter(status="operating")
    params = {"operating": "1", "action": action}
    cls = PickerMultipleField if multiple else PickerField
    field = cls(qs, source="enterprises", params=params, label=label, required=required)
    field.widget.attrs["class"] = "form-select uw-picker"
    return field


def _kinds():
    return ServiceKind.objects.filter(active=True).order_by("order", "name")


class EligibilityRuleForm(BootstrapMixin, forms.Form):
    min_employees = forms.IntegerField(label=_("最低职工人数"), min_value=1, initial=100)
    requires_union = forms.BooleanField(label=_("须已建立工会"), required=False, initial=True)
    effective_from = forms.DateField(label=_("生效日期"), help_text=_("今天或以后；此前的统计仍按原条件。"))
    note = forms.CharField(label=_("说明"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()


class StationForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("服务站名称"), max_length=200)
    host_kind = forms.ChoiceField(label=_("依托单位类型"), choices=HostKind.choices)
    mode = forms.ChoiceField(label=_("建站模式"), choices=StationMode.choices)
    opened_on = forms.DateField(label=_("建站日期"))
    space_m2 = forms.IntegerField(label=_("面积（平方米）"), min_value=0, initial=0)
    staff = forms.IntegerField(label=_("工作人员数"), min_value=0, initial=0)
    workers_covered = forms.IntegerField(label=_("覆盖职工数"), min_value=0, initial=0)
    services = forms.ModelMultipleChoiceField(
        label=_("服务项目"),
        queryset=ServiceKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"] = enterprise_field(user, _("依托企业（企业服务站）"))
        self.fields["org"] = unit_field(
            user,
            _("所属单位（社区服务站、街道或区级中心）"),
            [OrgKind.COMMUNITY, OrgKind.TOWNSHIP, OrgKind.DISTRICT, OrgKind.ZONE, OrgKind.CITY],
            required=False,
        )
        self.fields["radiated"] = enterprise_field(
            user, _("辐射企业（辐射服务站）"), action="view", multiple=True
        )
        self.fields["services"].queryset = _kinds()
        self.fields["opened_on"].initial = timezone.localdate()


class StationEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("服务站名称"), max_length=200)
    mode = forms.ChoiceField(label=_("建站模式"), choices=StationMode.choices)
    space_m2 = forms.IntegerField(label=_("面积（平方米）"), min_value=0)
    staff = forms.IntegerField(label=_("工作人员数"), min_value=0)
    workers_covered = forms.IntegerField(label=_("覆盖职工数"), min_value=0)
    services = forms.ModelMultipleChoiceField(
        label=_("服务项目"),
        queryset=ServiceKind.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, station=None, **kwargs):
        if station is not None and not kwargs.get("data"):
            kwargs["initial"] = {
                "name": station.name,
                "mode": station.mode,
                "space_m2": station.space_m2,
                "staff": station.staff,
                "workers_covered": station.workers_covered,
                "services": list(station.services.all()),
                "radiated": list(station.radiated.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = ServiceKind.objects.all()
        self.fields["radiated"] = enterprise_field(
            user, _("辐射企业（辐射服务站）"), action="view", multiple=True
        )


class StationStatusForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("新状态"), choices=StationStatus.choices)
    on = forms.DateField(label=_("日期"))
    reason = forms.CharField(label=_("原因"), max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class PhotoForm(BootstrapMixin, forms.Form):
    photo = forms.FileField(label=_("照片（JPEG、PNG 或 WebP，5 MB 以内）"))
    caption = forms.CharField(label=_("说明"), required=False, max_length=100)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"


class ServiceLogForm(BootstrapMixin, forms.Form):
    """The phone form: a few large fields, today's date already filled."""

    kind = forms.ModelChoiceField(label=_("服务项目"), queryset=ServiceKind.objects.none(), empty_label=None)
    entry = forms.ChoiceField(label=_("类别"), choices=EntryKind.choices, initial=EntryKind.SERVICE)
    on = forms.DateField(label=_("服务日期"))
    people = forms.IntegerField(label=_("服务人数"), min_value=1, initial=1)
    card_number = forms.CharField(
        label=_("会员服务卡号（出示时填写）"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=300)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = _kinds()
        self.fields["on"].initial = timezone.localdate()


class ServiceKindForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("服务项目"), max_length=50)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ReliefPolicyForm(BootstrapMixin, forms.Form):
    special_below = forms.DecimalField(
        label=_("特困：家庭月人均收入低于（元）"), min_value=0, decimal_places=2
    )
    hardship_below = forms.DecimalField(
        label=_("困难：家庭月人均收入低于（元）"), min_value=0, decimal_places=2
    )
    approval_above = forms.IntegerField(label=_("单笔救助超过此金额须审批（元）"), min_value=0)

    def __init__(self, *args, user=None, policy=None, **kwargs):
        if policy is not None and not kwargs.get("data"):
            kwargs["initial"] = {
                "special_below": policy.special_below,
                "hardship_below": policy.hardship_below,
                "approval_above": policy.approval_above,
            }
        super().__init__(*args, **kwargs)


class ConsultationForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ConsultationKind.choices)
    worker_name = forms.CharField(label=_("职工姓名"), max_length=50)
    enterprise_name = forms.CharField(label=_("所在企业"), max_length=200, required=False)
    issue = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("受理日期"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(
            user, _("受理单位"), [k for k in OrgKind.values if k != OrgKind.INDUSTRIAL]
        )
        self.fields["org"].initial = user.org_id
        self.fields["received_on"].initial = timezone.localdate()


class OutcomeForm(BootstrapMixin, forms.Form):
    outcome = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class ToCaseForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("案件名称"), max_length=200)
    severity = forms.ChoiceField(
        label=_("等级"),
        choices=[
            ("general", _("一般")),
            ("large", _("较大")),
            ("major", _("重大")),
            ("grave", _("特别重大")),
        ],
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)


class HardshipForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    enterprise_name = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    household_size = forms.IntegerField(label=_("家庭人口"), min_value=1, initial=1)
    monthly_income = forms.DecimalField(label=_("家庭月收入（元）"), min_value=0, decimal_places=2)
    cause = forms.ChoiceField(label=_("致困原因"), choices=HardshipCause.choices)
    opened_on = forms.DateField(label=_("建档日期"))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = unit_field(
            user, _("建档单位"), [k for k in OrgKind.values if k != OrgKind.INDUSTRIAL]
        )
        self.fields["org"].initial = user.org_id
        self.fields["opened_on"].initial = timezone.localdate()


class ReviewForm(BootstrapMixin, forms.Form):
    keep = forms.TypedChoiceField(
        label=_("年审结论"),
        choices=[("1", _("继续在档")), ("0", _("销档"))],
        coerce=lambda v: v == "1",
    )
    on = forms.DateField(label=_("年审日期"))
    household_size = forms.IntegerField(label=_("家庭人口"), min_value=1, required=False)
    monthly_income = forms.DecimalField(
        label=_("家庭月收入（元）"), min_value=0, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("年审意见（销档时填写原因）"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class ReliefForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("救助类别"), choices=ReliefKind.choices)
    on = forms.DateField(label=_("救助日期"))
    amount = forms.IntegerField(label=_("金额（元）"), min_value=0)
    fund_source = forms.ChoiceField(label=_("资金来源"), choices=FundSource.choices)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = timezone.localdate()


class DecideForm(BootstrapMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("审批结论"), choices=[("1", _("批准发放")), ("0", _("退回"))], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label=_("意见（退回时必填）"), max_length=300, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
