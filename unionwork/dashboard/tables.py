"""Statistical tables: a set of indicators over a node's children, on screen and as a printable .xlsx."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass
from urllib.parse import quote

import xlsxwriter
from django.core.paginator import Page, Paginator
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators
from unionwork.core.indicators import Figure, Indicator
from unionwork.dashboard import queries

PAGE_ROWS = 50  # units on one screen page of a statistical table


@dataclass
class StatRow:
    label: str
    cells: list[tuple[Indicator, Figure]]  # one figure per indicator
    unit_id: int | None = None  # the unit whose indicator value the row shows (None: a sum)
    kind: str = "row"  # row, header (a group's title), subtotal, note, own
    group: str = ""  # the group (queries.GROUPS) the row belongs to; "" for the node's own row

    @property
    def figures(self) -> list[Figure]:
        return [f for _i, f in self.cells]


@dataclass
class StatTable:
    indicators: list[Indicator]
    rows: list[StatRow]  # group by group: a header, the group's children, its subtotal, a note
    total: list[Figure]
    month: datetime.date | None = None
    page: Page | None = None  # the screen page the rows are (None: every row, for the .xlsx)


def build(user, node, inds: list[Indicator], month: datetime.date | None = None, page=False) -> StatTable:
    """Children grouped by kind (districts, zones, lower units, industrial unions), each group with
    its subtotal; the total is the node's own indicator value, which the non-overlapping groups
    (and the node's own records) add up to.

    With ``page`` (a page number, or None for the first) the table is one screen page: at most
    ``PAGE_ROWS`` units (an industrial union has 1,800 linked units: a page of every one would
    hold some 60,000 figures), with the header, subtotal and note of each group they belong to.
    Only the shown units' figures are read; subtotals and the total are always the whole group's
    and the whole node's, summed by the database (``indicators.sums_many``). Without it, every
    row (the .xlsx)."""
    keys = [i.key for i in inds]
    children = queries.children_for(user, node, month)
    by_group: dict[str, list] = {}
    for c in children:
        by_group.setdefault(queries.group_key(node, c), []).append(c)
    ordered = [c for key, _label, _kinds in queries.GROUPS for c in by_group.get(key, ())]
    shown_page = None
    if page is not False:
        shown_page = Paginator(ordered, PAGE_ROWS).get_page(page)
        shown = {c.pk for c in shown_page.object_list}
    else:
        shown = {c.pk for c in ordered}
    got = indicators.values_many(keys, list(shown), month)
    per_ind = [got[k] for k in keys]
    zeros = [Figure(0, 0, i.unit) for i in inds]  # a child without records (never changed in place)
    node_figures = indicators.unit_values(keys, node, month)
    totals = [node_figures[k] for k in keys]
    # Each group's subtotal over all its units, whatever the page shows (one query a group).
    group_sums = {
        key: indicators.sums_many(keys, [c.pk for c in units], month) for key, units in by_group.items()
    }
    rows: list[StatRow] = []
    summed = [Figure(0, 0, i.unit) for i in inds]
    for key, label, _kinds in queries.GROUPS:
        members = by_group.get(key)
        if not members:
            continue
        on_page = [c for c in members if c.pk in shown]
        if shown_page is not None and not on_page:
            continue  # a group with none of its units on this page
        rows.append(StatRow(str(label), [], kind="header", group=key))
        for c in on_page:
            figs = [got.get(c.pk, zero) for got, zero in zip(per_ind, zeros, strict=True)]
            rows.append(StatRow(c.name, list(zip(inds, figs, strict=True)), unit_id=c.pk, group=key))
        sub = [group_sums[key][k] for k in keys]
        rows.append(
            StatRow(
                _("%(l)s小计") % {"l": label}, list(zip(inds, sub, strict=True)), kind="subtotal", group=key
            )
        )
        if queries.overlaps(node, key):
            n = queries.overlap_count(node, [c.pk for c in members])
            rows.append(
                StatRow(
                    _(
                        "产业工会的数字不另计入合计：其 %(n)s 个关联单位已按所在地计入上方各组，同一单位在两组各计一次。"
                    )
                    % {"n": n},
                    [],
                    kind="note",
                    group=key,
                )
            )
    # What the groups that do not overlap add up to, on every page (not only the groups shown).
    for key, sums in group_sums.items():
        if not queries.overlaps(node, key):
            summed = [a + sums[k] for a, k in zip(summed, keys, strict=True)]
    own = [
        Figure(t.numerator - s.numerator, t.denominator - s.denominator, i.unit)
        for t, s, i in zip(totals, summed, inds, strict=True)
    ]
    if any(f.numerator or f.denominator for f in own) and node.kind != "industrial":
        rows.append(StatRow(_("本级直属"), list(zip(inds, own, strict=True)), kind="own"))
    return StatTable(inds, rows, totals, month, shown_page)


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
    as_of = data.month or indicators.month_of()
    ws.write(
        1,
        0,
        _("数据截至：%(m)s 末（生成于 %(t)s）")
        % {"m": as_of.strftime("%Y-%m"), "t": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
    )
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
    note_fmt = wb.add_format({"italic": True, "font_color": "#7a4f01", "text_wrap": True})
    group_fmt = wb.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1})
    r = 4
    for row in [
        *data.rows,
        StatRow(_("合计"), list(zip(data.indicators, data.total, strict=True)), kind="total"),
    ]:
        if row.kind in ("header", "note"):
            ws.merge_range(
                r, 0, r, max(width - 1, 1), row.label, group_fmt if row.kind == "header" else note_fmt
            )
            r += 1
            continue
        is_total = row.kind in ("total", "subtotal")
        ws.write(r, 0, row.label, tot if is_total else cell)
        col = 1
        for ind, fig in row.cells:
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
    name = f"{node.name}统计表-{as_of:%Y%m}.xlsx"
    resp = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp
