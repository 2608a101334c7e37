"""Reading the JSON form: ``{"format": "chainleader", "format_version": 1, "tables": {...}}``.

Each table is a list of objects keyed by column name (English or Chinese). Values may be
strings, numbers, booleans, null, or lists (for list columns). The row number of a record
is its 1-based position in the table's list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

from chainleader.model.schema import table
from chainleader.store.io.encoding import EncodingChoice
from chainleader.store.io.problems import Place, ProblemSink
from chainleader.store.io.readers import (
    HeaderMap,
    RawChunk,
    TableInput,
    cell_text,
    chunks_from_rows,
    map_headers,
    table_for,
)

FORMAT = "chainleader"
FORMAT_VERSION = 1
_EXAMPLE = '{"format": "chainleader", "format_version": 1, "tables": {"products": [{"id": "P_COBALT", ...}]}}'


def _format_error(sink: ProblemSink, place: Place, row: int | None, zh: str, en: str) -> None:
    sink.error(place, row, None, "json_format", (
        zh, en, f"按此结构组织 JSON：{_EXAMPLE}", f"structure the JSON like this: {_EXAMPLE}"))


def load_json(path: Path, enc: EncodingChoice, sink: ProblemSink) -> dict[str, Any] | None:
    place = Place(path.name, "")
    try:
        doc = json.loads(path.read_bytes().decode(enc.codec))
    except json.JSONDecodeError as exc:
        sink.error(place, exc.lineno, None, "json_syntax", (
            f"JSON 语法错误（第 {exc.lineno} 行第 {exc.colno} 列附近）：{exc.msg}",
            f"JSON syntax error near line {exc.lineno}, column {exc.colno}: {exc.msg}",
            "用 JSON 校验工具检查括号、引号和逗号", "check brackets, quotes and commas with a JSON validator"))
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        _format_error(sink, place, None, "JSON 顶层必须是对象且 \"format\" 为 \"chainleader\"",
                      'the JSON top level must be an object with "format": "chainleader"')
        return None
    if doc.get("format_version") != FORMAT_VERSION:
        _format_error(sink, place, None, f"不支持的 format_version {doc.get('format_version')!r}，应为 1",
                      f"unsupported format_version {doc.get('format_version')!r}; expected 1")
        return None
    if not isinstance(doc.get("tables"), dict):
        _format_error(sink, place, None, "缺少 \"tables\" 对象", 'the "tables" object is missing')
        return None
    return doc


def _read(hmap: HeaderMap, rows: list[tuple[int, list[str | None]]], size: int, _sink: ProblemSink
          ) -> Iterator[RawChunk]:
    return chunks_from_rows(hmap, rows, size)


def json_inputs(path: Path, enc: EncodingChoice, sink: ProblemSink) -> list[TableInput]:
    doc = load_json(path, enc, sink)
    if doc is None:
        return []
    out: list[TableInput] = []
    seen: dict[str, str] = {}
    for key, records in doc["tables"].items():
        name = table_for(str(key))
        place = Place(path.name, name or str(key))
        if name is None:
            sink.warning(place, None, None, "unknown_table", (
                f"“{key}”不是已知的数据表，已忽略", f"{key!r} is not a known table and was ignored",
                "使用表名（如 products 或 产品环节）作为键", "use a table name (e.g. products) as the key"))
            continue
        if name in seen:
            sink.error(place, None, None, "duplicate_table", (
                f"“{key}”与“{seen[name]}”都对应表 {name}", f"{key!r} and {seen[name]!r} both hold table {name}",
                "合并为一个列表", "merge them into one list"))
            continue
        seen[name] = str(key)
        if not isinstance(records, list):
            _format_error(sink, place, None, f"表 {key} 的值必须是对象列表", f"table {key} must be a list of objects")
            continue
        headers: dict[str, None] = {}
        rows: list[tuple[int, list[str | None]]] = []
        for i, rec in enumerate(records, start=1):
            if not isinstance(rec, dict):
                _format_error(sink, place, i, f"第 {i} 条记录不是对象", f"record {i} is not an object")
                continue
            for k in rec:
                headers.setdefault(str(k), None)
        names = list(headers)
        for i, rec in enumerate(records, start=1):
            if isinstance(rec, dict):
                rows.append((i, [cell_text(rec.get(h)) for h in names]))
        if not rows:
            continue  # an empty list is an empty table: no columns to check; required ones are missing_table
        t = table(name)
        hmap = map_headers(t, names)

        out.append(TableInput(place, t, hmap, partial(_read, hmap, rows), len(rows)))
    return out

