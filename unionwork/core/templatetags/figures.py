"""Marks for figures read from the indicator roll-up, and the as-of month picker of figure pages.

Every figure a page shows from an indicator carries ``data-indicator``, ``data-unit``,
``data-part`` (numerator, denominator or rate) and ``data-value``, so that one test can walk every
page and compare each shown number with the indicator's own value.
"""

import datetime

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import localize
from django.utils.html import format_html

from unionwork.core import indicators

register = template.Library()
MONTHS_CHOOSABLE = 36


@register.simple_tag
def figure_attrs(key, unit_id, part, value, month=None):
    """``data-*`` attributes for one shown figure (``value`` None shows as an empty rate: "—")."""
    shown = "" if value is None else value
    return format_html(
        ' data-indicator="{}" data-unit="{}" data-part="{}" data-value="{}"{}',
        key,
        unit_id,
        part,
        shown,
        format_html(' data-month="{}"', month.strftime("%Y-%m")) if month else "",
    )


@register.simple_tag
def figure_cells(key, unit, fig, unit_id="", month=None, percent_sign=True):
    """A figure's table cells: numerator, denominator and rate for a rate (``unit`` "%"), else
    its count; each marked by ``figure_attrs`` when ``unit_id`` is given (a subtotal is not a
    kept figure of one unit). Built here rather than by an included template: a ranking of an
    industrial union's 1,800 linked units renders 5,400 of these cells."""

    def cell(part, value, text):
        attrs = figure_attrs(key, unit_id, part, value, month) if unit_id else ""
        return format_html('<td class="text-end"{}>{}</td>', attrs, text)

    if unit != "%":
        return cell("numerator", fig.numerator, intcomma(fig.numerator))
    rate = fig.rate
    rate_text = "—" if rate is None else format_html("{}{}", localize(rate), "%" if percent_sign else "")
    return format_html(
        "{}{}{}",
        cell("numerator", fig.numerator, intcomma(fig.numerator)),
        cell("denominator", fig.denominator, intcomma(fig.denominator)),
        cell("rate", rate, rate_text),
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
