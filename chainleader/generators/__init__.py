"""Layer 1: seeded synthetic datasets for tests and benchmarks.

``generate_dataset(firms, products, seed=...)`` returns an in-memory ``Dataset``;
``write_generated_csv(out_dir, firms, products, seed=...)`` streams the same rows to a
folder of CSV files (one per table) with bounded memory, up to 10^6 enterprises and
10^7 supply links. All data is fictional and marked so (meta ``illustrative=true``,
names ending in "（虚构）", source "合成数据 / synthetic").
"""

from chainleader.generators.synthetic import (
    DEFAULT_LINKS_PER_FIRM,
    generate_dataset,
    write_generated_csv,
)

__all__ = ["DEFAULT_LINKS_PER_FIRM", "generate_dataset", "write_generated_csv"]
