"""Statistical tables: a set of indicators over a node's children, on screen and as a printable .xlsx."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.core.indicators import Figure, Indicator
from unionwork.dashboard import queries


@dataclass
class StatTable:
    indicators: list[Indicator]
    rows: list[tuple[str, list[Figure]]]  # label, one figure per indicator
    total: list[Figure]


def build(user, node, inds: list[Indicator]) -> StatTable:
    children = queries.children_for(user, node)
    per_ind = [dict((c.pk, f) for c, f in indicators.children_values(i.key, children)) for i in inds]
    rows = [(c.name, [per_ind[k][c.pk] for k in range(len(inds))]) for c in children]
    totals = [indicators.value(i.key, node) for i in inds]
    own = []
    for k, i in enumerate(inds):
        territorial = (c for c in children if c.parent_id == node.pk and c.kind != "industrial")
        summed = sum((per_ind[k][c.pk] for c in territorial), Figure(0, 0, i.unit))
        own.append(
            Figure(totals[k].numerator - summed.numerator, totals[k].denominator - summed.denominator, i.unit)
        )
    if any(f.numerator or f.denominator for f in own) and node.kind != "industrial":
        rows.append((_("本级直属"), own))
    return StatTable(inds, rows, totals)


def columns_of(ind: Indicator) -> list[str]:
    if ind.unit == indicators.RATE:
        return [str(ind.numerator_label), str(ind.denominator_label), _("比率（%）")]
    return [str(ind.numerator_label)]


def cells_of(ind: Indicator, fig: Figure) -> list:
    if ind.unit == indicators.RATE:
        return [fig.numerator, fig.denominator, fig.rate if fig.rate is not None else "—"]
    return [fig.numerator]


def xlsx_response(node, data: StatTable) -> HttpResponse:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(_("统计表"))
    title = wb.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head = wb.add_format(
        {
            "bold": True,
            "border": 1,
            "align": "center",
            "valign": "vcenter",
            "text_wrap": True,
            "bg_color": "#F2F2F2",
        }
    )
    cell = wb.add_format({"border": 1})
    num = wb.add_format({"border": 1, "num_format": "#,##0"})
    rate = wb.add_format({"border": 1, "num_format": "0.0"})
    tot = wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
    tot_rate = wb.add_format({"border": 1, "bold": True, "num_format": "0.0"})
    width = 1 + sum(len(columns_of(i)) for i in data.indicators)
    ws.merge_range(0, 0, 0, max(width - 1, 1), _("%(n)s 工会工作统计表") % {"n": node.name}, title)
    ws.write(1, 0, _("统计时间：%(t)s") % {"t": timezone.localtime().strftime("%Y-%m-%d %H:%M")})
    ws.merge_range(2, 0, 3, 0, _("单位"), head)
    col = 1
    for ind in data.indicators:
        sub = columns_of(ind)
        if len(sub) > 1:
            ws.merge_range(2, col, 2, col + len(sub) - 1, str(ind.label), head)
        else:
            ws.write(2, col, str(ind.label), head)
        for k, label in enumerate(sub):
            ws.write(3, col + k, label, head)
        col += len(sub)
    r = 4
    for label, figs in [*data.rows, (_("合计"), data.total)]:
        is_total = r == 4 + len(data.rows)
        ws.write(r, 0, label, tot if is_total else cell)
        col = 1
        for ind, fig in zip(data.indicators, figs, strict=True):
            for k, v in enumerate(cells_of(ind, fig)):
                is_rate = ind.unit == indicators.RATE and k == 2
                fmt = (tot_rate if is_rate else tot) if is_total else (rate if is_rate else num)
                ws.write(r, col + k, v, fmt)
            col += len(columns_of(ind))
        r += 1
    ws.set_column(0, 0, 28)
    ws.set_column(1, width, 12)
    ws.set_row(3, 32)
    ws.freeze_panes(4, 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(2, 3)
    ws.set_footer("&C&P / &N")
    wb.close()
    name = f"{node.name}统计表-{timezone.localdate():%Y%m%d}.xlsx"
    resp = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp
