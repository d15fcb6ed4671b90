"""Scope: the part of the organisation tree a user may see and change.

One mechanism for every model. A scoped model's manager is built from :class:`ScopedQuerySet`
and names the field that holds the materialised path of the org unit a record belongs to
(``scope_path_field``) and, where records can belong to an industrial union across districts,
the field holding the industrial path (``scope_ipath_field``). Every list, detail, export,
search, API call and chart starts from ``Model.objects.restrict(user, action)``.

A path is the chain of org unit ids from the root, e.g. ``/1/12/340/``; a subtree is every
path that starts with its root's path. An industrial union's user sees its own subtree and the
units whose industrial path starts with its path (grassroots unions linked to it, anywhere).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.http import Http404

# Roles and what they allow. An account has one or more roles.
ADMINISTRATOR = "administrator"
EDITOR = "editor"
REVIEWER = "reviewer"
VIEWER = "viewer"
ROLES = (ADMINISTRATOR, EDITOR, REVIEWER, VIEWER)

ACTION_ROLES = {
    "view": set(ROLES),
    "change": {ADMINISTRATOR, EDITOR},
    "review": {ADMINISTRATOR, REVIEWER},
    "manage": {ADMINISTRATOR},
}


def user_paths(user) -> tuple[str, ...]:
    """The path of the user's node, or nothing for an anonymous or unattached account."""
    if not getattr(user, "is_authenticated", False):
        return ()
    path = getattr(user, "org_path", "")
    return (path,) if path else ()


def user_may(user, action: str) -> bool:
    """Whether the user's roles allow ``action`` at all (scope aside)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    allowed = ACTION_ROLES.get(action)
    if allowed is None:
        raise ValueError(f"unknown action {action!r}")
    return bool(allowed & set(user.role_names()))


def scope_q(user, path_field: str, ipath_field: str | None = None) -> Q:
    """The filter that keeps what lies in the user's part of the tree."""
    paths = user_paths(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= Q(**{f"{path_field}__startswith": p})
        if ipath_field:
            q |= Q(**{f"{ipath_field}__startswith": p})
    return q


def path_in_scope(user, path: str, ipath: str = "") -> bool:
    """The same rule as :func:`scope_q`, for one path already in memory."""
    for p in user_paths(user):
        if path.startswith(p) or (ipath and ipath.startswith(p)):
            return True
    return False


def check(user, path: str, ipath: str = "", action: str = "change", what: str = "") -> None:
    """Refuse a change unless the user's roles allow ``action`` and ``path`` lies in scope.

    The one check every module's actions call before writing. ``user`` None is the system
    (commands, tasks, demo data): the audit context still names it. ``what`` names the record
    in the message (for example “该组织”); the refusal is an ``ActionError`` with a code
    (``forbidden`` becomes a 403 in the API, ``out_of_scope`` a 400).
    """
    if user is None:
        return
    from django.utils.translation import gettext as _

    from unionwork.core.errors import ActionError

    if not user_may(user, action):
        raise ActionError(_("您的角色无权执行此操作。"), code="forbidden")
    if not path_in_scope(user, path, ipath):
        raise ActionError(
            _("%(what)s不在您的管辖范围内。") % {"what": what or _("该记录")}, code="out_of_scope"
        )


def allows(user, action: str, path: str | None = None, ipath: str = "") -> bool:
    """Whether :func:`check` would let the user do ``action`` (at ``path``, if given).

    What pages use to decide which buttons and links to show, so that a page offers exactly what
    the actions accept. Without a path only the role is asked (a page listing the user's scope).
    """
    if not user_may(user, action):
        return False
    return path is None or path_in_scope(user, path, ipath)


def object_paths(obj) -> tuple[str, str] | None:
    """(path, industrial path) of a scoped record, read through its queryset's declared fields."""
    meta = getattr(obj, "_meta", None)
    qs_class = (
        type(meta.default_manager.all()) if meta is not None and meta.default_manager is not None else None
    )
    field = getattr(qs_class, "scope_path_field", None)
    if field is None or not issubclass(qs_class, ScopedQuerySet):  # not a scoped record
        return None

    def read(dotted: str | None) -> str:
        value = obj
        for part in (dotted or "").split("__"):
            if not part or value is None:
                return ""
            value = getattr(value, part, None)
        return value or ""

    return read(field), read(qs_class.scope_ipath_field)


def allows_on(user, action: str, obj=None) -> bool:
    """:func:`allows` for a record (its path from its queryset), or for the role alone."""
    paths = object_paths(obj) if obj is not None else None
    if paths is None:
        return allows(user, action)
    return allows(user, action, *paths)


class ScopedQuerySet(models.QuerySet):
    scope_path_field = "org_path"
    scope_ipath_field: str | None = None

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Only the records in the user's scope that the user's roles allow ``action`` on."""
        if not user_may(user, action):
            return self.none()
        return self.filter(scope_q(user, self.scope_path_field, self.scope_ipath_field))

    def get_in_scope(self, user, action: str = "view", **lookup):
        """One record in scope, or 404: never a 403 that confirms it exists."""
        try:
            return self.restrict(user, action).get(**lookup)
        except self.model.DoesNotExist as exc:
            # A record that exists outside the user's scope: a refused access, logged.
            from unionwork.core import security

            security.refused_out_of_scope(self.model, lookup, user)
            raise Http404 from exc
        except (ValueError, TypeError) as exc:
            raise Http404 from exc
