"""Scope: the part of the organisation tree a user may see and change.

One rule for every model, for reading and for writing. A scoped model's manager is built from
:class:`ScopedQuerySet` and names the field that holds the materialised path of the org unit a
record belongs to (``scope_path_field``) and, where records can belong to an industrial union
across districts, the field holding the industrial path (``scope_ipath_field``). Every list,
detail, export, search, API call and chart starts from ``Model.objects.restrict(user, action)``,
and every write to a record that exists asks the same queryset (:func:`check_record`, NetBox's
``restrict(user, action).filter(pk=...).exists()``), so a page never offers what an action
refuses. What a module's records add to the rule is declared on its queryset
(:meth:`ScopedQuerySet.extra_scope_q`; :meth:`ScopedQuerySet.path_q` and
:meth:`ScopedQuerySet.ipath_q` for an equivalent cheaper form of the path tests), never by
overriding ``restrict``.

A path is the chain of org unit ids from the root, e.g. ``/1/12/340/``; a subtree is every
path that starts with its root's path. An industrial union's user sees its own subtree and the
units whose industrial path starts with its path (grassroots unions linked to it, anywhere).
"""

from __future__ import annotations

from django.db import connection, models
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


def _upper(prefix: str) -> str:
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_q(field: str, prefix: str) -> Q:
    """Records whose ``field`` starts with ``prefix``, in a form the database indexes.

    SQLite's LIKE uses an index only if the index is NOCASE, so ``startswith`` scans the table
    there; a range on the binary index gives the same rows and uses it. PostgreSQL uses the
    ``varchar_pattern_ops`` indexes for LIKE (a range would depend on the collation).
    """
    if not prefix:
        return Q()
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": _upper(prefix)})
    return Q(**{f"{field}__startswith": prefix})


class _AnyOfArray(models.Func):
    """``field = ANY(ARRAY(subquery))`` (PostgreSQL): the subquery runs once and the field's index
    is scanned for its values, so two such tests ORed together are a bitmap OR of two index scans,
    where an OR over joined tables made the planner read every row."""

    output_field = models.BooleanField()
    conditional = True

    def __init__(self, field: str, queryset):
        super().__init__(models.F(field), models.Subquery(queryset))

    def as_sql(self, compiler, connection, **extra_context):
        lhs, lhs_params = compiler.compile(self.source_expressions[0])
        rhs, rhs_params = compiler.compile(self.source_expressions[1])
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


def in_subquery_q(field: str, queryset) -> Q:
    """Records whose ``field`` (a column of their own table) is among the values ``queryset``
    selects: on PostgreSQL as ``= ANY(ARRAY(…))``, which its planner scans by index (see
    :class:`_AnyOfArray`); elsewhere as ``IN (subquery)``. For a model's :meth:`ScopedQuerySet.path_q`
    or ``ipath_q`` when its path lies on a related unit (an enterprise's community)."""
    if connection.vendor == "postgresql":
        return Q(_AnyOfArray(field, queryset))
    return Q(**{f"{field}__in": queryset})


def scope_q(user, path_field: str, ipath_field: str | None = None) -> Q:
    """The filter that keeps what lies in the user's part of the tree (the path rule alone).

    For a scoped model ask its queryset (``restrict``, or ``scope_filter`` for the bare filter),
    which adds what the model declares; this is for a path column outside a scoped model.
    """
    paths = user_paths(user)
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for p in paths:
        q |= prefix_q(path_field, p)
        if ipath_field:
            q |= prefix_q(ipath_field, p)
    return q


def path_in_scope(user, path: str, ipath: str = "") -> bool:
    """The path rule of :func:`scope_q` (and of every queryset's ``subtree_q``), for one path in
    memory: what :func:`check` asks of a record not created yet. A test holds the two equal over
    the whole tree (``core/tests/test_write_check.py``)."""
    for p in user_paths(user):
        if path.startswith(p) or (ipath and ipath.startswith(p)):
            return True
    return False


def _refuse_role(user, action: str) -> None:
    from django.utils.translation import gettext as _

    from unionwork.core.errors import ActionError

    if not user_may(user, action):
        raise ActionError(_("您的角色无权执行此操作。"), code="forbidden")


def _refuse_scope(what: str) -> None:
    from django.utils.translation import gettext as _

    from unionwork.core.errors import ActionError

    raise ActionError(_("%(what)s不在您的管辖范围内。") % {"what": what or _("该记录")}, code="out_of_scope")


def check(user, path: str, ipath: str = "", action: str = "change", what: str = "") -> None:
    """Refuse a change at ``path`` unless the user's roles allow ``action`` and it lies in scope.

    For a record not created yet (a unit to create under a parent, a report to file for a
    unit): the path rule of every scoped queryset, asked in memory. A record that exists is
    checked with :func:`check_record`, which asks its restricted queryset, so it also counts what
    its model declares beyond paths. ``user`` None is the system (commands, tasks, demo data):
    the audit context still names it. ``what`` names the record in the message (for example
    “该组织”); the refusal is an ``ActionError`` with a code (``forbidden`` becomes a 403 in the
    API, ``out_of_scope`` a 400).
    """
    if user is None:
        return
    _refuse_role(user, action)
    if not path_in_scope(user, path, ipath):
        _refuse_scope(what)


def record_in_scope(user, obj, action: str = "view") -> bool:
    """Whether the saved record ``obj`` is in ``Model.objects.restrict(user, action)``: the read
    rule itself, asked of the database (one query)."""
    qs = _scoped_queryset(type(obj))
    if qs is None:
        raise TypeError(f"{type(obj).__name__} is not a scoped model")
    return obj.pk is not None and qs.restrict(user, action).filter(pk=obj.pk).exists()


def check_record(user, obj, action: str = "change", what: str = "") -> None:
    """Refuse a change of the saved record ``obj`` unless it is in ``restrict(user, action)``.

    The one write check for records that exist: exactly what the pages list and open. After a
    write that moves the record (another unit, another industry) call it again inside the same
    transaction, so a record cannot be moved out of the user's scope. ``user`` None is the system.
    """
    if user is None:
        return
    _refuse_role(user, action)
    if not record_in_scope(user, obj, action):
        _refuse_scope(what)


def allows(user, action: str, path: str | None = None, ipath: str = "") -> bool:
    """Whether :func:`check` would let the user do ``action`` (at ``path``, if given).

    What pages use to decide which buttons and links to show, so that a page offers exactly what
    the actions accept. Without a path only the role is asked (a page listing the user's scope).
    """
    if not user_may(user, action):
        return False
    return path is None or path_in_scope(user, path, ipath)


def _scoped_queryset(model) -> ScopedQuerySet | None:
    meta = getattr(model, "_meta", None)
    manager = meta.default_manager if meta is not None else None
    qs = manager.all() if manager is not None else None
    return qs if isinstance(qs, ScopedQuerySet) else None


def check_records(user, objs, action: str = "change", what: str = "") -> None:
    """:func:`check_record` for several records of one model at once (one query)."""
    if user is None:
        return
    _refuse_role(user, action)
    objs = list(objs)
    if not objs:
        return
    qs = _scoped_queryset(type(objs[0]))
    if qs is None:
        raise TypeError(f"{type(objs[0]).__name__} is not a scoped model")
    ids = {o.pk for o in objs}
    if None in ids or qs.restrict(user, action).filter(pk__in=ids).count() != len(ids):
        _refuse_scope(what)


def allows_on(user, action: str, obj=None) -> bool:
    """:func:`allows` for a record, by the rule :func:`check_record` enforces (its restricted
    queryset; one query), or for the role alone (no record, or one not saved or not scoped)."""
    if not user_may(user, action):
        return False
    if obj is None or getattr(obj, "pk", None) is None or _scoped_queryset(type(obj)) is None:
        return True
    return record_in_scope(user, obj, action)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows the scope of its records: declare, do not override.

    A subclass declares ``scope_path_field`` and ``scope_ipath_field`` and, where its records
    are in scope for more than their paths, :meth:`extra_scope_q` (enterprises of an industrial
    union's industries) or a cheaper equivalent form of the industrial-path test
    (:meth:`ipath_q`). ``restrict`` and ``scope_filter`` are the rule and may not be overridden
    (``__init_subclass__`` refuses), so the pages and :func:`check_record` ask one rule.
    """

    scope_path_field = "org_path"
    scope_ipath_field: str | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name in ("restrict", "scope_filter", "subtree_q"):
            if name in cls.__dict__:
                raise TypeError(
                    f"{cls.__name__} overrides {name}(): declare extra_scope_q()/ipath_q() instead"
                )

    def path_q(self, prefix: str) -> Q:
        """Records whose path starts with ``prefix`` (declared field, indexed form); a model may
        declare an equivalent cheaper form (the rows must be the same)."""
        return prefix_q(self.scope_path_field, prefix)

    def ipath_q(self, prefix: str) -> Q:
        """Records whose industrial path starts with ``prefix`` (declared field, indexed form)."""
        return prefix_q(self.scope_ipath_field, prefix) if self.scope_ipath_field else Q(pk__in=[])

    def extra_scope_q(self, user, action: str) -> Q | None:
        """What the model's records add to the path rule for ``user`` doing ``action`` (None:
        nothing). Asked by ``restrict`` and so by :func:`check_record`: a grant for ``view``
        only is seen on the pages and never offered for a change."""
        return None

    def subtree_q(self, prefix: str) -> Q:
        """Records in the subtree at ``prefix``: by path, or by industrial path."""
        q = self.path_q(prefix)
        if self.scope_ipath_field:
            q |= self.ipath_q(prefix)
        return q

    def scope_filter(self, user, action: str = "view") -> Q:
        """The scope rule as one filter (roles aside): the path rule, and what the model adds."""
        paths = user_paths(user)
        if not paths:
            return Q(pk__in=[])
        q = Q()
        for p in paths:
            q |= self.subtree_q(p)
        extra = self.extra_scope_q(user, action)
        if extra is not None:
            q |= extra
        return q

    def restrict(self, user, action: str = "view") -> ScopedQuerySet:
        """Only the records in the user's scope that the user's roles allow ``action`` on."""
        if not user_may(user, action):
            return self.none()
        return self.filter(self.scope_filter(user, action))

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
