"""Benchmark: write 10^6 enterprises + 10^7 supply links as one dataset version, then stream it back.

Usage::

    .venv/bin/python benchmarks/bench_store_write.py                      # SQLite in a temp dir
    .venv/bin/python benchmarks/bench_store_write.py --links 1000000 --enterprises 100000
    .venv/bin/python benchmarks/bench_store_write.py --url postgresql://user@host/db --read

Batches are generated synthetically (vectorised numpy) inside the iterator; the time spent
generating them is measured separately and reported apart from the store's own time.
Peak RSS is the process maximum (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from chainleader.model.dataset import conform
from chainleader.store.db import iter_version, make_engine, upgrade, write_version

CONFIDENCE = np.array(["observed", "inferred", "self_reported"], dtype=object)


def _random_ids(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(numbers.astype(str), width)).astype(object)


def _ids(prefix: str, start: int, stop: int, width: int) -> np.ndarray:
    return _random_ids(prefix, np.arange(start, stop), width)


def _sometimes(value: str, mask: np.ndarray) -> np.ndarray:
    out = np.full(len(mask), None, dtype=object)
    out[mask] = value
    return out


class Generator:
    def __init__(self, enterprises: int, links: int, batch: int, seed: int = 0) -> None:
        self.enterprises, self.links, self.batch = enterprises, links, batch
        self.rng = np.random.default_rng(seed)
        self.seconds = 0.0

    def _timed(self, make: object) -> pd.DataFrame:
        t0 = time.perf_counter()
        df = make()  # type: ignore[operator]
        self.seconds += time.perf_counter() - t0
        return df

    def enterprise_batch(self, start: int, stop: int) -> pd.DataFrame:
        n = stop - start
        rng = self.rng
        employees = pd.array(rng.integers(1, 50_000, n), dtype="Int64")
        employees[rng.random(n) < 0.2] = pd.NA
        return conform("enterprises", pd.DataFrame({
            "id": _ids("E", start, stop, 8),
            "name_zh": np.char.add("示例企业", np.arange(start, stop).astype(str)).astype(object),
            "country": np.where(rng.random(n) < 0.9, "CN", "DE").astype(object),
            "region": _sometimes("130100", rng.random(n) < 0.9),
            "tags": _sometimes("chain_master;listed", rng.random(n) < 0.05),
            "size": np.array(["large", "medium", "small", "micro"], dtype=object)[rng.integers(0, 4, n)],
            "employees": employees,
            "source": "synthetic",
            "as_of": "2024-12-31",
            "confidence": CONFIDENCE[rng.integers(0, 3, n)],
        }))

    def link_batch(self, start: int, stop: int) -> pd.DataFrame:
        n = stop - start
        rng = self.rng
        volume = rng.random(n) * 1000.0
        volume[rng.random(n) < 0.1] = np.nan
        return conform("supply_links", pd.DataFrame({
            "supplier": _random_ids("E", rng.integers(0, self.enterprises, n), 8),
            "customer": _random_ids("E", rng.integers(0, self.enterprises, n), 8),
            "product": _random_ids("P", rng.integers(0, 2000, n), 5),
            "volume": volume,
            "share": rng.random(n),
            "source": "synthetic",
            "as_of": "2024-12-31",
            "confidence": CONFIDENCE[rng.integers(0, 3, n)],
        }))

    def __iter__(self) -> Iterator[tuple[str, pd.DataFrame]]:
        for start in range(0, self.enterprises, self.batch):
            stop = min(start + self.batch, self.enterprises)
            yield "enterprises", self._timed(lambda s=start, e=stop: self.enterprise_batch(s, e))
        for start in range(0, self.links, self.batch):
            stop = min(start + self.batch, self.links)
            yield "supply_links", self._timed(lambda s=start, e=stop: self.link_batch(s, e))


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", default=None, help="database URL (default: a SQLite file in a temp dir)")
    ap.add_argument("--enterprises", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=500_000)
    ap.add_argument("--read", action="store_true", help="also stream the version back with iter_version")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        engine = make_engine(url)
        upgrade(engine)
        gen = Generator(args.enterprises, args.links, args.batch)
        t0 = time.perf_counter()
        info = write_version(engine, "bench", gen, content_hash=f"bench-{time.time_ns()}")
        total = time.perf_counter() - t0
        result: dict[str, object] = {
            "backend": engine.dialect.name,
            "enterprises": info.counts["enterprises"],
            "supply_links": info.counts["supply_links"],
            "write_total_s": round(total, 1),
            "generate_s": round(gen.seconds, 1),
            "store_write_s": round(total - gen.seconds, 1),
            "rows_per_s": round((info.counts["enterprises"] + info.counts["supply_links"]) / (total - gen.seconds)),
            "peak_rss_mib_after_write": round(peak_rss_mib()),
        }
        if engine.dialect.name == "sqlite":
            result["db_file_mib"] = round(Path(engine.url.database or "").stat().st_size / 2**20)
        if args.read:
            t1 = time.perf_counter()
            rows = sum(len(df) for _, df in iter_version(engine, "bench"))
            result["read_rows"] = rows
            result["read_s"] = round(time.perf_counter() - t1, 1)
            result["peak_rss_mib_after_read"] = round(peak_rss_mib())
        engine.dispose()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
