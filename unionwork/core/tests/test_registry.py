"""Registries (core/registry.py): declared by modules in ready(), tests' entries never leak."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from unionwork.core import indicators, notifications, pickers
from unionwork.core.audit import labels
from unionwork.core.imports.base import IMPORTERS
from unionwork.core.registry import Registry, declaring

REGISTRIES = [indicators.INDICATORS, IMPORTERS, pickers.SOURCES, notifications.SOURCES, labels.VERBS]


def _test_indicator(key="test.temporary"):
    return indicators.Indicator(key=key, label="测试", numerator_label="分子")


def test_adding_outside_a_modules_declaration_is_refused():
    with pytest.raises(ImproperlyConfigured, match="declare"):
        indicators.register(_test_indicator())
    assert "test.temporary" not in indicators.INDICATORS


def test_a_key_declared_twice_by_different_entries_is_refused():
    registry = Registry("thing")
    with declaring("orgs"):
        registry.add("x", 1)
        registry.add("x", 1)  # the same entry again (a module imported twice) is fine
    with declaring("founding"), pytest.raises(ImproperlyConfigured, match="by orgs and by founding"):
        registry.add("x", 2)


def test_a_tests_entry_exists_for_that_test_only(registered):
    registered(indicators.INDICATORS, "test.temporary", _test_indicator())
    assert indicators.get("test.temporary").label == "测试"


def test_and_is_gone_afterwards():
    assert "test.temporary" not in indicators.INDICATORS


def test_no_live_registry_holds_a_tests_entry():
    for registry in REGISTRIES:
        assert not [k for k in registry.keys() if k.startswith("test.") or ".test." in k], registry.kind


def test_every_entry_is_declared_by_an_installed_module():
    labels_ = {a.label for a in apps.get_app_configs()}
    for registry in REGISTRIES:
        for key in registry.keys():
            assert registry.owner(key) in labels_, (registry.kind, key, registry.owner(key))


def test_a_verb_reads_as_the_module_of_its_record_declares_it():
    assert labels.verb_label("reopen", "founding.enterprise") == "恢复经营"
    assert labels.verb_label("reopen", "stability.case") == "退回重办"
    assert labels.verb_label("merge", "founding.enterprise") == "合并"  # orgs' word, founding uses it too
    assert labels.verb_label("create", "members.member") == "新建"  # core's generic verbs
    assert labels.verb_label("unknown_verb") == "unknown_verb"
    assert dict(labels.verb_choices())["reopen"] in ("恢复经营／退回重办", "退回重办／恢复经营")


def test_core_declares_no_modules_verbs():
    core_verbs = {k.split(".", 1)[1] for k in labels.VERBS.keys() if labels.VERBS.owner(k) == "core"}
    assert core_verbs == {"create", "update", "delete", "import", "audit_keyed", "correct"}
