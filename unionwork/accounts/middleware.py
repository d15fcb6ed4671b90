"""Session lifetime: besides the idle timeout (SESSION_COOKIE_AGE, renewed on each request), a
session ends SESSION_ABSOLUTE_SECONDS after its login however active it was."""

import logging
import time
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url

SESSION_STARTED = "uw_auth_started"
log = logging.getLogger("unionwork.security")


@receiver(user_logged_in)
def _stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = int(time.time())


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
