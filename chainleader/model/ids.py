"""Identifier rules validated at the edge: USCC (GB 32100-2015), GB/T 2260 codes, ISO 3166, HS.

Pure functions, no IO. Reference lists (divisions, countries, HS, GB/T 4754) live in
``chainleader.model.reference``.
"""

from __future__ import annotations

import re

# GB 32100-2015 §4: the 31-character code set (no I, O, Z, S, V) and the position weights.
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_VALUE = {c: i for i, c in enumerate(USCC_CHARSET)}

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
_HS_RE = re.compile(r"^\d{4}(\d{2})?$")


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters.

    C18 = 31 - (sum(C_i * W_i) mod 31), with 31 written as 0.
    """
    if len(first17) != 17:
        raise ValueError("need the first 17 characters")
    total = 0
    for ch, w in zip(first17, USCC_WEIGHTS, strict=True):
        if ch not in _USCC_VALUE:
            raise ValueError(f"character {ch!r} is not allowed in a USCC")
        total += _USCC_VALUE[ch] * w
    check = 31 - total % 31
    return USCC_CHARSET[0 if check == 31 else check]


def uscc_problem(code: str) -> tuple[str, str] | None:
    """Why ``code`` is not a valid USCC, as (zh, en); None when it is valid."""
    if len(code) != 18:
        return (f"长度为 {len(code)}，应为 18 位", f"has {len(code)} characters, must have 18")
    bad = [c for c in code if c not in _USCC_VALUE]
    if bad:
        return (
            f"含非法字符 {''.join(sorted(set(bad)))}（不允许 I、O、Z、S、V 及小写）",
            f"contains characters not allowed: {''.join(sorted(set(bad)))} (no I, O, Z, S, V or lower case)",
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return (
            f"校验位应为 {expected}，实际为 {code[17]}（GB 32100-2015）",
            f"check character should be {expected}, found {code[17]} (GB 32100-2015)",
        )
    return None


def is_valid_uscc(code: str) -> bool:
    return uscc_problem(code) is None


def make_uscc(first17: str) -> str:
    """Complete 17 characters with their check character (used for fictional firms)."""
    return first17 + uscc_check_char(first17)


def is_valid_id(text: str) -> bool:
    return bool(_ID_RE.match(text))


def normalise_region_code(text: str) -> str | None:
    """'13' -> '130000', '1301' -> '130100', '130102' stays; None if not 2/4/6 digits."""
    t = text.strip()
    if t.endswith(".0"):  # a code typed in an Excel number cell
        t = t[:-2]
    if not t.isdigit() or len(t) not in (2, 4, 6):
        return None
    return t.ljust(6, "0")


def province_of(code: str) -> str:
    return code[:2] + "0000"


def prefecture_of(code: str) -> str:
    return code[:4] + "00"


def region_level(code: str) -> str:
    """province | prefecture | county for a 6-digit code."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "prefecture"
    return "county"


def is_hs_code_format(code: str) -> bool:
    return bool(_HS_RE.match(code))
