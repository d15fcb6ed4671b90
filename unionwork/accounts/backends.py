"""Login with lockout, counted atomically per account and per client address.

Each attempt first *reserves* a place under a row lock (the account's row, or a LoginThrottle row
for an address or an unknown user name) and only then has its password checked. An attempt that
finds the account or address locked, or finds the configured number of attempts already spent or
in flight, is refused without checking the password. So however many attempts arrive in parallel,
at most LOGIN_MAX_FAILURES passwords are evaluated before the lock, and none after it.

Unknown user names are counted and locked exactly like accounts, so that the refusal does not tell
whether an account exists. Events go to the 'unionwork.security' logger.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from unionwork.core import security

from .models import LoginThrottle

log = logging.getLogger("unionwork.security")


class AccountLocked(PermissionDenied):
    pass


def client_address(request) -> str:
    """The client's address. Behind a reverse proxy the proxy must set REMOTE_ADDR (see docs)."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


def _lock_span() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def _throttle_row(key: str) -> LoginThrottle:
    """The throttle row for ``key``, locked for update (created when missing, races tolerated)."""
    if not LoginThrottle.objects.filter(key=key).exists():
        try:
            with transaction.atomic():
                LoginThrottle.objects.create(key=key)
        except IntegrityError:
            pass  # another attempt created it first
    return LoginThrottle.objects.select_for_update().get(key=key)


def _reserve_throttle(key: str, limit: int) -> bool:
    now = timezone.now()
    row = _throttle_row(key)
    if row.locked_until and row.locked_until > now:
        return False
    if row.locked_until or (row.last_failure_at and row.last_failure_at < now - _lock_span()):
        row.failures, row.locked_until = 0, None  # the lock or the counting window has passed
    if row.failures >= limit:
        return False  # the last allowed attempts are still being checked
    row.failures += 1
    row.last_failure_at = now
    row.save(update_fields=["failures", "locked_until", "last_failure_at"])
    return True


def _reserve_user(user_id: int) -> bool:
    User = get_user_model()
    now = timezone.now()
    user = User.objects.select_for_update().only("failed_logins", "locked_until").get(pk=user_id)
    if user.locked_until and user.locked_until > now:
        return False
    failures = 0 if user.locked_until else user.failed_logins
    if failures >= settings.LOGIN_MAX_FAILURES:
        return False
    User.objects.filter(pk=user_id).update(failed_logins=failures + 1, locked_until=None)
    return True


def _after_failure_throttle(key: str, limit: int) -> bool:
    row = LoginThrottle.objects.select_for_update().get(key=key)
    if row.failures >= limit and not row.locked_until:
        row.locked_until = timezone.now() + _lock_span()
        row.save(update_fields=["locked_until"])
        return True
    return False


def _after_failure_user(user_id: int) -> bool:
    User = get_user_model()
    user = User.objects.select_for_update().only("failed_logins", "locked_until").get(pk=user_id)
    if user.failed_logins >= settings.LOGIN_MAX_FAILURES and not user.locked_until:
        User.objects.filter(pk=user_id).update(locked_until=timezone.now() + _lock_span())
        return True
    return False


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = client_address(request)
        addr_key = f"addr:{address}"
        addr_limit = settings.LOGIN_MAX_FAILURES_PER_ADDRESS
        user_id = User.objects.filter(username=username).values_list("pk", flat=True).first()
        name_key = f"name:{username.lower()[:200]}"
        with transaction.atomic():
            allowed = _reserve_throttle(addr_key, addr_limit)
            if allowed:
                allowed = (
                    _reserve_user(user_id)
                    if user_id
                    else _reserve_throttle(name_key, settings.LOGIN_MAX_FAILURES)
                )
        if not allowed:
            log.warning("login refused (locked) username=%r address=%s", username, address)
            self._mark_locked(request)  # user_login_failed is recorded by core.security with this reason
            # PermissionDenied stops Django from trying other backends and reports a failed login.
            raise AccountLocked
        authed = super().authenticate(request, username=username, password=password, **kwargs)
        if authed is not None:
            with transaction.atomic():
                User.objects.filter(pk=authed.pk).update(failed_logins=0, locked_until=None)
                # The address's attempt was not a failure; give it back (its lock, if any, stays).
                LoginThrottle.objects.select_for_update().filter(key=addr_key, failures__gt=0).update(
                    failures=F("failures") - 1
                )
            return authed
        with transaction.atomic():
            locked_addr = _after_failure_throttle(addr_key, addr_limit)
            locked_name = (
                _after_failure_user(user_id)
                if user_id
                else _after_failure_throttle(name_key, settings.LOGIN_MAX_FAILURES)
            )
        log.warning("login failed username=%r address=%s", username, address)
        if locked_addr or locked_name:
            log.warning(
                "login lockout username=%r address=%s (%s)",
                username,
                address,
                "address" if locked_addr else "account",
            )
            security.record(
                "lockout",
                request,
                user=User.objects.filter(pk=user_id).first() if user_id else None,
                username=username,
                by="address" if locked_addr else "account",
            )
            self._mark_locked(request)
            raise AccountLocked
        return None

    @staticmethod
    def _mark_locked(request):
        if request is not None:
            request.login_locked = True
            request._uw_login_refusal = "locked"
