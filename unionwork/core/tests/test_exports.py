"""Any list to .xlsx: read back with python-calamine and openpyxl."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from urllib.parse import quote

import openpyxl
import pytest
from django.utils import timezone
from python_calamine import CalamineWorkbook

from unionwork.core import exports
from unionwork.orgs.models import OrgUnit

from .factories import demo_user


class Thing:
    def __init__(self, name, **extra):
        self.name = name
        self.__dict__.update(extra)

    def shout(self):
        return self.name + "！"


def _read(data: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


def test_values_of_every_kind():
    parent = Thing("上级")
    rows = [
        Thing(
            "甲",
            parent=parent,
            n=3,
            amount=Decimal("1.50"),
            flag=True,
            day=datetime.date(2024, 1, 31),
            at=timezone.make_aware(datetime.datetime(2024, 1, 31, 8, 0)),
            big=210202199001011234,
            formula="=1+1",
            tags=["a", "b"],
        ),
        Thing(
            "乙",
            parent=None,
            n=None,
            amount=None,
            flag=False,
            day=None,
            at=None,
            big=None,
            formula="",
            tags=[],
        ),
    ]
    columns = [
        ("名称", "name"),
        ("上级", "parent.name"),
        ("喊", "shout"),
        ("数", "n"),
        ("金额", "amount"),
        ("是否", "flag"),
        ("日期", "day"),
        ("时间", "at"),
        ("身份证号", "big"),
        ("公式", "formula"),
        ("标签", "tags"),
        ("长度", lambda obj: len(obj.name)),
    ]
    buffer = io.BytesIO()
    assert exports.write_xlsx(buffer, "测试导出", columns, rows) == 2
    data = _read(buffer.getvalue())
    assert data[0][0] == "测试导出"
    assert data[1] == [h for h, _a in columns]
    assert data[2] == [
        "甲",
        "上级",
        "甲！",
        3.0,
        1.5,
        "是",
        datetime.date(2024, 1, 31),
        datetime.datetime(2024, 1, 31, 8, 0),
        "210202199001011234",
        "=1+1",
        "a、b",
        1.0,
    ]
    assert data[3][:3] == ["乙", "", "乙！"] and data[3][5] == "否"


def test_sheet_is_formatted():
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, "标题", [("名称", "name"), ("说明", "note")], [Thing("甲", note="很长" * 20)])
    ws = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).worksheets[0]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:B3"
    assert ws["A2"].font.bold
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width
    without_title = io.BytesIO()
    exports.write_xlsx(without_title, "", [("名称", "name")], [Thing("甲")])
    assert _read(without_title.getvalue()) == [["名称"], ["甲"]]


@pytest.mark.django_db
def test_queryset_export_is_one_query_and_scoped(django_assert_max_num_queries):
    user = demo_user("gjz_admin")
    qs = OrgUnit.objects.restrict(user).filter(depth__lte=2).order_by("path")
    buffer = io.BytesIO()
    with django_assert_max_num_queries(1):
        count = exports.write_xlsx(
            buffer, "组织", [("名称", "name"), ("代码", "code"), ("类型", "get_kind_display")], qs
        )
    data = _read(buffer.getvalue())
    assert count == qs.count() == len(data) - 2
    assert data[2] == ["甘井子区总工会", "210211", "区市县总工会"]


@pytest.mark.django_db
def test_xlsx_response_has_a_chinese_filename():
    response = exports.xlsx_response(
        "组织列表-20240131", "组织列表", [("名称", "name")], [Thing("甲"), Thing("乙")]
    )
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"] == (
        f"attachment; filename*=utf-8''{quote('组织列表-20240131.xlsx')}"
    )
    data = _read(b"".join(response.streaming_content))
    assert data[1:] == [["名称"], ["甲"], ["乙"]]
    response.close()
