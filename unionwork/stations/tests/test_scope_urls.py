"""The station pages and API hold the scope: see ``core.testing.scope``. Besides the demo data
(stations, services, consultations, hardship files and relief in both districts), 中山区 gets a
radiating station and a pending relief whose names are markers."""

from django.utils import timezone

from unionwork.core.testing.scope import ScopeTest

from .helpers import as_user, demo_user, id_number, kind, unit

ZS_MARKERS = ["中山范围测试服务站", "中山范围测试困难职工", "中山范围咨询人"]


def zs_records() -> list:
    from unionwork.stations import actions

    zs = demo_user("zs_admin")
    today = timezone.localdate()
    k = kind()
    with as_user(zs):
        s = actions.open_station(
            zs,
            name="中山范围测试服务站",
            host_kind="community",
            org=unit("210202001002"),
            mode="comprehensive",
            opened_on=today,
        )
        rec = actions.log_service(zs, s, kind=k, on=today, people=3)
        f = actions.open_hardship_file(
            zs,
            unit("210202001002"),
            name="中山范围测试困难职工",
            id_number=id_number(),
            cause="illness",
            household_size=2,
            monthly_income=900,
            opened_on=today,
        )
        relief = actions.give_relief(zs, f, kind="medical", on=today, amount=50000, fund_source="union")
        c = actions.record_consultation(
            zs,
            unit("210202001002"),
            kind="legal_aid",
            worker_name="中山范围咨询人",
            issue="欠薪",
            received_on=today,
        )
    return [s, rec, f, relief, c]


class TestStationsScope(ScopeTest):
    app = "stations"
    markers = ZS_MARKERS

    @classmethod
    def other_records(cls) -> list:
        return zs_records()

    @classmethod
    def guarded(cls):
        from unionwork.stations.models import EligibilityRule, ReliefPolicy, ServiceKind

        return (
            list(EligibilityRule.objects.values()),
            list(ReliefPolicy.objects.values()),
            list(ServiceKind.objects.values()),
        )
