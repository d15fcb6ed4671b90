"""Bargaining rounds lead to a contract or record why they failed; tripartite meetings."""

import datetime

import pytest

from unionwork.bargaining import actions
from unionwork.bargaining.models import BargainingRound, Contract, RoundOutcome
from unionwork.core.errors import ActionError

from .helpers import as_user, demo_user, today, unit

pytestmark = pytest.mark.django_db


def _round(user, **kw):
    return actions.open_round(
        user,
        unit("210211"),
        subject="行业工资协商",
        level="industry",
        offered_on=today(),
        departments="区人社局",
        **kw,
    )


def test_a_round_ends_in_a_contract_or_a_reason(module_demos):
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        r = _round(gjz)
        actions.record_round_session(gjz, r, held_on=today(), participants="双方代表", minutes="第一轮")
        with pytest.raises(ActionError, match="合同"):
            actions.conclude_round(gjz, r, outcome="agreed")
        contract = Contract.objects.restrict(gjz).filter(org__path__startswith=unit("210211").path).first()
        actions.conclude_round(gjz, r, outcome="agreed", contract=contract)
        r.refresh_from_db()
        assert r.outcome == RoundOutcome.AGREED and r.contract == contract
        with pytest.raises(ActionError, match="已结束"):
            actions.record_round_session(gjz, r, held_on=today(), participants="x")
        r2 = _round(gjz)
        with pytest.raises(ActionError, match="未果原因"):
            actions.conclude_round(gjz, r2, outcome="failed")
        actions.conclude_round(gjz, r2, outcome="failed", failure_reason="企业拒绝")
        assert BargainingRound.objects.get(pk=r2.pk).failure_reason == "企业拒绝"


def test_rounds_and_meetings_stay_in_their_district(module_demos):
    gjz, zs = demo_user("gjz_admin"), demo_user("zs_admin")
    with as_user(zs):
        r = actions.open_round(zs, unit("210202"), subject="中山协商", level="regional", offered_on=today())
    assert not BargainingRound.objects.restrict(gjz).filter(pk=r.pk).exists()
    with as_user(gjz), pytest.raises(ActionError):
        actions.conclude_round(gjz, r, outcome="failed", failure_reason="越权")
    with as_user(gjz), pytest.raises(ActionError):
        actions.record_tripartite(
            gjz,
            unit("210202"),
            held_on=today() - datetime.timedelta(days=1),
            government_party="a",
            employer_party="b",
            union_party="c",
            topics="越权",
        )
