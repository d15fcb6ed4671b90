"""Test helpers of the member register: people with valid IDs, members registered by actions."""

from __future__ import annotations

import datetime

from unionwork.core import audit, identifiers
from unionwork.core.tests.factories import unit
from unionwork.members import actions
from unionwork.members.demo import demo_people

_counter = [0]


def new_id(region: str = "210202", birth: datetime.date = datetime.date(1975, 6, 1)) -> str:
    """A valid, never-used number (the sequence part counts up per test session)."""
    _counter[0] += 1
    day = birth + datetime.timedelta(days=_counter[0] // 1000)
    return identifiers.make_id(region, day, _counter[0] % 1000)


def register(union_code: str = "G0001", n: int = 1, *, name: str | None = None, seed: int | None = None):
    """``n`` members registered in a union by the system (returns a list)."""
    out = []
    union = unit(union_code)
    with audit.acting_as(None, "test"):
        for person in demo_people(n, seed=seed if seed is not None else 1000 + _counter[0]):
            _counter[0] += 1
            nm, cid, phone, form, edu = person
            out.append(
                actions.register_member(
                    None,
                    union,
                    name=name or nm,
                    id_number=new_id(),
                    phone=phone,
                    employment_form=form,
                    education=edu,
                )
            )
    return out


def new_unit(
    code: str, *, kind: str = "grassroots", parent=None, name: str | None = None, industrial_union=None
):
    """A union set up through the tree's action (by default a grassroots union in the first demo
    community of 甘井子区, linked to no industrial union)."""
    from unionwork.orgs import actions as org_actions

    return org_actions.create_unit(
        None,
        parent=parent or unit("210211001001"),
        name=name or f"演示工会{code}",
        kind=kind,
        code=code,
        industrial_union=industrial_union,
    )
