"""Identifier rules: GB 32100-2015 USCC check character, GB/T 2260 code normalisation."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chainleader.model.ids import (
    USCC_CHARSET,
    is_valid_uscc,
    make_uscc,
    normalise_region_code,
    region_level,
    uscc_check_char,
    uscc_problem,
)


def test_uscc_check_char_by_hand() -> None:
    # GB 32100-2015 §5: C18 = 31 - (Σ C_i·W_i mod 31), 31 written as 0.
    assert uscc_check_char("0" * 17) == "0"  # sum 0 -> 31 -> '0'
    assert uscc_check_char("1" + "0" * 16) == "Y"  # 1·1 = 1 -> 30 -> 'Y' (index 30 of the code set)
    assert uscc_check_char("0" + "1" + "0" * 15) == "W"  # 1·3 = 3 -> 28 -> 'W'


def test_published_example_is_valid() -> None:
    # The sample code printed in many provincial guides to GB 32100-2015.
    assert is_valid_uscc("91350100M000100Y43")
    assert uscc_problem("91350100M000100Y44") is not None


def test_uscc_problems_are_explained() -> None:
    zh, en = uscc_problem("9135010")  # type: ignore[misc]
    assert "18" in zh and "18" in en
    zh, en = uscc_problem("91350100M000100YI3")  # type: ignore[misc]
    assert "I" in en
    zh, en = uscc_problem("91350100M000100Y40")  # type: ignore[misc]
    assert "3" in en and "0" in en


@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17))
def test_make_uscc_round_trip(first17: str) -> None:
    code = make_uscc(first17)
    assert is_valid_uscc(code)
    # Any single substitution of the check character is detected.
    wrong = next(c for c in USCC_CHARSET if c != code[17])
    assert not is_valid_uscc(code[:17] + wrong)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("13", "130000"), ("1301", "130100"), ("130102", "130102"), (" 110105 ", "110105"), ("130100.0", "130100"),
     ("1301a", None), ("1", None), ("1234567", None)],
)
def test_normalise_region_code(raw: str, expected: str | None) -> None:
    assert normalise_region_code(raw) == expected


def test_region_level() -> None:
    assert region_level("130000") == "province"
    assert region_level("130100") == "prefecture"
    assert region_level("130102") == "county"
