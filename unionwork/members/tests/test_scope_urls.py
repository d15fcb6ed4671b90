"""The members' pages and API hold the scope: see ``core.testing.scope``. The demo data holds the
members and cards of 大连中山演示重工有限公司工会 (G0003); the walk adds two of its transfers, one
in transit and one floating at its street (转会途中, 流动会员)."""

import datetime

from django.utils import timezone

from unionwork.core.testing.scope import ScopeTest


class TestMembersScope(ScopeTest):
    app = "members"

    @classmethod
    def other_records(cls) -> list:
        from unionwork.core import audit
        from unionwork.core.tests.factories import demo_user
        from unionwork.members import actions

        from .helpers import register

        zs = demo_user("zs_admin")
        today = timezone.localdate()
        a, b = register("G0003", 2)
        with audit.acting_as(zs, "test"):
            in_transit = actions.release_member(zs, a, note="中山转出")
            old = actions.release_member(zs, b, on=today - datetime.timedelta(days=200), note="中山流动")
        with audit.acting_as(None, "test"):
            actions.hand_over_floating(today)
        old.refresh_from_db()
        return [in_transit, old]
