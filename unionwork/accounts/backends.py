"""Login with lockout, counted atomically per account and per client address.

Each attempt first *reserves* a place under a row lock (the account's row, or a LoginThrottle row
for an address or an unknown user name) and only then has its password checked. An attempt that
finds the account or address locked, or finds the configured number of attempts already spent or
in flight, is refused without checking the password. So however many attempts arrive in parallel,
at most LOGIN_MAX_FAILURES passwords are evaluated before the lock, and none after it.

Unknown user names are counted and locked exactly like accounts, so that the refusal does not tell
whether an account exists. Events go to the 'unionwork.security' logger. The counting and the
locks are writes, so they live in ``accounts.actions`` (each step one transaction, a lock audited).
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from unionwork.accounts import actions
from unionwork.core import security

log = logging.getLogger("unionwork.security")


class AccountLocked(PermissionDenied):
    pass


def client_address(request) -> str:
    """The client's address. Behind a reverse proxy the proxy must set REMOTE_ADDR (see docs)."""
    return (request.META.get("REMOTE_ADDR") or "unknown") if request is not None else "unknown"


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
        allowed = actions.reserve_login_attempt(user_id, addr_key, addr_limit, name_key)
        if not allowed:
            log.warning("login refused (locked) username=%r address=%s", username, address)
            self._mark_locked(request)  # user_login_failed is recorded by core.security with this reason
            # PermissionDenied stops Django from trying other backends and reports a failed login.
            raise AccountLocked
        authed = super().authenticate(request, username=username, password=password, **kwargs)
        if authed is not None:
            actions.record_login_success(authed.pk, addr_key)
            return authed
        locked_by = actions.record_login_failure(user_id, addr_key, addr_limit, name_key)
        log.warning("login failed username=%r address=%s", username, address)
        if locked_by:
            log.warning(
                "login lockout username=%r address=%s (%s)",
                username,
                address,
                locked_by,
            )
            security.record(
                "lockout",
                request,
                user=User.objects.filter(pk=user_id).first() if user_id else None,
                username=username,
                by=locked_by,
            )
            self._mark_locked(request)
            raise AccountLocked
        return None

    @staticmethod
    def _mark_locked(request):
        if request is not None:
            request.login_locked = True
            request._uw_login_refusal = "locked"
