from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from chainleader.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path) -> Callable[..., Run]:  # type: ignore[no-untyped-def]
    """Run the chainleader command in-process; returns exit code, stdout, stderr."""
    monkeypatch.setenv("CHAINLEADER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> Run:
        capsys.readouterr()
        code = 0
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return run
