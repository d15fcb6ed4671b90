"""The rows of a dashboard ranking, built in Python: an industrial union ranks its 1,800 linked
units, and a template loop with an include per row spent most of the page's time on them."""

from django import template
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.http import urlencode

from unionwork.core.templatetags.figures import figure_cells
from unionwork.core.views import resolve

register = template.Library()
_PK = 2_147_483_647  # a placeholder id, replaced in the reversed address of each row


@register.simple_tag
def ranking_rows(rows, indicator, month):
    """``<tr>`` of each ranked row: its place, the unit (linked to its own dashboard, same
    indicator and month) with its kind, and its figure cells."""
    base = reverse("dashboard:node", args=[_PK])
    query = urlencode({"indicator": indicator.key, "month": month.strftime("%Y-%m")})
    return format_html_join(
        "\n",
        '<tr><td>{}</td><td><a href="{}?{}">{}</a> <span class="uw-muted small">{}</span></td>{}</tr>',
        (
            (
                i,
                base.replace(str(_PK), str(row.unit.pk)),
                query,
                row.label,
                resolve(row.unit, "get_kind_display"),
                figure_cells(indicator.key, indicator.unit, row.figure, row.unit.pk, month),
            )
            for i, row in enumerate(rows, start=1)
        ),
    )
