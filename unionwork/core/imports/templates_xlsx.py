"""The template of an import: the header row, notes, text-formatted code columns, drop-downs.

Built with openpyxl (small files, and it writes data validations). The first sheet is where the
user types, so the reader finds it first; the choices of the drop-down lists live on a hidden
sheet (a list typed into the validation itself may not exceed 255 characters); a last sheet
explains every column.
"""

from __future__ import annotations

import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from unionwork.core.imports.base import Importer

AUTHOR = "工会工作平台"
TEMPLATE_ROWS = 10_000  # rows that get the drop-downs and the text format
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_SHEET_TITLE_BAD = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str) -> str:
    """A valid worksheet name (31 characters, none of []:*?/\\)."""
    return _SHEET_TITLE_BAD.sub("", str(text))[:31] or "Sheet1"


def build_template(importer: Importer) -> bytes:
    """The .xlsx template of an importer, as bytes."""
    book = Workbook()
    ws = book.active
    ws.title = sheet_title(importer.label)
    options = book.create_sheet(sheet_title(_("选项")))
    options.sheet_state = "hidden"
    option_col = 0
    for i, column in enumerate(importer.columns, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=column.title)
        cell.font = Font(bold=True, color="C00000" if column.required else "000000")
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        cell.comment = Comment(column.describe(), AUTHOR, width=260, height=120)
        dim = ws.column_dimensions[letter]
        dim.width = max(column.width, len(column.title) * 2 + 4)
        if column.text_format:
            dim.number_format = "@"
        choices = column.template_choices()
        if choices:
            option_col += 1
            _add_dropdown(ws, options, option_col, f"{letter}2:{letter}{TEMPLATE_ROWS + 1}", column, choices)
    ws.freeze_panes = "A2"
    _add_help_sheet(book, importer)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _add_dropdown(ws, options, option_col: int, cells: str, column, choices: list[str]) -> None:
    letter = get_column_letter(option_col)
    options.cell(row=1, column=option_col, value=column.title)
    for r, label in enumerate(choices, start=2):
        options.cell(row=r, column=option_col, value=label)
    source = f"'{options.title}'!${letter}$2:${letter}${len(choices) + 1}"
    strict = column.strict_choices()
    dv = DataValidation(
        type="list",
        formula1=source,
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle=_("请从列表中选择"),
        error=_("请从下拉列表中选择“%(col)s”的值。") % {"col": column.title},
        showInputMessage=not strict,
        promptTitle=column.title[:32],
        prompt=column.describe()[:255],
    )
    ws.add_data_validation(dv)
    dv.add(cells)


def _add_help_sheet(book: Workbook, importer: Importer) -> None:
    sheet = book.create_sheet(sheet_title(_("填写说明")))
    sheet.append([_("列名"), _("是否必填"), _("填写说明")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for column in importer.columns:
        sheet.append([column.title, _("必填") if column.required else _("选填"), column.describe()])
    notes = [
        _("表头在第一行，请不要改动列名；不需要修改的选填列可以整列删除，删除的列不会被修改。"),
        _(
            "编号、代码、手机号等列已设为“文本”格式，请保持，否则 Excel 会把长数字改成科学计数法并丢失末几位。"
        ),
        _("导入时先检查全部行：只要有一行有误，就不会写入任何数据，并给出标注了问题的文件。"),
    ]
    if importer.description:
        notes.insert(0, str(importer.description))
    sheet.append([])
    for note in notes:
        sheet.append([note])
    sheet.column_dimensions["A"].width = 20
    sheet.column_dimensions["B"].width = 10
    sheet.column_dimensions["C"].width = 90
