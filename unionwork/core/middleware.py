from urllib.parse import quote

from django.conf import settings
from django.shortcuts import redirect, resolve_url

from unionwork.core import audit

PUBLIC_PREFIXES = ("/accounts/login", "/static/", "/api/", "/healthz")


class AuditActorMiddleware:
    """Every request acts as its user, so each change it makes is audited with who did it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "web"
        with audit.acting_as(getattr(request, "user", None), source):
            return self.get_response(request)


class BadgeFreshnessMiddleware:
    """A change made by the user (any request but GET, HEAD and OPTIONS) forgets the session's
    badge count, so the next page counts what awaits the user afresh (core/notifications.py)."""

    SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.SAFE:  # keep_session_badge asks whether there is a session
            from unionwork.core.notifications import keep_session_badge

            keep_session_badge(request, None)
        return self.get_response(request)


def _open_view(request) -> bool:
    """Whether the path resolves to a view marked ``login_not_required`` (``login_required`` False)."""
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "login_required", True) is False


class LoginRequiredMiddleware:
    """Every page needs a login, except the login page, static files, the API (token auth) and a
    view marked with Django's ``login_not_required`` (a page answered without an account, such as
    a union's member survey reached by its short link)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            not request.user.is_authenticated
            and not request.path.startswith(PUBLIC_PREFIXES)
            and not _open_view(request)
        ):
            return redirect(f"{resolve_url(settings.LOGIN_URL)}?next={quote(request.get_full_path())}")
        return self.get_response(request)
