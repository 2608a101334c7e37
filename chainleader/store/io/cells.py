"""What a column converter returns: canonical values plus the flagged cells (``Issue``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from chainleader.model.errors import Severity
from chainleader.model.schema import Column
from chainleader.store.io.problems import Describe

# Canonical values of one column of one chunk:
#   str-like types -> pyarrow string array (null = missing)
#   float          -> numpy float64 (NaN = missing)
#   int, bool      -> pandas IntegerArray / BooleanArray
Values: TypeAlias = pa.Array | np.ndarray | pd.api.extensions.ExtensionArray


@dataclass
class Issue:
    """Cells of one column that have the same problem."""

    code: str
    mask: np.ndarray  # bool per row of the chunk
    describe: Describe  # raw cell text -> (zh, en, fix_zh, fix_en)
    severity: Severity = "error"


@dataclass
class Converted:
    values: Values
    issues: list[Issue] = field(default_factory=list)

    def flag(self, code: str, mask: np.ndarray, describe: Describe, severity: Severity = "error") -> None:
        if mask.any():
            self.issues.append(Issue(code, mask, describe, severity))


def header_label(col: Column) -> str:
    """'capacity（年产能）' for messages."""
    return f"{col.name}（{col.zh}）"


def to_pandas(values: Values) -> pd.Series:
    """Canonical values -> a pandas Series (object columns hold ``str`` or ``None``)."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        arr = np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)
        return pd.Series(arr, dtype=object)
    return pd.Series(values)
