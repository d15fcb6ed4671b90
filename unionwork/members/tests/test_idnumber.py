"""Citizen ID numbers (GB 11643): check characters, dates, legacy numbers and Excel's damage."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from unionwork.members import idnumber
from unionwork.members.idnumber import IdNumberError, parse_id


def test_valid_number_of_an_old_region_is_accepted():
    # 中山区 (210202) was created in 1983: python-stdnum's validate() refuses holders born earlier.
    number = idnumber.make_id("210202", datetime.date(1965, 3, 9), 123)
    assert not ric.is_valid(number)
    cid = parse_id(number)
    assert cid.number == number
    assert cid.birth_date == datetime.date(1965, 3, 9)
    assert cid.sex == "M"  # 123: odd


def test_lower_case_x_and_spaces_are_read():
    for seq in range(1000):
        number = idnumber.make_id("210211", datetime.date(1980, 1, 2), seq)
        if number.endswith("X"):
            break
    cid = parse_id(" " + number[:6] + " " + number[6:].lower() + " ")
    assert cid.number == number
    assert cid.sex == "F" if int(number[16]) % 2 == 0 else "M"


def test_wrong_check_character_is_refused_with_the_right_one():
    number = idnumber.make_id("210203", datetime.date(1990, 5, 17), 42)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(IdNumberError) as exc:
        parse_id(wrong)
    assert exc.value.code == "checksum"
    assert f"“{number[17]}”" in exc.value.message
    assert "校验位" in exc.value.message


@pytest.mark.parametrize("birth", ["19900230", "19901301", "18991231", "20991231"])
def test_impossible_or_future_birth_date_is_refused(birth):
    first17 = "210204" + birth + "123"
    with pytest.raises(IdNumberError) as exc:
        parse_id(first17 + idnumber.check_character(first17))
    assert exc.value.code == "birth_date"
    assert "出生日期" in exc.value.message


def test_legacy_15_digit_number_is_converted_to_18():
    cid = parse_id("210202650309123")
    assert cid.converted
    assert cid.number == idnumber.make_id("210202", datetime.date(1965, 3, 9), 123)
    assert len(cid.number) == 18


@pytest.mark.parametrize(
    "raw", [2.1020219900101123e17, 210202199001011234, "2.10202E+17", "210202199001011000"]
)
def test_number_stored_by_excel_as_a_number_is_refused_with_how_to_fix_it(raw):
    with pytest.raises(IdNumberError) as exc:
        parse_id(raw)
    assert exc.value.code == "excel_number"
    assert "文本" in exc.value.message


@pytest.mark.parametrize(
    "raw,code",
    [
        ("", "required"),
        ("12345", "length"),
        ("99020219900101123X", "region"),
        ("21020219900101A234", "format"),
    ],
)
def test_malformed_numbers(raw, code):
    with pytest.raises(IdNumberError) as exc:
        parse_id(raw)
    assert exc.value.code == code


@given(
    st.sampled_from(["210202", "210211", "210281", "110101"]),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2010, 12, 31)),
    st.integers(0, 999),
)
def test_every_made_number_parses_back(region, birth, seq):
    number = idnumber.make_id(region, birth, seq)
    cid = parse_id(number)
    assert (cid.number, cid.birth_date) == (number, birth)
    assert ric.calc_check_digit(number) == number[17]
    assert idnumber.mask(number) == number[:2] + "*" * 15 + number[17:]
