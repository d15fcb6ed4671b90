"""What awaits a user (the badge in the top bar and /notifications/), and deadline reminders.

Core knows no module: each module declares, in its own ``notifications.py`` (autodiscovered
like ``indicators.py``), the

* **sources** of what awaits a user now (:class:`Source`: reports due, cases overdue,
  confirmations to give): ``count(user, now)`` for the badge, a few indexed queries at most, and
  ``items(user, now, limit)`` for the page, the same things one by one. Both read through the
  scope mechanism (``Model.objects.restrict(user, ...)``), so a user never counts what lies
  outside their part of the tree;
* **reminders** of deadlines (:class:`ReminderSource`): given a day, the deadlines that fall
  within the reminder window and the units responsible for them. :func:`send_reminders` (run
  daily by the scheduler, see :mod:`unionwork.core.schedule`) writes one :class:`Notice` per
  user, subject and step (30, 7 and 1 days before by default): the unique key makes a second
  run send nothing twice. Unread notices are a source of the badge themselves (core's own).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionwork.core.models import Notice
from unionwork.core.registry import Registry

# Roles that act on a deadline (the ones reminded): the administrators and data-entry staff.
ACTING_ROLES = {"administrator", "editor"}
DEFAULT_REMIND_DAYS = (30, 7, 1)


@dataclass
class Item:
    """One thing awaiting the user, with the link where it is done."""

    title: str
    url: str = ""
    detail: str = ""
    level: str = "warning"  # danger, warning, info (Bootstrap colours)
    due: datetime.date | None = None
    post: bool = False  # the link marks a message read (POST) before it opens what it is about


@dataclass
class Source:
    """What awaits a user now, declared by a module. ``count`` must equal ``len(items)`` when
    nothing is cut by ``limit`` (a test holds every source to it)."""

    key: str
    label: str
    count: Callable[[object, datetime.datetime], int]
    items: Callable[[object, datetime.datetime, int], list[Item]]
    more_url: str = ""  # the full list, linked when more than ``limit`` items wait
    order: int = 100


@dataclass
class Reminder:
    """A deadline to remind ``unit_ids`` of: ``subject`` identifies it without the step."""

    subject: str
    unit_ids: list[int]
    title: str
    body: str
    url: str
    due_on: datetime.date


@dataclass
class ReminderSource:
    key: str
    collect: Callable[[datetime.date], Iterable[Reminder]]


@dataclass
class Group:
    source: Source
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


SOURCES = Registry("notification source")
REMINDERS = Registry("reminder source")


def register(source: Source) -> Source:
    """Declare a source (in a module's notifications.py, collected by core.registry.declare)."""
    return SOURCES.add(source.key, source)


def register_reminders(source: ReminderSource) -> ReminderSource:
    return REMINDERS.add(source.key, source)


def sources() -> list[Source]:
    return sorted(SOURCES.values(), key=lambda s: (s.order, s.key))


def reminder_sources() -> list[ReminderSource]:
    return REMINDERS.values()


def badge_count(user, now: datetime.datetime | None = None) -> int:
    """The number in the top bar: the sum of every source's count for the user."""
    if not getattr(user, "is_authenticated", False):
        return 0
    now = now or timezone.now()
    return sum(s.count(user, now) for s in sources())


# -- the badge of a session ---------------------------------------------------------------------
# The top bar loads the badge after every page (htmx): counting every source took 100-130 ms of
# server time at city scale (20-23 queries), as much again as the page itself. A session keeps
# its count for ``UNIONWORK_BADGE_FRESH_SECONDS`` (60 by default); the user's own change (any
# POST, :class:`unionwork.core.middleware.BadgeFreshnessMiddleware`) and a visit to the
# notifications page count afresh, so only what others do reaches the badge up to a minute late.
_BADGE_KEY = "uw_badge"


def badge_fresh_seconds() -> int:
    return max(0, int(getattr(settings, "UNIONWORK_BADGE_FRESH_SECONDS", 60)))


def fresh_badge(request) -> int | None:
    """The session's badge while it is fresh, without counting; None when it must be counted.
    A page rendered within the minute shows it in its top bar and asks nothing after it loads."""
    session = getattr(request, "session", None)
    kept = session.get(_BADGE_KEY) if session is not None else None
    if kept and 0 <= timezone.now().timestamp() - kept[1] < badge_fresh_seconds():
        return int(kept[0])
    return None


def session_badge_count(request) -> int:
    """The badge of the request's user: the session's count while it is fresh, else counted."""
    n = fresh_badge(request)
    if n is not None:
        return n
    n = badge_count(request.user)
    keep_session_badge(request, n)
    return n


def keep_session_badge(request, n: int | None) -> None:
    """Keep ``n`` as the session's badge from now, or forget it (None): the next page counts."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if n is None:
        session.pop(_BADGE_KEY, None)
    elif badge_fresh_seconds():
        session[_BADGE_KEY] = [int(n), timezone.now().timestamp()]


def collect(user, now: datetime.datetime | None = None, limit: int = 50) -> list[Group]:
    """Every source with something waiting, with up to ``limit`` items each."""
    now = now or timezone.now()
    out = []
    for s in sources():
        n = s.count(user, now)
        if n:
            out.append(Group(s, n, s.items(user, now, limit)))
    return out


# -- reminders ----------------------------------------------------------------------------------
def remind_days() -> tuple[int, ...]:
    """How many days before a deadline reminders go out (settings.UNIONWORK_REMIND_DAYS)."""
    days = getattr(settings, "UNIONWORK_REMIND_DAYS", DEFAULT_REMIND_DAYS)
    return tuple(sorted({int(d) for d in days if int(d) >= 0}, reverse=True))


def reminder_step(today: datetime.date, deadline: datetime.date) -> int | None:
    """The reminder step a deadline is in today: the smallest configured number of days not
    below the days left (a scheduler that was down on day 30 still sends the 30-day reminder on
    day 28), or None outside the window or once the deadline passed."""
    left = (deadline - today).days
    if left < 0:
        return None
    steps = [d for d in remind_days() if d >= left]
    return min(steps) if steps else None


def window_end(today: datetime.date) -> datetime.date:
    days = remind_days()
    return today + datetime.timedelta(days=days[0] if days else 0)


def _acting_users(unit_ids: Iterable[int]) -> dict[int, list]:
    users: dict[int, list] = {}
    for u in get_user_model().objects.filter(org_id__in=set(unit_ids), is_active=True):
        if ACTING_ROLES & set(u.role_names()):
            users.setdefault(u.org_id, []).append(u)
    return users


def send_reminders(today: datetime.date | None = None) -> dict:
    """Write the reminders due today as notices; idempotent (one per user, subject and step)."""
    today = today or timezone.localdate()
    pending: list[tuple[Reminder, int]] = []
    for rs in reminder_sources():
        for r in rs.collect(today):
            step = reminder_step(today, r.due_on)
            if step is not None:
                pending.append((r, step))
    users = _acting_users(uid for r, _s in pending for uid in r.unit_ids)
    notices = []
    for r, step in pending:
        for uid in r.unit_ids:
            for u in users.get(uid, []):
                notices.append(
                    Notice(
                        user=u,
                        source=r.subject.split(":", 1)[0][:60],
                        key=f"{r.subject}:{r.due_on:%Y%m%d}:{step}"[:160],
                        title=r.title[:200],
                        body=r.body[:1000],
                        url=r.url[:300],
                        due_on=r.due_on,
                    )
                )
    before = Notice.objects.count()
    Notice.objects.bulk_create(notices, ignore_conflicts=True, batch_size=500)
    return {"reminders": len(pending), "notices": len(notices), "created": Notice.objects.count() - before}


def days_left_text(today: datetime.date, deadline: datetime.date) -> str:
    left = (deadline - today).days
    if left <= 0:
        return str(_("今天到期"))
    return str(_("还有 %(n)d 天")) % {"n": left}


# -- core's own source: unread reminders --------------------------------------------------------
def _unread(user, now):
    today = timezone.localdate(now)
    return Notice.objects.filter(user=user, read_at=None).filter(Q(due_on=None) | Q(due_on__gte=today))


def _notice_items(user, now, limit):
    return [
        Item(
            title=n.title,
            url=reverse("core:notice-read", args=[n.pk]),
            detail=n.body,
            level="warning" if n.due_on and (n.due_on - timezone.localdate(now)).days <= 7 else "info",
            due=n.due_on,
            post=True,
        )
        for n in _unread(user, now).order_by("due_on", "-id")[:limit]
    ]


register(
    Source(
        key="core.notices",
        label=_("期限提醒"),
        count=lambda user, now: _unread(user, now).count(),
        items=_notice_items,
        order=90,
    )
)


def notify(users: Iterable, *, source: str, key: str, title: str, body: str = "", url: str = "") -> int:
    """A one-off message to some users (a decision they should know of), once per user and key."""
    notices = [
        Notice(
            user=u,
            source=source[:60],
            key=key[:160],
            title=str(title)[:200],
            body=str(body)[:1000],
            url=url[:300],
        )
        for u in users
        if u is not None
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def mark_notice_read(user, pk: int) -> Notice:
    """Mark one of the user's own reminders read (someone else's: Http404). A user's own read
    marks are not record changes: no audit event, as for stability's ``mark_read``."""
    from django.http import Http404
    from django.utils import timezone

    note = Notice.objects.filter(user=user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    return note


def mark_all_notices_read(user) -> int:
    """Mark every unread reminder of the user read; returns how many."""
    from django.utils import timezone

    return Notice.objects.filter(user=user, read_at=None).update(read_at=timezone.now())
