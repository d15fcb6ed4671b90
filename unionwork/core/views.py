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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.core.models import AuditEvent, Notice


@dataclass(frozen=True)
class Column:
    """A column of a list page and of its export."""

    accessor: str  # dotted attribute path, e.g. "parent.name" or "get_kind_display"
    label: Any
    sort: str | None = None  # the order_by field that sorts by this column
    link: bool = False  # links to the row's get_absolute_url
    export: bool = True


def resolve(obj: Any, accessor: str) -> Any:
    value = obj
    for part in accessor.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
        if callable(value):
            value = value()
    return value


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value


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

    def sort_keys(self) -> dict[str, str]:
        return {c.accessor: c.sort for c in self.columns if c.sort}

    def ordering(self) -> list[str]:
        requested = self.request.GET.get("sort", "")
        desc = requested.startswith("-")
        field = self.sort_keys().get(requested.lstrip("-"))
        if field:
            return [("-" if desc else "") + field, "pk"]
        return [self.default_sort, "pk"] if self.default_sort != "pk" else ["pk"]

    def export_filename(self) -> str:
        return f"{self.title or self.model._meta.verbose_name}-{timezone.localdate():%Y%m%d}.xlsx"

    def get(self, request, *args, **kwargs):
        filterset, qs = self.filtered()
        if request.GET.get("export") == "xlsx":
            from unionwork.core import exports

            cols = [c for c in self.columns if c.export]
            return exports.xlsx_response(
                self.export_filename(),
                str(self.title),
                [(str(c.label), (lambda obj, a=c.accessor: _cell(resolve(obj, a)))) for c in cols],
                qs,
            )
        page = Paginator(qs, self.paginate_by).get_page(request.GET.get("page"))
        rows = [(obj, [_cell(resolve(obj, c.accessor)) for c in self.columns]) for obj in page.object_list]
        context = {
            "title": self.title,
            "filterset": filterset,
            "columns": self.columns,
            "rows": rows,
            "page": page,
            "sort": request.GET.get("sort", ""),
            "importer_name": self.importer_name if request.user.may("change") else None,
            "create_url": self.create_url,
            **self.extra_context(),
        }
        return render(request, self.template_name, context)

    def extra_context(self) -> dict:
        return {}


def history_of(obj) -> list[AuditEvent]:
    """The audit events of one record, newest first (the record is already known to be in scope).

    Each event gets ``rows``: (Chinese field label, before, after) for the fields that changed.
    """
    events = list(
        AuditEvent.objects.filter(model=obj._meta.label_lower, object_id=str(obj.pk)).order_by("-id")[:200]
    )
    return label_events(events, type(obj))


def label_events(events: list[AuditEvent], model=None) -> list[AuditEvent]:
    labels = {}
    if model is not None:
        labels = {f.attname: str(f.verbose_name) for f in model._meta.concrete_fields}
    for ev in events:
        ev.rows = [(labels.get(k, k), a, b) for k, (a, b) in ev.changes().items() if k not in HIDDEN_FIELDS]
        ev.verb_label = audit.VERB_LABELS.get(ev.verb, ev.verb)
    return events


# Bookkeeping fields that say nothing to a reader of the history.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "pinyin", "initials", "path", "ipath", "depth"}


class ActionFormView(View):
    """A form that calls one action; ActionError messages appear on the form, in Chinese."""

    form_class = None
    template_name = "core/form.html"
    title = ""
    action = "change"
    submit_label = gettext_lazy("保存")

    def get_object(self):
        return None

    def get_form_kwargs(self) -> dict:
        return {}

    def perform(self, form):  # pragma: no cover - each view implements it
        raise NotImplementedError

    def success_url(self, result) -> str:
        return result.get_absolute_url()

    def check_role(self):
        if not self.request.user.may(self.action):
            raise PermissionDenied(_("您的角色无权执行此操作。"))

    def render_form(self, form, status=200):
        ctx = {"form": form, "title": self.title, "object": self.object, "submit_label": self.submit_label}
        return render(self.request, self.template_name, ctx, status=status)

    def dispatch(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 outside scope comes first
        self.check_role()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self.render_form(self.form_class(**self.get_form_kwargs()))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
        if form.is_valid():
            try:
                result = self.perform(form)
            except ActionError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("已保存。"))
                return redirect(self.success_url(result))
        return self.render_form(form, status=400)


class AuditListView(ScopedListView):
    """The audit trail within the administrator's scope, searchable."""

    model = AuditEvent
    action = "manage"
    title = gettext_lazy("审计记录")
    default_sort = "-id"
    columns = [
        Column("pk", gettext_lazy("编号"), sort="id"),
        Column("at", gettext_lazy("时间"), sort="at"),
        Column("actor_label", gettext_lazy("操作人"), sort="actor_label"),
        Column("source", gettext_lazy("来源")),
        Column("verb_display", gettext_lazy("操作"), sort="verb"),
        Column("model_display", gettext_lazy("对象类型"), sort="model"),
        Column("object_repr", gettext_lazy("对象")),
        Column("note", gettext_lazy("说明")),
    ]

    @property
    def filterset_class(self):
        from unionwork.core.audit_filters import AuditEventFilter

        return AuditEventFilter


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


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


def notifications(request):
    """Everything awaiting the user (the badge's items), by source, each with its link."""
    from unionwork.core import notifications as notes

    groups = notes.collect(request.user)
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
    """The count in the top bar, loaded by htmx after the page: the page's own queries stay
    what they were, and the count is fresh on every page (a few indexed counts, no cache)."""
    from unionwork.core import notifications as notes

    n = notes.badge_count(request.user)
    return render(request, "core/_badge.html", {"n": n})


@require_POST
def notice_read(request, pk: int):
    """Mark one of the user's reminders read and open what it is about (someone else's: 404)."""
    note = Notice.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    safe = note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()})
    return redirect(note.url if safe else "core:notifications")


@require_POST
def notices_read_all(request):
    Notice.objects.filter(user=request.user, read_at=None).update(read_at=timezone.now())
    return redirect("core:notifications")
