"""The documents module's forms: they parse; the actions decide and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import ActionModelForm, BootstrapMixin, DateInput, PickerMultipleField
from unionwork.documents import queries
from unionwork.documents.actions import MAX_ATTACHMENT_BYTES
from unionwork.documents.models import (
    Document,
    DocumentSeries,
    RecipientGroup,
    Reporting,
    SupervisionItem,
)
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units_below(user, unit):
    return (
        OrgUnit.objects.restrict(user, "view")
        .filter(path__startswith=unit.path, status=OrgStatus.ACTIVE)
        .exclude(pk=unit.pk)
        .order_by("path")
    )


class SeriesForm(ActionModelForm):
    class Meta:
        model = DocumentSeries
        fields = ["prefix", "department", "name"]


class DocumentForm(ActionModelForm):
    """拟稿 and 修改: the issuing unit is the user's own; recipients by kind or one by one."""

    main_groups = forms.MultipleChoiceField(
        label=_("主送（按类别）"),
        choices=RecipientGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("分发时按组织树当时的单位确定。"),
    )
    copy_groups = forms.MultipleChoiceField(
        label=_("抄送（按类别）"),
        choices=RecipientGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    main_units = PickerMultipleField(label=_("主送单位（逐个）"), source="units", required=False)
    copy_units = PickerMultipleField(label=_("抄送单位（逐个）"), source="units", required=False)

    class Meta:
        model = Document
        fields = [
            "series",
            "title",
            "kind",
            "urgency",
            "secrecy",
            "main_groups",
            "main_units",
            "main_text",
            "copy_groups",
            "copy_units",
            "copy_text",
            "body",
            "annex",
            "signing_body",
            "issue_date",
            "printer",
            "printed_on",
            "ack_days",
        ]
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), "annex": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = queries.series_for(user, unit)
        self.fields["series"].empty_label = None
        below = _units_below(user, unit)
        for name in ("main_units", "copy_units"):
            self.fields[name].queryset = below
            self.fields[name].set_params(not_under=None, exclude=unit.pk)
        self.fields["signing_body"].required = False
        self.fields["secrecy"].help_text = _("本平台只处理非涉密公文。")


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class SignForm(BootstrapMixin, forms.Form):
    issue_date = forms.DateField(
        label=_("成文日期"), required=False, widget=DateInput, help_text=_("留空为今天")
    )


class ConfirmForm(BootstrapMixin, forms.Form):
    pass


class ForwardForm(BootstrapMixin, forms.Form):
    series = forms.ModelChoiceField(
        label=_("发文字号"), queryset=DocumentSeries.objects.none(), empty_label=None
    )
    title = forms.CharField(
        label=_("标题"), max_length=200, required=False, help_text=_("留空为“关于转发《原标题》的通知”")
    )
    body = forms.CharField(
        label=_("转发语"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("留空则按惯例生成"),
    )
    groups = forms.MultipleChoiceField(
        label=_("主送（按类别）"),
        choices=RecipientGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则发至全部直属下级。"),
    )

    def __init__(self, *args, user=None, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].queryset = queries.series_for(user, unit)


class AttachmentForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("附件"),
        help_text=_("可上传 pdf、docx、doc、xlsx、xls、ofd、jpg、png、txt，单个不超过 %(m)d MB。")
        % {"m": MAX_ATTACHMENT_BYTES // 1048576},
    )


class ItemForm(ActionModelForm):
    recipients = forms.ModelMultipleChoiceField(
        label=_("承办单位"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则为全部主送单位。"),
    )
    indicator_key = forms.ChoiceField(label=_("对应指标"), required=False, choices=())

    class Meta:
        model = SupervisionItem
        fields = ["title", "requirement", "deadline", "reporting", "indicator_key"]
        widgets = {"requirement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, recipients=None, indicator_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipients"].queryset = recipients if recipients is not None else OrgUnit.objects.none()
        self.fields["indicator_key"].choices = [("", _("（无）")), *indicator_choices]
        self.fields["reporting"].choices = Reporting.choices


class ProgressForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("进展情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    is_final = forms.BooleanField(label=_("已全部完成（报请办结）"), required=False)
    file = forms.FileField(label=_("附件"), required=False)


class DecisionForm(BootstrapMixin, forms.Form):
    decision = forms.ChoiceField(label=_("审核"), choices=[("accept", _("采纳")), ("return", _("退回"))])
    comment = forms.CharField(label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
