"""A synthetic, valid CSV folder of any size, written vectorised (for the scale test and benchmark).

Independent of chainleader.generators on purpose. Keys are unique, references resolve,
USCC check characters are right and shares per (customer, product) stay at most 1.

Run as a script for the benchmark:  .venv/bin/python tests/store/io/io_synth.py 1000000 10000000
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from chainleader.model.ids import USCC_CHARSET, USCC_WEIGHTS

N_PRODUCTS = 300
LINKS_PER_CUSTOMER = 10
REGIONS = ("130100", "130200", "120116", "110108", "310115", "440300", "320500", "330100")


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    digits = pc.utf8_lpad(pa.array(numbers).cast(pa.string()), width, "0")
    return pc.binary_join_element_wise(pa.scalar(prefix), digits, "")


def _write(path: Path, columns: dict[str, pa.Array | np.ndarray]) -> None:
    pacsv.write_csv(pa.table({k: pa.array(v) if isinstance(v, np.ndarray) else v for k, v in columns.items()}),
                    path, write_options=pacsv.WriteOptions(include_header=True, batch_size=1 << 16))


def _usccs(n: int, rng: np.random.Generator) -> pa.Array:
    chars = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)
    body = np.empty((n, 17), dtype=np.int64)
    body[:, 0], body[:, 1] = 9, 1  # '91': enterprise, company
    region = np.array([[int(c) for c in REGIONS[k % len(REGIONS)]] for k in range(len(REGIONS))])
    body[:, 2:8] = region[rng.integers(0, len(REGIONS), n)]
    body[:, 8:17] = rng.integers(0, 31, (n, 9))
    check = 31 - (body * np.array(USCC_WEIGHTS)).sum(axis=1) % 31
    check[check == 31] = 0
    codes = np.concatenate([body, check[:, None]], axis=1)
    raw = chars[codes].astype(np.uint8).tobytes()
    offsets = pa.array(np.arange(0, 18 * n + 1, 18, dtype=np.int32))
    return pa.StringArray.from_buffers(n, offsets.buffers()[1], pa.py_buffer(raw))


def write_dataset(folder: Path, n_enterprises: int, n_links: int, seed: int = 0) -> Path:
    """Write products, bom, chains, enterprises, supply_links (and meta) CSV files into ``folder``."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    p = np.arange(N_PRODUCTS)
    pid = _ids("P_", p, 4)
    _write(folder / "products.csv", {
        "id": pid, "name_zh": _ids("产品", p, 4), "stage": np.array(["upstream", "midstream", "downstream"])[p % 3],
        "kind": np.array(["material", "component"])[p % 2], "unit": np.full(N_PRODUCTS, "t"),
        "unit_price": np.round(rng.random(N_PRODUCTS) * 1e5, 2), "source": np.full(N_PRODUCTS, "synthetic")})
    child = np.arange(1, N_PRODUCTS)
    _write(folder / "bom.csv", {"product": pid.take(pa.array(child)), "input_group": np.full(len(child), "g1"),
                                "input": pid.take(pa.array(child - 1)), "quantity": np.full(len(child), 1.5),
                                "source": np.full(len(child), "synthetic")})
    _write(folder / "chains.csv", {"id": ["syn"], "name_zh": ["合成产业链"], "final_products": [f"P_{N_PRODUCTS - 1:04d}"],
                                   "source": ["synthetic"]})
    e = np.arange(n_enterprises)
    foreign = e % 50 == 0
    _write(folder / "enterprises.csv", {
        "id": _ids("E", e, 8), "uscc": pc.if_else(pa.array(foreign), pa.scalar(None, pa.string()), _usccs(n_enterprises, rng)),
        "name_zh": _ids("合成企业", e, 8), "country": np.where(foreign, "DE", "CN"),
        "region": pc.if_else(pa.array(foreign), pa.scalar(None, pa.string()),
                             pa.array(np.array(REGIONS)[rng.integers(0, len(REGIONS), n_enterprises)])),
        "tags": np.array(["member", "chain_master;listed", "", "little_giant"])[e % 4],
        "size": np.array(["large", "medium", "small", "micro"])[e % 4],
        "employees": rng.integers(1, 5000, n_enterprises), "source": np.full(n_enterprises, "synthetic"),
        "as_of": np.full(n_enterprises, "2024-12-31"), "confidence": np.full(n_enterprises, "observed")})
    k = np.arange(n_links, dtype=np.int64)
    customer = k // LINKS_PER_CUSTOMER % n_enterprises
    j = k % LINKS_PER_CUSTOMER
    supplier = (customer * 7919 + (j + 1) * 104729) % n_enterprises
    supplier = np.where(supplier == customer, (supplier + 1) % n_enterprises, supplier)
    product = (customer + j * 31 + k // (LINKS_PER_CUSTOMER * n_enterprises)) % N_PRODUCTS
    _write(folder / "supply_links.csv", {
        "supplier": _ids("E", supplier, 8), "customer": _ids("E", customer, 8), "product": pid.take(pa.array(product)),
        "volume": np.round(rng.random(n_links) * 1000, 1), "share": np.round(rng.random(n_links) * 0.09, 3),
        "source": np.full(n_links, "synthetic"), "as_of": np.full(n_links, "2024-12-31"),
        "confidence": np.full(n_links, "observed")})
    (folder / "meta.csv").write_text("key,value\nname,synthetic\n", encoding="utf-8")
    return folder


def measure(folder: Path) -> dict[str, float]:
    """Validate and hand out every batch; wall times and this process's peak RSS."""
    from chainleader.store.io import open_source

    t0 = time.perf_counter()
    src = open_source(folder)
    report = src.validate()
    t1 = time.perf_counter()
    rows = sum(len(frame) for _, frame in src.batches())
    t2 = time.perf_counter()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"validate_s": t1 - t0, "batches_s": t2 - t1, "total_s": t2 - t0, "rows": float(rows),
            "errors": float(len(report.errors)), "warnings": float(len(report.warnings)), "peak_rss_mb": peak_mb}


def benchmark(n_enterprises: int, n_links: int) -> dict[str, float]:
    """Write the data in a child process (its memory is not counted), then measure the import here."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "synthetic"
        t0 = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--write", str(folder), str(n_enterprises), str(n_links)],
                       check=True)
        figures = {"generate_s": time.perf_counter() - t0}
        figures.update(measure(folder))
        figures["csv_mb"] = sum(f.stat().st_size for f in folder.iterdir()) / 2**20
    return figures


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write"]:
        write_dataset(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        ne = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
        nl = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
        print(json.dumps(benchmark(ne, nl)))
