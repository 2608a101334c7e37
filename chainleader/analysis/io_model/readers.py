"""Read and write an :class:`IOTable` as a folder of plain CSV files.

Layout (numbers are plain comma-separated matrices **without** header or index; labels live in
their own small files so that labels with commas, Chinese text or underscores stay unambiguous)::

    industries.csv          header ``region,sector``; one row per industry (defines the order)   required
    Z.csv                   n × n intermediate flows                                              required
    Y.csv                   n × k final demand                                                    required
    final_demand.csv        header ``region,category``; one row per Y column                      optional
    x.csv                   n values, one per line: published total output (kept as x_reported)  optional
    V.csv, value_added.csv  q × n value-added rows; header ``name``, one label per row             optional
    imports.csv, exports.csv  n values each (competitive-import tables, positive magnitudes)     optional
    extensions/<name>/F.csv, stressors.csv (header ``stressor,unit``), F_Y.csv (optional)         optional

Text files are decoded with ``encoding`` (default UTF-8, BOM allowed). Excel in China often saves
GBK/GB18030: such a file is refused with a message asking for ``encoding="gb18030"`` — the
reader never guesses. Every problem (file, row, column, what, how to fix) is collected before
the reader refuses with :class:`chainleader.model.errors.ValidationError`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from chainleader.analysis.io_model.table import Extension, FloatArray, IOTable
from chainleader.model.errors import Problem, ValidationError, ValidationReport

_MAX_CELL_PROBLEMS = 20


def _problem(
    file: str,
    row: int | None,
    column: str | None,
    code: str,
    zh: str,
    en: str,
    fix_zh: str,
    fix_en: str,
    value: str | None = None,
) -> Problem:
    return Problem("error", file, "", row, column, code, zh, en, fix_zh, fix_en, value)


class _Reader:
    def __init__(self, folder: Path, encoding: str) -> None:
        self.folder, self.encoding = folder, encoding
        self.report = ValidationReport()

    def text(self, rel: str, required: bool) -> str | None:
        path = self.folder / rel
        if not path.exists():
            if required:
                self.report.extend(
                    [
                        _problem(
                            rel,
                            None,
                            None,
                            "missing_file",
                            "缺少文件",
                            "file is missing",
                            f"在 {self.folder} 中提供 {rel}",
                            f"provide {rel} in {self.folder}",
                        )
                    ]
                )
            return None
        raw = path.read_bytes()
        enc = "utf-8-sig" if self.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else self.encoding
        try:
            return raw.decode(enc)
        except UnicodeDecodeError as exc:
            self.report.extend(
                [
                    _problem(
                        rel,
                        None,
                        None,
                        "encoding",
                        f"无法按 {self.encoding} 解码（字节 {exc.start}）",
                        f"cannot be decoded as {self.encoding} (byte {exc.start})",
                        "Excel 另存的中文 CSV 多为 GBK/GB18030：请传 encoding='gb18030'，或另存为 UTF-8",
                        "CSV saved by Chinese Excel is usually GBK/GB18030: pass encoding='gb18030' or save as UTF-8",
                    )
                ]
            )
            return None

    def labels(self, rel: str, header: tuple[str, ...], required: bool) -> list[tuple[str, ...]] | None:
        text = self.text(rel, required)
        if text is None:
            return None
        rows = list(csv.reader(io.StringIO(text)))
        if not rows or tuple(c.strip() for c in rows[0]) != header:
            self.report.extend(
                [
                    _problem(
                        rel,
                        1,
                        None,
                        "header",
                        f"表头应为 {','.join(header)}",
                        f"header must be {','.join(header)}",
                        "按文档修改第一行",
                        "fix the first row as documented",
                    )
                ]
            )
            return None
        out: list[tuple[str, ...]] = []
        for i, row in enumerate(rows[1:], start=2):
            if not any(c.strip() for c in row):
                continue
            if len(row) != len(header) or any(not c.strip() for c in row):
                self.report.extend(
                    [
                        _problem(
                            rel,
                            i,
                            None,
                            "label_row",
                            f"应有 {len(header)} 个非空字段",
                            f"expected {len(header)} non-empty fields",
                            "补全或删除该行",
                            "complete or delete the row",
                            ",".join(row),
                        )
                    ]
                )
                continue
            out.append(tuple(c.strip() for c in row))
        return out

    def matrix(self, rel: str, shape: tuple[int | None, int | None], required: bool) -> FloatArray | None:
        text = self.text(rel, required)
        if text is None:
            return None
        values = _fast_parse(text)
        if values is None:
            values = self._slow_parse(rel, text)
            if values is None:
                return None
        want_r, want_c = shape
        if (want_r is not None and values.shape[0] != want_r) or (
            want_c is not None and values.shape[1] != want_c
        ):
            self.report.extend(
                [
                    _problem(
                        rel,
                        None,
                        None,
                        "shape",
                        f"形状为 {values.shape}，应为 {shape}",
                        f"shape is {values.shape}, expected {shape}",
                        "行列数须与 industries.csv / 标签文件一致",
                        "rows and columns must match industries.csv and the label files",
                    )
                ]
            )
            return None
        return values

    def _slow_parse(self, rel: str, text: str) -> FloatArray | None:
        """Locate every bad cell (only runs when the fast parser failed)."""
        rows = [row for row in csv.reader(io.StringIO(text)) if any(c.strip() for c in row)]
        found: list[Problem] = []
        width = len(rows[0]) if rows else 0
        out = np.zeros((len(rows), width))
        for i, row in enumerate(rows):
            if len(row) != width:
                found.append(
                    _problem(
                        rel,
                        i + 1,
                        None,
                        "ragged",
                        f"该行有 {len(row)} 个字段，第 1 行有 {width} 个",
                        f"row has {len(row)} fields, row 1 has {width}",
                        "每行字段数须相同",
                        "every row needs the same number of fields",
                    )
                )
                continue
            for j, cell in enumerate(row):
                try:
                    val = float(cell.strip())
                except ValueError:
                    val = float("nan")
                if not np.isfinite(val):
                    found.append(
                        _problem(
                            rel,
                            i + 1,
                            f"column {j + 1}",
                            "not_a_number",
                            "不是有限数值",
                            "not a finite number",
                            "填入数值（空值填 0）",
                            "enter a number (use 0 for empty)",
                            cell,
                        )
                    )
                out[i, j] = val
        if not rows:
            found.append(
                _problem(
                    rel, None, None, "empty", "文件为空", "file is empty", "填入矩阵", "fill in the matrix"
                )
            )
        if found:
            self.report.extend(found[:_MAX_CELL_PROBLEMS])
            if len(found) > _MAX_CELL_PROBLEMS:
                more = len(found) - _MAX_CELL_PROBLEMS
                self.report.extend(
                    [
                        _problem(
                            rel,
                            None,
                            None,
                            "more",
                            f"另有 {more} 个问题",
                            f"{more} more problems",
                            "同上",
                            "as above",
                        )
                    ]
                )
            return None
        return out

    def vector(self, rel: str, n: int) -> FloatArray | None:
        m = self.matrix(rel, (None, None), required=False)
        if m is None:
            return None
        if m.size != n:
            self.report.extend(
                [
                    _problem(
                        rel,
                        None,
                        None,
                        "shape",
                        f"应有 {n} 个数，实际 {m.size}",
                        f"expected {n} values, got {m.size}",
                        "每个产业一行",
                        "one line per industry",
                    )
                ]
            )
            return None
        return m.reshape(-1)


def _fast_parse(text: str) -> FloatArray | None:
    """C-engine parse of a clean numeric CSV; None when anything is off (then the slow path reports it)."""
    try:
        values = pd.read_csv(
            io.StringIO(text), header=None, dtype=np.float64, skip_blank_lines=True
        ).to_numpy()
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    return np.ascontiguousarray(values, dtype=np.float64) if np.isfinite(values).all() else None


def read_csv_table(folder: str | Path, *, encoding: str = "utf-8", name: str = "", unit: str = "") -> IOTable:
    """Read the CSV folder layout described in the module docstring; refuse with every problem found."""
    r = _Reader(Path(folder), encoding)
    inds = r.labels("industries.csv", ("region", "sector"), required=True)
    n = len(inds) if inds is not None else None
    Z = r.matrix("Z.csv", (n, n), required=True)
    fd = r.labels("final_demand.csv", ("region", "category"), required=False)
    Y = r.matrix("Y.csv", (n, None if fd is None else len(fd)), required=True)
    va_lab = r.labels("value_added.csv", ("name",), required=False)
    V = r.matrix("V.csv", (None if va_lab is None else len(va_lab), n), required=False)
    vecs = {k: (r.vector(f"{k}.csv", n) if n is not None else None) for k in ("x", "imports", "exports")}
    exts: dict[str, Extension] = {}
    ext_root = Path(folder) / "extensions"
    if ext_root.is_dir():
        for sub in sorted(p for p in ext_root.iterdir() if p.is_dir()):
            rel = f"extensions/{sub.name}"
            st = r.labels(f"{rel}/stressors.csv", ("stressor", "unit"), required=True)
            F = r.matrix(f"{rel}/F.csv", (None if st is None else len(st), n), required=True)
            FY = r.matrix(
                f"{rel}/F_Y.csv",
                (None if st is None else len(st), None if Y is None else Y.shape[1]),
                required=False,
            )
            if st is not None and F is not None:
                exts[sub.name] = Extension(sub.name, F, tuple(s for s, _ in st), tuple(u for _, u in st), FY)
    if not r.report.ok or inds is None or Z is None or Y is None:
        raise ValidationError(r.report, source=str(folder))
    return IOTable(
        Z=Z,
        Y=Y,
        industries=tuple((a, b) for a, b in inds),
        final_demand_labels=() if fd is None else tuple((a, b) for a, b in fd),
        V=V,
        value_added_labels=() if va_lab is None else tuple(v for (v,) in va_lab),
        x_reported=vecs["x"],
        imports=vecs["imports"],
        exports=vecs["exports"],
        extensions=exts,
        name=name,
        unit=unit,
    )


def _write_labels(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def _write_matrix(path: Path, arr: FloatArray) -> None:
    np.savetxt(path, np.atleast_2d(arr), delimiter=",", fmt="%.17g")


def write_csv_table(table: IOTable, folder: str | Path) -> Path:
    """Write ``table`` in the folder layout read by :func:`read_csv_table` (UTF-8, exact round trip)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    _write_labels(out / "industries.csv", ("region", "sector"), list(table.industries))
    _write_labels(out / "final_demand.csv", ("region", "category"), list(table.final_demand_labels))
    _write_matrix(out / "Z.csv", table.Z)
    _write_matrix(out / "Y.csv", table.Y)
    if table.x_reported is not None:
        _write_matrix(out / "x.csv", table.x_reported.reshape(-1, 1))
    if table.V is not None:
        _write_matrix(out / "V.csv", table.V)
        _write_labels(out / "value_added.csv", ("name",), [(v,) for v in table.value_added_labels])
    for nm in ("imports", "exports"):
        vec = getattr(table, nm)
        if vec is not None:
            _write_matrix(out / f"{nm}.csv", vec.reshape(-1, 1))
    for nm, ext in table.extensions.items():
        d = out / "extensions" / nm
        d.mkdir(parents=True, exist_ok=True)
        _write_matrix(d / "F.csv", ext.F)
        _write_labels(
            d / "stressors.csv", ("stressor", "unit"), list(zip(ext.stressors, ext.units, strict=True))
        )
        if ext.F_Y is not None:
            _write_matrix(d / "F_Y.csv", ext.F_Y)
    return out
