"""How audit verbs read in the interface: declared by each module, collected, never listed here.

A module lists its verbs on its AppConfig (``audit_verbs = {"found": _("建会"), ...}``), and
:func:`unionwork.core.registry.declare` registers them under the module's label. Two modules may
use one verb word for different things (founding's ``reopen`` 恢复经营, stability's ``reopen``
退回重办): an event's verb reads as the module of its record declares it, then as core's
generic verbs (create, update, delete, import) read, then as any module declares it.
"""

from __future__ import annotations

from unionwork.core.registry import Registry

KEYED_VERB = "audit_keyed"  # the event from which the chain is keyed (migrated installations)

VERBS = Registry("audit verb")  # "<app label>.<verb>" -> label


def register(app_label: str, verb: str, label) -> None:
    VERBS.add(f"{app_label}.{verb}", label)


def verb_label(verb: str, model: str = "") -> str:
    """The Chinese label of ``verb`` on an event about ``model`` ("app_label.model"), else the verb."""
    app_label = model.split(".", 1)[0] if model else ""
    for key in (f"{app_label}.{verb}", f"core.{verb}"):
        if key in VERBS:
            return str(VERBS.get(key))
    for key, label in VERBS.items():
        if key.split(".", 1)[1] == verb:
            return str(label)
    return verb


def verb_choices() -> list[tuple[str, str]]:
    """(verb, label) for a filter: each verb once, its labels joined when modules differ."""
    labels: dict[str, list[str]] = {}
    for key, label in VERBS.items():
        verb = key.split(".", 1)[1]
        text = str(label)
        if text not in labels.setdefault(verb, []):
            labels[verb].append(text)
    return sorted(((verb, "／".join(texts)) for verb, texts in labels.items()), key=lambda c: c[1])
