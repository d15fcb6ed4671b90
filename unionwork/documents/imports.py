"""Import of document series (发文字号): an office lists its issuing bodies' prefixes once.

New prefixes become series of the unit named (in the user's scope, through
:func:`unionwork.documents.actions.add_series`, audited); a prefix already there is left as it is
(a series is never renamed: its numbers are printed on documents).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from unionwork.core import imports
from unionwork.core.scope import scope_q
from unionwork.documents import actions
from unionwork.documents.models import DocumentSeries
from unionwork.orgs.models import OrgStatus, OrgUnit


def _units(user: Any):
    return OrgUnit.objects.filter(scope_q(user, "path"), status=OrgStatus.ACTIVE)


@imports.register
class SeriesImporter(imports.RowwiseImporter):
    name = "documents.series"
    label = gettext_lazy("发文字号")
    model = DocumentSeries
    key = ("prefix",)
    permission = "manage"
    description = gettext_lazy(
        "每行一个发文机关代字（如 大工发、大工办发）及其发文机关；已有的代字不作修改。"
    )
    columns = [
        imports.TextColumn(
            gettext_lazy("发文机关代字"), "prefix", required=True, keep_text=True, max_length=20
        ),
        imports.ReferenceColumn(
            gettext_lazy("发文机关"), "issuer", queryset=_units, noun=gettext_lazy("组织"), required=True
        ),
        imports.TextColumn(gettext_lazy("发文部门"), "department", max_length=50, aliases=["部门"]),
        imports.TextColumn(gettext_lazy("说明"), "name", max_length=100, aliases=["备注"]),
    ]
    error_fields = {"duplicate": "prefix", "out_of_scope": "issuer", "forbidden": "issuer"}

    def write_row(self, row: imports.Row, ctx: imports.ImportContext) -> str:
        if row.existing is not None:
            return "unchanged"
        v = row.values
        actions.add_series(
            ctx.user,
            v["issuer"],
            prefix=v["prefix"],
            department=v.get("department") or "",
            name=v.get("name") or "",
        )
        return "created"
