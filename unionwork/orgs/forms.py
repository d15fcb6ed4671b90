from django import forms
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import BootstrapMixin, PickerField
from unionwork.orgs.models import ALLOWED_CHILDREN, OrgKind, OrgStatus, OrgUnit


class UnitEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    code = forms.CharField(label=_("代码"), max_length=20, required=False)
    industrial_union = forms.ModelChoiceField(
        label=_("所属产业工会"), queryset=OrgUnit.objects.none(), required=False
    )
    reason = forms.CharField(label=_("变更原因"), max_length=500, required=False)

    def __init__(self, *args, user=None, unit=None, **kwargs):
        if unit is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": unit.name,
                "code": unit.code,
                "industrial_union": unit.industrial_union_id,
            }
        super().__init__(*args, **kwargs)
        # Every industrial union of the city may be linked; the list is short and public in the tree.
        self.fields["industrial_union"].queryset = OrgUnit.objects.filter(
            kind=OrgKind.INDUSTRIAL, status=OrgStatus.ACTIVE
        ).order_by("name")


class UnitCreateForm(UnitEditForm):
    kind = forms.ChoiceField(label=_("类型"), choices=())

    field_order = ["name", "kind", "code", "industrial_union", "reason"]

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = ALLOWED_CHILDREN.get(parent.kind, set()) if parent else set()
        self.fields["kind"].choices = [(k, label) for k, label in OrgKind.choices if k in allowed]


class MoveForm(BootstrapMixin, forms.Form):
    new_parent = PickerField(label=_("新的上级组织"), source="units")
    reason = forms.CharField(label=_("调整原因"), max_length=500, required=False)

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        parent_kinds = [k for k, children in ALLOWED_CHILDREN.items() if unit.kind in children]
        self.fields["new_parent"].queryset = (
            OrgUnit.objects.restrict(user)
            .filter(kind__in=parent_kinds, status=OrgStatus.ACTIVE)
            .exclude(path__startswith=unit.path)
            .exclude(pk=unit.parent_id)
            .order_by("path")
        )
        self.fields["new_parent"].set_params(kind=parent_kinds, exclude=unit.parent_id, not_under=unit.pk)


class MergeForm(BootstrapMixin, forms.Form):
    target = PickerField(label=_("并入的组织"), source="units")
    reason = forms.CharField(label=_("合并原因"), max_length=500)

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = (
            OrgUnit.objects.restrict(user)
            .filter(kind=unit.kind, status=OrgStatus.ACTIVE)
            .exclude(path__startswith=unit.path)
            .order_by("path")
        )
        self.fields["target"].set_params(kind=unit.kind, not_under=unit.pk)


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class RezoneForm(BootstrapMixin, forms.Form):
    """A re-zoning from one node: which of its children move, under which new parent, why."""

    units = forms.ModelMultipleChoiceField(
        label=_("调整的下级组织"), queryset=OrgUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    new_parent = PickerField(label=_("新的上级组织"), source="units")
    reason = forms.CharField(label=_("区划调整原因"), max_length=500)

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = (
            OrgUnit.objects.restrict(user)
            .filter(parent=unit, status=OrgStatus.ACTIVE)
            .order_by("kind", "code", "pinyin")
        )
        # Parents that may hold what this node holds (each unit is checked again by the action).
        held = set(self.fields["units"].queryset.values_list("kind", flat=True).distinct())
        parent_kinds = [k for k, children in ALLOWED_CHILDREN.items() if held & children]
        self.fields["new_parent"].queryset = (
            OrgUnit.objects.restrict(user)
            .filter(status=OrgStatus.ACTIVE)
            .exclude(path__startswith=unit.path)
            .order_by("path")
        )
        self.fields["new_parent"].set_params(kind=parent_kinds, exclude=unit.pk, not_under=unit.pk)


class CorrectionForm(BootstrapMixin, forms.Form):
    """A correction of a closed month's kept figure of a unit, by the level above."""

    indicator = forms.ChoiceField(label=_("指标"), choices=())
    month = forms.CharField(label=_("月份（YYYY-MM，已结账）"), max_length=7)
    numerator = forms.IntegerField(label=_("分子（数量）增减"), initial=0)
    denominator = forms.IntegerField(label=_("分母增减"), initial=0, required=False)
    reason = forms.CharField(label=_("更正原因"), max_length=500)

    def __init__(self, *args, user=None, unit=None, **kwargs):
        from unionwork.orgs.queries import figure_indicators

        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.key, i.label) for i in figure_indicators()]

    def clean_month(self):
        from unionwork.core import indicators

        month = indicators.parse_month(self.cleaned_data["month"])
        if month is None:
            raise forms.ValidationError(_("请按 YYYY-MM 填写月份，例如 2026-06。"))
        return month
