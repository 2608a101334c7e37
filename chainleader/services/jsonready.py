"""Turning results into JSON-ready Python values: one place for every service and client."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd


def json_ready(x: Any) -> Any:
    """Recursively: dict keys to str, tuples to lists, numpy scalars to Python, NaN/inf/NA to None."""
    if isinstance(x, dict):
        return {str(k): json_ready(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [json_ready(v) for v in x]
    if x is None or x is pd.NA:
        return None
    if isinstance(x, np.bool_ | bool):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating | float):
        v = float(x)
        return None if math.isnan(v) or math.isinf(v) else v
    if hasattr(x, "item") and not isinstance(x, str):
        return x.item()
    return x


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as a list of JSON-ready row dicts."""
    return [json_ready(row) for row in df.to_dict(orient="records")]
