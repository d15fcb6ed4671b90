"""Cells and headers as offices type them: normalised before they are checked (core.imports.normalize)."""

from __future__ import annotations

import datetime
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unionwork.core import crypto
from unionwork.core.imports import DateColumn, IntegerColumn, TextColumn
from unionwork.core.imports.columns import CellError
from unionwork.core.imports.engine import Checker
from unionwork.core.imports.normalize import (
    SKIP_HEADER,
    SKIP_NOTE,
    SKIP_TOTAL,
    MonthDate,
    layout_key,
    normalize_header,
    normalize_phone,
    normalize_text,
    not_a_record,
    parse_date_number,
    parse_date_text,
)

FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def wide(text: str) -> str:
    """Text as a Chinese input method in full-width mode types it (digits, letters and - . /)."""
    out = []
    for ch in text:
        if "!" <= ch <= "~":
            out.append(chr(ord(ch) + 0xFEE0))
        elif ch == " ":
            out.append("\u3000")
        else:
            out.append(ch)
    return "".join(out)


class TestCells:
    def test_full_width_digits_and_letters_and_odd_spaces(self):
        assert normalize_text(
            "\u3000２１０２０２１９９００１０１１２３Ｘ\u00a0"
        ) == "210202199001011 23X".replace(" ", "")
        assert normalize_text("张\u200b三") == "张三"
        assert normalize_text("大连（甘井子）工会") == "大连（甘井子）工会"  # punctuation of names stays

    @given(st.text())
    def test_normalising_twice_changes_nothing(self, text):
        once = normalize_text(text)
        assert normalize_text(once) == once

    def test_a_text_column_reads_full_width_codes(self):
        assert TextColumn("代码", "code", digits_only=True).clean("２１０２１１") == "210211"


MOBILE = "13804112345"


class TestPhones:
    @pytest.mark.parametrize(
        "typed",
        [
            "13804112345",
            "138 0411 2345",
            "138-0411-2345",
            "+86 138 0411 2345",
            "+8613804112345",
            "0086-13804112345",
            "0086 138 0411 2345",
            "86 13804112345",
            "(+86)13804112345",
            "（+86）138-0411-2345",
            "１３８０４１１２３４５",
            "＋８６　１３８－０４１１－２３４５",
            "138.0411.2345",
        ],
    )
    def test_mobile_numbers_in_every_form(self, typed):
        assert normalize_phone(typed) == MOBILE

    @pytest.mark.parametrize(
        "typed, clean",
        [
            ("0411-84123456", "0411-84123456"),
            ("(0411)84123456", "0411-84123456"),
            ("0411 8412 3456", "0411-84123456"),
            ("（010）12345678", "010-12345678"),
            ("+86 411 84123456", "0411-84123456"),
            ("041184123456", "0411-84123456"),
        ],
    )
    def test_landlines(self, typed, clean):
        assert normalize_phone(typed) == clean

    @given(
        st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
        st.sampled_from(["", "+86", "0086", "86", "+86 ", "(+86)"]),
        st.sampled_from(["", " ", "-"]),
        st.booleans(),
    )
    def test_any_mobile_however_decorated(self, number, prefix, sep, full_width):
        typed = prefix + sep.join([number[:3], number[3:7], number[7:]])
        if full_width:
            typed = wide(typed)
        assert normalize_phone(typed) == number

    def test_not_a_phone_is_left_for_the_column_to_refuse(self):
        assert normalize_phone("无") == "无"
        assert normalize_phone("12345") == "12345"


class TestDates:
    @pytest.mark.parametrize(
        "typed",
        [
            "2023年5月1日",
            "2023.5.1",
            "2023/5/1",
            "2023-05-01",
            "20230501",
            "2023年05月01日",
            "2023-5-1 0:00",
            "2023-05-01 00:00:00",
            "２０２３年５月１日",
            "２０２３．５．１",
            "2023年5月1号",
            " 2023 年 5 月 1 日 ",
        ],
    )
    def test_days_as_offices_type_them(self, typed):
        assert parse_date_text(typed) == datetime.date(2023, 5, 1)

    @pytest.mark.parametrize("typed", ["2023年5月", "2023.5", "2023/5", "2023-05", "202305", "2023年5月份"])
    def test_a_month_alone_is_its_first_day_marked(self, typed):
        value = parse_date_text(typed)
        assert value == datetime.date(2023, 5, 1) and isinstance(value, MonthDate)

    def test_excel_numbers(self):
        assert parse_date_number(45047) == datetime.date(2023, 5, 1)  # a serial, not formatted as a date
        assert parse_date_number(45047.5) == datetime.date(2023, 5, 1)  # with a time of day
        assert parse_date_number(20230501) == datetime.date(2023, 5, 1)
        assert parse_date_number(2023.5) == MonthDate(2023, 5, 1)
        assert parse_date_number(2023.12) == MonthDate(2023, 12, 1)
        assert parse_date_number(202305) == MonthDate(2023, 5, 1)

    def test_a_date_column_takes_datetime_cells_and_says_what_is_wrong(self):
        col = DateColumn("入会日期", "joined_on")
        assert col.clean(datetime.datetime(2023, 5, 1, 8, 30)) == datetime.date(2023, 5, 1)
        with pytest.raises(CellError, match="分不清是 1 月还是 10 月"):
            col.clean(2023.1)  # 2023.10 typed into a number cell
        with pytest.raises(CellError, match="不存在"):
            col.clean("2023年2月30日")
        with pytest.raises(CellError, match="日期格式不对"):
            col.clean("去年五月")

    @given(
        st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)),
        st.sampled_from(
            ["{y}年{m}月{d}日", "{y}.{m}.{d}", "{y}/{m}/{d}", "{y}-{m:02d}-{d:02d}", "{y}{m:02d}{d:02d}"]
        ),
        st.booleans(),
    )
    def test_every_day_in_every_form_reads_back(self, day, fmt, full_width):
        typed = fmt.format(y=day.year, m=day.month, d=day.day)
        assert parse_date_text(wide(typed) if full_width else typed) == day

    @given(st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2100, 12, 31)))
    def test_every_serial_reads_back(self, day):
        serial = (day - datetime.date(1899, 12, 30)).days
        assert parse_date_number(serial) == day


class TestHeaders:
    @pytest.mark.parametrize(
        "typed, clean",
        [
            (" 联系电话（手机）* ", "联系电话"),
            ("身份证号\n(必填)", "身份证号"),
            ("姓 名：", "姓名"),
            ("入会日期(yyyy-mm-dd)", "入会日期"),
            ("ＩＤ号", "id号"),
            ("（备注）", "备注"),
        ],
    )
    def test_header_text(self, typed, clean):
        assert normalize_header(typed) == clean

    @given(st.text())
    def test_normalising_a_header_twice_changes_nothing(self, text):
        once = normalize_header(text)
        assert normalize_header(once) == once

    def test_layout_ignores_how_headers_are_typed_but_not_their_order(self):
        assert layout_key(["姓名 ", "手机号码*", ""]) == layout_key(["姓名", "手机号码"])
        assert layout_key(["姓名", "手机号码"]) != layout_key(["手机号码", "姓名"])


class TestNotRecords:
    @pytest.mark.parametrize(
        "cells, reason",
        [
            (["合计", "", "", "120"], SKIP_TOTAL),
            (["", "总 计：", "35人"], SKIP_TOTAL),
            (["本页小计", 3], SKIP_TOTAL),
            (["注：身份证号请设为文本格式。"], SKIP_NOTE),
            (["填表人：王芳", "", "审核人：李强"], SKIP_NOTE),
            (["说明"], SKIP_NOTE),
            (["以上人员均已签订劳动合同，特此说明。"], SKIP_NOTE),
            (["姓名", "身份证号码 "], SKIP_HEADER),
        ],
    )
    def test_rows_that_are_clearly_not_records(self, cells, reason):
        assert not_a_record(cells, ("姓名", "身份证号码")) == reason

    @pytest.mark.parametrize(
        "cells",
        [
            ["张三", "2102021990"],
            ["张三"],
            ["注册会计师", "2102021990", "13800000000", "x"],
            ["李四", "", "合同制"],
        ],
    )
    def test_a_bad_record_is_still_a_record(self, cells):
        assert not_a_record(cells, ("姓名", "身份证号码")) is None


class TestCrypto:
    @given(st.binary(max_size=5000), st.integers(min_value=1, max_value=700))
    def test_round_trip_in_chunks(self, data, chunk):
        old, crypto.CHUNK = crypto.CHUNK, chunk
        try:
            sealed = io.BytesIO()
            crypto.encrypt_stream(io.BytesIO(data), sealed)
            sealed.seek(0)
            assert crypto.is_encrypted(sealed)
            assert b"".join(crypto.decrypt_chunks(sealed)) == data
        finally:
            crypto.CHUNK = old

    def test_cut_or_altered_files_do_not_open(self):
        old, crypto.CHUNK = crypto.CHUNK, 100
        try:
            sealed = io.BytesIO()
            crypto.encrypt_stream(io.BytesIO(b"210202199001011234" * 50), sealed)
            blob = sealed.getvalue()
        finally:
            crypto.CHUNK = old
        assert b"210202199001011234" not in blob
        cut = blob[: len(blob) - 140]  # the last chunk gone: the file now ends on a full chunk
        with pytest.raises(crypto.FileKeyError):
            b"".join(crypto.decrypt_chunks(io.BytesIO(cut)))
        altered = bytearray(blob)
        altered[40] ^= 1
        with pytest.raises(crypto.FileKeyError):
            b"".join(crypto.decrypt_chunks(io.BytesIO(bytes(altered))))


def test_checker_is_importable_for_header_tests():
    assert Checker.read_header.__doc__


@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), float("nan"), 1.7976931348623155e308])
def test_a_number_no_date_can_be_is_a_cell_error_not_a_crash(raw):
    """Found by the import fuzz test: an .xlsx cell holding inf made int() raise OverflowError."""
    with pytest.raises(CellError):
        DateColumn("joined_on", "入会日期").parse(raw)


@pytest.mark.parametrize("raw", [2**63, -(2**63) - 1, 1.7976931348623155e308, "9" * 30])
def test_an_integer_beyond_the_database_is_a_cell_error(raw):
    with pytest.raises(CellError, match="数值过大"):
        IntegerColumn("n", "人数").parse(raw)
