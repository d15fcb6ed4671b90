"""Renewal reminders reach the union's levels before expiry, once per step."""

import datetime

import pytest

from unionwork.core import notifications
from unionwork.core.models import Notice

from .helpers import bare_enterprise, contract_for, demo_user, today

pytestmark = pytest.mark.django_db


def test_a_contract_nearing_its_end_reminds_the_district_once(module_demos):
    e = bare_enterprise()
    c = contract_for(
        e, start=today() - datetime.timedelta(days=700), end=today() + datetime.timedelta(days=5)
    )
    gjz = demo_user("gjz_admin")
    notifications.send_reminders(today())
    mine = Notice.objects.filter(user=gjz, key__startswith=f"bargaining.renewal:{c.pk}:")
    assert mine.count() == 1 and c.title in mine.get().title
    notifications.send_reminders(today())
    assert mine.count() == 1
    assert not Notice.objects.filter(
        user=demo_user("zs_admin"), key__startswith=f"bargaining.renewal:{c.pk}:"
    ).exists()
    # A renewed contract reminds nobody.
    contract_for(
        e, start=today() + datetime.timedelta(days=6), end=today() + datetime.timedelta(days=900), renews=c
    )
    assert not any(
        r.subject == f"bargaining.renewal:{c.pk}"
        for r in notifications.REMINDERS.get("bargaining.renewal").collect(today())
    )
