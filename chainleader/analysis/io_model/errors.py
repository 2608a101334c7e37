"""Errors raised by the input–output module (all under ``ChainleaderError``).

Every message is bilingual (Chinese first) and says how to fix the problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from chainleader.model.errors import ChainleaderError


class IOModelError(ChainleaderError):
    """Root of the errors raised by ``chainleader.analysis.io_model``."""


class IOTableError(IOModelError):
    """An input–output table is malformed (shapes, labels, non-finite or negative values)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        head = f"投入产出表有 {len(self.problems)} 个问题 / the input-output table has {len(self.problems)} problem(s)"
        super().__init__(head + "\n" + "\n".join(f"- {p}" for p in self.problems))


class NotProductiveError(IOModelError):
    """The technical-coefficient matrix is not productive (spectral radius of A ≥ 1)."""


class InoperabilityError(IOModelError):
    """Invalid input to the inoperability models (IIM / DIIM)."""


class ARIOParameterError(IOModelError):
    """Invalid ARIO parameters, shocks or damage (e.g. damage larger than productive capital)."""


def bilingual(zh: str, en: str) -> str:
    """Join a Chinese and an English message the way every io_model error does."""
    return f"{zh} / {en}"
