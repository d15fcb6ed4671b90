"""Generic, scoped views: every list, detail and history page of every module is built on these.

A list view declares its model, filter set and columns; it restricts the queryset to the user's
scope on entry, filters, sorts by a whitelisted column, pages, and exports exactly what the user
is looking at to .xlsx with ``?export=xlsx``. A detail view fetches its object through the same
scope (404 outside it) and shows the record's audit history.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template import Context
from django.template.base import render_value_in_context
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable
from django.utils.html import escape, format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic.edit import FormView

from unionwork.core import audit, scope
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent, SecurityEvent


@dataclass(frozen=True)
class Column:
    """A column of a list page and of its export.

    Without a label, the column is headed by the model field it reads (its ``verbose_name``):
    ``Column("deadline")``, ``Column("get_kind_display")``, ``Column("org.name")`` (the field
    ``org``). Give a label only where the page names it otherwise.
    """

    accessor: str  # dotted attribute path, e.g. "parent.name" or "get_kind_display"
    label: Any = None
    sort: str | None = None  # the order_by field that sorts by this column
    link: bool = False  # links to the row's get_absolute_url
    export: bool = True
    # Whether the list sorts by this column however many rows it holds: an index serves the order
    # (``(sort field, id)``). False for a column no index orders (a status of a few values on a
    # table of millions): past ``COUNT_LIMIT`` rows the list keeps its default order and says so,
    # since sorting them all would read and sort every row (seconds at city scale).
    sort_at_scale: bool = True


def field_label(model, accessor: str):
    """The ``verbose_name`` of the field ``accessor`` starts from (``get_X_display`` reads X)."""
    from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured

    name = accessor.split(".")[0]
    if name.startswith("get_") and name.endswith("_display"):
        name = name[4:-8]
    try:
        return model._meta.get_field(name).verbose_name
    except (FieldDoesNotExist, AttributeError):  # no such field, or a reverse relation (no name)
        raise ImproperlyConfigured(
            f"Column({accessor!r}) of {model.__name__}: no field {name!r} to take a label from; give one"
        ) from None


def labelled(model, columns: list[Column]) -> list[Column]:
    """``columns`` with every missing label taken from ``model`` (see :class:`Column`)."""
    from dataclasses import replace

    return [c if c.label is not None else replace(c, label=field_label(model, c.accessor)) for c in columns]


_CHOICES: dict[tuple, tuple[str, dict] | None] = {}


def _display(obj: Any, name: str) -> Any:
    """``obj.get_X_display()`` without rebuilding the field's choices for every call (Django's
    method hashes every lazy label of the field on each row: a quarter of a list page's time).
    The labels are translated once per model, field and language, not once per row (an export
    of 300,000 members reads 1.2 million of them). Returns None when ``name`` is not a choice
    field's display of ``obj``."""
    key = (type(obj), name, get_language())
    known = _CHOICES.get(key, False)
    if known is False:
        known = _CHOICES[key] = _choice_labels(obj, name)
    if known is None:
        return None
    attname, labels = known
    value = getattr(obj, attname)
    try:
        return labels.get(value, value)
    except TypeError:  # an unhashable value (a list in a JSON field)
        return labels.get(make_hashable(value), value)


def _choice_labels(obj: Any, name: str) -> tuple[str, dict] | None:
    try:
        field = obj._meta.get_field(name[4:-8])
    except Exception:  # noqa: BLE001 - not a model field: let getattr find the method
        return None
    if not field.choices or callable(field.choices):
        return None
    labels = {k: force_str(v, strings_only=True) for k, v in make_hashable(field.flatchoices)}
    return field.attname, labels


def resolve(obj: Any, accessor: str) -> Any:
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        if part.startswith("get_") and part.endswith("_display") and hasattr(value, "_meta"):
            shown = _display(value, part)
            if shown is not None:
                value = shown
                continue
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, list | tuple):  # an account's roles: 填报员、查看员, not ['填报员', '查看员']
        return "、".join(str(v) for v in value)
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


COUNT_LIMIT = 10_000


class BoundedPaginator(Paginator):
    """Pages of a list whose total is counted only up to ``COUNT_LIMIT``: past it the page says
    "more than 10,000" instead of counting two million rows on every page view.

    The count reads at most ``COUNT_LIMIT + 1`` keys of the filtered rows (no sort, no joins);
    pages reach as far as the count goes (200 pages of 50), which is where a filter serves a
    reader better than paging. Exports are not bounded.
    """

    limit = COUNT_LIMIT

    @cached_property
    def count(self) -> int:
        qs = self.object_list
        if hasattr(qs, "values_list"):
            return qs.order_by().values_list("pk", flat=True)[: self.limit + 1].count()
        return len(qs)

    @property
    def bounded(self) -> bool:
        """Whether there are more rows than were counted."""
        return self.count > self.limit

    @property
    def shown_count(self) -> int:
        return min(self.count, self.limit)


_RENDER = Context()  # a template's defaults: autoescape, localised numbers and dates


class ListRow:
    """One row of a list page: its record, link (reversed once), cells, and (label, cell) pairs
    of the cells after the first for the narrow-screen cards (labels translated once per page).

    ``table_html`` and ``card_html`` are the row's table cells and card fields as
    ``core/list.html`` shows them, built here: escaped and localised as ``{{ cell }}`` would be,
    at a tenth of what a template loop over 50 rows of ten cells costs."""

    __slots__ = ("obj", "url", "cells", "_labels", "_html")

    def __init__(self, obj, cells: list, labels: list[str]):
        self.obj = obj
        get_url = getattr(obj, "get_absolute_url", None)
        self.url = get_url() if get_url is not None else ""
        self.cells = cells
        self._labels = labels
        self._html = None

    @property
    def rest(self) -> list[tuple[str, Any]]:
        return [
            (label, cell) for label, cell in zip(self._labels[1:], self.cells[1:], strict=True) if cell != ""
        ]

    def __iter__(self):  # ``obj, cells = row`` as before
        return iter((self.obj, self.cells))

    def _cells_html(self) -> list[str]:
        if self._html is None:
            self._html = [render_value_in_context(cell, _RENDER) for cell in self.cells]
        return self._html

    def table_html(self) -> str:
        cells = self._cells_html()
        first = format_html('<a href="{}">{}</a>', self.url, cells[0]) if self.url and cells else None
        out = [f"<td>{first if i == 0 and first is not None else c}</td>" for i, c in enumerate(cells)]
        return mark_safe("".join(out))  # noqa: S308 - every cell escaped by render_value_in_context

    def card_html(self) -> str:
        out = [
            f'<dt class="col-4 uw-muted fw-normal text-truncate">{escape(label)}</dt>'
            f'<dd class="col-8 mb-0 text-break">{html}</dd>'
            for label, cell, html in zip(
                self._labels[1:], self.cells[1:], self._cells_html()[1:], strict=True
            )
            if cell != ""
        ]
        return mark_safe("".join(out))  # noqa: S308 - labels and cells escaped


class ScopedListView(View):
    """A list of one model's records in the user's scope: filter, sort, page, export."""

    model = None
    action = "view"
    filterset_class = None
    columns: list[Column] = []
    default_sort = "pk"
    title = ""
    template_name = "core/list.html"
    select_related: tuple[str, ...] = ()
    importer_name: str | None = None
    create_url: str | None = None
    paginate_by = settings.UNIONWORK_PAGE_SIZE

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.model is not None and isinstance(cls.__dict__.get("columns"), list):
            cls.columns = labelled(cls.model, cls.columns)  # labels default to the model's

    def dispatch(self, request, *args, **kwargs):
        # A role that may not do the list's action is refused, as ``may_open`` (the menu, the
        # links) already says: not shown a list that its scope leaves empty.
        if request.user.is_authenticated and not request.user.may(self.action):
            raise PermissionDenied(_("您的角色无权执行此操作。"))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self):
        return self.model.objects.restrict(self.request.user, self.action)

    def filtered(self):
        qs = self.base_queryset()
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(self.request.GET or None, queryset=qs, request=self.request)
            qs = filterset.qs if filterset.is_bound and filterset.is_valid() else qs
        return filterset, qs.order_by(*self.ordering())

    def sort_column(self) -> Column | None:
        """The column the request sorts by (``?sort=`` its accessor, ``-`` before it descending)."""
        requested = self.request.GET.get("sort", "").lstrip("-")
        return next((c for c in self.columns if c.sort and c.accessor == requested), None)

    def default_ordering(self) -> list[str]:
        return [self.default_sort, "pk"] if self.default_sort != "pk" else ["pk"]

    def ordering(self) -> list[str]:
        column = self.sort_column()
        if column is None:
            return self.default_ordering()
        # Ties in the same direction as the column, so that one index (field, id) serves both.
        desc = "-" if self.request.GET.get("sort", "").startswith("-") else ""
        return [desc + column.sort, desc + "pk"]

    def export_filename(self) -> str:
        return f"{self.title or self.model._meta.verbose_name}-{timezone.localdate():%Y%m%d}.xlsx"

    def export_columns(self) -> list[tuple[str, Any]]:
        return [
            (str(c.label), (lambda obj, a=c.accessor: _cell(resolve(obj, a))))
            for c in self.columns
            if c.export
        ]

    def export_spec(self):
        """What ``?export=xlsx`` writes: every row the list shows, filtered and sorted as shown.
        The worker asks this too, as the same user, for an export too large for the request
        (:mod:`unionwork.core.export_jobs`)."""
        from unionwork.core.export_jobs import ExportSpec

        _filterset, qs = self.filtered()
        paginator = BoundedPaginator(qs, self.paginate_by)
        if self.refuses_sort(paginator):
            qs = qs.order_by(*self.default_ordering())
        return ExportSpec(self.export_filename(), str(self.title), self.export_columns(), qs)

    def refuses_sort(self, paginator: BoundedPaginator) -> Column | None:
        """The column asked to sort by, when the rows are too many to sort by it (past the count
        limit, and no index orders it: ``Column.sort_at_scale``); the list keeps its default order."""
        column = self.sort_column()
        if column is not None and not column.sort_at_scale and paginator.bounded:
            return column
        return None

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx":
            from unionwork.core import export_jobs

            return export_jobs.respond(request, self)
        filterset, qs = self.filtered()
        paginator = BoundedPaginator(qs, self.paginate_by)
        sort, sort_refused = request.GET.get("sort", ""), None
        refused = self.refuses_sort(paginator)
        if refused is not None:  # the default order (the count, already read, is the same rows')
            sort, sort_refused = "", refused.label
            paginator.object_list = qs.order_by(*self.default_ordering())
        page = paginator.get_page(request.GET.get("page"))
        labels = [str(c.label) for c in self.columns]  # lazy labels translated once, not per row
        rows = [
            ListRow(obj, [_cell(resolve(obj, c.accessor)) for c in self.columns], labels)
            for obj in page.object_list
        ]
        context = {
            "title": self.title,
            "filterset": filterset,
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "sort": sort,
            "sort_refused": sort_refused,
            "count_limit": paginator.limit,
            "importer_name": self.importer_name if may_import(request.user, self.importer_name) else None,
            "active_filters": active_filters(filterset, request.user),
            "create_url": self.create_url,
            **self.extra_context(),
        }
        return render(request, self.template_name, context)

    def extra_context(self) -> dict:
        return {}


def active_filters(filterset, user) -> list[tuple[str, str]]:
    """(label, value as a person reads it) of each filter in use: units, choices and records by
    their names, not by the ids or codes the query string carries."""
    if filterset is None or not filterset.is_bound or not filterset.is_valid():
        return []
    shown = []
    for name, f in filterset.filters.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "", [], ()):
            continue
        field = filterset.form.fields.get(name)
        if hasattr(f, "display"):
            text = f.display(value, user)
        elif hasattr(field, "choices") and not hasattr(value, "pk"):
            choices = {str(k): v for k, v in getattr(field, "choices", [])}
            values = value if isinstance(value, list | tuple) else [value]
            text = "、".join(str(choices.get(str(v), v)) for v in values)
        elif isinstance(value, bool):
            text = _("是") if value else _("否")
        else:
            text = str(value)
        shown.append((str(f.label or name), text))
    return shown


def may_import(user, importer_name: str | None) -> bool:
    """Whether the user's roles allow an import: "change" and the importer's own permission (the
    rule the upload page enforces), so that its button shows only to those it lets in."""
    if not importer_name or not user.may("change"):
        return False
    from unionwork.core.imports import get_importer

    try:
        return user.may(get_importer(importer_name).permission)
    except LookupError:
        return False


def may_open(request, url: str) -> bool:
    """Whether the page at ``url`` would let the user in, asked of the view it resolves to.

    An action form answers by its ``check_role`` (the role half of ``core.scope.check``), a list by
    its ``action``, a function view by the action it declares in ``required_action``. A view that
    declares nothing is shown (its own 403 or 404 stays the safety net). Pages use this, through
    the ``{% may_open %}`` tag, to show only the links and buttons a user may follow.
    """
    from django.urls import Resolver404
    from django.urls import resolve as resolve_url

    user = getattr(request, "user", None)
    if not url or user is None:
        return False
    try:
        match = resolve_url(str(url).split("?")[0])
    except Resolver404:
        return False
    view_class = getattr(match.func, "view_class", None)
    if view_class is not None and issubclass(view_class, ActionFormView):
        view = view_class(**getattr(match.func, "view_initkwargs", {}))  # as_view(move=...) and the like
        view.request, view.args, view.kwargs = request, match.args, match.kwargs
        try:
            view.check_role()
        except PermissionDenied:
            return False
        return True
    action = getattr(view_class, "action", None) or getattr(match.func, "required_action", None)
    return action is None or user.may(action)


def history_of(obj) -> list[AuditEvent]:
    """The audit events of one record, newest first (the record is already known to be in scope).

    Each event gets ``rows``: (Chinese field label, before, after) for the fields that changed.
    """
    events = list(
        AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-id")[:200]
    )
    # obj._meta.model, not type(obj): request.user is a lazy wrapper whose type is not the model.
    return label_events(events, obj._meta.model)


def label_events(events: list[AuditEvent], model=None) -> list[AuditEvent]:
    """Make events readable: Chinese field labels, and values as a person reads them.

    Foreign keys show the record's name (looked up in one query per related model), choices their
    Chinese label, yes/no for booleans, times in the local time zone; the actor by full name. Each
    event gets ``rows`` (label, before, after) and ``verb_label``.
    """
    fields = {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}
    # One query per related model for every id the events mention.
    wanted: dict[str, set] = {}
    for ev in events:
        for key, pair in ev.changes().items():
            field = fields.get(key)
            if field is not None and field.is_relation and field.related_model is not None:
                wanted.setdefault(key, set()).update(v for v in pair if v not in (None, ""))
    names: dict[str, dict] = {}
    for key, ids in wanted.items():
        related = fields[key].related_model
        try:
            names[key] = {str(o.pk): _display_name(o) for o in related._base_manager.filter(pk__in=ids)}
        except (ValueError, TypeError):
            names[key] = {}
    actors = {u.pk: u for u in _actors(events)}
    # Fields a model no longer shows (e.g. a member's birth date in events written before it was
    # derived from the encrypted number): the events keep them, the pages do not.
    hidden = HIDDEN_FIELDS | set(getattr(model, "audit_hidden", ()))
    for ev in events:
        ev.rows = [
            (
                str(fields[k].verbose_name) if k in fields else k,
                _value(fields.get(k), a, names.get(k), model),
                _value(fields.get(k), b, names.get(k), model),
            )
            for k, (a, b) in ev.changes().items()
            if k not in hidden and not (a in (None, "", []) and b in (None, "", []))
        ]
        ev.verb_label = audit.verb_label(ev.verb, ev.model)
        actor = actors.get(ev.actor_id)
        ev.actor_name = _display_name(actor) if actor is not None else _system_label(ev.actor_label)
        ev.source_label = source_label(ev.source)
    return events


SOURCE_LABELS = {
    "web": gettext_lazy("网页"),
    "api": gettext_lazy("接口"),
    "import": gettext_lazy("导入"),
    "task": gettext_lazy("后台任务"),
    "command": gettext_lazy("命令"),
    "system": gettext_lazy("系统"),
    "demo": gettext_lazy("演示数据"),
    "test": gettext_lazy("测试"),
}


def source_label(source: str) -> str:
    """``web``, ``api``, ``command:demo`` … in Chinese (what follows the colon names the command or task)."""
    kind, _sep, detail = source.partition(":")
    label = SOURCE_LABELS.get(kind)
    if label is None:
        return source
    return f"{label}（{detail}）" if detail else str(label)


def _system_label(label: str) -> str:
    return str(SYSTEM_LABEL) if label.startswith("system:") else label


SYSTEM_LABEL = gettext_lazy("系统")


def _actors(events):
    from django.contrib.auth import get_user_model

    ids = {ev.actor_id for ev in events if ev.actor_id}
    return get_user_model()._base_manager.filter(pk__in=ids) if ids else []


def _display_name(obj) -> str:
    full_name = getattr(obj, "full_name", "")
    if full_name:
        return str(full_name)
    return str(getattr(obj, "name", "") or obj)


def _value(field, value, names: dict | None, model=None):
    """One stored value of the trail as the interface shows it."""
    if value is None or value == "":
        return value
    custom = getattr(model, "audit_display", None)
    if custom is not None and field is not None:
        shown = custom(field.attname, value)
        if shown is not None:
            return shown
    if field is None:
        return value
    if names is not None:
        return names.get(str(value), value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if field.get_internal_type() == "DateTimeField" and isinstance(value, str):
        from django.utils.dateparse import parse_datetime

        parsed = parse_datetime(value)
        if parsed is not None:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed, timezone.UTC)
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M:%S")
    return value


# Bookkeeping fields that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "pinyin", "initials", "path", "ipath", "depth"}


class ActionFormView(FormView):
    """A form that calls one action; ActionError messages appear on the form, in Chinese.

    Django's ``FormView`` with the platform's order: the object first (404 outside the scope),
    then the role (403), then the form. A module declares ``form_class``, ``title`` and
    ``perform(form)`` (which calls the action and returns the record to go to), and extends
    through Django's hooks: ``get_object`` (or declare ``model``: the record the URL names,
    fetched in the user's scope for ``object_action``, 404 outside it), ``get_initial``,
    ``get_context_data`` (``super()`` plus its own keys),
    and ``form_kwargs()`` for what its form takes besides data and initial (``user``, the
    record), merged into Django's ``get_form_kwargs``. The template gets ``form``, ``title``,
    ``object``, ``submit_label`` and ``intro``; a refused or invalid form answers 400.
    """

    form_class = None
    template_name = "core/form.html"
    title = ""
    intro = ""
    action = "change"
    submit_label = gettext_lazy("保存")
    success_message = gettext_lazy("已保存。")
    model = None  # with a model: the record of the URL's ``pk_url_kwarg``, in scope for ``object_action``
    object_action = "view"
    pk_url_kwarg = "pk"
    select_related: tuple[str, ...] = ()

    def get_object(self):
        if self.model is None:
            return None
        qs = (
            self.model.objects.select_related(*self.select_related)
            if self.select_related
            else self.model.objects
        )
        return qs.get_in_scope(self.request.user, self.object_action, pk=self.kwargs[self.pk_url_kwarg])

    def form_kwargs(self) -> dict:
        """What the form takes besides data, files and initial (e.g. ``{"user": ...}``)."""
        return {}

    def get_form_kwargs(self) -> dict:
        kwargs = super().get_form_kwargs()
        # No initial unless the view gives one: a form bound to a record fills its own from it.
        if not kwargs.get("initial"):
            kwargs.pop("initial", None)
        return kwargs | self.form_kwargs()

    def perform(self, form):  # pragma: no cover - each view implements it
        raise NotImplementedError

    def success_url(self, result) -> str:
        return result.get_absolute_url()

    def check_role(self):
        if not self.request.user.may(self.action):
            raise PermissionDenied(_("您的角色无权执行此操作。"))

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 outside scope comes first
        self.check_role()
        # A record seen but not changeable (a grant for viewing only): the rule the action applies.
        if self.object is not None and not scope.allows_on(request.user, self.action, self.object):
            raise PermissionDenied(_("该记录不在您可修改的范围内。"))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # the form is built here (get_form)
        context.setdefault("title", self.title)
        context.setdefault("object", self.object)
        context.setdefault("submit_label", self.submit_label)
        context.setdefault("intro", self.intro)
        return context

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ActionError as exc:
            for message in exc.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        return redirect(self.success_url(result))

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AuditListView(ScopedListView):
    """The audit trail within the administrator's scope, searchable."""

    model = AuditEvent
    action = "manage"
    title = gettext_lazy("审计记录")
    select_related = ("actor",)
    default_sort = "-id"
    columns = [
        Column("pk", gettext_lazy("编号"), sort="id"),
        Column("at", gettext_lazy("时间"), sort="at"),
        # No index orders the trail by name (it would cost every recorded change a write).
        Column("actor_display", gettext_lazy("操作人"), sort="actor_label", sort_at_scale=False),
        Column("source_display", gettext_lazy("来源")),
        Column("verb_display", gettext_lazy("操作"), sort="verb"),
        Column("model_display", gettext_lazy("对象类型"), sort="model"),
        Column("object_repr", gettext_lazy("对象")),
        Column("note", gettext_lazy("说明")),
    ]

    @property
    def filterset_class(self):
        from unionwork.core.audit.filters import AuditEventFilter

        return AuditEventFilter


class SecurityEventListView(ScopedListView):
    """Security events of the accounts in the administrator's subtree; the city also sees those
    of no known account (failed logins of unknown names, invalid API tokens)."""

    model = SecurityEvent
    action = "manage"
    title = gettext_lazy("安全事件")
    default_sort = "-at"
    columns = [
        Column("at", gettext_lazy("时间"), sort="at"),
        Column("get_kind_display", gettext_lazy("事件"), sort="kind"),
        Column("username", gettext_lazy("用户名"), sort="username"),
        Column("ip", gettext_lazy("客户端地址"), sort="ip", sort_at_scale=False),
        Column("method", gettext_lazy("方法")),
        Column("path", gettext_lazy("请求地址")),
        Column("detail_display", gettext_lazy("详情")),
    ]

    def base_queryset(self):
        user = self.request.user
        qs = SecurityEvent.objects.restrict(user, self.action)
        org = getattr(user, "org", None)
        if user.may(self.action) and org is not None and org.parent_id is None:
            return SecurityEvent.objects.all()  # the city: every event, of known accounts or not
        return qs

    @property
    def filterset_class(self):
        from unionwork.core.audit.filters import SecurityEventFilter

        return SecurityEventFilter


def audit_detail(request, pk):
    event = AuditEvent.objects.get_in_scope(request.user, "manage", pk=pk)
    model = None
    try:
        model = apps.get_model(event.model)
    except (LookupError, ValueError):
        pass
    return render(request, "core/audit_detail.html", {"ev": event, "history": label_events([event], model)})


def home(request):
    """The landing page: the module settings name (the dashboard), else a plain start page."""
    target = getattr(settings, "UNIONWORK_HOME", "")
    if target:
        try:
            return redirect(target)
        except NoReverseMatch:
            pass
    return render(request, "core/home.html", {"unit": request.user.org})


def export_list(request):
    """The user's own exports written by the worker, newest first: their state and files."""
    from unionwork.core import export_jobs

    return render(request, "core/export_list.html", export_jobs.list_context(request.user))


def export_job(request, pk: int):
    """An export the worker writes: its progress, then its download (its user only)."""
    from unionwork.core import export_jobs

    job = export_jobs.job_for(request.user, pk)
    return render(request, "core/export_job.html", export_jobs.page_context(job))


def export_progress(request, pk: int):
    """The fragment the export's page polls every second until the file is written."""
    from unionwork.core import export_jobs

    job = export_jobs.job_for(request.user, pk)
    return render(request, "core/_export_progress.html", export_jobs.page_context(job))


def export_file(request, pk: int):
    """The written export, decrypted as it is sent."""
    from django.http import StreamingHttpResponse
    from django.utils.http import content_disposition_header

    from unionwork.core import export_jobs, exports

    chunks, filename = export_jobs.open_file(request.user, pk)
    response = StreamingHttpResponse(chunks, content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def notifications(request):
    """Everything awaiting the user (the badge's items), by source, each with its link."""
    from unionwork.core import notifications as notes

    groups = notes.collect(request.user)
    notes.keep_session_badge(request, sum(g.count for g in groups))  # the badge says what the page lists
    return render(
        request,
        "core/notifications.html",
        {
            "groups": groups,
            "total": sum(g.count for g in groups),
            "has_notices": any(g.source.key == "core.notices" for g in groups),
        },
    )


def notification_badge(request):
    """The count in the top bar, loaded by htmx after the page, so the page's own queries stay
    what they were: counted at most once a minute per session, and afresh after the user's own
    change (``notifications.session_badge_count``)."""
    from unionwork.core import notifications as notes

    n = notes.session_badge_count(request)
    return render(request, "core/_badge.html", {"n": n})


@require_POST
def notice_read(request, pk: int):
    """Mark one of the user's reminders read and open what it is about (someone else's: 404)."""
    from unionwork.core import notifications as notes

    note = notes.mark_notice_read(request.user, pk)
    safe = note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if safe else "core:notifications")


@require_POST
def notices_read_all(request):
    from unionwork.core import notifications as notes

    notes.mark_all_notices_read(request.user)
    return redirect("core:notifications")
