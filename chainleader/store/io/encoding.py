"""Choosing the text encoding of a CSV or JSON file exactly, or refusing to guess.

Chinese Excel saves "CSV" as GBK (code page 936); newer Excel and most tools write UTF-8.
Short GBK text can also be valid UTF-8, so the rule is (``detect_encoding``):

1. an explicit encoding wins (the file must decode with it);
2. a byte-order mark decides (UTF-8 BOM -> ``utf-8-sig``, UTF-16 BOM -> ``utf-16``);
3. pure ASCII -> ``ascii``;
4. strict UTF-8 and strict GB18030 (a superset of GBK, identical on GBK bytes) are tried;
   if only one decodes the whole file it is used;
5. if both decode, the decoding whose non-ASCII characters are all plausible (UTF-8: CJK,
   CJK punctuation, full-width forms, Latin-1 letters; GB18030: GB2312 level-1 Hanzi and
   punctuation) is used when it is the only plausible one; otherwise the file is refused
   (``encoding_ambiguous``), e.g. a short file whose only non-ASCII text is 'Société'.

The file is scanned in 1 MiB blocks with incremental decoders, so memory stays bounded.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from chainleader.model.errors import ConfigError
from chainleader.store.io.problems import Texts

BLOCK = 1 << 20
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_FIX_ZH = "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后重新导入，或用 --encoding utf-8 或 --encoding gbk 指明编码"
_FIX_EN = 'in Excel use "Save As -> CSV UTF-8 (Comma delimited)" and import again, or pass --encoding utf-8 or --encoding gbk'


@dataclass(frozen=True)
class EncodingChoice:
    """The encoding a file is read with: ``name`` is reported, ``codec`` is used to decode."""

    name: str
    codec: str


@dataclass(frozen=True)
class EncodingRefusal:
    code: str  # encoding_ambiguous | encoding_unknown
    texts: Texts


def check_codec(name: str) -> str:
    """Validate an encoding name given by the user; returns the Python codec name."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        raise ConfigError(
            f"不认识的编码名称 {name!r}，可用 utf-8、gbk、gb18030 / unknown encoding {name!r}; "
            "use utf-8, gbk or gb18030"
        ) from None


def plausible_utf8(chars: set[str]) -> bool:
    """Every character is one a Chinese data file plausibly holds."""
    return all(_common(c) or "\u00c0" <= c <= "\u00ff" or c in "\u00b0\u00b1\u00b7\u00d7" for c in chars)


def plausible_gb(chars: set[str]) -> bool:
    """Every character is a common Hanzi (GB2312 level 1, the 3755 most used) or common punctuation.

    UTF-8 text read as GB18030 always yields GB2312 level-2 or GBK-extension characters (UTF-8
    lead bytes E4-E9 fall there), so this rule tells the two apart for Chinese text.
    """
    for c in chars:
        if not "\u4e00" <= c <= "\u9fff":
            if _common(c) or c in "\u00b0\u00b1\u00b7\u00d7\u00f7":
                continue
            return False
        try:
            lead = c.encode("gb2312")[0]
        except UnicodeEncodeError:
            return False
        if not 0xB0 <= lead <= 0xD7:
            return False
    return True


def _common(c: str) -> bool:
    o = ord(c)
    return (
        0x4E00 <= o <= 0x9FFF  # CJK unified ideographs
        or 0x3400 <= o <= 0x4DBF  # extension A
        or 0x3000 <= o <= 0x303F  # CJK symbols and punctuation
        or 0xFF01 <= o <= 0xFF5E  # full-width forms
        or 0x2010 <= o <= 0x2027  # dashes, quotes, ellipsis
        or 0x2030 <= o <= 0x203B  # per mille, primes, reference mark
        or o in (0x2103, 0x2116, 0x00A0, 0xFEFF)  # ℃ № nbsp bom
        or 0x2160 <= o <= 0x216B  # Roman numerals
        or 0x2460 <= o <= 0x249B  # circled / parenthesised numbers
    )


def _refuse_unknown(file: str, detail_zh: str, detail_en: str) -> EncodingRefusal:
    return EncodingRefusal(
        "encoding_unknown",
        (f"文件 {file} {detail_zh}，无法确定文字编码", f"file {file} {detail_en}; its text encoding is unknown",
         _FIX_ZH, _FIX_EN),
    )


def _scan(path: Path, codec: str) -> int | None:
    """Byte offset where strict decoding with ``codec`` fails, or None if the whole file decodes."""
    dec = codecs.getincrementaldecoder(codec)("strict")
    pos = 0
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            try:
                dec.decode(block)
            except UnicodeDecodeError as exc:
                return pos + exc.start
            pos += len(block)
        try:
            dec.decode(b"", final=True)
        except UnicodeDecodeError:
            return pos
    return None


def detect_encoding(path: Path, explicit: str | None = None) -> EncodingChoice | EncodingRefusal:
    file = path.name
    if explicit:
        codec = check_codec(explicit)
        bad = _scan(path, codec)
        if bad is not None:
            return _refuse_unknown(file, f"在第 {bad} 字节处不能按指定的编码 {explicit} 解码",
                                   f"cannot be decoded as {explicit} (given) at byte {bad}")
        return EncodingChoice(explicit, codec)
    with path.open("rb") as fh:
        head = fh.read(4)
    if head.startswith(codecs.BOM_UTF8):
        bad = _scan(path, "utf-8-sig")
        if bad is None:
            return EncodingChoice("utf-8-sig", "utf-8-sig")
        return _refuse_unknown(file, f"以 UTF-8 签名（BOM）开头，但第 {bad} 字节处不是有效的 UTF-8",
                               f"starts with a UTF-8 byte-order mark but is not valid UTF-8 at byte {bad}")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        bad = _scan(path, "utf-16")
        if bad is None:
            return EncodingChoice("utf-16", "utf-16")
        return _refuse_unknown(file, "以 UTF-16 签名开头，但内容不是有效的 UTF-16",
                               "starts with a UTF-16 byte-order mark but is not valid UTF-16")
    return _detect_by_content(path)


def _detect_by_content(path: Path) -> EncodingChoice | EncodingRefusal:
    names = ("utf-8", "gb18030")
    decoders = {n: codecs.getincrementaldecoder(n)("strict") for n in names}
    alive = {n: True for n in names}
    chars: dict[str, set[str]] = {n: set() for n in names}
    all_ascii = True
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            block_ascii = block.isascii()
            all_ascii = all_ascii and block_ascii
            for n in names:
                if not alive[n] or (block_ascii and not decoders[n].getstate()[0]):
                    continue  # ASCII decodes to itself in both; nothing pending
                try:
                    text = decoders[n].decode(block)
                except UnicodeDecodeError:
                    alive[n] = False
                    continue
                if all(alive.values()):  # plausibility only matters while both still decode
                    chars[n].update(_NON_ASCII.findall(text))
            if not any(alive.values()):
                break
    if all_ascii:
        return EncodingChoice("ascii", "utf-8")
    for n in names:
        if alive[n]:
            try:
                decoders[n].decode(b"", final=True)
            except UnicodeDecodeError:
                alive[n] = False
    if alive["utf-8"] and not alive["gb18030"]:
        return EncodingChoice("utf-8", "utf-8")
    if alive["gb18030"] and not alive["utf-8"]:
        return EncodingChoice("gb18030", "gb18030")
    if not any(alive.values()):
        return _refuse_unknown(path.name, "既不是有效的 UTF-8，也不是有效的 GBK/GB18030",
                               "is neither valid UTF-8 nor valid GBK/GB18030")
    utf8_ok = plausible_utf8(chars["utf-8"])
    gb_ok = plausible_gb(chars["gb18030"])
    if utf8_ok and not gb_ok:
        return EncodingChoice("utf-8", "utf-8")
    if gb_ok and not utf8_ok:
        return EncodingChoice("gb18030", "gb18030")
    sample_u = "".join(sorted(chars["utf-8"]))[:20]
    sample_g = "".join(sorted(chars["gb18030"]))[:20]
    return EncodingRefusal(
        "encoding_ambiguous",
        (
            f"文件 {path.name} 既可按 UTF-8 读作“{sample_u}”，也可按 GBK/GB18030 读作“{sample_g}”，无法确定编码",
            f"file {path.name} reads as {sample_u!r} in UTF-8 and as {sample_g!r} in GBK/GB18030; "
            "the encoding cannot be decided",
            _FIX_ZH,
            _FIX_EN,
        ),
    )
