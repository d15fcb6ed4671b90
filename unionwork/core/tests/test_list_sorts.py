"""A list over a table of millions sorts only by what an index orders (issue 20): sorting two
million members by a column no index orders read and sorted every row, two seconds a page. Such a
column says so (``Column(sort_at_scale=False)``): past the count limit the list keeps its default
order and tells the reader to filter first."""

from django.urls import URLPattern, URLResolver, get_resolver

from unionwork.core.views import ScopedListView

# Tables that reach millions of rows in a city (docs/benchmarks.md, city scale): their lists may
# be asked to sort every row.
LARGE = {
    "members.Member",
    "members.Membership",
    "core.AuditEvent",
    "core.SecurityEvent",
    "founding.Enterprise",  # 100,000 in a city, a million in a province
    "founding.GrassrootsUnion",
    "bargaining.StandardEnterprise",  # the enterprises, as the standardisation checklist lists them
}


def _list_views(patterns=None):
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            yield from _list_views(p.url_patterns)
        elif isinstance(p, URLPattern):
            cls = getattr(p.callback, "view_class", None)
            if cls is not None and issubclass(cls, ScopedListView):
                yield cls


def _leading_columns(model) -> set[str]:
    """Fields an index of the model orders by first (plain b-tree, no operator class or condition)."""
    opts = model._meta.concrete_model._meta  # a proxy's table is its concrete model's
    out = {opts.pk.name, "pk", "id"}
    out |= {f.name for f in opts.local_fields if f.db_index or f.unique}
    for index in opts.indexes:
        if index.fields and not index.opclasses and index.condition is None:
            out.add(index.fields[0].lstrip("-"))
    return out


def _ordered_by(model, path: str) -> bool:
    """Whether an index orders ``path`` (a field, or a related one's: ``unit__pinyin``, the union's
    unit's name, walked from the unit's index to the one union of each)."""
    *through, name = path.split("__")
    for step in through:
        model = model._meta.get_field(step).related_model
    return name in _leading_columns(model)


def test_a_large_tables_list_sorts_at_scale_only_by_what_an_index_orders():
    checked, wrong = 0, []
    for view in set(_list_views()):
        if view.model is None or view.model._meta.label not in LARGE:
            continue
        for column in view.columns:
            if column.sort and column.sort_at_scale:
                checked += 1
                if not _ordered_by(view.model, column.sort.lstrip("-")):
                    wrong.append(f"{view.__name__}: {column.accessor} sorts by {column.sort}")
    assert checked >= 5  # the member list and the audit trail at least
    assert not wrong, (
        "no index orders these: add one on (field, id), or mark the column sort_at_scale=False: "
        + "; ".join(wrong)
    )
