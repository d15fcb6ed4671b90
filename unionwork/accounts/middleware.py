"""Session lifetime: besides the idle timeout (SESSION_COOKIE_AGE, renewed on each request), a
session ends SESSION_ABSOLUTE_SECONDS after its login however active it was."""

import logging
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url

SESSION_STARTED = "uw_auth_started"
HAS_DEVICE = "uw_has_2fa"  # whether the account had a confirmed TOTP device at login
log = logging.getLogger("unionwork.security")


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = int(time.time())
        request.session.pop(HAS_DEVICE, None)  # read again for this login


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED)
            if started is None or time.time() - started > settings.SESSION_ABSOLUTE_SECONDS:
                # No stamp means a session from before this rule: it ends too.
                log.info("session ended (absolute lifetime) username=%r", user.get_username())
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(request.get_full_path())}")
        return self.get_response(request)


# While the second factor is pending, only these paths answer (the rest redirect to them).
SECOND_FACTOR_OPEN = ("/accounts/2fa/", "/accounts/logout/", "/static/", "/api/", "/healthz", "/i18n/")


class SecondFactorMiddleware:
    """After the password, an account that must use a second factor sees no page before its code.

    Needs django_otp.middleware.OTPMiddleware before it (request.user.is_verified()).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(SECOND_FACTOR_OPEN)
            and not user.is_verified()
            and self._required(request, user)
        ):
            if request.headers.get("HX-Request"):
                # A fragment the page asks for (the top bar's badge): nothing, not the set-up page.
                return HttpResponse(status=204)
            target = "accounts:2fa-verify" if request.session.get(HAS_DEVICE) else "accounts:2fa-setup"
            return redirect(f"{resolve_url(target)}?next={quote(request.get_full_path())}")
        return self.get_response(request)

    @staticmethod
    def _required(request, user) -> bool:
        """Whether the account must give a code; whether it has a device is read once per session
        (at login), not on every request."""
        from unionwork.accounts import twofactor

        if HAS_DEVICE not in request.session:
            request.session[HAS_DEVICE] = twofactor.has_second_factor(user)
        return request.session[HAS_DEVICE] or (
            settings.UNIONWORK_REQUIRE_ADMIN_2FA and twofactor.is_administrator(user)
        )
