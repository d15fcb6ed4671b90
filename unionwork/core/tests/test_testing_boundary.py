"""Test support stays out of production: no module outside the tests imports ``core.testing``
(import-linter holds the same in ``make test``; this fails in a plain pytest run too)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the unionwork package


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)


def test_production_code_does_not_import_the_test_support():
    offenders = []
    for path in ROOT.rglob("*.py"):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or parts[:2] == ("core", "testing"):
            continue
        names = set(_imports(ast.parse(path.read_text(encoding="utf-8"))))
        if any(n == "unionwork.core.testing" or n.startswith("unionwork.core.testing.") for n in names):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"production code imports core.testing: {offenders}"
