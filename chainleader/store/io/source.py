"""``open_source``: one object for an input (workbook, CSV folder or file, JSON) and its checks.

    src = open_source("data.xlsx")
    report = src.validate()              # every problem, nothing written anywhere
    if report.ok:
        for table, frame in src.batches():   # canonical frames, table by table in schema order
            ...
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from chainleader.model.dataset import Dataset, empty_frame
from chainleader.model.errors import (
    ChainleaderError,
    ConfigError,
    NotFoundError,
    ValidationError,
    ValidationReport,
)
from chainleader.model.schema import TABLES, table
from chainleader.store.io.convert import convert_chunk
from chainleader.store.io.csvread import csv_input
from chainleader.store.io.encoding import EncodingChoice, EncodingRefusal, check_codec, detect_encoding
from chainleader.store.io.excel import excel_inputs
from chainleader.store.io.jsonread import json_inputs
from chainleader.store.io.problems import Place, ProblemSink
from chainleader.store.io.readers import TableInput, table_for
from chainleader.store.io.validate import Progress, run_validation

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


class Source:
    """An input opened for import. Create with ``open_source``."""

    def __init__(self, path: Path, name: str | None, encoding: str | None) -> None:
        self.path = path
        self._explicit_name = name
        self._encoding = encoding
        self.encodings: dict[str, str] = {}
        self._opening = ProblemSink()
        self.inputs: dict[str, TableInput] = {}
        self._report: ValidationReport | None = None
        self._hash: str | None = None
        self._name: str | None = None
        self._discover()

    # --- opening ---------------------------------------------------------------------
    def _discover(self) -> None:
        p = self.path
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() == ".csv"
                           and not f.name.startswith((".", "~$")))  # hidden / lock / AppleDouble files
            for f in files:
                self._add_csv(f, announce_unknown=True)
            if not files:
                books = sorted(f.name for f in p.iterdir() if f.suffix.lower() in EXCEL_SUFFIXES)
                also_zh = f"；或直接导入其中的工作簿 {books[0]}" if books else ""
                also_en = f", or import the workbook {books[0]} in it directly" if books else ""
                self._opening.error(Place(p.name, ""), None, None, "no_csv_files", (
                    f"文件夹 {p.name} 中没有 CSV 文件", f"folder {p.name} holds no CSV files",
                    f"每张表存为一个 CSV 文件，文件名用表名（如 products.csv 或 产品环节.csv）{also_zh}",
                    f"save one CSV file per table, named after the table (e.g. products.csv){also_en}"))
            return
        suffix = p.suffix.lower()
        if suffix == ".csv":
            self._add_csv(p, announce_unknown=True)
        elif suffix == ".json":
            enc = self._detect(p)
            if enc is not None:
                for inp in json_inputs(p, enc, self._opening):
                    self.inputs[inp.table.name] = inp
        elif suffix in EXCEL_SUFFIXES:
            try:
                found = excel_inputs(p, self._opening)
            except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
                self._opening.error(Place(p.name, ""), None, None, "unreadable_file", (
                    f"无法读取 Excel 文件 {p.name}（{type(exc).__name__}）", f"cannot read the Excel file {p.name} "
                    f"({type(exc).__name__}: {exc})", "在 Excel 中打开并另存为 .xlsx 后重试",
                    "open it in Excel, save it as .xlsx and try again"))
                return
            for inp in found:
                self.inputs[inp.table.name] = inp
        elif suffix == ".xls":
            self._opening.error(Place(p.name, ""), None, None, "unsupported_format", (
                f"{p.name} 是旧版 Excel（.xls）格式", f"{p.name} is in the old Excel .xls format",
                "在 Excel 中“另存为 → Excel 工作簿 (.xlsx)”后导入", 'use "Save As -> Excel Workbook (.xlsx)" and import that'))
        else:
            raise ConfigError(
                f"不支持的输入 {p.name}：请提供 .xlsx 工作簿、.csv 文件、.json 文件或包含 CSV 文件的文件夹 / "
                f"unsupported input {p.name}: give an .xlsx workbook, a .csv file, a .json file or a folder of CSV files"
            )

    def _detect(self, f: Path) -> EncodingChoice | None:
        enc = detect_encoding(f, self._encoding)
        if isinstance(enc, EncodingRefusal):
            self._opening.error(Place(f.name, ""), None, None, enc.code, enc.texts)
            return None
        self.encodings[f.name] = enc.name
        return enc

    def _add_csv(self, f: Path, announce_unknown: bool) -> None:
        name = table_for(f.stem)
        place = Place(f.name, name or f.stem)
        if name is None:
            if announce_unknown:
                self._opening.warning(place, None, None, "unknown_table", (
                    f"文件名 {f.name} 不对应任何数据表，已忽略", f"file name {f.name} matches no table; ignored",
                    "文件名用表名，如 products.csv、enterprises.csv 或 产品环节.csv、企业.csv",
                    "name the file after its table, e.g. products.csv or enterprises.csv"))
            return
        if name in self.inputs:
            other = self.inputs[name].place.file
            self._opening.error(place, None, None, "duplicate_table", (
                f"{f.name} 与 {other} 都对应表 {name}", f"{f.name} and {other} both hold table {name}",
                "把两个文件合并为一个", "merge the two files into one"))
            return
        enc = self._detect(f)
        if enc is None:
            return
        inp = csv_input(f, place, table(name), enc, self._opening)
        if inp is not None:
            self.inputs[name] = inp

    # --- public API ------------------------------------------------------------------
    @property
    def name(self) -> str:
        """`name` given to open_source, else the meta key "name", else the file or folder stem."""
        if self._explicit_name:
            return self._explicit_name
        if self._name is None:
            self._name = self._meta_name() or self.path.stem
        return self._name

    def _meta_name(self) -> str | None:
        inp = self.inputs.get("meta")
        if inp is None:
            return None
        for chunk in inp.read(10_000, ProblemSink()):
            frame = convert_chunk(inp.place, inp.table, chunk, ProblemSink()).frame
            hit = frame.loc[frame["key"] == "name", "value"]
            if len(hit) and hit.iloc[0]:
                return str(hit.iloc[0])
        return None

    def validate(self, progress: Progress | None = None) -> ValidationReport:
        """Check everything; returns every problem (errors and warnings). Writes nothing."""
        sink = ProblemSink()
        for p in self._opening.report().problems:
            sink.add(p.severity, Place(p.file, p.table), p.row, p.column, p.code,
                     (p.message_zh, p.message_en, p.fix_zh, p.fix_en), p.value)
        self._hash = run_validation(self.inputs, sink, self.path.name, progress)
        self._report = sink.report()
        return self._report

    def _require_valid(self) -> None:
        if self._report is None:
            self.validate()
        assert self._report is not None
        if not self._report.ok:
            raise ValidationError(self._report, self.path.name)

    def content_hash(self) -> str:
        """Row-order-independent hash of the canonical data (== ``Dataset.content_hash``)."""
        self._require_valid()
        if self._hash is None:
            raise ChainleaderError("内部错误：未计算内容哈希 / internal error: content hash missing")
        return self._hash

    def batches(self, batch_rows: int = 200_000) -> Iterator[tuple[str, pd.DataFrame]]:
        """Canonical frames of at most ``batch_rows`` rows, table by table in schema order.

        Re-reads the input (bounded memory); raises ``ValidationError`` if it has errors.
        """
        if batch_rows < 1:
            raise ConfigError("batch_rows 必须为正整数 / batch_rows must be a positive integer")
        self._require_valid()
        for t in TABLES:
            inp = self.inputs.get(t.name)
            if inp is None:
                continue
            for chunk in inp.read(batch_rows, ProblemSink()):
                frame = convert_chunk(inp.place, t, chunk, ProblemSink()).frame
                if len(frame):
                    yield t.name, frame

    def load(self) -> Dataset:
        """The whole dataset in memory (validates first; raises ``ValidationError`` if bad)."""
        parts: dict[str, list[pd.DataFrame]] = {}
        for name, frame in self.batches():
            parts.setdefault(name, []).append(frame)
        tables = {
            name: (pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0])
            for name, frames in parts.items()
        }
        for t in TABLES:
            tables.setdefault(t.name, empty_frame(t))
        return Dataset(self.name, tables)


def open_source(path: str | Path, encoding: str | None = None, name: str | None = None) -> Source:
    """Open an .xlsx workbook, a folder of CSV files, a single CSV file or a JSON file."""
    p = Path(path)
    if not p.exists():
        raise NotFoundError(f"找不到输入 {p} / input {p} not found; check the path")
    if encoding is not None:
        check_codec(encoding)
    return Source(p, name, encoding)


def load_path(path: str | Path, encoding: str | None = None, name: str | None = None) -> Dataset:
    """Validate and load; raises ``ValidationError`` (every problem) if the input has errors."""
    return open_source(path, encoding=encoding, name=name).load()
