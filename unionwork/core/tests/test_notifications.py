"""What awaits a user: sources declared by the modules, read through the scope; the badge equals
the listed items; the scheduler enqueues each daily job once; deadline reminders go out once."""

import datetime
import io
import re
from unittest import mock as unittest_mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from unionwork.core import audit, indicators, notifications
from unionwork.core.models import Notice, ScheduledRun
from unionwork.core.tests.factories import demo_user, make_user, unit
from unionwork.founding import actions as founding_actions
from unionwork.founding.tests.factories import enterprise
from unionwork.stability import actions as stability_actions
from unionwork.stability.tests.helpers import at, new_incident

pytestmark = pytest.mark.django_db
DEMO = [
    "city_admin",
    "city_viewer",
    "gjz_admin",
    "gjz_editor",
    "gjz_reviewer",
    "gjz_viewer",
    "zs_admin",
    "jx_admin",
]


def _record(user, community_code):
    with audit.acting_as(None, "test"):
        e = enterprise(unit(community_code), employees=60)
    with audit.acting_as(user, "test"):
        return founding_actions.record_founding(
            user, enterprises=[e], founded_on=datetime.date(2025, 3, 1), name=f"{user.username}登记的演示工会"
        )


def _overdue_case(user, community_code):
    case = new_incident(
        user, unit(community_code), learned_at=at(2026, 1, 1, 8, 0), now=at(2026, 1, 1, 9, 0)
    ).case
    with audit.acting_as(user, "test"):
        stability_actions.assess_case(user, case, assessment="属实", now=at(2026, 1, 2, 9, 0))
        stability_actions.own_case(user, case, owner=user, now=at(2026, 1, 2, 9, 0))
    return case


@pytest.fixture
def both_districts():
    """The same things waiting in 甘井子区 and in 中山区."""
    zs_editor = make_user("zs_editor_t", "210202", ["editor"])
    make_user("zs_reviewer_t", "210202", ["reviewer"])
    return {
        "gjz_sub": _record(demo_user("gjz_editor"), "210211001001"),
        "zs_sub": _record(zs_editor, "210202001002"),
        "gjz_case": _overdue_case(demo_user("gjz_admin"), "210211001"),
        "zs_case": _overdue_case(demo_user("zs_admin"), "210202001"),
    }


def _urls(user, now):
    return [it.url for g in notifications.collect(user, now) for it in g.items]


def test_a_district_user_never_counts_another_districts_items(both_districts):
    now = at(2026, 3, 1, 10, 0)
    zs_urls = {both_districts["zs_sub"].get_absolute_url(), both_districts["zs_case"].get_absolute_url()}
    for name in ("gjz_admin", "gjz_reviewer", "gjz_editor", "gjz_viewer"):
        urls = _urls(demo_user(name), now)
        assert not zs_urls & set(urls), name
    gjz_admin = {g.source.key: g.count for g in notifications.collect(demo_user("gjz_admin"), now)}
    assert gjz_admin["founding.confirmations"] == 1 and gjz_admin["stability.cases"] == 1
    zs_admin = {g.source.key: g for g in notifications.collect(demo_user("zs_admin"), now)}
    assert [it.url for it in zs_admin["founding.confirmations"].items] == [
        both_districts["zs_sub"].get_absolute_url()
    ]
    assert [it.url for it in zs_admin["stability.cases"].items] == [
        both_districts["zs_case"].get_absolute_url()
    ]
    # A viewer has nothing to confirm and no case to act on.
    viewer = {g.source.key for g in notifications.collect(demo_user("gjz_viewer"), now)}
    assert not viewer & {"founding.confirmations", "stability.cases"}


def test_the_badge_equals_the_listed_items_for_every_demo_account(client, both_districts):
    now = timezone.now()
    with audit.acting_as(None, "test"):
        notifications.notify(
            [demo_user("gjz_admin")], source="test", key="t:1", title="演示提醒", url="/founding/"
        )
    seen_nonzero = 0
    for name in DEMO:
        user = demo_user(name)
        groups = notifications.collect(user, now)
        listed = sum(len(g.items) for g in groups)
        assert notifications.badge_count(user, now) == listed == sum(g.count for g in groups), name
        client.force_login(user)
        badge = client.get("/notifications/badge/").content.decode()
        assert f'data-count="{listed}"' in badge, name
        page = client.get("/notifications/").content.decode()
        assert page.count('data-testid="notification-item"') == listed, name
        seen_nonzero += bool(listed)
    assert seen_nonzero >= 3
    # The top bar loads the badge on every page.
    client.force_login(demo_user("gjz_admin"))
    assert 'hx-get="/notifications/badge/"' in client.get("/founding/").content.decode()


def _badge(client) -> int:
    return int(
        re.search(r'data-count="(\d+)"', client.get("/notifications/badge/").content.decode()).group(1)
    )


def test_the_session_keeps_its_badge_a_minute_and_counts_afresh_after_its_own_change(
    client, django_assert_max_num_queries, settings
):
    """The badge (loaded after every page) counts every module's items once a minute per session;
    what others do shows within the minute, the user's own change and the notifications page at
    once."""
    settings.UNIONWORK_BADGE_FRESH_SECONDS = 60
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    first = _badge(client)
    assert first == notifications.badge_count(admin)
    with audit.acting_as(None, "test"):  # someone else's doing: a reminder for the admin
        notifications.notify([admin], source="test", key="t:fresh", title="演示提醒", url="/founding/")
    with django_assert_max_num_queries(6):  # the session and the user; no source is counted
        assert _badge(client) == first
    # The notifications page lists it, and the badge says what the page lists.
    assert 'data-testid="notification-item"' in client.get("/notifications/").content.decode()
    assert _badge(client) == first + 1
    # The user's own change (any POST) counts afresh: reading the reminder takes it off at once.
    note = Notice.objects.get(user=admin, key="t:fresh")
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 302
    assert _badge(client) == first
    # A minute later, what others did shows without a change of the user's own.
    with audit.acting_as(None, "test"):
        notifications.notify([admin], source="test", key="t:later", title="演示提醒", url="/founding/")
    assert _badge(client) == first
    later = timezone.now() + datetime.timedelta(seconds=61)
    with unittest_mock.patch("django.utils.timezone.now", return_value=later):
        assert _badge(client) == first + 1
    # 0 seconds: counted on every page.
    settings.UNIONWORK_BADGE_FRESH_SECONDS = 0
    with audit.acting_as(None, "test"):
        notifications.notify([admin], source="test", key="t:zero", title="演示提醒", url="/founding/")
    assert _badge(client) == first + 2


BADGE_LOADER = 'hx-get="/notifications/badge/"'


def _top_bar_badge(html: str) -> int | None:
    """The count a page's top bar shows as rendered, or None when it asks for it after loading."""
    bell = html[html.index('data-testid="notification-badge"') :]
    bell = bell[: bell.index("</a>")]
    if BADGE_LOADER in bell:
        return None
    return int(re.search(r'data-count="(\d+)"', bell).group(1))


def test_a_page_within_the_minute_shows_the_badge_without_asking_again(client, settings):
    """While the session's count is fresh the top bar carries it (no request after the page);
    once stale, or after the user's own change, the bar asks for it after the page loads."""
    settings.UNIONWORK_BADGE_FRESH_SECONDS = 60
    admin = demo_user("gjz_admin")
    client.force_login(admin)
    assert _top_bar_badge(client.get("/orgs/").content.decode()) is None  # nothing counted yet
    counted = _badge(client)
    assert counted == notifications.badge_count(admin)
    page = client.get("/orgs/").content.decode()
    assert _top_bar_badge(page) == counted and BADGE_LOADER not in page
    later = timezone.now() + datetime.timedelta(seconds=61)
    with unittest_mock.patch("django.utils.timezone.now", return_value=later):
        assert _top_bar_badge(client.get("/orgs/").content.decode()) is None
    _badge(client)
    with audit.acting_as(None, "test"):
        notifications.notify([admin], source="test", key="t:own", title="演示提醒", url="/founding/")
    notice = Notice.objects.get(user=admin, key="t:own")
    assert client.post(f"/notifications/{notice.pk}/read/").status_code == 302  # the user's own change
    assert _top_bar_badge(client.get("/orgs/").content.decode()) is None
    settings.UNIONWORK_BADGE_FRESH_SECONDS = 0  # counted on every page: the bar always asks
    _badge(client)
    assert _top_bar_badge(client.get("/orgs/").content.decode()) is None


def test_a_reminder_opens_once_and_belongs_to_its_user(client):
    admin = demo_user("gjz_admin")
    with audit.acting_as(None, "test"):
        notifications.notify([admin], source="test", key="t:2", title="演示提醒", url="/founding/targets/")
    note = Notice.objects.get(user=admin, key="t:2")
    client.force_login(demo_user("zs_admin"))
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 404
    client.force_login(admin)
    before = notifications.badge_count(admin)
    resp = client.post(f"/notifications/{note.pk}/read/")
    assert resp.status_code == 302 and resp["Location"] == "/founding/targets/"
    assert notifications.badge_count(admin) == before - 1


def test_reminder_steps():
    d = datetime.date(2026, 9, 30)
    step = notifications.reminder_step
    assert step(datetime.date(2026, 8, 30), d) is None  # 31 days before
    assert step(datetime.date(2026, 8, 31), d) == 30
    assert step(datetime.date(2026, 9, 2), d) == 30  # a scheduler down on day 30 catches up
    assert step(datetime.date(2026, 9, 23), d) == 7
    assert step(datetime.date(2026, 9, 29), d) == 1
    assert step(datetime.date(2026, 9, 30), d) == 1
    assert step(datetime.date(2026, 10, 1), d) is None


def test_deadline_reminders_reach_the_responsible_units_once(settings):
    settings.UNIONWORK_REMIND_DAYS = (30, 7, 1)
    gjz, zs = unit("210211"), unit("210202")
    with audit.acting_as(None, "test"):
        t = founding_actions.set_target(
            None, unit=gjz, year=2026, target=5, deadline=datetime.date(2026, 9, 30)
        )
        # Card coverage: 甘井子区 5 of 100, 中山区 all covered.
        indicators.bump("members.card_coverage", gjz.path, "", 5, 100, when=datetime.date(2026, 8, 1))
        indicators.bump("members.card_coverage", zs.path, "", 100, 100, when=datetime.date(2026, 8, 1))
    send = notifications.send_reminders
    day = datetime.date(2026, 8, 25)  # card deadline in 6 days, founding deadlines in 36
    first = send(day)
    gjz_admin = demo_user("gjz_admin")
    cards = Notice.objects.filter(source="members.cards")
    assert set(cards.values_list("user__username", flat=True)) == {"gjz_admin", "gjz_editor"}
    assert first["created"] == cards.count() and not Notice.objects.filter(source="founding.target").exists()
    assert send(day)["created"] == 0, "the same day twice sends nothing twice"
    assert send(datetime.date(2026, 8, 26))["created"] == 0, "still the 7-day step"
    # 30 days before the target's deadline: the target's unit is reminded; 中山区 never.
    send(datetime.date(2026, 8, 31))
    target_notes = Notice.objects.filter(source="founding.target")
    assert set(target_notes.values_list("user__username", flat=True)) == {"gjz_admin", "gjz_editor"}
    assert f"/founding/targets/unit/{gjz.pk}/" in target_notes.first().url
    assert not Notice.objects.filter(user__org=zs).exists()
    assert not Notice.objects.filter(user__username__in=["gjz_viewer", "gjz_reviewer"]).exists()
    send(datetime.date(2026, 9, 29))  # the 1-day step
    assert target_notes.count() == 4
    # Reminders count in the badge until read, and stop once the deadline has passed.
    now = at(2026, 9, 29, 9, 0)
    assert notifications.collect(gjz_admin, now)[-1].source.key == "core.notices"
    after = timezone.make_aware(datetime.datetime(2026, 10, 1, 9, 0))
    assert "core.notices" not in {g.source.key for g in notifications.collect(gjz_admin, after)}
    assert t.pk


def test_the_founding_deadline_reminds_districts_below_the_target():
    gjz, zs = unit("210211"), unit("210202")
    with audit.acting_as(None, "test"):
        indicators.bump("founding.rate", gjz.path, "", 10, 100, when=datetime.date(2026, 9, 1))
        indicators.bump("founding.rate", zs.path, "", 95, 100, when=datetime.date(2026, 9, 1))
    notifications.send_reminders(datetime.date(2026, 9, 23))
    notes = Notice.objects.filter(source="founding.rate")
    assert set(notes.values_list("user__username", flat=True)) == {"gjz_admin", "gjz_editor"}
    assert "10.0%" in notes.first().title and notes.first().due_on == datetime.date(2026, 9, 30)
    notifications.send_reminders(datetime.date(2026, 9, 24))
    assert notes.count() == 2


def test_the_scheduler_enqueues_each_daily_job_once(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    daily = {
        "core.deadline_reminders",
        "core.purge_import_files",
        "core.purge_export_files",
        "core.purge_security_events",
        "members.hand_over_floating",
        "stability.reminders",
        "bargaining.recount",
        "documents.overdue",
        "stations.recount",
        "building.expire_grades",
        "visits.overdue_deeds",
    }
    hourly = {"core.audit_anchor", "core.recover_imports", "core.recover_exports"}

    def runs(slot_prefix):
        return set(ScheduledRun.objects.filter(slot__startswith=slot_prefix).values_list("job", flat=True))

    out = io.StringIO()
    early = at(2026, 8, 25, 2, 0).isoformat()  # before every daily job's hour: only the hourly one
    call_command("scheduler", "--once", "--at", early, stdout=out)
    assert set(ScheduledRun.objects.values_list("job", flat=True)) == hourly
    call_command("scheduler", "--once", "--at", at(2026, 8, 25, 8, 0).isoformat(), stdout=out)
    call_command("scheduler", "--once", "--at", at(2026, 8, 25, 8, 30).isoformat(), stdout=out)
    call_command("scheduler", "--once", "--at", at(2026, 8, 25, 15, 0).isoformat(), stdout=out)
    assert runs("2026-08-25") - hourly == daily
    assert ScheduledRun.objects.filter(job__in=daily).count() == len(
        daily
    )  # once a day, however often it looks
    # each hourly job once in each of the hours 02, 08 and 15, not again at 08:30
    assert ScheduledRun.objects.filter(job__in=hourly).count() == 3 * len(hourly)
    names = list(DBTaskResult.objects.values_list("task_path", flat=True))
    assert len(names) == len(daily) + 3 * len(hourly) and any(
        n.endswith("send_deadline_reminders") for n in names
    )
    assert len(re.findall("enqueued", out.getvalue())) == len(daily) + 3 * len(hourly)
    call_command("scheduler", "--once", "--at", at(2026, 8, 26, 8, 0).isoformat(), stdout=out)
    assert ScheduledRun.objects.filter(job__in=daily).count() == 2 * len(daily)
    assert DBTaskResult.objects.count() == 2 * len(daily) + 4 * len(hourly)


def test_the_scheduled_job_runs_the_reminders_through_the_worker_backend():
    """With the immediate backend (tests), the scheduler's enqueue runs the reminders at once."""
    gjz = unit("210211")
    with audit.acting_as(None, "test"):
        indicators.bump("members.card_coverage", gjz.path, "", 5, 100, when=datetime.date(2026, 8, 1))
    call_command("scheduler", "--once", "--at", at(2026, 8, 25, 8, 0).isoformat(), stdout=io.StringIO())
    assert Notice.objects.filter(source="members.cards", user__username="gjz_admin").count() == 1
    call_command("scheduler", "--once", "--at", at(2026, 8, 25, 9, 0).isoformat(), stdout=io.StringIO())
    assert Notice.objects.filter(source="members.cards", user__username="gjz_admin").count() == 1
