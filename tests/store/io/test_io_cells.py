"""Cell rules: what Chinese Excel users type, and what it becomes (hand-checked values)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chainleader.model.ids import USCC_CHARSET, make_uscc, uscc_check_char
from chainleader.model.schema import table
from chainleader.store.io import codes, lists, numbers
from chainleader.store.io.hashing import combine, hash_strings
from chainleader.store.io.text import clean, nfkc

CAPACITY = table("capacities").column("capacity")
GRADE = table("capacities").column("standard_grade")
SHARE = table("supply_links").column("share")
KEY_LINK = table("products").column("key_link")
AS_OF = table("products").column("as_of")
STAGE = table("products").column("stage")
TAGS = table("enterprises").column("tags")
HS = table("products").column("hs_codes")
REGION = table("enterprises").column("region")
COUNTRY = table("enterprises").column("country")
USCC = table("enterprises").column("uscc")
ENT_ID = table("enterprises").column("id")


def _cells(*values: str | None) -> pa.Array:
    return clean(pa.array(list(values), type=pa.string()))


def _list(values: object) -> list[object]:
    assert isinstance(values, pa.Array)
    return values.to_pylist()


def _codes(conv: numbers.Converted) -> list[str | None]:
    n = len(conv.values)
    out: list[str | None] = [None] * n
    for issue in conv.issues:
        for i in np.flatnonzero(issue.mask):
            out[i] = issue.code
    return out


def test_numbers_as_typed_in_chinese_excel() -> None:
    conv = numbers.convert_number(CAPACITY, _cells("1,234.5", "１２３４", " 5000 ", "5000吨", "5000 t", "-5", "",
                                                   "2024/3/1", "abc", "1,5", "1e3"))
    v = conv.values
    assert v[0] == 1234.5 and v[1] == 1234.0 and v[2] == 5000.0 and v[10] == 1000.0
    assert math.isnan(v[6])  # empty stays missing
    assert _codes(conv) == [None, None, None, "unit_in_number", "unit_in_number", "negative", None,
                            "excel_date_in_number", "type_float", "type_float", None]


def test_integers_and_range() -> None:
    conv = numbers.convert_number(GRADE, _cells("4", "4.0", "4.5", "0", "6", "５"))
    assert list(pd.Series(conv.values).to_numpy(dtype=float, na_value=np.nan)[[0, 1, 5]]) == [4.0, 4.0, 5.0]
    assert _codes(conv) == [None, None, "type_int", "negative", "above_max", None]
    assert str(conv.values.dtype) == "Int64"


def test_shares_fraction_percent_and_ambiguous() -> None:
    conv = numbers.convert_number(SHARE, _cells("0.6", "60%", "60 ％", "60", "150%", "1", "100"))
    v = conv.values
    assert v[0] == 0.6 and v[1] == 0.6 and v[2] == 0.6 and v[5] == 1.0
    assert _codes(conv) == [None, None, None, "share_ambiguous", "above_max", None, "share_ambiguous"]
    assert "写成 0.6 或 60%" in conv.issues[0].describe("60")[2]


def test_booleans() -> None:
    conv = numbers.convert_bool(KEY_LINK, _cells("TRUE", "false", "是", "否", "Y", "n", "1", "0", "也许", None))
    assert conv.values.tolist()[:8] == [True, False, True, False, True, False, True, False]
    assert _codes(conv)[8] == "type_bool" and conv.values.tolist()[9] is pd.NA


def test_dates_to_iso() -> None:
    conv = numbers.convert_date(AS_OF, _cells("2024/3/1", "2024-03-01", "2024年3月1日", "2024.3.1", "20240301",
                                              "2024-03-01 00:00:00", "2024-02-30", "2024", "3/1/2024"))
    assert _list(conv.values)[:6] == ["2024-03-01"] * 6
    assert _codes(conv)[6:] == ["type_date"] * 3


def test_enum_english_chinese_and_case() -> None:
    conv = codes.convert_enum(STAGE, _cells("upstream", "上游", "Midstream", "DOWNSTREAM", "上流"))
    assert _list(conv.values)[:4] == ["upstream", "upstream", "midstream", "downstream"]
    assert _codes(conv)[4] == "enum"
    kinds = codes.convert_enum(table("products").column("kind"), _cells("Final Product", "final-product", "终端产品"))
    assert _list(kinds.values) == ["final_product"] * 3


def test_list_separators_and_canonical_order() -> None:
    conv = lists.convert_list("enterprises", TAGS, _cells("listed；chain_master", "上市、链主,上市", "链主，国有", "member;bogus"))
    assert _list(conv.values) == ["chain_master;listed", "chain_master;listed", "chain_master;state_owned", None]
    assert _codes(conv) == [None, None, None, "enum"]


def test_hs_codes() -> None:
    conv = lists.convert_list("products", HS, _cells("810520;260500", "2605.00", "260500.0", "26050", "260590"))
    assert _list(conv.values) == ["260500;810520", "260500", "260500", None, "260590"]
    assert _codes(conv) == [None, None, None, "hs_format", "hs_unknown"]
    assert "0" + "26050" in conv.issues[0].describe("26050")[0]  # leading zero lost by Excel


def test_region_codes_typed_many_ways() -> None:
    conv = codes.convert_region(REGION, _cells("130100", "130100.0", "13", "1301", "１３０１００", "999999", "石家庄"))
    assert _list(conv.values)[:5] == ["130100", "130100", "130000", "130100", "130100"]
    assert _codes(conv)[5:] == ["region_unknown", "region_unknown"]
    assert "130100" in conv.issues[0].describe("石家庄")[2]


def test_countries() -> None:
    conv = codes.convert_country(COUNTRY, _cells("CN", "cn", "ＤＥ", "德国", "Germany"))
    assert _list(conv.values)[:3] == ["CN", "CN", "DE"]
    assert _codes(conv)[3:] == ["country_unknown"] * 2
    assert "DE" in conv.issues[0].describe("德国")[2] and "DE" in conv.issues[0].describe("Germany")[3]


def test_ids_full_width_normalised() -> None:
    conv = codes.convert_id(ENT_ID, _cells("Ｅ００１", "E 001", "企业1", "E-001.a_b"))
    assert _list(conv.values) == ["E001", None, None, "E-001.a_b"]
    assert _codes(conv) == [None, "id_format", "id_format", None]


def test_uscc_known_good_and_bad() -> None:
    good = "91130100MA0ABCDE10"  # check character from GB 32100 weights, computed by model.ids
    assert uscc_check_char(good[:17]) == "0"
    conv = codes.convert_uscc(USCC, _cells(good, good.lower(), good[:17] + "1", good[:17], "91130100MA0ABCDEO0"))
    assert _list(conv.values)[:2] == [good, good]
    assert _codes(conv) == [None, None, "uscc", "uscc", "uscc"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=USCC_CHARSET, min_size=17, max_size=17), st.sampled_from(USCC_CHARSET))
def test_uscc_round_trip_vectorised_equals_model(first17: str, other: str) -> None:
    code = make_uscc(first17)
    wrong = first17 + other
    ok = codes.uscc_valid(pa.array([code, wrong, nfkc(pa.array([code])).to_pylist()[0]]))
    assert ok.tolist() == [True, other == code[17], True]


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_thousands_separated_and_full_width_numbers_parse_back(x: float) -> None:
    x = round(x, 2)
    typed = [f"{x:,.2f}", f"{x:.2f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))]
    conv = numbers.convert_number(CAPACITY, _cells(*typed))
    assert not conv.issues
    assert np.allclose(conv.values, [x, x], rtol=0, atol=1e-9 * max(1.0, x))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=30))
def test_string_hashes_are_deterministic_and_null_aware(values: list[str]) -> None:
    arr = pa.array(values + [None])
    h1, h2 = hash_strings(arr), hash_strings(pa.array(list(reversed(values))))
    assert list(h1[:-1]) == list(reversed(h2))
    assert len(set(h1[:-1].tolist())) == len(set(values))  # equal texts, equal hashes; no collision
    assert h1[-1] != hash_strings(pa.array([""]))[0]  # null is not the empty string
    assert combine(h1, h1).tolist() != combine(h1).tolist()


def test_wan_and_yi_units_and_infinity() -> None:
    conv = numbers.convert_number(CAPACITY, _cells("5万", "1.2亿", "1e400", "inf", "nan"))
    assert _codes(conv) == ["unit_in_number", "unit_in_number", "type_float", "type_float", "type_float"]
    unit = next(i for i in conv.issues if i.code == "unit_in_number")
    assert "50000" in unit.describe("5万")[2] and "120000000" in unit.describe("1.2亿")[3]
    assert np.isnan(conv.values).all()
