"""Stability work over the API: /api/v1/stability/.

One file per sub-domain, as ``actions/``: ``reports``, ``incidents``, ``cases``, ``timeliness``,
all on the one ``router`` of ``_common`` (with the shared schemas and helpers).

Thin handlers, as in :mod:`unionwork.orgs.api`: parse, then a query (every read starts from the
model's ``restrict``; one record is fetched with ``get_in_scope``, so one outside the caller's
scope is a 404) or an action of :mod:`unionwork.stability.actions` (which checks role and scope,
writes, audits, keeps the indicators, in one transaction). A unit named in a body is looked up in
the caller's scope; one outside it is refused with 400 like an unknown one, never confirmed.

Records of this module are never deleted and the times that decide timeliness (``filed_at``,
``reported_at``, ``opened_at``) are the server's: no operation deletes, none replaces a record
(no PUT/PATCH), the write bodies refuse fields they do not declare (so a ``filed_at`` or
``reported_at`` sent along is a 422), and a correction is ``POST …/amend`` with its reason.
"""

# The operations are listed in the schema in this order.
# isort: off
from unionwork.stability.api._common import router
from unionwork.stability.api import reports, incidents, cases, timeliness
# isort: on

# The operations keep the ids they had in the single module (unionwork_stability_api_<function>),
# so that clients generated from the schema do not change.
for _view in router.path_operations.values():
    for _operation in _view.operations:
        _operation.operation_id = (
            _operation.operation_id or f"unionwork_stability_api_{_operation.view_func.__name__}"
        )

__all__ = ["cases", "incidents", "reports", "router", "timeliness"]
