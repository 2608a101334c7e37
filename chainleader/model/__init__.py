"""Layer 0: pure domain types, the data format and identifier rules. No IO besides reference data."""

from chainleader.model.dataset import Dataset, conform, empty_frame, split_list, upstream_closure
from chainleader.model.errors import (
    AuthError,
    ChainleaderError,
    ConfigError,
    LimitError,
    NotFoundError,
    PermissionDenied,
    Problem,
    StoreError,
    ThrottledError,
    ValidationError,
    ValidationReport,
)
from chainleader.model.schema import TABLE_NAMES, TABLES, Column, Table, table

__all__ = [
    "TABLES",
    "TABLE_NAMES",
    "AuthError",
    "ChainleaderError",
    "Column",
    "ConfigError",
    "Dataset",
    "LimitError",
    "NotFoundError",
    "PermissionDenied",
    "Problem",
    "StoreError",
    "Table",
    "ThrottledError",
    "ValidationError",
    "ValidationReport",
    "conform",
    "empty_frame",
    "split_list",
    "table",
    "upstream_closure",
]
