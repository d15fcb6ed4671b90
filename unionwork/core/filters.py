"""Filters shared by every module's filter sets (pages and API alike)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from unionwork.core.text import is_digits


class StyledFilterSet(django_filters.FilterSet):
    """The base of every list's filter set: Bootstrap's small controls, and a yes/no filter that
    reads 全部 / 是 / 否 (Django's own widget for it offers 未知, "unknown", where a reader means
    "either")."""

    @property
    def form(self):
        # Styled when first built, so that a subclass may still arrange its filters in __init__.
        form = super().form
        if not getattr(form, "styled", False):
            for field in form.fields.values():
                select = hasattr(field, "choices")
                if isinstance(field, forms.NullBooleanField):
                    field.widget = forms.Select(
                        choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]
                    )
                    select = True
                css = "form-select form-select-sm" if select else "form-control form-control-sm"
                field.widget.attrs.setdefault("class", css)
            form.styled = True
        return form


class SubtreeFilter(django_filters.CharFilter):
    """Filter by an org unit, given by id or code, including its whole subtree.

    ``path_field`` is the field holding the record's org path (``path`` for units themselves,
    ``org__path`` for records of a unit). The unit is looked up inside the user's scope only, so
    naming a unit outside it filters to nothing rather than revealing it.

    The units are those of the picker source ``source`` (``units``, declared by the orgs module
    in its ``pickers.py``): core names no module.
    """

    def __init__(self, *args, path_field: str = "org__path", source: str = "units", **kwargs):
        from unionwork.core.forms import ScopedUnitPickerWidget

        self.path_field = path_field
        self.source = source
        kwargs.setdefault("label", _("所属组织（含下级）"))
        kwargs.pop("help_text", None)  # chosen by searching, not typed
        kwargs.setdefault("widget", ScopedUnitPickerWidget(source))
        super().__init__(*args, **kwargs)

    def units(self, user):
        from unionwork.core import pickers

        return pickers.get(self.source).model.objects.restrict(user)

    @property
    def field(self):
        # The picker shows the chosen unit by name: it looks it up in the user's scope only.
        field = super().field
        field.widget.lookup = lambda value: self.unit(value, getattr(self.parent.request, "user", None))
        return field

    def unit(self, value, user):
        """The unit a value names (by code or id) inside the user's scope, or None."""
        units = self.units(user)
        value = str(value or "").strip()
        if not value:
            return None
        return units.filter(code=value).first() or (
            units.filter(pk=value).first() if is_digits(value) else None
        )

    def display(self, value, user) -> str:
        """How the page names the chosen unit: by its name, never its id or code."""
        unit = self.unit(value, user)
        return f"{unit.name}（{_('含下级')}）" if unit is not None else str(_("不在您的范围内"))

    def filter(self, qs, value):
        if not value:
            return qs
        user = getattr(self.parent.request, "user", None)
        unit = self.unit(value, user)
        if unit is None:
            return qs.none()
        return qs.filter(**{f"{self.path_field}__startswith": unit.path})
