"""The dashboard of a node: key figures, ranking of its children, trends, statistical tables."""

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from unionwork.core import indicators
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


def dashboard(request, pk=None):
    node = _node(request, pk)
    user = request.user
    chosen = request.GET.get("indicator")
    figures = queries.key_figures(node)
    inds = [ind for ind, _f in figures]
    current = next((i for i in inds if i.key == chosen), inds[0] if inds else None)
    tbl = queries.table(user, node, current) if current else None
    trend = indicators.trend(current.key, node, 12) if current else []
    chart = {
        "ranking": {
            "labels": [r.label for r in tbl.rows] if tbl else [],
            "values": [r.figure.rate for r in tbl.rows] if tbl else [],
            "ids": [r.unit.pk for r in tbl.rows] if tbl else [],
            "target": current.target if current else None,
            "unit": "%" if current and current.unit == indicators.RATE else "",
        },
        "trend": {"months": [m.strftime("%Y-%m") for m, _f in trend], "values": [f.rate for _m, f in trend]},
    }
    context = {
        "node": node,
        "ancestors": [a for a in node.ancestors() if a.path.startswith(user.org_path)],
        "figures": [(ind, fig, _label(ind, fig)) for ind, fig in figures],
        "current": current,
        "table": tbl,
        "chart": chart,
        "chart_height": min(1600, max(260, 26 * len(tbl.rows) + 40)) if tbl else 260,
        "today": timezone.localdate(),
    }
    return render(request, "dashboard/dashboard.html", context)


def stat_table(request, pk=None):
    """Any set of indicators for a node's children: numerators, denominators, rates, a total row."""
    node = _node(request, pk)
    keys = request.GET.getlist("i") or [
        i.key for i in indicators.all_indicators() if not i.key.startswith("test.")
    ]
    chosen = [i for i in indicators.all_indicators() if i.key in keys]
    data = tables.build(request.user, node, chosen)
    if request.GET.get("export") == "xlsx":
        return tables.xlsx_response(node, data)
    context = {
        "node": node,
        "data": data,
        "all": [i for i in indicators.all_indicators() if not i.key.startswith("test.")],
        "keys": keys,
        "title": _("%(n)s 统计表") % {"n": node.name},
    }
    return render(request, "dashboard/table.html", context)
