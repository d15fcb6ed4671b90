"""The one import mechanism: declared columns -> check every row -> write all or nothing.

A module declares an importer in its ``imports.py``::

    from unionwork.core import imports

    @imports.register
    class MemberImporter(imports.Importer):
        name = "members.members"
        label = _("会员")
        model = Member
        key = ("id_number",)
        columns = [
            imports.TextColumn(_("身份证号"), "id_number", required=True, keep_text=True, max_length=18),
            imports.TextColumn(_("姓名"), "name", required=True, max_length=50),
            imports.ReferenceColumn(_("所属工会"), "union", queryset=lambda user: OrgUnit.objects.restrict(user)),
            imports.DateColumn(_("入会日期"), "joined_on"),
        ]

        def validate_row(self, row, ctx): ...   # checks across columns, optional

The upload page, the template, progress and the marked error file come with it
(``/imports/<name>/``). Writes go through :meth:`Importer.save` (bulk, audited) or, for a
:class:`RowwiseImporter`, through the module's actions one row at a time.
"""

from unionwork.core.imports.base import (
    Change,
    ImportContext,
    Importer,
    Issue,
    Row,
    RowwiseImporter,
    RowWriteError,
    WriteCounts,
    all_importers,
    get_importer,
    messages_of,
    register,
)
from unionwork.core.imports.columns import (
    BoolColumn,
    CellError,
    ChoiceColumn,
    Column,
    DateColumn,
    DecimalColumn,
    IntegerColumn,
    Pending,
    ReferenceColumn,
    TextColumn,
    cell_text,
)
from unionwork.core.imports.readers import EXTENSIONS, ImportFileError, open_sheet

__all__ = [
    "EXTENSIONS",
    "BoolColumn",
    "CellError",
    "Change",
    "ChoiceColumn",
    "Column",
    "DateColumn",
    "DecimalColumn",
    "ImportContext",
    "ImportFileError",
    "Importer",
    "IntegerColumn",
    "Issue",
    "Pending",
    "ReferenceColumn",
    "Row",
    "RowWriteError",
    "RowwiseImporter",
    "TextColumn",
    "WriteCounts",
    "all_importers",
    "cell_text",
    "get_importer",
    "messages_of",
    "open_sheet",
    "register",
]
