"""What modules declare to the platform, collected in one way.

Indicators, audit verb labels, importers, picker sources, notification and reminder sources are
each a :class:`Registry`. A module declares them in its own files (``indicators.py``,
``imports.py``, ``pickers.py``, ``notifications.py``, and ``audit_verbs`` on its AppConfig),
and its ``AppConfig.ready()`` calls :func:`declare` — the one function that loads them, each
entry recorded with the module that declared it. Core knows no module: it only collects.

Adding outside :func:`declare` is refused, so nothing registers itself as a side effect of
being imported somewhere else. Tests register their own entries for one test with
:meth:`Registry.temporarily` (the ``registered`` fixture), which removes them afterwards, so
live code never sees them and never needs to filter them out.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import module_has_submodule

# The files of a module whose top-level declarations are registries' entries (loaded in order).
DECLARATION_MODULES = ("indicators", "imports", "pickers", "notifications", "pacing")

_owner: contextvars.ContextVar[str | None] = contextvars.ContextVar("unionwork_registry_owner", default=None)


class Registry:
    """One kind of declaration, by key; each entry remembers the module that declared it."""

    def __init__(self, kind: str):
        self.kind = kind
        self._items: dict[str, Any] = {}
        self._owners: dict[str, str] = {}

    def add(self, key: str, item: Any) -> Any:
        owner = _owner.get()
        if owner is None:
            raise ImproperlyConfigured(
                f"{self.kind} {key!r}: declare it in the module's own files, collected by "
                "unionwork.core.registry.declare(self) in its AppConfig.ready() "
                "(tests: Registry.temporarily, the `registered` fixture)"
            )
        current = self._items.get(key)
        if current is not None and not _same(current, item):
            raise ImproperlyConfigured(
                f"{self.kind} {key!r} is declared twice: by {self._owners[key]} and by {owner}"
            )
        self._items[key] = item
        self._owners[key] = owner
        return item

    def remove(self, key: str) -> None:
        self._items.pop(key, None)
        self._owners.pop(key, None)

    def get(self, key: str) -> Any:
        return self._items[key]  # KeyError when not declared

    def owner(self, key: str) -> str:
        return self._owners[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def keys(self) -> list[str]:
        return list(self._items)

    def values(self) -> list[Any]:
        return list(self._items.values())

    def items(self) -> list[tuple[str, Any]]:
        return list(self._items.items())

    @contextmanager
    def temporarily(self, key: str, item: Any, owner: str = "test") -> Iterator[Any]:
        """Declare ``item`` for the block only (tests); whatever the key held before comes back."""
        before = (self._items[key], self._owners[key]) if key in self._items else None
        token = _owner.set(owner)
        try:
            self.remove(key)
            self.add(key, item)
        finally:
            _owner.reset(token)
        try:
            yield item
        finally:
            self.remove(key)
            if before is not None:
                self._items[key], self._owners[key] = before


def _same(a: Any, b: Any) -> bool:
    # a class declared again by a re-import of its module (the same qualified name) is the same
    if isinstance(a, type) and isinstance(b, type):
        return (a.__module__, a.__qualname__) == (b.__module__, b.__qualname__)
    return a is b or a == b


@contextmanager
def declaring(owner: str) -> Iterator[None]:
    """Entries added inside the block are declared by ``owner`` (an app label)."""
    token = _owner.set(owner)
    try:
        yield
    finally:
        _owner.reset(token)


def declare(app_config) -> None:
    """Collect everything the app declares: call it first in every AppConfig.ready().

    Imports the app's declaration files (:data:`DECLARATION_MODULES`), whose top-level
    ``register(...)`` calls add their entries, and registers the labels of the app's audit
    verbs (``audit_verbs`` on its AppConfig).
    """
    from unionwork.core.audit import labels

    with declaring(app_config.label):
        for name in DECLARATION_MODULES:
            if module_has_submodule(app_config.module, name):
                import_module(f"{app_config.name}.{name}")
        for verb, label in getattr(app_config, "audit_verbs", {}).items():
            labels.register(app_config.label, verb, label)
