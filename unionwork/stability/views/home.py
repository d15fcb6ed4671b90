"""The stability home (figures, charts, reminders) and the timeliness of reporting."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from unionwork.core import indicators
from unionwork.stability import actions, queries
from unionwork.stability import periods as P
from unionwork.stability.indicators import OPEN_CASES
from unionwork.stability.models import (
    IncidentKind,
    Industry,
    Severity,
)
from unionwork.stability.views._common import _date_param, _month_param, _node_context


@require_safe
def home(request):
    """Reminders, the figures of the user's node (or a node below) with charts, and the links."""
    user = request.user
    node, ancestors = _node_context(request)
    today = timezone.localdate()
    since = _date_param(request, "since", today.replace(month=1, day=1))
    until = _date_param(request, "until", today)
    now = timezone.now()
    month = indicators.month_from_request(request)
    # 在办案件 is the kept indicator (as on the dashboard), at the chosen month's end.
    open_cases = indicators.value(OPEN_CASES.key, node, month)
    by_kind = queries.incidents_by(node, since, until, "kind", IncidentKind.choices)
    by_industry = [r for r in queries.incidents_by(node, since, until, "industry", Industry.choices) if r[2]]
    severity_table = queries.open_cases_by_severity(user, node, now)
    ages = queries.open_cases_by_age(node, now)
    charts = {
        "kind": {"labels": [r[1] for r in by_kind], "values": [r[2] for r in by_kind]},
        "industry": {"labels": [r[1] for r in by_industry], "values": [r[2] for r in by_industry]},
        "severity": {
            "labels": [str(label) for _v, label in Severity.choices],
            "values": [severity_table.total.get(s) for s in Severity.values],
        },
        "age": {
            "labels": [a[0] for a in ages],
            "series": [
                {"name": str(label), "values": [a[1][s] for a in ages]} for s, label in Severity.choices
            ],
        },
    }
    context = {
        "node": node,
        "ancestors": ancestors,
        "since": since,
        "until": until,
        "reminders": queries.reminders_for(user, now) if node.pk == user.org_id else [],
        "notifications": queries.notifications_for(user, unread_only=True, limit=5),
        "unread": queries.unread_count(user),
        "summary": queries.summary(node, since, until, now),
        "open_cases": open_cases.numerator,
        "month": month,
        "is_current_month": month == indicators.month_of(),
        # The severity table's total counts open cases by the territorial path only: for an
        # industrial union that is not the indicator (which also counts its linked units).
        "severity_total_is_indicator": node.kind != "industrial" and month == indicators.month_of(),
        "severity_table": severity_table,
        "kind_table": queries.incidents_by_kind(user, node, since, until),
        "charts": charts,
        "heightened": queries.current_heightened_period(today),
        "is_city_admin": actions.is_city_admin(user),
    }
    return render(request, "stability/home.html", context)


@require_safe
def timeliness(request):
    """Completeness and timeliness of reports (and incident reporting) per child, rolled up."""
    user = request.user
    node, ancestors = _node_context(request)
    today = timezone.localdate()
    month = P.month_start(
        _month_param(request, P.month_start(P.month_start(today) - datetime.timedelta(days=1)))
    )
    last = P.next_month(month) - datetime.timedelta(days=1)
    reports = queries.report_timeliness(user, node, month)
    chart_rows = reports.body
    chart = {
        "labels": [r.label for r in chart_rows],
        "series": [
            {"name": _("按时报送"), "values": [r.get("on_time") for r in chart_rows], "color": "#2e7d32"},
            {"name": _("迟报"), "values": [r.get("late") for r in chart_rows], "color": "#f9a825"},
            {"name": _("漏报"), "values": [r.get("missing") for r in chart_rows], "color": "#c62828"},
        ],
    }
    context = {
        "node": node,
        "ancestors": ancestors,
        "month": month,
        "prev_month": P.month_start(month - datetime.timedelta(days=1)),
        "next_month": P.next_month(month) if P.next_month(month) <= today else None,
        "reports": reports,
        "incidents": queries.incident_timeliness(user, node, month, last),
        "policy": P.get_policy(),
        "chart": chart,
    }
    return render(request, "stability/timeliness.html", context)
