"""Every route of the platform, pages and API, from the URL resolver, with the app that owns it.

A route's arguments are filled by the caller: ids of records (``ids_for``) and, for the other
arguments, the samples its app declares (``ScopeTest.sample_args`` in the app's
``tests/test_scope_urls.py``). A route whose argument has no sample fails the tests that walk it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(\w+):)?(\w+)>|\(\?P<(\w+)>[^)]*\)")
# The app that owns routes of the project's own urlconf (the API's own 404, the root page).
PROJECT_APP = "core"


@dataclass(frozen=True)
class Route:
    route: str  # as declared, without regex anchors: "stability/cases/<int:pk>/"
    app: str  # label of the app that owns it
    name: str  # "stability:case-detail", or the API operation's function
    params: tuple[tuple[str, str], ...]  # (name, converter) in order
    pattern: URLPattern = field(compare=False, hash=False, repr=False)
    namespace: str = ""
    methods: frozenset[str] = frozenset()  # API: the operation's HTTP methods

    @property
    def is_api(self) -> bool:
        return bool(self.methods)

    @property
    def view(self):
        return getattr(self.pattern.callback, "view_class", self.pattern.callback)

    def __str__(self) -> str:
        return self.route

    def fill(self, values: Callable[[str, str], Iterable[str]]) -> list[str]:
        """Every path this route gives with ``values(name, converter)`` for each argument."""
        paths = [self.route]
        for key, _conv in self.params:
            one = re.compile(r"<(?:\w+:)?" + key + r">|\(\?P<" + key + r">[^)]*\)")
            paths = [one.sub(str(v), p, count=1) for p in paths for v in values(key, _conv)]
        return ["/" + p.replace("\\", "") for p in paths]

    def segment_before(self, key: str) -> str:
        """The literal segment just before an argument ("cases" in cases/<int:pk>/), singular."""
        head = re.split(r"<(?:\w+:)?" + key + r">|\(\?P<" + key + r">", self.route)[0]
        segments = [s for s in head.split("/") if s and "<" not in s and "(" not in s]
        word = segments[-1] if segments else ""
        return word.replace("-", "").replace("_", "").removesuffix("s")


def is_id(key: str, conv: str) -> bool:
    return conv == "int" or key == "pk" or key.endswith("_id")


def _app_of(module_name: str) -> str | None:
    config = apps.get_containing_app_config(module_name)
    return config.label if config else None


def _ninja_operations(callback):
    """The operations behind a django-ninja path (its resolver callback closes over a PathView)."""
    for cell in getattr(callback, "__closure__", None) or ():
        ops = getattr(cell.cell_contents, "operations", None)
        if ops:
            return ops
    return None


def _walk(resolver, prefix: str, app: str | None, namespace: str):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            conf = p.urlconf_name
            name = conf if isinstance(conf, str) else getattr(conf, "__name__", None)
            owner = _app_of(name) if name else None
            ns = ":".join(x for x in (namespace, p.namespace or "") if x)
            yield from _walk(p, prefix + str(p.pattern), owner or app, ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p, app, namespace


@functools.cache
def all_routes() -> tuple[Route, ...]:
    out = []
    for raw, pattern, app, namespace in _walk(get_resolver(), "", None, ""):
        route = raw.replace("^", "").replace("$", "")
        params = tuple((name or re_name, conv or "") for conv, name, re_name in PARAM.findall(route))
        ops = _ninja_operations(pattern.callback)
        methods: frozenset[str] = frozenset()
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
        if ops:
            fn = ops[0].view_func
            app = _app_of(fn.__module__) or app
            methods = frozenset(m.lower() for op in ops for m in op.methods)
            name = fn.__name__
        else:
            view = getattr(pattern.callback, "view_class", pattern.callback)
            app = app or _app_of(getattr(view, "__module__", "")) or PROJECT_APP
        out.append(Route(route, app, name, params, pattern, namespace, methods))
    return tuple(out)


def page_routes(app: str | None = None) -> list[Route]:
    """Pages (every route but the API's operations and static files) of one app, or of every app."""
    return [
        r
        for r in all_routes()
        if not r.is_api and not r.route.startswith("static/") and (app is None or r.app == app)
    ]


def api_routes(app: str | None = None) -> list[Route]:
    return [r for r in all_routes() if r.is_api and (app is None or r.app == app)]


def models_for(route: Route, key: str, candidates: list) -> list:
    """The models whose ids a route's id argument takes: the one named by the segment before it
    (``cases/<pk>`` -> Case), else those of the route's app, else units (``node``, ``unit``)."""
    from unionwork.orgs.models import OrgUnit

    word = route.segment_before(key)
    if key in ("org_id", "unit_id", "node_id") or word in {"node", "unit", "group", "new", "dashboard"}:
        return [OrgUnit]
    own = [m for m in candidates if m._meta.app_label == route.app]
    named = [m for m in own if word and word in m._meta.model_name]
    return named or own or [OrgUnit]
