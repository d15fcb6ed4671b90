"""The unified social credit code: real published codes pass, broken ones are refused."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from unionwork.founding import uscc

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


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_valid(code):
    assert uscc.problem(code) is None
    assert uscc.validate(code) == code


def test_normalisation_folds_spaces_case_and_full_width():
    assert uscc.validate(" 9144 0300 1922 0382 16 ") == "914403001922038216"
    assert uscc.validate("9144030071526726xg") == "9144030071526726XG"
    assert uscc.validate("９１４４０３００１９２２０３８２１６") == "914403001922038216"


def test_a_registration_authority_letter_is_accepted():
    # python-stdnum's validate() refuses these; GB 32100 allows A, N, Y … as the first character.
    for first in "ANY":
        code = uscc.with_check(first + "1210211MA0Q12345")
        assert uscc.problem(code) is None, code
    from stdnum.cn import uscc as stdnum_uscc

    assert not stdnum_uscc.is_valid(uscc.with_check("N1210211MA0Q12345"))  # the trap we avoid


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
def test_broken_codes_are_refused_with_a_reason(code, words):
    message = uscc.problem(uscc.normalize(code))
    assert message and words in message
    with pytest.raises(ValidationError):
        uscc.validate(code)


@given(
    st.text(alphabet=uscc.ALPHABET, min_size=1, max_size=1),
    st.text(alphabet=uscc.ALPHABET, min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=uscc.ALPHABET, min_size=9, max_size=9),
)
def test_any_completed_code_is_valid_and_any_other_check_character_is_not(a, b, region, org):
    code = uscc.with_check(a + b + region + org)
    assert uscc.is_valid(code)
    for wrong in uscc.ALPHABET:
        if wrong != code[-1]:
            assert not uscc.is_valid(code[:17] + wrong)
