"""Reminders: reports due and cases overdue, in the panel and by the background task."""

import datetime
import io

import pytest
from django.core.management import call_command

from unionwork.stability import actions
from unionwork.stability.models import Notification
from unionwork.stability.tasks import send_reminders

from .helpers import as_user, at, demo_user, new_incident, unit

pytestmark = pytest.mark.django_db


def test_the_task_reminds_overdue_case_owners_once_a_day():
    gjz = demo_user("gjz_admin")
    case = new_incident(
        gjz, unit("210211001"), learned_at=at(2026, 1, 1, 8, 0), now=at(2026, 1, 1, 9, 0)
    ).case
    with as_user(gjz):
        actions.assess_case(gjz, case, assessment="属实", now=at(2026, 1, 2, 9, 0))
        actions.own_case(gjz, case, owner=gjz, now=at(2026, 1, 2, 9, 0))
    now = at(2026, 3, 1, 8, 0).isoformat()
    result = send_reminders.call(now)
    assert result["case_reminders"] >= 1
    notes = Notification.objects.filter(
        user=gjz, kind="case_overdue", key__startswith=f"case-overdue:{case.pk}:"
    )
    assert notes.count() == 1 and "逾期" in notes.get().title
    send_reminders.call(now)
    assert notes.count() == 1


def test_the_task_reminds_units_whose_report_is_due_or_missed():
    editor = demo_user("gjz_editor")  # 甘井子区总工会 must report
    due = Notification.objects.filter(user=editor, kind="report_due")
    send_reminders.call(at(2026, 4, 3, 8, 0).isoformat())  # March's deadline is 5 April 17:00
    assert due.count() == 1 and "2026年03月月报" in due.get().title
    send_reminders.call(at(2026, 4, 6, 8, 0).isoformat())  # now missed
    assert Notification.objects.filter(user=editor, kind="report_missing").count() == 1
    with as_user(editor):
        actions.file_nil_report(
            editor, unit("210211"), "monthly", datetime.date(2026, 3, 1), now=at(2026, 4, 6, 9, 0)
        )
    before = Notification.objects.filter(user=editor).count()
    send_reminders.call(at(2026, 4, 7, 8, 0).isoformat())
    assert Notification.objects.filter(user=editor).count() == before


def test_the_command_enqueues_the_task_and_the_panel_shows_reminders(client):
    gjz = demo_user("gjz_admin")
    case = new_incident(
        gjz, unit("210211001"), learned_at=at(2026, 1, 1, 8, 0), now=at(2026, 1, 1, 9, 0)
    ).case
    with as_user(gjz):
        actions.assess_case(gjz, case, assessment="属实", now=at(2026, 1, 2, 9, 0))
        actions.own_case(gjz, case, owner=gjz, now=at(2026, 1, 2, 9, 0))
    out = io.StringIO()
    call_command("stability_reminders", stdout=out)
    assert "enqueued" in out.getvalue()
    assert Notification.objects.filter(user=gjz, kind="case_overdue").exists()
    call_command("stability_reminders", "--now", stdout=out)
    client.force_login(gjz)
    page = client.get("/stability/").content.decode()
    assert "您包案的 1 件案件已超过办结时限" in page
    note = Notification.objects.filter(user=gjz, kind="case_overdue").first()
    resp = client.post(f"/stability/notifications/{note.pk}/read/")
    assert resp.status_code == 302 and resp["Location"] == case.get_absolute_url()
    note.refresh_from_db()
    assert note.read_at is not None
    client.force_login(demo_user("zs_admin"))
    assert client.post(f"/stability/notifications/{note.pk}/read/").status_code == 404
