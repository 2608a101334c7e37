"""The import door: read Excel / CSV / JSON input, validate all of it, hand out canonical frames.

    from chainleader.store.io import open_source
    src = open_source("data.xlsx")          # or a CSV folder, a single CSV, a JSON file
    report = src.validate()                  # ValidationReport with every problem
    for table, frame in src.batches():       # canonical frames (model.dataset.conform)
        ...
"""

from chainleader.store.io.source import Source, load_path, open_source

__all__ = ["Source", "load_path", "open_source"]
