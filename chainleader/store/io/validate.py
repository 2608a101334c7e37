"""The validation pass: every table, chunk by chunk, in schema order.

Collects all problems (cell rules in ``convert``, cross-row and cross-table rules in
``checks``) and hashes the canonical rows incrementally (``ContentHasher``), so a 10^7-row
input is validated without holding it in memory.
"""

from __future__ import annotations

from collections.abc import Callable

from chainleader.model.dataset import ContentHasher
from chainleader.model.schema import TABLES
from chainleader.store.io.cells import header_label
from chainleader.store.io.checks import CrossChecks
from chainleader.store.io.convert import convert_chunk
from chainleader.store.io.problems import ProblemSink
from chainleader.store.io.readers import TableInput

Progress = Callable[[str, int, int | None], None]
CHUNK_ROWS = 200_000


def header_problems(inp: TableInput, sink: ProblemSink) -> None:
    t, place, hmap = inp.table, inp.place, inp.headers
    for col in t.columns:
        if col.required and col.name not in hmap.positions:
            sink.error(place, None, col.name, "missing_column", (
                f"表 {t.name}（{t.zh}）缺少必填列 {header_label(col)}",
                f"table {t.name} lacks the required column {col.name} ({col.zh})",
                f"在表头行添加列“{col.name}”或“{col.zh}”并填写数据",
                f"add a header {col.name!r} (or {col.zh!r}) and fill the column"))
    known = ", ".join(t.column_names)
    for _, header in hmap.unknown:
        sink.warning(place, None, header, "unknown_column", (
            f"列“{header}”不是表 {t.name} 的列，已忽略", f"column {header!r} is not a column of {t.name}; ignored",
            f"检查列名拼写；可用的列：{known}", f"check the spelling; the columns are: {known}"), header)
    for header, col_name in hmap.duplicates:
        sink.error(place, None, col_name, "duplicate_column", (
            f"列“{header}”与前面的列重复，都对应 {col_name}", f"column {header!r} repeats an earlier column ({col_name})",
            "删除重复的列，只保留一列", "delete the repeated column and keep one"), header)


def run_validation(
    inputs: dict[str, TableInput], sink: ProblemSink, default_file: str, progress: Progress | None = None
) -> str:
    """Validate every table into ``sink``; returns the content hash of the canonical rows."""
    hasher = ContentHasher()
    checks = CrossChecks(sink)
    for t in TABLES:
        inp = inputs.get(t.name)
        if inp is None:
            continue
        header_problems(inp, sink)
        checks.begin(inp.place, t)
        done = 0
        if progress is not None:
            progress(t.name, 0, inp.total_rows)
        for chunk in inp.read(CHUNK_ROWS, sink):
            res = convert_chunk(inp.place, t, chunk, sink)
            checks.chunk(res)
            hasher.add(t.name, res.frame)
            done += len(chunk)
            if progress is not None:
                progress(t.name, done, inp.total_rows)
        checks.end()
    checks.missing_tables({name: inp.place for name, inp in inputs.items()}, default_file)
    return hasher.hexdigest()
