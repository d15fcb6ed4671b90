"""Rows for the assessment's list pages, for the query-count test (core/tests/test_list_queries.py)."""

from unionwork.assessment import actions
from unionwork.assessment.models import AppealState, Scheme, UnitResult
from unionwork.core import audit
from unionwork.core.tests.factories import demo_user, unit


def _demo_scheme():
    return Scheme.objects.get(is_demo=True, group="districts")


def claims(n: int) -> None:
    gjz = demo_user("gjz_admin")
    s = _demo_scheme()
    item = s.items.get(code="E3")
    with audit.acting_as(gjz, "test"):
        for i in range(n):
            actions.claim(
                gjz, s, item, unit("210211"), text=f"列表测试申报{i}", files=[(f"材料{i}.txt", b"demo")]
            )


def appeals(n: int) -> None:
    gjz = demo_user("gjz_admin")
    s = _demo_scheme()
    res = UnitResult.objects.get(computation__scheme=s, computation__kind="provisional", unit__code="210211")
    taken = set(
        res.computation.appeals.filter(unit=res.unit, state=AppealState.OPEN).values_list(
            "item_id", flat=True
        )
    )
    with audit.acting_as(gjz, "test"):
        for item in s.items.exclude(pk__in=taken).order_by("pk")[:n]:
            actions.file_appeal(gjz, res, item, reason="列表测试申诉")


ROWS = {"assessment:claim-list": claims, "assessment:appeal-list": appeals}
