"""Forms of the founding pages. They parse input; the actions decide and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core import identifiers
from unionwork.core.forms import BootstrapMixin, DateInput, PickerField, PickerMultipleField
from unionwork.core.text import is_digits
from unionwork.founding.models import Enterprise, Industry, Ownership
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

DATE = DateInput()


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.code}）" if obj.code else obj.name


def industrial_unions():
    # Every industrial union of the city may be linked; the list is short and public in the tree.
    return OrgUnit.objects.filter(kind=OrgKind.INDUSTRIAL, status=OrgStatus.ACTIVE).order_by("code", "name")


class EnterpriseForm(BootstrapMixin, forms.Form):
    uscc = forms.CharField(label=gettext_lazy("统一社会信用代码"), max_length=40)
    name = forms.CharField(label=gettext_lazy("单位名称"), max_length=200)
    ownership = forms.ChoiceField(label=gettext_lazy("登记注册类型"), choices=Ownership.choices)
    industry = forms.ChoiceField(label=gettext_lazy("行业门类"), choices=Industry.choices)
    employees = forms.IntegerField(label=gettext_lazy("从业人员数"), min_value=0)
    registered_capital = forms.DecimalField(
        label=gettext_lazy("注册资本（万元）"), min_value=0, max_digits=16, decimal_places=4, required=False
    )
    is_key_project = forms.BooleanField(label=gettext_lazy("重点项目（投资 3000 万元以上）"), required=False)
    address = forms.CharField(label=gettext_lazy("地址"), max_length=200, required=False)
    community = PickerField(
        label=gettext_lazy("所在村（社区）"),
        source="units",
        params={"kind": OrgKind.COMMUNITY.value, "action": "change"},
    )

    def __init__(self, *args, user=None, enterprise: Enterprise | None = None, **kwargs):
        if enterprise is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f: getattr(enterprise, f)
                for f in (
                    "uscc",
                    "name",
                    "ownership",
                    "industry",
                    "employees",
                    "registered_capital",
                    "is_key_project",
                    "address",
                )
            } | {"community": enterprise.community_id}
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = (
            OrgUnit.objects.restrict(user, "change")
            .filter(kind=OrgKind.COMMUNITY, status=OrgStatus.ACTIVE)
            .order_by("code")
        )
        if enterprise is not None:
            self.fields["uscc"].disabled = True
            self.fields["uscc"].help_text = _("信用代码是企业的标识，不能修改。")

    def clean_uscc(self):
        try:
            return identifiers.validate_uscc(self.cleaned_data["uscc"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class ReasonDateForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=gettext_lazy("日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=500)


class OptionalReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=500, required=False)


class FoundUnionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            (OrgKind.GRASSROOTS.value, gettext_lazy("基层工会（单独建会）")),
            (OrgKind.JOINT.value, gettext_lazy("联合工会（多家企业共同建会）")),
        ],
    )
    enterprises = PickerMultipleField(
        label=gettext_lazy("企业"),
        source="enterprises",
        params={"action": "change", "operating": "1"},
        help_text=gettext_lazy("输入企业名称或信用代码搜索选择；联合工会可选多家。"),
    )
    name = forms.CharField(
        label=gettext_lazy("工会名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("单独建会可留空，默认为“企业名称＋工会”。"),
    )
    founded_on = forms.DateField(label=gettext_lazy("建会日期"), widget=DATE, initial=timezone.localdate)
    chairman_name = forms.CharField(label=gettext_lazy("工会主席"), max_length=50, required=False)
    chairman_directly_elected = forms.BooleanField(
        label=gettext_lazy("主席由会员直接选举产生"), required=False
    )
    chairman_elected_on = forms.DateField(label=gettext_lazy("主席选举日期"), widget=DATE, required=False)
    is_project_union = forms.BooleanField(label=gettext_lazy("项目工会（重点项目）"), required=False)
    industrial_union = UnitChoiceField(
        label=gettext_lazy("所属产业工会"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("（无）"),
    )
    reason = forms.CharField(label=gettext_lazy("备注"), max_length=500, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["industrial_union"].queryset = industrial_unions()
        # An id outside the scope is refused exactly like one that does not exist.
        self.fields["enterprises"].queryset = Enterprise.objects.restrict(user, "change").select_related(
            "community", "union"
        )

    def clean_enterprises(self):
        chosen = {e.pk: e for e in self.cleaned_data["enterprises"]}
        order = [int(v) for v in self.data.getlist(self.add_prefix("enterprises")) if is_digits(str(v))]
        return [chosen[pk] for pk in dict.fromkeys(order) if pk in chosen]


class UnionEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=gettext_lazy("工会名称"), max_length=100)
    chairman_name = forms.CharField(label=gettext_lazy("工会主席"), max_length=50, required=False)
    chairman_directly_elected = forms.BooleanField(
        label=gettext_lazy("主席由会员直接选举产生"), required=False
    )
    chairman_elected_on = forms.DateField(label=gettext_lazy("主席选举日期"), widget=DATE, required=False)
    is_project_union = forms.BooleanField(label=gettext_lazy("项目工会（重点项目）"), required=False)
    industrial_union = UnitChoiceField(
        label=gettext_lazy("所属产业工会"),
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label=gettext_lazy("（无）"),
    )
    reason = forms.CharField(label=gettext_lazy("变更原因"), max_length=500, required=False)

    def __init__(self, *args, union=None, **kwargs):
        if union is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": union.unit.name,
                "chairman_name": union.chairman_name,
                "chairman_directly_elected": union.chairman_directly_elected,
                "chairman_elected_on": union.chairman_elected_on,
                "is_project_union": union.is_project_union,
                "industrial_union": union.unit.industrial_union_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["industrial_union"].queryset = industrial_unions()


class MergeUnionForm(BootstrapMixin, forms.Form):
    target = PickerField(label=gettext_lazy("并入的工会"), source="unions", params={"action": "manage"})
    on = forms.DateField(label=gettext_lazy("合并日期"), widget=DATE, initial=timezone.localdate)
    reason = forms.CharField(label=gettext_lazy("合并原因"), max_length=500)

    def __init__(self, *args, user=None, union=None, **kwargs):
        from unionwork.founding.models import GrassrootsUnion

        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            GrassrootsUnion.objects.restrict(user, "manage")
            .active()
            .filter(unit__kind=union.unit.kind)
            .exclude(pk=union.pk)
            .select_related("unit")
            .order_by("unit__pinyin")
        )
        self.fields["target"].set_params(kind=union.unit.kind, exclude=union.pk)


class CoverForm(BootstrapMixin, forms.Form):
    enterprises = PickerMultipleField(
        label=gettext_lazy("加入的企业"), source="enterprises", params={"action": "change", "operating": "1"}
    )
    on = forms.DateField(label=gettext_lazy("加入日期"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprises"].queryset = Enterprise.objects.restrict(user, "change").select_related(
            "community", "union"
        )

    clean_enterprises = FoundUnionForm.clean_enterprises


class LetterForm(BootstrapMixin, forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("签订日期"), widget=DATE, initial=timezone.localdate)
    signatories = forms.CharField(
        label=gettext_lazy("签订人"),
        max_length=200,
        help_text=gettext_lazy("双方签订人，如：市总工会 张某某；甘井子区总工会 李某某"),
    )
    file = forms.FileField(
        label=gettext_lazy("责任状扫描件（PDF/JPG/PNG）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class RuleForm(BootstrapMixin, forms.Form):
    own_union_min_employees = forms.IntegerField(label=gettext_lazy("单独建会的最低从业人数"), min_value=1)
    joint_union_min_employees = forms.IntegerField(
        label=gettext_lazy("纳入联合工会的最低从业人数"), min_value=0
    )
    excluded_ownerships = forms.MultipleChoiceField(
        label=gettext_lazy("不纳入建会范围的登记注册类型"),
        choices=Ownership.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    confirmation_required = forms.BooleanField(
        label=gettext_lazy("填报员登记的建会须经本级管理员或审核员确认"), required=False
    )
    note = forms.CharField(
        label=gettext_lazy("说明"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class IndustriesForm(BootstrapMixin, forms.Form):
    unit = UnitChoiceField(
        label=gettext_lazy("产业工会"),
        queryset=OrgUnit.objects.none(),
        empty_label=gettext_lazy("（请选择）"),
    )
    industries = forms.MultipleChoiceField(
        label=gettext_lazy("联系的行业门类"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = industrial_unions()
