"""Named search sources of the one picker (``core.forms.PickerField``), served as JSON.

A module declares its sources in its own ``pickers.py`` (autodiscovered), each with the scoped
queryset it starts from and the module's own search (name, pinyin, initials, code):

    pickers.register(Source("units", OrgUnit, base=..., search=queries.search_units, label=...))

``GET /pick/<name>/?q=…`` answers at most ``LIMIT`` matches of the user's scope. Nothing outside
the scope is offered because ``base(user, params)`` starts from ``restrict()``; a form validates
the posted id again against its own scoped queryset, so a forged id is refused all the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from unionwork.core.registry import Registry
from unionwork.core.text import is_digits

LIMIT = 20


@dataclass(frozen=True)
class Source:
    name: str
    model: type[Model]
    # (user, request.GET) -> the scoped queryset of what may be offered
    base: Callable[..., QuerySet]
    # (queryset, q) -> the matches
    search: Callable[[QuerySet, str], QuerySet]
    label: Callable[[Model], str]
    order: tuple[str, ...] = ("pk",)
    placeholder: str = ""  # what the empty box says one can type (Chinese, through gettext)


SOURCES = Registry("picker source")


def register(source: Source) -> Source:
    """Declare a source (in a module's pickers.py, collected by core.registry.declare)."""
    return SOURCES.add(source.name, source)


def get(name: str) -> Source:
    try:
        return SOURCES.get(name)
    except KeyError:
        raise Http404 from None


def source_for(model: type[Model]) -> Source:
    """The first source registered for ``model`` (a form that only knows its queryset)."""
    for source in SOURCES.values():
        if source.model is model:
            return source
    raise LookupError(model)


def all_sources() -> dict[str, Source]:
    return dict(SOURCES.items())


def label(obj) -> str:
    """The record as the first source declared for its model shows it."""
    try:
        return source_for(type(obj)).label(obj)
    except LookupError:
        return str(obj)


def matches(source: Source, user, params, q: str) -> list[Model]:
    qs = source.search(source.base(user, params), q)
    return list(qs.order_by(*source.order)[:LIMIT])


def int_param(params, name: str) -> int | None:
    value = (params.get(name) or "").strip()
    return int(value) if is_digits(value) and len(value) < 12 else None


def list_param(params, name: str) -> list[str]:
    return [v for v in params.getlist(name) if v]


@require_GET
def pick(request, name):
    """The matches of ``q`` in the user's scope, as ``{"results": [{"value", "text"}]}``."""
    source = get(name)
    q = (request.GET.get("q") or "")[:50]
    rows = matches(source, request.user, request.GET, q)
    return JsonResponse({"results": [{"value": str(o.pk), "text": source.label(o)} for o in rows]})
