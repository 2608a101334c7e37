"""Located, bilingual scenario errors with "did you mean" suggestions.

情景错误：给出文件、行号、字段路径（如 ``shocks[2].products[0]``）、问题与修正方法，并提示相近的编号。
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from chainleader.model.errors import Problem, ValidationError, ValidationReport

TABLE = "scenario"


class ScenarioError(ValidationError):
    """A scenario was refused; ``report`` holds every located problem (file, line, field path)."""

    def __init__(self, problems: Sequence[Problem], source: str = "") -> None:
        self.problems = list(problems)
        report = ValidationReport(list(problems))
        super().__init__(report, source)
        n = len(report.errors)
        self.args = (
            f"{source}: 情景有 {n} 个错误 / scenario has {n} error(s)\n{report.format('zh', limit=50)}",
        )


def suggest(value: str, candidates: Iterable[str], labels: dict[str, str] | None = None, n: int = 3) -> list[str]:
    """Close matches of ``value`` among ``candidates`` (ids, and names via ``labels``: name -> id)."""
    cands = [str(c) for c in candidates]
    hits = difflib.get_close_matches(value, cands, n=n, cutoff=0.6)
    if labels:
        for name in difflib.get_close_matches(value, list(labels), n=n, cutoff=0.5):
            hits.append(labels[name])
        for name, ident in labels.items():
            if value and (value in name or name in value) and ident not in hits:
                hits.append(ident)
    out: list[str] = []
    for h in hits:
        if h not in out:
            out.append(h)
    return out[:n]


def suggestion_text(hits: Sequence[str]) -> tuple[str, str]:
    if not hits:
        return "", ""
    joined = "、".join(hits)
    return f"；是否想写：{joined}", f"; did you mean: {', '.join(hits)}"


def problem(
    source: str,
    line: int | None,
    path: str,
    code: str,
    zh: str,
    en: str,
    fix_zh: str = "",
    fix_en: str = "",
    value: object = None,
    severity: str = "error",
) -> Problem:
    return Problem(
        "error" if severity == "error" else "warning",
        source,
        TABLE,
        line,
        path or None,
        code,
        zh,
        en,
        fix_zh,
        fix_en,
        None if value is None else str(value),
    )


def raise_if(problems: Sequence[Problem], source: str) -> None:
    if any(p.severity == "error" for p in problems):
        raise ScenarioError(problems, source)
