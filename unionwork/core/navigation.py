"""The menu, declared by the modules: each app lists its entries in ``<app>/navigation.py``.

    from unionwork.core.navigation import Item

    ITEMS = [Item("members:home", _("会员"), order=40)]
    ACCOUNT_LINKS = {"profile": "accounts:profile"}   # the user's own pages in the top bar

Core collects them in ``INSTALLED_APPS`` order, sorted by ``order``; it names no module itself.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    url_name: str
    label: str
    action: str = "view"  # what the user's roles must allow (``user.may``)
    order: int = 100  # left to right in the menu
    description: str = ""  # shown on the plain start page (no UNIONWORK_HOME); empty: not there
    # ``ADMIN``: under the menu's "管理" entry (the administrators' pages), so the work modules
    # keep one line of the bar at 1,280 pixels; empty: an entry of its own
    group: str = ""


ADMIN = "admin"


@functools.cache
def _declared() -> tuple[tuple[Item, ...], dict[str, str]]:
    items: list[Item] = []
    links: dict[str, str] = {}
    for config in apps.get_app_configs():
        if not module_has_submodule(config.module, "navigation"):
            continue
        module = import_module(f"{config.name}.navigation")
        items.extend(getattr(module, "ITEMS", ()))
        links.update(getattr(module, "ACCOUNT_LINKS", {}))
    return tuple(sorted(items, key=lambda item: item.order)), links


def items() -> tuple[Item, ...]:
    return _declared()[0]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a module not installed or without that page
        return None


def menu(user, path: str = "") -> list[tuple[str, Item, bool]]:
    """(url, item, active) of the entries the user may open."""
    entries = []
    for item in items():
        if not user.may(item.action):
            continue
        url = _url(item.url_name)
        if url is None:
            continue
        entries.append((url, item, path == url or (url != "/" and path.startswith(url))))
    return entries


def split(entries: list[tuple[str, Item, bool]]) -> tuple[list, list]:
    """The menu's entries of their own, and those under "管理" (``group=ADMIN``)."""
    return [e for e in entries if e[1].group != ADMIN], [e for e in entries if e[1].group == ADMIN]


def account_links() -> dict[str, str]:
    """The user's own pages by role ("profile", "logout"), as URLs."""
    return {key: url for key, name in _declared()[1].items() if (url := _url(name))}


# Core's own pages (imports, audit, security events).
ITEMS = [
    Item("imports:jobs", _("导入记录"), "change", order=60),
    Item("core:audit", _("审计"), "manage", order=80, description=_("谁在何时改了什么"), group=ADMIN),
    Item(
        "core:security-events",
        _("安全事件"),
        "manage",
        order=90,
        description=_("登录、锁定、拒绝访问、令牌使用、查看身份证号"),
        group=ADMIN,
    ),
]
