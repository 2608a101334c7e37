"""Vectorised fictional 统一社会信用代码 (GB 32100-2015) for synthetic firms.

Layout: '9' (registered by market regulation) + '1' (enterprise) + the 6-digit division code
+ a 9-character organisation code (GB 11714: 'MA' + 6 characters + its mod-11 check) + the
GB 32100 check character. The organisation code is an affine bijection of the firm number
modulo 31^6, so codes are unique for up to 887 million firms and look scrambled.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from chainleader.generators.arrays import IntArray
from chainleader.model.ids import USCC_CHARSET, USCC_WEIGHTS

ORG_SPACE = 31**6
ORG_WEIGHTS = np.array([3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)  # GB 11714 body weights
_ASCII = np.frombuffer(USCC_CHARSET.encode("ascii"), dtype=np.uint8)
# GB 11714 value of each USCC character: digits 0-9, letters A=10 ... Z=35.
_GB11714_VALUE = np.array([int(c, 36) for c in USCC_CHARSET], dtype=np.int64)
_VALUE_OF_ASCII = np.full(128, -1, dtype=np.int64)
_VALUE_OF_ASCII[_ASCII] = np.arange(len(USCC_CHARSET))


def scramble(serial: IntArray, a: int, b: int) -> IntArray:
    """Affine bijection of [0, 31^6) (``a`` must not be a multiple of 31)."""
    return (np.asarray(serial, dtype=np.int64) * (a % ORG_SPACE) + b) % ORG_SPACE


def make_usccs(
    region_codes: npt.NDArray[np.str_], serial: IntArray, a: int, b: int
) -> npt.NDArray[np.bytes_]:
    """USCCs (``S18``) for firms with 6-digit ``region_codes`` and distinct ``serial`` numbers."""
    n = len(serial)
    values = np.zeros((n, 17), dtype=np.int64)  # indices into USCC_CHARSET
    values[:, 0], values[:, 1] = 9, 1
    digits = np.frombuffer(np.asarray(region_codes, dtype="S6").tobytes(), dtype=np.uint8).reshape(n, 6)
    values[:, 2:8] = digits.astype(np.int64) - ord("0")
    values[:, 8] = _VALUE_OF_ASCII[ord("M")]
    values[:, 9] = _VALUE_OF_ASCII[ord("A")]
    rest = scramble(serial, a, b)
    for i in range(15, 9, -1):
        values[:, i] = rest % 31
        rest = rest // 31
    body = _GB11714_VALUE[values[:, 8:16]]
    org_check = 11 - (body @ ORG_WEIGHTS) % 11  # 10 -> 'X', 11 -> '0'
    values[:, 16] = np.where(
        org_check == 11, 0, np.where(org_check == 10, _VALUE_OF_ASCII[ord("X")], org_check)
    )
    check = 31 - (values @ np.asarray(USCC_WEIGHTS, dtype=np.int64)) % 31
    check = np.where(check == 31, 0, check)
    chars = _ASCII[np.concatenate([values, check[:, None]], axis=1)]
    return np.ascontiguousarray(chars).view("S18").reshape(n)
