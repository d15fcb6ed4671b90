"""The dashboard of a node: key figures, ranking of its children, trends, statistical tables."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators, pacing
from unionwork.dashboard import queries, tables
from unionwork.orgs.models import OrgUnit


def _node(request, pk):
    if pk is None:
        return request.user.org
    return OrgUnit.objects.get_in_scope(request.user, pk=pk)


def _label(ind, fig):
    return (
        "—" if fig.rate is None else (f"{fig.rate}%" if ind.unit == indicators.RATE else f"{fig.numerator:,}")
    )


RANKING_SHOWN = 100  # ranked units shown per group; an industrial union ranks 1,800 (the table has all)


def dashboard(request, pk=None):
    node = _node(request, pk)
    user = request.user
    month = indicators.month_from_request(request)
    chosen = request.GET.get("indicator")
    figures = queries.key_figures(node, month)
    inds = [ind for ind, _f in figures]
    current = next((i for i in inds if i.key == chosen), inds[0] if inds else None)
    tbl = queries.table(user, node, current, month) if current else None
    trend = indicators.trend(current.key, node, 12, until=month) if current else []
    unit = "%" if current and current.unit == indicators.RATE else ""
    # Each group's first places; a longer ranking is read in the statistical table (paged, .xlsx).
    shown = [(g, g.rows[:RANKING_SHOWN]) for g in (tbl.groups if tbl else [])]
    chart = {
        "rankings": [
            {
                "id": f"chart-ranking-{g.key}",
                "labels": [r.label for r in rows],
                "values": [r.figure.rate for r in rows],
                "ids": [r.unit.pk for r in rows],
                "target": current.target if current else None,
                "unit": unit,
            }
            for g, rows in shown
        ],
        # A month before the figure had data is a gap (null), never a zero.
        "trend": {
            "months": [m.strftime("%Y-%m") for m, _f in trend],
            "values": [None if f is None else f.rate for _m, f in trend],
        },
    }
    # Every paced target (时间过半、任务过半) of the node, and its children behind pace (core/pacing.py).
    children = [r.unit for g in (tbl.groups if tbl else []) for r in g.rows if r.unit is not None]
    day = pacing.day_for(month)
    paced = [pacing.for_node(t.key, node, children, day, limit=5) for t in pacing.all_targets()]
    context = {
        "pacing": [(p, late) for p, late in paced if p.has_target],
        "node": node,
        "ancestors": [a for a in node.ancestors() if a.path.startswith(user.org_path)],
        "figures": [(ind, fig, _label(ind, fig)) for ind, fig in figures],
        "current": current,
        "table": tbl,
        "chart": chart,
        "ranking_groups": [(g, min(1600, max(120, 26 * len(rows) + 40))) for g, rows in shown],
        "groups": [(g, rows, len(g.rows) - len(rows)) for g, rows in shown],
        "month": month,
        "today": timezone.localdate(),
    }
    return render(request, "dashboard/dashboard.html", context)


def stat_table(request, pk=None):
    """Any set of indicators for a node's children: numerators, denominators, rates, a total row."""
    node = _node(request, pk)
    shown = queries.shown_indicators()
    keys = request.GET.getlist("i") or [i.key for i in shown]
    chosen = [i for i in shown if i.key in keys]
    month = indicators.month_from_request(request)
    if request.GET.get("export") == "xlsx":
        return tables.xlsx_response(node, tables.build(request.user, node, chosen, month))
    data = tables.build(request.user, node, chosen, month, page=request.GET.get("page"))
    context = {
        "node": node,
        "data": data,
        "rows": data.rows,
        "page": data.page,
        "all": shown,
        "keys": keys,
        "month": month,
        "totals": list(zip(data.indicators, data.total, strict=True)),
        "title": _("%(n)s 统计表") % {"n": node.name},
    }
    return render(request, "dashboard/table.html", context)
