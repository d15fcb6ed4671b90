"""Who is acting: the context every audited change needs (web, API, imports, tasks, commands)."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any  # a user instance or None for the system
    source: str  # web, api, import, command, task, test

    @property
    def label(self) -> str:
        if self.user is None:
            return f"system:{self.source}"
        return self.user.get_username()


_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar("unionwork_actor", default=None)


class NoActorError(RuntimeError):
    """A change was attempted outside any actor context."""


@contextmanager
def acting_as(user, source: str) -> Iterator[Actor]:
    """Set who is acting for every audit event written inside the block."""
    token = _actor.set(Actor(user=user if getattr(user, "is_authenticated", False) else None, source=source))
    try:
        yield _actor.get()
    finally:
        _actor.reset(token)


def set_actor(user, source: str) -> None:
    """Set the actor for the rest of the current context (API token auth, after the middleware)."""
    _actor.set(Actor(user=user if getattr(user, "is_authenticated", False) else None, source=source))


def current_actor() -> Actor:
    actor = _actor.get()
    if actor is None:
        raise NoActorError("audit: a change of record needs an actor context (audit.acting_as)")
    return actor
