"""Building blocks of the synthetic generator: rounding, USCCs, CSV text, link dealing."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from chainleader.generators.arrays import expand, ranks_in_runs, round_sig, stream
from chainleader.generators.csv_text import csv_bytes, header_line
from chainleader.generators.geography import geography
from chainleader.generators.links import _deal
from chainleader.generators.names import city_short_name
from chainleader.generators.products import MIN_PRODUCTS, tier_counts
from chainleader.generators.uscc import make_usccs
from chainleader.model.ids import is_valid_uscc, make_uscc

GB11714_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def gb11714_check(body: str) -> str:
    """GB 11714-1997 organisation-code check character, written out independently."""
    total = sum(int(ch, 36) * w for ch, w in zip(body, GB11714_WEIGHTS, strict=True))
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def test_gb11714_reference_example() -> None:
    assert gb11714_check("D2143569") == "X"  # the standard's worked example D2143569-X


def test_round_sig_gives_short_decimals() -> None:
    x = np.array([0.0012345678, 123456.0, -98.7654, 0.0, 7.0, 1.5e-7, np.nan])
    r = round_sig(x, 3)
    assert [repr(float(v)) for v in r[:6]] == ["0.00123", "123000.0", "-98.8", "0.0", "7.0", "1.5e-07"]
    assert np.isnan(r[6])


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=1e-9, max_value=1e12), min_size=1, max_size=50))
def test_round_sig_is_close_and_short(values: list[float]) -> None:
    x = np.array(values)
    r = round_sig(x, 4)
    assert np.all(np.abs(r - x) <= 5e-4 * np.abs(x) * (1 + 1e-9))
    # The shortest repr has at most 4 significant digits: the value prints as it was rounded.
    assert all(len(Decimal(repr(float(v))).normalize().as_tuple().digits) <= 4 for v in r)


def test_expand_and_runs() -> None:
    owner, rank = expand([2, 0, 3])
    assert owner.tolist() == [0, 0, 2, 2, 2] and rank.tolist() == [0, 1, 0, 1, 2]
    assert ranks_in_runs(np.array([5, 5, 1, 1, 1, 5])).tolist() == [0, 1, 0, 1, 2, 0]


def test_streams_are_independent_and_repeatable() -> None:
    assert stream(3, 1, 0).random() == stream(3, 1, 0).random()
    assert stream(3, 1, 0).random() != stream(3, 1, 1).random() != stream(4, 1, 0).random()


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 10**8), min_size=1, max_size=40, unique=True), st.integers(0, 10**6))
def test_usccs_match_make_uscc_and_gb11714(serials: list[int], pick: int) -> None:
    geo = geography()
    regions = np.array([geo.pref_codes[(pick + i) % len(geo.pref_codes)] for i in range(len(serials))])
    codes = [c.decode() for c in make_usccs(regions, np.array(serials), 887_503_601, 12345)]
    assert len(set(codes)) == len(codes)
    for code, region in zip(codes, regions, strict=True):
        assert is_valid_uscc(code) and make_uscc(code[:17]) == code
        assert code[:2] == "91" and code[2:8] == region
        assert code[16] == gb11714_check(code[8:16])


def test_prefectures_are_real_and_named() -> None:
    geo = geography()
    assert len(geo.pref_codes) > 300
    assert "440300" in geo.pref_codes and geo.pref_short[geo.pref_codes.index("440300")] == "深圳"
    assert not any(c[:2] in ("71", "81", "82") for c in geo.pref_codes)
    assert abs(geo.pref_weight.sum() - geo.prov_weight.sum()) < 1e-9
    assert city_short_name("恩施土家族苗族自治州") == "恩施" and city_short_name("阿拉善盟") == "阿拉善"


def test_csv_text_quotes_only_when_needed() -> None:
    t = pa.table(
        {
            "text": pa.array(["plain", "a,b", 'say "hi"', "two\nlines", None, "中文"]),
            "num": pa.array([1.0, 0.1, None, 2.5, 1e16, 123456.789]),
            "int": pa.array([1, None, 3, 4, 5, 6], pa.int64()),
            "flag": pa.array([True, False, None, True, False, True]),
        }
    )
    text = (header_line(t.column_names) + bytes(csv_bytes(t))).decode("utf-8")
    lines = text.split("\n")
    assert lines[0] == "text,num,int,flag"
    assert lines[1] == "plain,1,1,true"
    assert lines[2] == '"a,b",0.1,,false'
    assert lines[3] == '"say ""hi""",,3,'
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == ["plain", "a,b", 'say "hi"', "two\nlines", "", "中文"]
    assert [float(r[1]) if r[1] else None for r in rows[1:]] == [1.0, 0.1, None, 2.5, 1e16, 123456.789]
    assert bytes(csv_bytes(t.slice(0, 0))) == b""
    # Slices are rendered on their own: quoting depends on the slice's values only.
    assert bytes(csv_bytes(t.select(["text"]).slice(2, 1))) == b'"say ""hi"""\n'
    assert bytes(csv_bytes(t.select(["text"]).slice(4, 2))) == "\n中文\n".encode()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 8), max_size=60), st.integers(0, 400), st.integers(0, 2**32))
def test_deal_fills_exactly_within_room(room_list: list[int], budget: int, seed: int) -> None:
    room = np.array(room_list, dtype=np.int64)
    k = _deal(np.random.default_rng(seed), room, budget)
    assert np.all(k >= 0) and np.all(k <= room)
    assert k.sum() == min(budget, int(room.sum()))
    if budget >= int((room > 0).sum()):
        assert np.all(k[room > 0] >= 1)


def test_tier_counts() -> None:
    for n in (MIN_PRODUCTS, 7, 10, 61, 20_000):
        counts = tier_counts(n)
        assert counts.sum() == n and counts.min() >= 1
