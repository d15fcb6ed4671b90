"""The founding pages and API hold the scope: see ``core.testing.scope``. Besides the demo data's
enterprises, unions and targets of 中山区, one enterprise with its union and the district's target
of 2026; what is posted names them (targets, signatories, the enterprises to found a union for)
and the city's founding rule, which a district may not change either."""

import datetime

from unionwork.core import audit
from unionwork.core.testing.scope import ScopeTest
from unionwork.core.tests.factories import demo_user, unit
from unionwork.founding import actions
from unionwork.founding.models import Enterprise, FoundingRule, FoundingTarget, GrassrootsUnion

from . import factories

DAY = datetime.date(2026, 3, 1)


class TestFoundingScope(ScopeTest):
    app = "founding"
    markers = ["演示中山测试企业", "演示中山测试企业工会", "中山主席"]
    extra_probes = ("?year=2026",)

    @classmethod
    def other_records(cls) -> list:
        city = demo_user("city_admin")
        with audit.acting_as(city, "test"):
            e = factories.enterprise(unit("210202001002"), user=city, name="演示中山测试企业", employees=80)
            union = actions.found_union(city, enterprises=[e], founded_on=DAY, chairman_name="中山主席")
            target = actions.set_target(city, unit=unit("210202"), year=2026, target=5)
        return [e, union, union.unit, target]

    @classmethod
    def post_data(cls, world) -> dict:
        e = next(o for o in world.made if isinstance(o, Enterprise))
        target = next(o for o in world.made if isinstance(o, FoundingTarget))
        return super().post_data(world) | {
            "target": next(o for o in world.made if isinstance(o, GrassrootsUnion)).pk,
            "chairman_name": "篡改",
            "signatories": "篡改",
            "signed_on": "2026-03-02",
            f"target_{target.unit_id}": "99",
            "own_union_min_employees": "3",
            "joint_union_min_employees": "1",
            "enterprises": e.pk,
        }

    @classmethod
    def guarded(cls):
        rule = FoundingRule.current()
        return (rule.pk, rule.own_union_min_employees, rule.joint_union_min_employees)
