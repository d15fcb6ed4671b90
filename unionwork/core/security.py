"""Security events: the one place they are recorded (issue 10, point 3).

:func:`record` writes one :class:`~unionwork.core.models.SecurityEvent` row (who, from where,
when, what) and one JSON line on the ``unionwork.security`` logger, which settings LOGGING sends to
a file under var/ and the console for the operator to ship off the machine. Every producer calls
it: login signals, the lockout backend, unlocking, the 403 responses and out-of-scope 404s seen by
:class:`SecurityEventMiddleware`, API token use, unmasking of ID numbers. One insert per event and
none for an ordinary successful page view.

A record made inside a transaction during a request (a 404 raised inside ``atomic`` rolls it
back) is held and written by the middleware once the response is made, outside that transaction.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging

from django.conf import settings
from django.db import connection
from django.utils import timezone

log = logging.getLogger("unionwork.security")

MIN_KEEP_DAYS = 180  # Cybersecurity Law art. 21: network logs kept at least six months

_request: contextvars.ContextVar = contextvars.ContextVar("unionwork_security_request", default=None)
_pending: contextvars.ContextVar = contextvars.ContextVar("unionwork_security_pending", default=None)


def client_ip(request) -> str | None:
    """The client address: REMOTE_ADDR, or behind a proxy the header it sets
    (UNIONWORK_CLIENT_IP_HEADER, e.g. HTTP_X_FORWARDED_FOR: its last address, the one the proxy added)."""
    if request is None:
        return None
    header = getattr(settings, "UNIONWORK_CLIENT_IP_HEADER", "")
    value = request.META.get(header, "") if header else ""
    value = value.split(",")[-1].strip() if value else request.META.get("REMOTE_ADDR", "")
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_ipv46_address

    try:
        validate_ipv46_address(value)
    except ValidationError:
        return None
    return value


def current_request():
    return _request.get()


def record(kind: str, request=None, user=None, username: str | None = None, **details):
    """Record one security event of ``kind`` (a :class:`SecurityEvent.Kind` value).

    ``user`` is the account the event is about (default: the request's user); ``username`` the name
    given when there is no account (a failed login of an unknown name). ``details`` say what
    (JSON-serialisable, never a secret or an ID number).
    """
    from unionwork.core.models import SecurityEvent

    request = request if request is not None else _request.get()
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if getattr(candidate, "is_authenticated", False):
            user = candidate
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    event = SecurityEvent(
        at=timezone.now(),
        kind=kind,
        user=user,
        username=(user.get_username() if user is not None else (username or ""))[:150],
        org_path=(getattr(user, "org_path", "") or "") if user is not None else "",
        ip=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:255],
        method=(request.method or "")[:10] if request is not None else "",
        path=request.get_full_path()[:500] if request is not None else "",
        detail={k: v for k, v in details.items() if v is not None},
    )
    pending = _pending.get()
    if pending is not None and connection.in_atomic_block:
        pending.append(event)  # written by the middleware, outside a transaction that may roll back
    else:
        _write(event)
    return event


def _write(event) -> None:
    event.save(force_insert=True)
    line = as_line(event)
    # The message is the JSON line itself, so the console shows what the file holds.
    log.info(json.dumps(line, ensure_ascii=False, default=str), extra={"security_event": line})


def as_line(event) -> dict:
    return {
        "at": event.at.isoformat(),
        "kind": event.kind,
        "user": event.username,
        "user_id": event.user_id,
        "org_path": event.org_path,
        "ip": event.ip,
        "method": event.method,
        "path": event.path,
        "user_agent": event.user_agent,
        "detail": event.detail,
    }


class SecurityEventMiddleware:
    """Knows the request for events recorded deeper down; records refused accesses (403); writes
    the events held during the request once its response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        req_token = _request.set(request)
        pending_token = _pending.set([])
        try:
            response = self.get_response(request)
            if response.status_code == 403:
                record(
                    "forbidden",
                    request,
                    reason=getattr(response, "reason_phrase", "") or None,
                )
            return response
        finally:
            pending = _pending.get() or []
            _pending.reset(pending_token)
            _request.reset(req_token)
            for event in pending:
                try:
                    _write(event)
                except Exception:  # a lost event must not turn the user's response into a 500
                    log.exception("security event not written: %s", event.kind)


def refused_out_of_scope(model, lookup: dict, user) -> None:
    """get_in_scope found nothing in scope: if the record exists outside it, that is a refused
    access (one more query, on the 404 path only)."""
    try:
        exists = model._default_manager.filter(**lookup).exists()
    except (ValueError, TypeError):
        return
    if exists:
        pk = lookup.get("pk", lookup.get("id"))
        record(
            "out_of_scope",
            user=user if getattr(user, "is_authenticated", False) else None,
            model=model._meta.label_lower,
            object_id=str(pk) if pk is not None else None,
            lookup=None if pk is not None else ",".join(sorted(lookup)),
        )


def keep_days() -> int:
    return max(MIN_KEEP_DAYS, int(getattr(settings, "UNIONWORK_SECURITY_EVENT_DAYS", MIN_KEEP_DAYS)))


def purge(now: datetime.datetime | None = None) -> int:
    """Delete events older than the kept period (never shorter than 180 days)."""
    from unionwork.core.models import SecurityEvent

    now = now or timezone.now()
    deleted, _ = SecurityEvent.objects.filter(at__lt=now - datetime.timedelta(days=keep_days())).delete()
    return deleted


# Login signals: every login path of Django (form, admin, a later django-axes) sends them.
def _on_login(sender, request, user, **kwargs):
    record("login", request, user=user)


def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record("logout", request, user=user)


def _on_login_failed(sender, credentials, request=None, **kwargs):
    from django.contrib.auth import get_user_model

    name = str((credentials or {}).get("username") or "")[:150]
    account = get_user_model().objects.filter(username=name).select_related("org").first() if name else None
    reason = getattr(request, "_uw_login_refusal", None) if request is not None else None
    record("login_failed", request, user=account, username=name, reason=reason or "bad_credentials")


def connect_signals() -> None:
    from django.contrib.auth import signals

    signals.user_logged_in.connect(_on_login, dispatch_uid="uw_security_login")
    signals.user_logged_out.connect(_on_logout, dispatch_uid="uw_security_logout")
    signals.user_login_failed.connect(_on_login_failed, dispatch_uid="uw_security_login_failed")
