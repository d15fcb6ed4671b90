"""The bargaining pages and API hold the scope: see ``core.testing.scope``. Besides the demo data,
中山区 gets a contract and an instructor whose names only it carries."""

import datetime

from unionwork.core.testing.scope import ScopeTest

from .helpers import ZS_MARKERS


class TestBargainingScope(ScopeTest):
    app = "bargaining"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        from django.utils import timezone

        from unionwork.bargaining import actions
        from unionwork.core import audit
        from unionwork.core.tests.factories import unit
        from unionwork.founding.models import Enterprise

        today = timezone.localdate()
        zs = unit("210202")
        e = (
            Enterprise.objects.filter(community__path__startswith=zs.path, union__kind="grassroots")
            .select_related("union")
            .order_by("pk")
            .first()
        )
        with audit.acting_as(None, "test"):
            c = actions.record_contract(
                None,
                e.union,
                level="enterprise",
                enterprises=[e],
                title=ZS_MARKERS[0],
                kind="comprehensive",
                employer_party=ZS_MARKERS[0],
                signed_on=today,
                term_start=today,
                term_end=today + datetime.timedelta(days=700),
            )
            i = actions.add_instructor(None, zs, name=ZS_MARKERS[1])
            r = actions.open_round(None, zs, subject=ZS_MARKERS[2], level="regional", offered_on=today)
            m = actions.record_tripartite(
                None,
                zs,
                held_on=today,
                government_party="人社局",
                employer_party="工商联",
                union_party="总工会",
                topics=ZS_MARKERS[3],
            )
        return [c, i, r, m]
