"""Shared helpers of the visits tests."""

from contextlib import contextmanager

from django.utils import timezone

from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding.models import Enterprise
from unionwork.visits import actions

__all__ = ["as_user", "demo_user", "enterprise_in", "unit", "visit"]


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


def enterprise_in(code: str) -> Enterprise:
    return Enterprise.objects.filter(community__path__startswith=unit(code).path).order_by("pk").first()


def visit(user, *, kind="enterprise", visited_on=None, enterprise=None, findings=(), answers=None, **kw):
    visited_on = visited_on or timezone.localdate()
    name = kw.pop("household_name", "王小明")
    template = actions.current_checklist("six" if kind == "enterprise" else "eight")
    if answers is None:
        answers = {}
        for item in template.items.all():
            if item.required:
                answers[item.pk] = {"yes_no": "yes", "number": "12", "choice": (item.choices or [""])[0]}.get(
                    item.kind, "情况"
                )
    with as_user(user):
        return actions.record_visit(
            user,
            kind=kind,
            visited_on=visited_on,
            cadres=[user],
            people_met="主席",
            enterprise=enterprise if kind == "enterprise" else None,
            household_name=name if kind == "household" else "",
            answers=answers,
            findings=findings,
            **kw,
        )


ZS_MARKERS = [
    "中山范围测试企业发现",
    "中山范围测试家庭发现",
    "中山区“双走双促”走访活动（演示）",
    "中山区“双走双促”调研报告（演示）",
]


def zs_records() -> list:
    """Records of 中山区 beyond the demo: findings that name themselves (an enterprise's, and a
    household's that may open a hardship file), for the scope walk."""
    zs = demo_user("zs_admin")
    e = enterprise_in("210202")
    v = visit(
        zs, enterprise=e, findings=[{"category": "risk", "severity": 3, "text": "中山范围测试企业发现"}]
    )
    h = visit(
        zs,
        kind="household",
        household_name="中山范围测试户",
        findings=[{"category": "living", "severity": 3, "text": "中山范围测试家庭发现"}],
    )
    return [v, *v.findings.all(), h, *h.findings.all()]
