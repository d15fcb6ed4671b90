"""The identifiers, each checked in one place (``core.identifiers``, issue 11 item 2).

Citizen ID numbers (GB 11643): check characters, dates, legacy numbers and Excel's damage.
Unified social credit codes (GB 32100): real codes pass, letter-first codes pass everywhere.
Member card numbers: python-stdnum's Luhn digit. Every refusal says, in Chinese, how to fix it.
"""

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from unionwork.core import identifiers, masking
from unionwork.core.identifiers import IdentifierError, parse_id


def test_valid_number_of_an_old_region_is_accepted():
    # 中山区 (210202) was created in 1983: python-stdnum's validate() refuses holders born earlier.
    number = identifiers.make_id("210202", datetime.date(1965, 3, 9), 123)
    assert not ric.is_valid(number)
    cid = parse_id(number)
    assert cid.number == number
    assert cid.birth_date == datetime.date(1965, 3, 9)
    assert cid.sex == "M"  # 123: odd


def test_lower_case_x_and_spaces_are_read():
    for seq in range(1000):
        number = identifiers.make_id("210211", datetime.date(1980, 1, 2), seq)
        if number.endswith("X"):
            break
    cid = parse_id(" " + number[:6] + " " + number[6:].lower() + " ")
    assert cid.number == number
    assert cid.sex == "F" if int(number[16]) % 2 == 0 else "M"


def test_wrong_check_character_is_refused_with_the_right_one():
    number = identifiers.make_id("210203", datetime.date(1990, 5, 17), 42)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    with pytest.raises(IdentifierError) as exc:
        parse_id(wrong)
    assert exc.value.code == "checksum"
    assert f"“{number[17]}”" in exc.value.message
    assert "校验位" in exc.value.message


@pytest.mark.parametrize("birth", ["19900230", "19901301", "18991231", "20991231"])
def test_impossible_or_future_birth_date_is_refused(birth):
    first17 = "210204" + birth + "123"
    with pytest.raises(IdentifierError) as exc:
        parse_id(first17 + identifiers.id_check_character(first17))
    assert exc.value.code == "birth_date"
    assert "出生日期" in exc.value.message


def test_legacy_15_digit_number_is_converted_to_18():
    cid = parse_id("210202650309123")
    assert cid.converted
    assert cid.number == identifiers.make_id("210202", datetime.date(1965, 3, 9), 123)
    assert len(cid.number) == 18


@pytest.mark.parametrize(
    "raw", [2.1020219900101123e17, 210202199001011234, "2.10202E+17", "210202199001011000"]
)
def test_number_stored_by_excel_as_a_number_is_refused_with_how_to_fix_it(raw):
    with pytest.raises(IdentifierError) as exc:
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
    with pytest.raises(IdentifierError) as exc:
        parse_id(raw)
    assert exc.value.code == code


@given(
    st.sampled_from(["210202", "210211", "210281", "110101"]),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2010, 12, 31)),
    st.integers(0, 999),
)
def test_every_made_number_parses_back(region, birth, seq):
    number = identifiers.make_id(region, birth, seq)
    cid = parse_id(number)
    assert (cid.number, cid.birth_date) == (number, birth)
    assert ric.calc_check_digit(number) == number[17]
    assert masking.mask_id(number) == number[:2] + "*" * 15 + number[17:]


# -- unified social credit codes ----------------------------------------------------------------
# Codes printed on real business licences (their check characters are the published ones).
REAL_CODES = [
    "91110000600037341L",  # python-stdnum's own example
    "91350100M000100Y43",  # a Fuzhou code with letters inside the organisation code
    "914403001922038216",  # 华为技术有限公司
    "9144030071526726XG",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴（中国）有限公司
    "91110108551385082Q",  # 小米科技有限责任公司
    "91110000710926094P",  # 中国石油化工股份有限公司
]
# Registration authorities that are letters (GB 32100: A 中央军委改革和编制办公室, N 农业, Y 其他…).
LETTER_FIRST = [identifiers.uscc_with_check(first + "1210211MA0Q12345") for first in "ANY"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert identifiers.uscc_problem(code) is None
    assert identifiers.validate_uscc(code) == code


def test_normalisation_folds_spaces_case_and_full_width():
    assert identifiers.validate_uscc(" 9144 0300 1922 0382 16 ") == "914403001922038216"
    assert identifiers.validate_uscc("9144030071526726xg") == "9144030071526726XG"
    assert identifiers.validate_uscc("９１４４０３００１９２２０３８２１６") == "914403001922038216"


@pytest.mark.parametrize("code", LETTER_FIRST)
def test_a_registration_authority_letter_is_accepted(code):
    assert identifiers.uscc_problem(code) is None, code
    assert not stdnum_uscc.is_valid(code)  # the trap the one rule avoids


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("91110000100000589B", "校验位"),  # the check character is A, not B
        ("914403001922038217", "校验位"),
        ("9144030019220382", "18 位"),
        ("9144030019220382160", "18 位"),
        ("91440300192203821I", "不允许的字符"),
        ("9144030019220O8216", "不允许的字符"),
        ("9144030019220Z8216", "不允许的字符"),
        ("91440300S922038216", "不允许的字符"),
        ("9144030V1922038216", "不允许的字符"),
        ("91A40300192203821X", "行政区划"),
        ("", "为空"),
    ],
)
def test_broken_codes_are_refused_with_a_reason_and_the_fix(code, words):
    message = identifiers.uscc_problem(identifiers.normalize_uscc(code))
    assert message and words in message
    assert _names_a_fix(message)
    with pytest.raises(ValidationError) as exc:  # forms take it as it is
        identifiers.validate_uscc(code)
    assert exc.value.messages == [message] and exc.value.code == "uscc"


@given(
    st.text(alphabet=identifiers.USCC_ALPHABET, min_size=1, max_size=1),
    st.text(alphabet=identifiers.USCC_ALPHABET, min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=identifiers.USCC_ALPHABET, min_size=9, max_size=9),
)
def test_any_completed_code_is_valid_and_any_other_check_character_is_not(a, b, region, org):
    code = identifiers.uscc_with_check(a + b + region + org)
    assert identifiers.is_valid_uscc(code)
    for wrong in identifiers.USCC_ALPHABET:
        if wrong != code[-1]:
            assert not identifiers.is_valid_uscc(code[:17] + wrong)


# -- member card numbers -----------------------------------------------------------------------
@given(st.text(alphabet="0123456789", min_size=13, max_size=13))
def test_the_card_digit_is_pythons_stdnum_luhn(body):
    number = body + identifiers.card_check_digit(body)
    assert luhn.is_valid(number)
    assert identifiers.card_number_problem(number) is None
    assert identifiers.validate_card_number(f" {number[:4]} {number[4:]} ") == number
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not luhn.is_valid(wrong) and identifiers.card_number_problem(wrong)


@pytest.mark.parametrize(
    ("number", "words"),
    [("", "为空"), ("2102A000000013", "数字"), ("2102000000001", "14 位"), ("21020000000012", "校验位")],
)
def test_broken_card_numbers_are_refused_with_a_reason_and_the_fix(number, words):
    message = identifiers.card_number_problem(number)
    assert message and words in message and _names_a_fix(message)
    with pytest.raises(IdentifierError) as exc:
        identifiers.validate_card_number(number)
    assert exc.value.code == "card_number"


# -- citizen ID messages ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "99020219900101123X",
        "21020219900101A234",
        "210204199002301231",
        2.1020219900101123e17,
        identifiers.make_id("210203", datetime.date(1990, 5, 17), 42)[:17] + "Y",
    ],
)
def test_every_id_refusal_is_chinese_and_names_the_fix(raw):
    with pytest.raises(IdentifierError) as exc:
        parse_id(raw)
    assert _names_a_fix(exc.value.message), exc.value.message
    assert isinstance(exc.value, ValueError)  # parsers and importers catch it as one


def _names_a_fix(message: str) -> bool:
    """Chinese, and says what to do (请…, 核对, 填写, 设置…)."""
    return bool(re.search(r"[\u4e00-\u9fff]", message)) and any(
        w in message for w in ("请", "核对", "填写", "设置", "应为")
    )


# -- one rule everywhere: a letter-first code passes the founding form, import and action, and
# stability's incident report (stability refused it while it used python-stdnum's is_valid) ------
@pytest.mark.django_db
def test_a_letter_first_code_is_accepted_by_every_module():
    from unionwork.core import audit
    from unionwork.core.imports.testing import run_upload, xlsx_bytes
    from unionwork.core.tests.factories import demo_user, unit
    from unionwork.founding import actions as founding_actions
    from unionwork.founding.forms import EnterpriseForm
    from unionwork.founding.models import Enterprise
    from unionwork.founding.tests.test_imports import HEADER, row
    from unionwork.stability.tests.helpers import new_incident

    gjz = demo_user("gjz_admin")
    by_form, by_import, by_action, by_report = (
        identifiers.uscc_with_check(f"{first}1210211MA0Q1234{n}") for n, first in enumerate("ANYN")
    )
    form = EnterpriseForm({"uscc": by_form.lower()}, user=gjz)
    form.is_valid()
    assert "uscc" not in form.errors and form.cleaned_data["uscc"] == by_form
    job = run_upload(gjz, "founding.enterprises", xlsx_bytes([HEADER, row(by_import)], text_columns=[0, 8]))
    assert job.status == "done", job.errors
    assert Enterprise.objects.filter(uscc=by_import).exists()
    with audit.acting_as(gjz, "test"):
        e = founding_actions.register_enterprise(
            gjz,
            uscc=by_action,
            name="演示字母开头代码有限公司",
            ownership="private",
            industry="C",
            community=unit("210211001001"),
        )
    assert e.uscc == by_action
    incident = new_incident(gjz, unit("210211001"), enterprise_uscc=f" {by_report.lower()} ")
    assert incident.enterprise_uscc == by_report


@pytest.mark.django_db
def test_a_wrong_code_gets_the_same_message_in_every_module():
    from django.core.exceptions import ValidationError as FormError

    from unionwork.core.errors import ActionError
    from unionwork.core.imports.columns import CellError
    from unionwork.core.tests.factories import demo_user, unit
    from unionwork.founding.imports import UsccColumn
    from unionwork.stability.tests.helpers import new_incident

    code = identifiers.uscc_with_check("N1210211MA0Q12345")
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    message = identifiers.uscc_problem(wrong)
    gjz = demo_user("gjz_admin")
    with pytest.raises(ActionError) as exc:
        new_incident(gjz, unit("210211001"), enterprise_uscc=wrong)
    assert exc.value.messages == [message]
    with pytest.raises(CellError) as exc:
        UsccColumn("统一社会信用代码", "uscc").parse(wrong)
    assert str(exc.value) == message
    with pytest.raises(FormError):
        identifiers.validate_uscc(wrong)
