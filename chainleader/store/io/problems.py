"""Collecting located problems with a cap, so a systematic error in 10^7 rows stays small.

Every detailed problem is counted under its (table, column, code) key; after ``CAP`` of
them only the count grows, and ``finish`` adds one summary problem per key with the number
of further occurrences. Messages are built lazily (only for the problems actually kept).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from chainleader.model.errors import Problem, Severity, ValidationReport
from chainleader.model.schema import TABLE_NAMES

CAP = 1000

# (message_zh, message_en, fix_zh, fix_en)
Texts = tuple[str, str, str, str]
Describe = Callable[[str], Texts]


@dataclass(frozen=True)
class Place:
    """Where a table's rows come from: the file the user gave and the table name."""

    file: str
    table: str


class ProblemSink:
    """Accumulates problems; caps the detailed ones per (table, column, code)."""

    def __init__(self, cap: int = CAP) -> None:
        self.cap = cap
        self.problems: list[Problem] = []
        self._counts: dict[tuple[str, str, str | None, str], int] = {}
        self._severity: dict[tuple[str, str, str | None, str], Severity] = {}

    # --- single problems -------------------------------------------------------------
    def add(
        self,
        severity: Severity,
        place: Place,
        row: int | None,
        column: str | None,
        code: str,
        texts: Texts,
        value: str | None = None,
    ) -> None:
        key = (place.file, place.table, column, code)
        n = self._counts.get(key, 0)
        self._counts[key] = n + 1
        self._severity[key] = severity
        if n >= self.cap:
            return
        zh, en, fix_zh, fix_en = texts
        self.problems.append(
            Problem(severity, place.file, place.table, row, column, code, zh, en, fix_zh, fix_en, value)
        )

    def error(self, place: Place, row: int | None, column: str | None, code: str, texts: Texts,
              value: str | None = None) -> None:
        self.add("error", place, row, column, code, texts, value)

    def warning(self, place: Place, row: int | None, column: str | None, code: str, texts: Texts,
                value: str | None = None) -> None:
        self.add("warning", place, row, column, code, texts, value)

    # --- many cells at once ----------------------------------------------------------
    def cells(
        self,
        severity: Severity,
        place: Place,
        column: str,
        code: str,
        rows: np.ndarray,
        values: Iterable[str | None],
        describe: Describe,
    ) -> None:
        """Record one problem per flagged cell; builds messages only for the first ``cap``.

        ``rows`` are the user-visible row numbers of the flagged cells, ``values`` the raw
        cell texts in the same order (consumed only as far as needed).
        """
        total = len(rows)
        if not total:
            return
        key = (place.file, place.table, column, code)
        n = self._counts.get(key, 0)
        self._counts[key] = n + total
        self._severity[key] = severity
        room = max(0, self.cap - n)
        if not room:
            return
        for row, value in zip(rows[:room].tolist(), values, strict=False):
            text = "" if value is None else str(value)
            zh, en, fix_zh, fix_en = describe(text)
            self.problems.append(
                Problem(severity, place.file, place.table, int(row), column, code, zh, en, fix_zh, fix_en,
                        value)
            )

    # --- results ---------------------------------------------------------------------
    def count(self, code: str) -> int:
        return sum(n for (_, _, _, c), n in self._counts.items() if c == code)

    def error_count(self) -> int:
        return sum(n for k, n in self._counts.items() if self._severity[k] == "error")

    def report(self) -> ValidationReport:
        """Every kept problem, in table (schema) order then row order, plus one summary per capped key."""
        order = {name: i for i, name in enumerate(TABLE_NAMES)}
        out = sorted(self.problems, key=lambda p: (order.get(p.table, -1), p.file, -1 if p.row is None else p.row,
                                                   p.column or ""))
        for key, n in self._counts.items():
            if n <= self.cap:
                continue
            file, table, column, code = key
            more = n - self.cap
            out.append(
                Problem(
                    self._severity[key], file, table, None, column, code,
                    f"同类问题（{code}）另有 {more} 处未逐条列出，共 {n} 处",
                    f"{more} more problems of the same kind ({code}) not listed, {n} in total",
                    "按上面列出的同类问题的修正方法批量修正该列后重新导入",
                    "fix the whole column the way the listed problems of this kind say, then import again",
                    str(n),
                )
            )
        return ValidationReport(out)
