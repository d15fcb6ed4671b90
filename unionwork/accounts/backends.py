"""Login with lockout: after LOGIN_MAX_FAILURES failed attempts an account is locked for a while."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from unionwork.core import security


class AccountLocked(PermissionDenied):
    pass


class LockoutModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        user = User.objects.filter(username=username).first()
        now = timezone.now()
        if user is not None and user.locked_until and user.locked_until > now:
            # PermissionDenied stops Django from trying other backends and reports a failed login
            # (user_login_failed, recorded by core.security with this reason).
            if request is not None:
                request._uw_login_refusal = "locked"
            raise AccountLocked
        authed = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            return None
        if authed is None:
            failures = user.failed_logins + 1
            locked = (
                now + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
                if failures >= settings.LOGIN_MAX_FAILURES
                else None
            )
            User.objects.filter(pk=user.pk).update(
                failed_logins=0 if locked else failures, locked_until=locked
            )
            if locked:
                security.record("lockout", request, user=user, failures=failures, until=locked.isoformat())
                raise AccountLocked
            return None
        if user.failed_logins or user.locked_until:
            User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        return authed
