"""Rows for the station list pages, for the query-count test (core/tests/test_list_queries.py)
when the demo data holds too few."""

from django.utils import timezone

from unionwork.stations import actions

from .helpers import as_user, community, demo_user, eligible_enterprise, id_number


def missing(n: int) -> None:
    """Eligible enterprises without a station."""
    for _ in range(n):
        eligible_enterprise()


def consultations(n: int) -> None:
    gjz = demo_user("gjz_admin")
    with as_user(gjz):
        for i in range(n):
            actions.record_consultation(
                gjz,
                community(),
                kind="consultation",
                worker_name=f"列表测试{'甲乙丙丁'[i % 4]}",
                issue="咨询",
                received_on=timezone.localdate(),
            )


def _files(n: int) -> list:
    gjz = demo_user("gjz_admin")
    out = []
    with as_user(gjz):
        for _ in range(n):
            out.append(
                actions.open_hardship_file(
                    gjz,
                    community(),
                    name="列表测试",
                    id_number=id_number(),
                    cause="other",
                    household_size=2,
                    monthly_income=1000,
                    opened_on=timezone.localdate(),
                )
            )
    return out


def hardship(n: int) -> None:
    _files(n)


def pending(n: int) -> None:
    gjz = demo_user("gjz_admin")
    files = _files(n)
    with as_user(gjz):
        for f in files:
            actions.give_relief(
                gjz, f, kind="cash", on=timezone.localdate(), amount=99999, fund_source="union"
            )


ROWS = {
    "stations:missing": missing,
    "stations:consultation-list": consultations,
    "stations:hardship-list": hardship,
    "stations:relief-pending": pending,
}
