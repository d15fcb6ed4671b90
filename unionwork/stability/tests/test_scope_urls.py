"""The stability pages and API hold the scope: see ``core.testing.scope``. Besides the demo data,
中山区 gets one record of each kind the demo does not hold (a report, a petition, a reception day,
an emergency response, a member of the leading group)."""

import datetime

from unionwork.core.testing.scope import ScopeTest
from unionwork.stability import actions

from .helpers import as_user, at, demo_user, new_incident, unit


class TestStabilityScope(ScopeTest):
    app = "stability"
    markers = ["大连中山范围测试有限公司", "中山区情况", "中山某某", "中山组长"]

    @classmethod
    def other_records(cls) -> list:
        zs = demo_user("zs_admin")
        incident = new_incident(zs, unit("210202001"), enterprise_name="大连中山范围测试有限公司")
        with as_user(zs):
            report = actions.file_report(
                zs,
                unit("210202"),
                "monthly",
                datetime.date(2026, 3, 1),
                summary="中山区情况",
                now=at(2026, 4, 1, 9, 0),
            )
            petition = actions.register_petition(
                zs,
                unit("210202001"),
                channel="visit",
                received_on=datetime.date(2026, 3, 2),
                petitioner="中山某某",
                kind="other",
                request="诉求",
            )
            day = actions.schedule_reception(
                zs, unit("210202"), date=datetime.date(2026, 3, 3), host="主席", place="中山"
            )
            response = actions.start_emergency_response(zs, incident, commander="主席", first_entry="到场")
            member = actions.add_group_member(
                zs, unit("210202"), name="中山组长", position="主席", group_role="leader", duties="全面"
            )
        return [incident, incident.case, report, petition, day, response, member]
