"""Shared helpers of the station tests: eligible enterprises, stations, members with cards."""

from __future__ import annotations

import datetime
import itertools
from contextlib import contextmanager

from django.utils import timezone

from unionwork.core import audit, identifiers
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.founding import actions as founding_actions
from unionwork.founding.tests import factories as ff
from unionwork.members import actions as members_actions
from unionwork.stations import actions
from unionwork.stations.models import ServiceKind

__all__ = ["as_user", "demo_user", "make_user", "unit"]

_ids = itertools.count(1)
COMMUNITY = "210211001001"  # a community of 甘井子区 (its street 210211001)
CHAIN = ("210211001001", "210211001", "210211", "2102")


@contextmanager
def as_user(user):
    with audit.acting_as(user, "test"):
        yield user


def community():
    return unit(COMMUNITY)


def eligible_enterprise(comm=None, *, employees: int = 150, founded=datetime.date(2024, 1, 10), union=True):
    comm = comm or community()
    with as_user(None):
        e = ff.enterprise(comm, employees=employees)
        if union:
            founding_actions.found_union(None, enterprises=[e], founded_on=founded, name=f"{e.name}工会")
    e.refresh_from_db()
    return e


def kind() -> ServiceKind:
    with as_user(None):
        actions.ensure_service_kinds()
    return ServiceKind.objects.order_by("order").first()


def station(enterprise=None, *, mode="comprehensive", radiated=(), user=None, **kw):
    with as_user(user):
        return actions.open_station(
            user,
            name=kw.pop("name", f"{enterprise.name}服务站" if enterprise else "测试社区服务站"),
            host_kind="enterprise" if enterprise is not None else kw.pop("host_kind", "community"),
            enterprise=enterprise,
            org=kw.pop("org", None),
            mode=mode,
            opened_on=kw.pop("opened_on", timezone.localdate()),
            radiated=radiated,
            **kw,
        )


def member_with_card(union_unit):
    """An active member of ``union_unit`` holding an issued card."""
    n = next(_ids)
    with as_user(None):
        m = members_actions.register_member(
            None,
            union_unit,
            name="测试会员" + "甲乙丙丁戊己庚辛壬癸"[n % 10],
            id_number=identifiers.make_id("210211", datetime.date(1985, 3, 1), 100 + n),
            employment_form="contract",
        )
        return members_actions.issue_card(None, m)


def id_number(n: int | None = None) -> str:
    return identifiers.make_id("210211", datetime.date(1979, 5, 4), 300 + (n or next(_ids)))
