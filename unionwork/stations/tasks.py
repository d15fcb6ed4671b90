"""The daily recount of station coverage (registered in notifications.py, run by ``manage.py scheduler``).

Eligibility follows the founding register (unions founded or dissolved, employees, closures) and
the rule version in force on the day; founding sends no domain signal for those changes, so the
coverage figure is recounted once a day (and at once when a rule in force today is saved).
"""

from __future__ import annotations

from django.tasks import task

from unionwork.core import audit


@task
def recount_coverage(now_iso: str | None = None) -> int:
    from unionwork.stations import indicators

    with audit.acting_as(None, "task:stations.recount"):
        return indicators.rebuild_coverage()
