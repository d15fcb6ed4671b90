"""What every form of every module shares: Bootstrap classes, the date widget and the picker.

Dates: an ``<input type="date">`` only shows a value written as ``YYYY-MM-DD``. Django renders a
date in the active language's first input format (``2024/05/01`` in zh-hans), which the browser
drops, so an unchanged form posted back an empty date ("forms that lost their dates").
:class:`DateInput` always writes ISO; :class:`BootstrapMixin` gives it to every ``DateField`` of
every form, so a new form cannot forget it. The browser's own date picker then works in any
locale (the value it posts is ISO whatever it displays), and the field still accepts the forms
Chinese offices type (``2024/5/1``, ``2024年5月1日``) where a browser without a picker is used.

Pickers: choosing a union, unit, enterprise or member is a search-as-you-type box
(:class:`PickerField`, Tom Select on the page) fed by a named JSON source (``core/pickers.py``)
that starts from the scope. The form's own queryset, itself scoped, still validates the id.
"""

from __future__ import annotations

import datetime

from django import forms
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from unionwork.core.text import is_digits

ISO_DATE = "%Y-%m-%d"
DATE_INPUT_FORMATS = [ISO_DATE, "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"]


class DateInput(forms.DateInput):
    """The browser's date picker; the value always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None, format=None):  # noqa: A002 - Django's own argument name
        super().__init__(attrs=attrs, format=ISO_DATE)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return value.strftime(ISO_DATE)
        return super().format_value(value)


def _date_field(field: forms.DateField) -> None:
    if not isinstance(field.widget, DateInput):
        field.widget = DateInput(attrs=field.widget.attrs)
    field.input_formats = list(dict.fromkeys([*field.input_formats, *DATE_INPUT_FORMATS]))


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes and the ISO date widget for every field of ``form``."""
    for field in form.fields.values():
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            _date_field(field)
        if isinstance(field.widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            field.widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(field.widget, PickerWidget):
            field.widget.attrs.setdefault("class", "form-select uw-picker")
        elif isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("class", "form-select")
        else:
            field.widget.attrs.setdefault("class", "form-control")


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that takes several files (photos of a visit, evidence of a claim)."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): a list of files, each checked by
    the field and then by the module's action (type by content, size)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class BootstrapMixin:
    """Give every widget of a form its Bootstrap class, and every date field the ISO widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class ActionModelForm(BootstrapMixin, forms.ModelForm):
    """A form whose fields mirror a model's: labels (``verbose_name``), choices, lengths and
    requiredness come from the model, declared once (``Meta.fields``; ``Meta.widgets`` for the
    size of a text box, a declared field where the form asks more than the model).

    It never writes: the view hands ``cleaned_data`` to an action, which validates, writes and
    audits in one transaction. So no instance is built or validated here (Django's model
    validation would run outside the action, with other messages), and ``save`` is refused.
    A required choice taken from the model starts on its first option, as the platform's other
    forms do (Django would add an empty "choose" line).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if (
                name not in self.declared_fields
                and field.required
                and isinstance(field, forms.TypedChoiceField)
            ):
                field.choices = [c for c in field.choices if c[0] != ""]

    def _post_clean(self):
        pass

    def save(self, commit=True):
        raise TypeError("an action writes this form's data, not ModelForm.save()")


# -- the picker ----------------------------------------------------------------------------------


class PickerWidget(forms.Select):
    """A select holding only the chosen options; the page turns it into a search box that asks
    ``/pick/<source>/?q=…`` (core.pickers) as the user types."""

    allow_multiple_selected = False

    def __init__(self, source: str = "", params: dict | None = None, attrs=None):
        super().__init__(attrs=attrs)
        self.source = source
        self.params = params or {}

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.params = dict(self.params)
        return obj

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse("core:pick", args=[self.source])
        params = {k: v for k, v in self.params.items() if v not in (None, "", [])}
        attrs = context["widget"]["attrs"]
        attrs["data-picker-url"] = f"{url}?{urlencode(params, doseq=True)}" if params else url
        from unionwork.core import pickers

        placeholder = pickers.get(self.source).placeholder or _("输入名称、拼音、首字母或代码搜索")
        attrs.setdefault("data-placeholder", str(placeholder))
        attrs.setdefault("data-no-results", str(_("没有找到；请换个写法，或检查是否在您的管辖范围内")))
        return context

    def optgroups(self, name, value, attrs=None):
        # Only the chosen values are rendered: the choices may be tens of thousands.
        chosen = {str(v) for v in value if v not in (None, "")}
        field = getattr(self.choices, "field", None)
        groups = []
        if not self.allow_multiple_selected:
            groups.append((None, [self.create_option(name, "", "", not chosen, 0)], 0))
        if chosen and field is not None:
            qs = field.queryset.filter(pk__in=[v for v in chosen if is_digits(v)])
            for i, obj in enumerate(qs, start=1):
                groups.append(
                    (
                        None,
                        [self.create_option(name, str(obj.pk), field.label_from_instance(obj), True, i)],
                        i,
                    )
                )
        return groups


class ScopedUnitPickerWidget(PickerWidget):
    """The picker of a filter (a plain value, not a model field): the chosen unit is named through
    ``lookup(value)``, which the filter sets to a look-up inside the user's scope."""

    lookup = staticmethod(lambda value: None)

    def optgroups(self, name, value, attrs=None):
        groups = [(None, [self.create_option(name, "", "", True, 0)], 0)]
        chosen = next((str(v) for v in value if v not in (None, "")), "")
        unit = self.lookup(chosen) if chosen else None
        if unit is not None:
            groups[0][1][0]["selected"] = False
            groups.append((None, [self.create_option(name, chosen, _picker_label(unit), True, 1)], 1))
        return groups


class PickerMultipleWidget(PickerWidget, forms.SelectMultiple):
    allow_multiple_selected = True


def _picker_label(obj) -> str:
    from unionwork.core import pickers

    return pickers.label(obj)


class PickerField(forms.ModelChoiceField):
    """One record chosen by searching. ``queryset`` is the scoped set the form accepts (clean
    refuses any id outside it); ``source`` and ``params`` name the search that offers them."""

    def __init__(self, queryset=None, *, source: str, params: dict | None = None, **kwargs):
        kwargs.setdefault("widget", PickerWidget(source, params))
        kwargs.setdefault("empty_label", "")
        super().__init__(queryset if queryset is not None else _none(source), **kwargs)
        self.error_messages["invalid_choice"] = _(
            "所选项目不可选：不存在、不在您的管辖范围内或不适用于此操作，请重新搜索选择。"
        )

    def label_from_instance(self, obj):
        return _picker_label(obj)

    def set_params(self, **params) -> None:
        self.widget.params.update(params)


class PickerMultipleField(forms.ModelMultipleChoiceField):
    def __init__(self, queryset=None, *, source: str, params: dict | None = None, **kwargs):
        kwargs.setdefault("widget", PickerMultipleWidget(source, params))
        super().__init__(queryset if queryset is not None else _none(source), **kwargs)
        self.error_messages["invalid_choice"] = _(
            "所选项目（编号 %(value)s）不可选：不存在、不在您的管辖范围内或不适用于此操作。"
        )

    def label_from_instance(self, obj):
        return _picker_label(obj)

    def set_params(self, **params) -> None:
        self.widget.params.update(params)


def _none(source: str):
    from unionwork.core import pickers

    return pickers.get(source).model.objects.none()
