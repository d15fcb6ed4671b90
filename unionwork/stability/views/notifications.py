"""The user's stability notifications."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from unionwork.stability import actions, queries


@require_safe
def notifications(request):
    return render(
        request,
        "stability/notifications.html",
        {
            "notifications": queries.notifications_for(request.user, limit=200),
        },
    )


@require_POST
def notification_read(request, pk):
    note = queries.notification_of(request.user, pk)
    if note is None:
        raise Http404
    actions.mark_read(request.user, pk)
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("stability:notifications")


@require_POST
def notifications_read_all(request):
    actions.mark_read(request.user)
    return redirect("stability:notifications")
