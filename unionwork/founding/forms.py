"""Forms of the founding pages. They parse input; the actions decide and write."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unionwork.core.forms import BootstrapMixin
from unionwork.founding import uscc as uscc_lib
from unionwork.founding.models import Enterprise, Industry, Ownership
from unionwork.orgs.models import OrgKind, OrgStatus, OrgUnit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
    community = UnitChoiceField(
        label=gettext_lazy("所在村（社区）"),
        queryset=OrgUnit.objects.none(),
        empty_label=gettext_lazy("（请选择）"),
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
            return uscc_lib.validate(self.cleaned_data["uscc"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class ReasonDateForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=gettext_lazy("日期"), widget=DATE)
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=500)


class OptionalReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=500, required=False)


_CODES_SPLIT = re.compile(r"[\s,，;；、]+")


class EnterpriseCodesField(forms.CharField):
    """Credit codes, one a line (or separated by commas): each must be valid."""

    widget = forms.Textarea(attrs={"rows": 3})

    def clean(self, value):
        value = super().clean(value)
        codes, bad = [], []
        for part in _CODES_SPLIT.split(value or ""):
            if not part:
                continue
            code = uscc_lib.normalize(part)
            if uscc_lib.problem(code):
                bad.append(part)
            else:
                codes.append(code)
        if bad:
            raise forms.ValidationError(_("以下信用代码不正确：%(c)s") % {"c": "、".join(bad[:10])})
        if not codes:
            raise forms.ValidationError(_("请至少填写一家企业的信用代码。"))
        return list(dict.fromkeys(codes))


class FoundUnionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("类型"),
        choices=[
            (OrgKind.GRASSROOTS.value, gettext_lazy("基层工会（单独建会）")),
            (OrgKind.JOINT.value, gettext_lazy("联合工会（多家企业共同建会）")),
        ],
    )
    enterprises = EnterpriseCodesField(
        label=gettext_lazy("企业统一社会信用代码"),
        help_text=gettext_lazy("每行一个；联合工会可填多家。可在企业名录中按“未建会”筛选后复制。"),
    )
    name = forms.CharField(
        label=gettext_lazy("工会名称"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("单独建会可留空，默认为“企业名称＋工会”。"),
    )
    founded_on = forms.DateField(label=gettext_lazy("建会日期"), widget=DATE)
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

    def clean_enterprises(self):
        codes = self.cleaned_data["enterprises"]
        found = {
            e.uscc: e
            for e in Enterprise.objects.restrict(self.user, "change")
            .filter(uscc__in=codes)
            .select_related("community", "union")
        }
        # A code outside the scope is reported exactly like one that is not registered.
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise forms.ValidationError(
                _("在您的管辖范围内找不到以下企业：%(c)s。请先在企业名录中登记或导入。")
                % {"c": "、".join(unknown[:10])}
            )
        return [found[c] for c in codes]


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
    target = forms.ModelChoiceField(
        label=gettext_lazy("并入的工会"), queryset=None, empty_label=gettext_lazy("（请选择）")
    )
    on = forms.DateField(label=gettext_lazy("合并日期"), widget=DATE)
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
        self.fields["target"].label_from_instance = lambda r: r.unit.name


class CoverForm(BootstrapMixin, forms.Form):
    enterprises = EnterpriseCodesField(label=gettext_lazy("加入的企业（统一社会信用代码）"))
    on = forms.DateField(label=gettext_lazy("加入日期"), widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    clean_enterprises = FoundUnionForm.clean_enterprises


class LetterForm(BootstrapMixin, forms.Form):
    signed_on = forms.DateField(label=gettext_lazy("签订日期"), widget=DATE)
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
