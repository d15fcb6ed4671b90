"""Forms of workers' culture. They never save: the views hand ``cleaned_data`` to the actions."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.forms import ActionModelForm, BootstrapMixin, PickerField, PickerMultipleField
from unionwork.culture.models import (
    AwardRound,
    Base,
    Experience,
    Meeting,
    Nomination,
    Performance,
    Position,
    Talent,
    Team,
)
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units(user, depth: int):
    if user is None or user.org_id is None:
        return OrgUnit.objects.none()
    return (
        OrgUnit.objects.restrict(user)
        .filter(path__startswith=user.org_path, status=OrgStatus.ACTIVE, depth__lte=user.org.depth + depth)
        .order_by("path")
    )


def unit_field(user, label=None, *, depth: int = 3, required: bool = True) -> PickerField:
    params = {"max_depth": (user.org.depth + depth) if user and user.org_id else 0}
    field = PickerField(
        _units(user, depth),
        source="units",
        params=params,
        label=label or _("单位"),
        initial=getattr(user, "org_id", None),
        required=required,
    )
    field.widget.attrs["class"] = "form-select uw-picker"
    return field


def _today(form, *names) -> None:
    """Required dates start at today (the day a clerk usually records)."""
    for name in names:
        if name in form.fields and form.fields[name].required:
            form.fields[name].initial = timezone.localdate()


class _WithUnit(ActionModelForm):
    unit_label = _("单位")
    today_fields: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        _today(self, *self.today_fields)
        self.fields["org"] = unit_field(user, self.unit_label)
        self.order_fields(["org"])


class PositionForm(_WithUnit):
    unit_label = _("主办单位")

    class Meta:
        model = Position
        fields = ("name", "kind", "area_sqm", "opening_hours", "address", "opened_on")


class TeamForm(_WithUnit):
    unit_label = _("所属单位")

    class Meta:
        model = Team
        fields = ("name", "kind", "members_count", "leader", "founded_on")


class PerformanceForm(ActionModelForm):
    class Meta:
        model = Performance
        fields = ("held_on", "title", "audience")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _today(self, "held_on")


class BaseForm(_WithUnit):
    unit_label = _("所在单位")
    today_fields = ("named_on",)

    class Meta:
        model = Base
        fields = ("kind", "name", "named_on", "description")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500)


class RoundForm(ActionModelForm):
    class Meta:
        model = AwardRound
        fields = ("year", "title", "nominations_close")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class NominationForm(_WithUnit):
    unit_label = _("推荐对象所在单位")

    class Meta:
        model = Nomination
        fields = ("category", "nominee", "merits")
        widgets = {"merits": forms.Textarea(attrs={"rows": 5})}


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("意见"), max_length=500, required=False)


class TalentForm(_WithUnit):
    unit_label = _("所在单位")
    today_fields = ("consent_on",)

    class Meta:
        model = Talent
        fields = ("name", "talent", "level", "consent_on", "consent_note")


class ExperienceForm(_WithUnit):
    class Meta:
        model = Experience
        fields = ("title", "topic", "year", "write_up", "attachment_note")
        widgets = {"write_up": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class AdoptForm(BootstrapMixin, forms.Form):
    adopted_on = forms.DateField(label=_("推广日期"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["adopted_on"].initial = timezone.localdate()


class MeetingForm(_WithUnit):
    unit_label = _("承办单位")
    today_fields = ("held_on",)

    class Meta:
        model = Meeting
        fields = ("held_on", "title", "topic", "attendance", "follow_up")
        widgets = {"follow_up": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        qs = (
            Experience.objects.restrict(user).select_related("org").order_by("-year", "pk")
            if user
            else Experience.objects.none()
        )
        self.fields["experience"] = forms.ModelChoiceField(label=_("交流经验"), queryset=qs, required=False)
        self.fields["experience"].widget.attrs["class"] = "form-select"
        attending = PickerMultipleField(
            _units(user, 2),
            source="units",
            params={"max_depth": (user.org.depth + 2) if user and user.org_id else 0},
            label=_("参会单位"),
            required=False,
        )
        attending.widget.attrs["class"] = "form-select uw-picker"
        self.fields["attending"] = attending
