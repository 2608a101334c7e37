"""Writing datasets to Excel (.xlsx), a folder of CSV files or JSON.

The three forms are the ones the importer reads, so export -> import gives back an
identical dataset:

* **CSV folder** — one ``<table>.csv`` per table (``<中文表名>.csv`` with Chinese headers),
  UTF-8 with BOM so Chinese Excel opens it correctly, schema column order, empty cell =
  missing, floats with ``repr`` precision, booleans ``true``/``false``.
* **xlsx** — one sheet per table, frozen bold header, numbers as numbers, ids and codes as
  text cells; written in openpyxl write-only mode (bounded memory).
* **JSON** — ``{"format": "chainleader", "format_version": 1, "name": ..., "tables":
  {table: [row, ...]}}`` with missing values omitted from the row objects; UTF-8.

``write_batches`` streams: batches of one table arrive consecutively and are written as
they come, so a 10^7-row table never sits in memory.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Literal, cast

import numpy as np
import pandas as pd
from openpyxl import Workbook

from chainleader.model.dataset import Dataset, conform, empty_frame
from chainleader.model.errors import ChainleaderError, ConfigError
from chainleader.model.schema import TABLE_NAMES, TABLES, Table, normalise_header, sheet_aliases
from chainleader.store.io._xlsx import TableSheet, write_text_sheet

Format = Literal["xlsx", "csv", "json"]
HeaderLang = Literal["en", "zh"]

EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 sheet rows minus the header row
JSON_FORMAT = "chainleader"
JSON_FORMAT_VERSION = 1
CSV_ENCODING = "utf-8-sig"  # UTF-8 with BOM: Excel on Chinese Windows then reads it as UTF-8
CHUNK_ROWS = 50_000  # rows converted at a time; bounds memory for big frames

__all__ = [
    "CSV_ENCODING",
    "EXCEL_MAX_DATA_ROWS",
    "JSON_FORMAT",
    "JSON_FORMAT_VERSION",
    "ExportError",
    "column_labels",
    "csv_file_name",
    "infer_format",
    "table_label",
    "write_batches",
    "write_dataset",
]


class ExportError(ChainleaderError):
    """A dataset could not be written in the requested form (nothing was written)."""


# --- names -----------------------------------------------------------------------------------


def _check_headers(headers: str) -> HeaderLang:
    if headers not in ("en", "zh"):
        raise ConfigError(
            f"表头语言 {headers!r} 无效 —— 修正：使用 en（英文列名）或 zh（中文列名） / "
            f"header language {headers!r} is invalid — fix: use en (English names) or zh (Chinese names)"
        )
    return cast(HeaderLang, headers)


def table_label(t: Table, headers: HeaderLang) -> str:
    """The sheet / file / JSON name of a table: its name, or its Chinese alias."""
    return t.zh if headers == "zh" else t.name


def column_labels(t: Table, headers: HeaderLang) -> list[str]:
    """Header row of a table in schema order: column names, or their Chinese aliases."""
    return [c.zh if headers == "zh" else c.name for c in t.columns]


def csv_file_name(t: Table, headers: HeaderLang) -> str:
    return f"{table_label(t, headers)}.csv"


def infer_format(path: str | os.PathLike[str], fmt: str | None = None) -> Format:
    """``fmt`` when given, else from the suffix: .xlsx, .json, otherwise a CSV folder."""
    p = Path(path)
    if fmt is not None:
        if fmt not in ("xlsx", "csv", "json"):
            raise ConfigError(
                f"导出格式 {fmt!r} 无效 —— 修正：使用 xlsx、csv 或 json / "
                f"export format {fmt!r} is invalid — fix: use xlsx, csv or json"
            )
        return cast(Format, fmt)
    suffix = p.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".json":
        return "json"
    if suffix in (".xls", ".xlsm", ".xlsb", ".et"):
        raise ConfigError(
            f"不能写出 {suffix} 文件 —— 修正：输出路径改用 .xlsx 后缀 / "
            f"cannot write {suffix} files — fix: give an output path ending in .xlsx"
        )
    if suffix == ".csv":
        raise ConfigError(
            f"CSV 导出写入一个文件夹（每张表一个 .csv 文件），而 {p.name} 像是单个文件 —— "
            f"修正：给出文件夹路径（例如 {p.with_suffix('')}），或明确指定 csv 格式 / "
            f"a CSV export is a folder with one .csv file per table, but {p.name} looks like one file "
            f"— fix: give a folder path (e.g. {p.with_suffix('')}) or pass the csv format explicitly"
        )
    return "csv"


def _table_of(name: str) -> Table:
    aliases = sheet_aliases()
    key = normalise_header(name)
    if key not in aliases:
        raise ExportError(
            f"未知的表 {name!r} —— 修正：表名应为 {', '.join(TABLE_NAMES)} 之一 / "
            f"unknown table {name!r} — fix: use one of {', '.join(TABLE_NAMES)}"
        )
    return next(t for t in TABLES if t.name == aliases[key])


# --- sinks: one per output form --------------------------------------------------------------


class _Sink(ABC):
    """Receives conformed batches table by table; ``commit`` makes the output appear at once."""

    @abstractmethod
    def begin(self, t: Table, sample: pd.DataFrame) -> None: ...

    @abstractmethod
    def write(self, t: Table, df: pd.DataFrame) -> None: ...

    @abstractmethod
    def end(self, t: Table) -> None: ...

    @abstractmethod
    def commit(self) -> Path: ...

    @abstractmethod
    def abort(self) -> None: ...


def _partial(final: Path) -> Path:
    return final.with_name(f".{final.stem}.partial{final.suffix}")


def _check_file_target(path: Path) -> None:
    if path.is_dir():
        raise ExportError(
            f"{path} 是一个文件夹，不能写成文件 —— 修正：给出文件路径，或用 CSV 格式写入文件夹 / "
            f"{path} is a folder, not a file — fix: give a file path, or write the CSV form into the folder"
        )
    path.parent.mkdir(parents=True, exist_ok=True)


def _infinite_error(t: Table, column: str, row: int, form: str) -> ExportError:
    return ExportError(
        f"表 {t.name} 第 {row} 行“{column}”列是无穷大，{form} 无法表示 —— 修正：改为具体数值或留空，或导出 CSV / "
        f"table {t.name} row {row} column {column}: infinite value, {form} cannot hold it "
        "— fix: use a finite number or leave it empty, or export as CSV"
    )


class _CsvSink(_Sink):
    def __init__(self, path: Path, headers: HeaderLang) -> None:
        if path.exists() and not path.is_dir():
            raise ExportError(
                f"{path} 已是一个文件；CSV 导出需要一个文件夹 —— 修正：换一个文件夹路径，或用 .xlsx / .json 后缀 / "
                f"{path} is a file; a CSV export needs a folder — fix: give a folder path, or a .xlsx / .json path"
            )
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.headers = headers
        self.done: list[tuple[Path, Path]] = []
        self.file: IO[str] | None = None
        self.current: tuple[Path, Path] | None = None

    def begin(self, t: Table, sample: pd.DataFrame) -> None:
        final = self.path / csv_file_name(t, self.headers)
        partial = _partial(final)
        self.current = (partial, final)
        self.file = open(partial, "w", encoding=CSV_ENCODING, newline="")  # noqa: SIM115 - closed in end()
        csv.writer(self.file, lineterminator="\n").writerow(column_labels(t, self.headers))

    def write(self, t: Table, df: pd.DataFrame) -> None:
        assert self.file is not None
        out = df.copy()
        for c in t.columns:
            if c.type == "bool":
                out[c.name] = df[c.name].astype(object).map({True: "true", False: "false"})
        out.to_csv(self.file, header=False, index=False, lineterminator="\n", na_rep="")

    def end(self, t: Table) -> None:
        assert self.file is not None and self.current is not None
        self.file.close()
        self.file = None
        self.done.append(self.current)
        self.current = None

    def commit(self) -> Path:
        for partial, final in self.done:
            os.replace(partial, final)
        return self.path

    def abort(self) -> None:
        if self.file is not None:
            self.file.close()
        pending = [*self.done, *([self.current] if self.current else [])]
        for partial, _ in pending:
            partial.unlink(missing_ok=True)


def python_columns(t: Table, df: pd.DataFrame) -> list[list[object]]:
    """Each column of a conformed frame as Python values (str, int, float, bool) with None for missing."""
    out: list[list[object]] = []
    for c in t.columns:
        s = df[c.name]
        if c.type == "float":
            out.append([None if v != v else v for v in s.to_numpy(dtype=np.float64, na_value=np.nan).tolist()])
        elif c.type == "int":
            out.append([None if v is pd.NA or v is None else int(v) for v in s.tolist()])
        elif c.type == "bool":
            out.append([None if v is pd.NA or v is None else bool(v) for v in s.tolist()])
        else:
            out.append([None if v is None or v is pd.NA else str(v) for v in s.tolist()])
    return out


class _JsonSink(_Sink):
    def __init__(self, path: Path, headers: HeaderLang, name: str) -> None:
        _check_file_target(path)
        self.path = path
        self.partial = _partial(path)
        self.headers = headers
        self.file: IO[str] | None = open(self.partial, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
        head = {"format": JSON_FORMAT, "format_version": JSON_FORMAT_VERSION, "name": name}
        self.file.write(json.dumps(head, ensure_ascii=False)[:-1] + ', "tables": {')
        self.tables = 0
        self.rows = 0

    def begin(self, t: Table, sample: pd.DataFrame) -> None:
        assert self.file is not None
        sep = ",\n" if self.tables else "\n"
        self.file.write(f"{sep}{json.dumps(table_label(t, self.headers), ensure_ascii=False)}: [")
        self.tables += 1
        self.rows = 0

    def write(self, t: Table, df: pd.DataFrame) -> None:
        assert self.file is not None
        for c in t.columns:
            if c.type == "float":
                inf = np.isinf(df[c.name].to_numpy(dtype=np.float64, na_value=np.nan))
                if inf.any():
                    raise _infinite_error(t, c.name, self.rows + int(np.flatnonzero(inf)[0]) + 2, "JSON")
        labels = column_labels(t, self.headers)
        parts: list[str] = []
        for row in zip(*python_columns(t, df), strict=True):
            obj = {k: v for k, v in zip(labels, row, strict=True) if v is not None}
            parts.append(("\n" if self.rows == 0 and not parts else ",\n") + json.dumps(obj, ensure_ascii=False))
        self.file.write("".join(parts))
        self.rows += len(df)

    def end(self, t: Table) -> None:
        assert self.file is not None
        self.file.write("\n]" if self.rows else "]")

    def commit(self) -> Path:
        assert self.file is not None
        self.file.write("\n}}\n")
        self.file.close()
        self.file = None
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None
        self.partial.unlink(missing_ok=True)


class _XlsxSink(_Sink):
    def __init__(
        self,
        path: Path,
        headers: HeaderLang,
        *,
        notes: Callable[[Table], Mapping[str, str]] | None = None,
        highlight_required: bool = False,
        readme: tuple[str, Sequence[str]] | None = None,
    ) -> None:
        _check_file_target(path)
        self.path = path
        self.partial = _partial(path)
        self.headers = headers
        self.notes = notes
        self.highlight_required = highlight_required
        self.wb = Workbook(write_only=True)
        self.front: list[str] = []
        if readme is not None:
            write_text_sheet(self.wb, readme[0], readme[1])
            self.front.append(readme[0])
        self.sheet: TableSheet | None = None

    def begin(self, t: Table, sample: pd.DataFrame) -> None:
        self.sheet = TableSheet(
            self.wb,
            table_label(t, self.headers),
            t,
            column_labels(t, self.headers),
            sample=sample,
            notes=self.notes(t) if self.notes else None,
            highlight_required=self.highlight_required,
        )

    def write(self, t: Table, df: pd.DataFrame) -> None:
        assert self.sheet is not None
        limit = EXCEL_MAX_DATA_ROWS  # read at call time (tests lower it)
        if self.sheet.rows + len(df) > limit:
            raise ExportError(
                f"表 {t.name} 超过 {limit:,} 行，超出 Excel 工作表的行数上限，无法写入 xlsx —— "
                "修正：改为导出 CSV（输出路径给一个文件夹）或 JSON（.json） / "
                f"table {t.name} has more than {limit:,} rows, beyond what one Excel sheet can hold "
                "— fix: export as CSV (give a folder path) or JSON (a .json path) instead"
            )
        try:
            self.sheet.append_frame(df)
        except ChainleaderError as exc:
            raise ExportError(str(exc)) from exc

    def end(self, t: Table) -> None:
        self.sheet = None

    def commit(self) -> Path:
        order = self.front + [s for s in (table_label(t, self.headers) for t in TABLES) if s in self.wb.sheetnames]
        for target, title in enumerate(order):
            self.wb.move_sheet(title, target - self.wb.sheetnames.index(title))
        self.wb.save(self.partial)
        os.replace(self.partial, self.path)
        return self.path

    def abort(self) -> None:
        # Finish and delete the temporary files behind the write-only sheets.
        for ws in self.wb.worksheets:
            with contextlib.suppress(Exception):  # already failing: the original error propagates
                ws.close()
            writer = getattr(ws, "_writer", None)
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()
        self.partial.unlink(missing_ok=True)


# --- driver ------------------------------------------------------------------------------------


def _chunks(df: pd.DataFrame) -> Iterator[pd.DataFrame]:
    if len(df) <= CHUNK_ROWS:
        yield df
        return
    for start in range(0, len(df), CHUNK_ROWS):
        yield df.iloc[start : start + CHUNK_ROWS]


def _drive(sink: _Sink, batches: Iterable[tuple[str, pd.DataFrame]]) -> Path:
    """Feed batches to ``sink`` table by table, add empty tables never seen, then commit."""
    try:
        current: Table | None = None
        started = False
        finished: set[str] = set()
        for name, df in batches:
            if not isinstance(df, pd.DataFrame):
                raise ExportError(
                    f"表 {name} 的批次不是 DataFrame（收到 {type(df).__name__}） —— 修正：传入 (表名, DataFrame) 对 / "
                    f"batch for table {name} is not a DataFrame (got {type(df).__name__}) "
                    "— fix: pass (table name, DataFrame) pairs"
                )
            t = _table_of(name)
            if current is None or t.name != current.name:
                if t.name in finished:
                    raise ExportError(
                        f"表 {t.name} 的批次不连续（中间夹有其他表） —— 修正：同一张表的所有批次须连续给出 / "
                        f"batches of table {t.name} are not consecutive (another table came in between) "
                        "— fix: yield all batches of one table one after another"
                    )
                if current is not None:
                    sink.end(current)
                    finished.add(current.name)
                current = t
                started = False
            for chunk in _chunks(df):
                frame = conform(t, chunk)
                if not started:
                    sink.begin(t, frame)
                    started = True
                sink.write(t, frame)
        if current is not None:
            sink.end(current)
            finished.add(current.name)
        for t in TABLES:
            if t.name not in finished:
                sink.begin(t, empty_frame(t))
                sink.end(t)
        return sink.commit()
    except BaseException:
        sink.abort()
        raise


def _sink_for(path: Path, fmt: Format, headers: HeaderLang, name: str) -> _Sink:
    if fmt == "csv":
        return _CsvSink(path, headers)
    if fmt == "json":
        return _JsonSink(path, headers, name)
    return _XlsxSink(path, headers)


def write_batches(
    batches: Iterable[tuple[str, pd.DataFrame]],
    path: str | os.PathLike[str],
    fmt: Format | None = None,
    *,
    headers: HeaderLang = "en",
    name: str = "",
) -> Path:
    """Stream ``(table, frame)`` batches to ``path``; the batches of one table must be consecutive.

    Tables never seen get an empty sheet / file / list with the header. Memory stays bounded
    by the batch size for every form. xlsx refuses a table with more than
    ``EXCEL_MAX_DATA_ROWS`` rows (use CSV). Nothing appears at ``path`` unless everything
    was written. Returns the path written (a folder for CSV).
    """
    p = Path(path)
    kind = infer_format(p, fmt)
    lang = _check_headers(headers)
    return _drive(_sink_for(p, kind, lang, name), batches)


def write_dataset(
    ds: Dataset,
    path: str | os.PathLike[str],
    fmt: Format | None = None,
    *,
    headers: HeaderLang = "en",
) -> Path:
    """Write a whole dataset as .xlsx, .json or a CSV folder (chosen by ``fmt`` or the suffix)."""
    return write_batches(((n, ds.tables[n]) for n in TABLE_NAMES), path, fmt, headers=headers, name=ds.name)
