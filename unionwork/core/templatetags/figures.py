"""Marks for figures read from the indicator roll-up, and the as-of month picker of figure pages.

Every figure a page shows from an indicator carries ``data-indicator``, ``data-unit``,
``data-part`` (numerator, denominator or rate) and ``data-value``, so that one test can walk every
page and compare each shown number with the indicator's own value.
"""

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

from unionwork.core import indicators

register = template.Library()
MONTHS_CHOOSABLE = 36


def _attr(value) -> str:
    # Counts and ids are ints (safe as they are); anything else is escaped.
    return str(value) if type(value) is int else escape(value)


def _attrs(key, unit_id, part, value, month) -> str:
    shown = "" if value is None else value
    at = f' data-month="{month:%Y-%m}"' if month else ""
    return (
        f' data-indicator="{escape(key)}" data-unit="{_attr(unit_id)}" data-part="{part}"'
        f' data-value="{_attr(shown)}"{at}'
    )


def _count(n) -> str:
    # ``intcomma`` localises the thousands separator; below a thousand there is none to place.
    return str(n) if type(n) is int and -1000 < n < 1000 else escape(intcomma(n))


@register.simple_tag
def figure_attrs(key, unit_id, part, value, month=None):
    """``data-*`` attributes for one shown figure (``value`` None shows as an empty rate: "—")."""
    return mark_safe(_attrs(key, unit_id, part, value, month))  # noqa: S308 - every part escaped


@register.simple_tag
def figure_cells(key, unit, fig, unit_id="", month=None, percent_sign=True):
    """A figure's table cells: numerator, denominator and rate for a rate (``unit`` "%"), else
    its count; each marked by ``figure_attrs`` when ``unit_id`` is given (a subtotal is not a
    kept figure of one unit). Built as strings here rather than by an included template or
    ``format_html``: a table of an industrial union's linked units renders some 1,800 of these
    cells a page, where escaping each part by ``format_html`` took 100 ms."""

    def cell(part, value, text):
        attrs = _attrs(key, unit_id, part, value, month) if unit_id else ""
        return f'<td class="text-end"{attrs}>{text}</td>'

    if unit != "%":
        return mark_safe(cell("numerator", fig.numerator, _count(fig.numerator)))  # noqa: S308 - escaped
    rate = fig.rate
    rate_text = "—" if rate is None else escape(localize(rate)) + ("%" if percent_sign else "")
    return mark_safe(  # noqa: S308 - every part escaped (_attrs, _count of an int, localize escaped)
        cell("numerator", fig.numerator, _count(fig.numerator))
        + cell("denominator", fig.denominator, _count(fig.denominator))
        + cell("rate", rate, rate_text)
    )


@register.simple_tag
def row_cells(cells, unit_id="", month=None, percent_sign=True):
    """``figure_cells`` of a table row's (indicator, figure) pairs, in one tag: a statistical table
    page of 50 units × 35 indicators is 1,750 cells, and a template loop over them costs more
    than the cells themselves."""
    return mark_safe(  # noqa: S308 - each part built by figure_cells, escaped there
        "".join(figure_cells(ind.key, fig.unit, fig, unit_id, month, percent_sign) for ind, fig in cells)
    )


@register.inclusion_tag("core/_month_picker.html", takes_context=True)
def month_picker(context, month):
    """A GET form choosing the as-of month; keeps the page's other query parameters."""
    request = context["request"]
    keep = [(k, v) for k, values in request.GET.lists() if k not in ("month", "page") for v in values]
    current = indicators.month_of()
    # A list of months in Chinese (a browser's own month input speaks its system's language).
    months, m = [], current
    for _ in range(MONTHS_CHOOSABLE):
        months.append(m)
        m = indicators.month_of(m - datetime.timedelta(days=1))
    if month not in months:
        months.append(month)
    return {
        "month": month,
        "value": month.strftime("%Y-%m"),
        "months": [(x.strftime("%Y-%m"), x) for x in months],
        "is_current": month == current,
        "keep": keep,
    }


@register.inclusion_tag("core/_month_closing.html")
def month_closing(unit, month):
    """Whether the as-of month is closed (and on which day it closes), and the audited corrections
    that changed the unit's figures of that month."""
    month = indicators.month_of(month)
    return {
        "month": month,
        "closed": indicators.is_closed(month),
        "closes_on": indicators.closes_on(month),
        "is_current": month == indicators.month_of(),
        "corrections": indicators.corrections(unit, month) if unit is not None else [],
    }
