"""Encodings: GBK / GB18030 / UTF-8 twins import identically; ambiguity is refused, never guessed."""

from __future__ import annotations

from pathlib import Path

import pytest
from store.io.io_helpers import copy_good, errors, good_tables, read_table, write_table

from chainleader.store.io import open_source
from chainleader.store.io.encoding import (
    EncodingChoice,
    EncodingRefusal,
    detect_encoding,
    plausible_gb,
    plausible_utf8,
)

# A character outside GBK: GB18030 encodes it in 4 bytes (U+20BB7, used in the surname 𠮷).
OUTSIDE_GBK = "\U00020bb7"


def _twin(tmp_path: Path, label: str, encoding: str, extra: str = "") -> Path:
    folder = tmp_path / label
    folder.mkdir()
    for name, (headers, rows) in good_tables().items():
        if name == "enterprises" and extra:
            rows = [r[:] for r in rows]
            rows[0][headers.index("name_zh")] = extra + rows[0][headers.index("name_zh")]
        write_table(folder / f"{name}.csv", headers, rows, encoding=encoding)
    return folder


def _detect(tmp_path: Path, data: bytes, explicit: str | None = None) -> EncodingChoice | EncodingRefusal:
    f = tmp_path / "products.csv"
    f.write_bytes(data)
    return detect_encoding(f, explicit)


def test_gbk_file_imports_identically_to_its_utf8_twin(tmp_path: Path) -> None:
    utf8 = open_source(_twin(tmp_path, "u", "utf-8"))
    gbk = open_source(_twin(tmp_path, "g", "gbk"))
    assert utf8.validate().ok and gbk.validate().ok
    assert gbk.content_hash() == utf8.content_hash()
    assert gbk.encodings["enterprises.csv"] == "gb18030"  # GB18030 decodes GBK bytes identically
    assert gbk.encodings["meta.csv"] == "gb18030" and utf8.encodings["meta.csv"] == "utf-8"
    assert gbk.load().enterprises.loc[0, "name_zh"] == "燕新动力电池有限公司（虚构）"


def test_gb18030_file_with_a_four_byte_character_matches_its_utf8_twin(tmp_path: Path) -> None:
    assert len(OUTSIDE_GBK.encode("gb18030")) == 4
    with pytest.raises(UnicodeEncodeError):
        OUTSIDE_GBK.encode("gbk")
    utf8 = open_source(_twin(tmp_path, "u", "utf-8", OUTSIDE_GBK))
    gb = open_source(_twin(tmp_path, "g", "gb18030", OUTSIDE_GBK))
    assert utf8.validate().ok and gb.validate().ok
    assert gb.content_hash() == utf8.content_hash()
    assert gb.load().enterprises.loc[0, "name_zh"].startswith(OUTSIDE_GBK)


def test_bom_ascii_and_explicit_encodings(tmp_path: Path) -> None:
    assert _detect(tmp_path, "id\n钴\n".encode("utf-8-sig")) == EncodingChoice("utf-8-sig", "utf-8-sig")
    assert _detect(tmp_path, b"id,name\nP1,x\n") == EncodingChoice("ascii", "utf-8")
    assert _detect(tmp_path, "id\n钴\n".encode("utf-16")) == EncodingChoice("utf-16", "utf-16")
    assert _detect(tmp_path, "名称\n钴镍\n".encode("gbk"), "gbk") == EncodingChoice("gbk", "gbk")
    # an explicit encoding wins even where detection would refuse
    assert _detect(tmp_path, "Société".encode(), "utf-8") == EncodingChoice("utf-8", "utf-8")


def test_explicit_encoding_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    got = _detect(tmp_path, "名称\n钴\n".encode("gbk"), "utf-8")
    assert isinstance(got, EncodingRefusal) and got.code == "encoding_unknown"
    assert "utf-8" in got.texts[0] and "--encoding" in got.texts[3]


def test_short_text_valid_in_both_is_judged_by_plausibility(tmp_path: Path) -> None:
    # UTF-8 "人们" (6 bytes) is also valid GB18030, reading "浜轰滑": level-2 Hanzi, implausible.
    data = "人们".encode()
    assert data.decode("gb18030") == "浜轰滑"
    assert _detect(tmp_path, b"id\n" + data + b"\n") == EncodingChoice("utf-8", "utf-8")


def test_short_ambiguous_bytes_are_refused(tmp_path: Path) -> None:
    # UTF-8 "Société" reads as GB18030 "Soci茅t茅": both plausible, so no silent guess.
    data = "Société".encode()
    assert data.decode("gb18030") == "Soci茅t茅"
    got = _detect(tmp_path, b"name\n" + data + b"\n")
    assert isinstance(got, EncodingRefusal) and got.code == "encoding_ambiguous"
    assert "products.csv" in got.texts[0] and "CSV UTF-8" in got.texts[2] and "--encoding" in got.texts[3]


def test_ambiguous_file_is_refused_by_validate_with_its_name(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    headers, rows = read_table(folder / "enterprises.csv")
    for r in rows:
        r[headers.index("name_zh")] = "Société"
        r[headers.index("name_en")] = "Societe"
        r[headers.index("source")] = "survey"
    assert all(c.isascii() or c == "Société" for r in rows for c in r)
    write_table(folder / "enterprises.csv", headers, rows)
    src = open_source(folder)
    report = src.validate()
    assert ("encoding_ambiguous", "enterprises.csv", None, None) in errors(report)
    assert "enterprises.csv" not in src.encodings
    fixed = open_source(folder, encoding="utf-8")
    assert fixed.validate().ok and fixed.encodings["enterprises.csv"] == "utf-8"


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    got = _detect(tmp_path, b"id\n\x80\xff\xfe\x81\n")
    assert isinstance(got, EncodingRefusal) and got.code == "encoding_unknown"


def test_plausibility_rules() -> None:
    assert plausible_utf8(set("钴锂镍（），、")) and plausible_utf8(set("é"))
    assert not plausible_utf8(set("һΪ"))  # GBK bytes read as UTF-8 give Cyrillic/Greek
    assert plausible_gb(set("产品企业，")) and not plausible_gb(set("浜轰"))
    assert not plausible_gb(set("ぇ"))  # kana: GB2312 has them, Chinese data does not
