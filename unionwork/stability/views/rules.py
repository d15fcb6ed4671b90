"""The rules of stability work and heightened periods (city administrators)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from unionwork.stability import actions, forms, queries
from unionwork.stability import periods as P
from unionwork.stability.models import (
    Severity,
)
from unionwork.stability.views._common import CityAdminForm

_lazy = gettext_lazy


def _rules():
    return {s: actions.incidents.rule_for(s) for s in Severity.values}


@require_safe
def rules(request):
    return render(
        request,
        "stability/rules.html",
        {
            "policy": P.get_policy(),
            "rules": list(_rules().values()),
            "is_city_admin": actions.is_city_admin(request.user),
            "stored": queries.severity_rules_stored(),
        },
    )


class PolicyEditView(CityAdminForm):
    form_class = forms.PolicyForm
    title = _lazy("报送规则")

    def get_initial(self):
        p = P.get_policy()
        return {
            "reporting_kinds": p.kinds,
            "monthly_deadline_day": p.monthly_deadline_day,
            "monthly_deadline_time": p.monthly_deadline_time,
            "daily_deadline_time": p.daily_deadline_time,
            "remind_days_before": p.remind_days_before,
        }

    def perform(self, form):
        return actions.save_policy(self.request.user, **form.cleaned_data)


class SeverityRulesView(CityAdminForm):
    form_class = forms.SeverityRulesForm
    title = _lazy("事件等级规则")
    intro = _lazy(
        "知情后多少小时内必须报告（超过记为迟报），案件多少天内化解办结，以及是否即时通知上级领导。"
    )

    def form_kwargs(self):
        return {"rules": _rules()}

    def perform(self, form):
        d = form.cleaned_data
        actions.save_severity_rules(
            self.request.user,
            {
                sev: {
                    "report_within_hours": d[f"{sev}_hours"],
                    "resolve_within_days": d[f"{sev}_days"],
                    "notify_upper": d[f"{sev}_notify"],
                }
                for sev in Severity.values
            },
        )


@require_safe
def heightened(request):
    return render(
        request,
        "stability/heightened.html",
        {
            "periods": queries.heightened_periods(),
            "is_city_admin": actions.is_city_admin(request.user),
            "today": timezone.localdate(),
        },
    )


class HeightenedCreateView(CityAdminForm):
    form_class = forms.HeightenedForm
    title = _lazy("设置敏感时期")
    intro = _lazy("敏感时期内，各须报送单位每日报送日报（无情况报零报告），月报照常报送。")
    success = "stability:heightened"

    def perform(self, form):
        return actions.set_heightened_period(self.request.user, **form.cleaned_data)


class HeightenedCancelView(CityAdminForm):
    form_class = forms.ReasonForm
    title = _lazy("撤销敏感时期")
    submit_label = _lazy("确认撤销")
    success = "stability:heightened"

    def get_object(self):
        return queries.heightened_period(self.kwargs["pk"])

    def perform(self, form):
        return actions.cancel_heightened_period(self.request.user, self.object, **form.cleaned_data)
