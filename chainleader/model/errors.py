"""One root exception with specific subclasses (see docs/architecture.md).

Every message says what is wrong and how to fix it; bilingual where users see it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


class ChainleaderError(Exception):
    """Root of every error chainleader raises on purpose."""


class NotFoundError(ChainleaderError):
    """A named thing (dataset, version, chain, product ...) does not exist."""


class ConfigError(ChainleaderError):
    """A setting or parameter is invalid."""


class StoreError(ChainleaderError):
    """The database could not be reached or is not at the expected schema."""


class AuthError(ChainleaderError):
    """Not signed in, or the credentials (password, session, token) are wrong or expired (HTTP 401)."""


class PermissionDenied(ChainleaderError):
    """The signed-in user's role, regions or grants do not allow this (HTTP 403)."""


class ThrottledError(ChainleaderError):
    """Too many attempts (e.g. failed logins); ``retry_after`` seconds until the next one is accepted (HTTP 429)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LimitError(ChainleaderError):
    """A request exceeds a stated budget (body size, page size, simulation size); the message names the limit (HTTP 413/422)."""

    def __init__(self, message: str, limit: str = "", status: int = 422) -> None:
        super().__init__(message)
        self.limit = limit
        self.status = status


@dataclass(frozen=True)
class Problem:
    """One located problem found while validating input.

    ``row`` is the 1-based row as the user sees it in Excel or a text editor
    (header = row 1, first data row = row 2); None when the problem is about the
    whole file, sheet or column.
    """

    severity: Severity
    file: str
    table: str
    row: int | None
    column: str | None
    code: str
    message_zh: str
    message_en: str
    fix_zh: str = ""
    fix_en: str = ""
    value: str | None = None

    def location(self) -> str:
        parts = [self.file or "-"]
        if self.table:
            parts.append(self.table)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(self.column)
        return ":".join(parts)

    def format(self, lang: str = "zh") -> str:
        msg = self.message_zh if lang == "zh" else self.message_en
        fix = self.fix_zh if lang == "zh" else self.fix_en
        label = {"error": ("错误", "error"), "warning": ("警告", "warning")}[self.severity]
        text = f"{self.location()}: {label[0] if lang == 'zh' else label[1]} [{self.code}] {msg}"
        if fix:
            text += (" —— 修正：" if lang == "zh" else " — fix: ") + fix
        return text

    def as_dict(self) -> dict[str, object]:
        return {
            "severity": self.severity,
            "file": self.file,
            "table": self.table,
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "value": self.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "fix_zh": self.fix_zh,
            "fix_en": self.fix_en,
        }


@dataclass
class ValidationReport:
    """All problems found in one input, errors and warnings together."""

    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def extend(self, problems: Sequence[Problem]) -> None:
        self.problems.extend(problems)

    def format(self, lang: str = "zh", limit: int | None = 200) -> str:
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [p.format(lang) for p in shown]
        if limit is not None and len(self.problems) > limit:
            more = len(self.problems) - limit
            lines.append(f"... 另有 {more} 条问题" if lang == "zh" else f"... {more} more problems")
        return "\n".join(lines)


class ValidationError(ChainleaderError):
    """Input was refused; ``report`` holds every located problem. Nothing was written."""

    def __init__(self, report: ValidationReport, source: str = "") -> None:
        self.report = report
        self.source = source
        n = len(report.errors)
        super().__init__(
            f"{source}: 导入被拒绝，发现 {n} 个错误，未写入任何数据 / import refused, "
            f"{n} error(s), nothing was written\n{report.format('zh', limit=50)}"
        )
