"""The Python process serving requests: tuned once, when the WSGI application is made.

Warm-up. Django imports the views on the first request and compiles each template the first
time a page uses it; a new web worker (gunicorn starts five, and replaces each after 2,000
requests) paid 0.5-0.7 s on its first page and more on each first page of a kind: under 20 users
these first pages were the slowest tenth of all. ``warm_up`` does that work when the worker
starts, before it takes a request: the URL configuration, every template of the platform, the
translation catalogue. It opens no database connection.

Garbage collection. CPython runs its cyclic collector every 700 net allocations of container
objects, and every tenth and hundredth time over older generations, the last pass walking every
object of the process (some 300,000 once Django, the URL configuration and the templates are
loaded). A page that builds many objects (an industrial union's statistical table: 1,800 units
× 40 indicators) paid for several such passes: 250 ms for what takes 90 ms without them (measured
on the city-scale demo). The platform makes few reference cycles, so the collector runs less
often (``UNIONWORK_GC_THRESHOLD``, default 50,000 allocations; 0 keeps Python's own), and what was
loaded at start-up is frozen out of its walks (``gc.freeze``), as large Django deployments do.
"""

import gc
import os
from pathlib import Path

DEFAULT_THRESHOLD = 50_000


def tune_gc() -> tuple[int, int, int]:
    """Set the collector's thresholds from ``UNIONWORK_GC_THRESHOLD`` and freeze the objects made
    so far; returns the thresholds in force."""
    raw = os.environ.get("UNIONWORK_GC_THRESHOLD", "").strip()
    threshold = int(raw) if raw.isdigit() else DEFAULT_THRESHOLD
    if threshold > 0:
        gc.set_threshold(threshold, 20, 20)
    gc.freeze()
    return gc.get_threshold()


def warm_up() -> dict[str, int]:
    """Import every view (the URL configuration), compile every template of the platform's apps
    and load the interface language's catalogue; returns what it did, for the tests."""
    from django.apps import apps
    from django.conf import settings
    from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
    from django.urls import get_resolver
    from django.utils import translation

    patterns = len(get_resolver().url_patterns)
    compiled = 0
    for engine in engines.all():
        for config in apps.get_app_configs():
            if not config.name.startswith("unionwork"):
                continue
            root = Path(config.path) / "templates"
            for path in sorted(root.rglob("*.html")) if root.is_dir() else []:
                try:
                    engine.get_template(path.relative_to(root).as_posix())
                except (TemplateDoesNotExist, TemplateSyntaxError):
                    continue
                compiled += 1
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("工会工作平台")
    return {"url_patterns": patterns, "templates": compiled}
