"""Synthetic datasets for tests and benchmarks (thin use case over chainleader.generators)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from chainleader.generators import write_generated_csv


def generate_csv(
    out: str | Path,
    firms: int,
    products: int,
    *,
    seed: int = 0,
    links: int | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Write a seeded synthetic dataset as a CSV folder; returns row counts per table."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    return write_generated_csv(out, firms, products, seed=seed, links=links, progress=progress)
