"""chainleader — industrial-chain and supply-chain resilience for the chain-leader system (链长制).

    >>> import chainleader as cl
    >>> ds = cl.load_dataset("nev-jjj")

The library is the product; the CLI and the web app are thin clients over it.
"""

from __future__ import annotations

from typing import Any

from chainleader.model import (
    ChainleaderError,
    Dataset,
    NotFoundError,
    Problem,
    ValidationError,
    ValidationReport,
)

__version__ = "0.1.0"

__all__ = [
    "ChainleaderError",
    "Dataset",
    "NotFoundError",
    "Problem",
    "ValidationError",
    "ValidationReport",
    "__version__",
    "bundled_datasets",
    "load_dataset",
]


def __getattr__(name: str) -> Any:
    # Services are imported lazily so `import chainleader` stays fast and free of cycles.
    if name in ("load_dataset", "bundled_datasets", "import_into_store", "load_from_store"):
        from chainleader.services import datasets

        return getattr(datasets, name)
    raise AttributeError(f"module 'chainleader' has no attribute {name!r}")
