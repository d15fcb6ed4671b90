"""No table keeps two indexes over the same columns: every index costs each write of its table
(a roster import writes hundreds of thousands of rows), and a second one over the same columns
serves no read the first does not."""

from django.apps import apps
from django.db import models


def _plain_indexes(model) -> list[tuple[str, tuple[str, ...]]]:
    """(name, columns) of each plain b-tree index the model's table gets: a field's own index (a
    foreign key's, ``db_index``, ``unique``), ``Meta.indexes`` and unconditional unique
    constraints over fields (not those with a condition, expressions or operator classes)."""
    opts = model._meta
    out = []
    for field in opts.local_fields:
        if field.primary_key or not field.column:
            continue
        if field.unique or field.db_index:
            out.append((f"{field.name} (field)", (field.column,)))
    for index in opts.indexes:
        if index.condition is None and not index.expressions and not index.opclasses and not index.include:
            if type(index) is models.Index:
                columns = tuple(opts.get_field(name.lstrip("-")).column for name in index.fields)
                out.append((index.name, columns))
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            if constraint.condition is None and not constraint.expressions and not constraint.include:
                if not constraint.opclasses:
                    columns = tuple(opts.get_field(name).column for name in constraint.fields)
                    out.append((constraint.name, columns))
    for fields in opts.unique_together:
        out.append((f"unique_together {fields}", tuple(opts.get_field(name).column for name in fields)))
    return out


def test_no_table_has_two_indexes_over_the_same_columns():
    twins = []
    for model in apps.get_models():
        if not model.__module__.startswith("unionwork.") or not model._meta.managed or model._meta.proxy:
            continue
        seen: dict[tuple[str, ...], str] = {}
        for name, columns in _plain_indexes(model):
            if columns in seen:
                twins.append(f"{model._meta.db_table}: {seen[columns]} and {name} both index {columns}")
            else:
                seen[columns] = name
    assert not twins, "drop one of each pair (a foreign key already has its index): " + "; ".join(twins)
