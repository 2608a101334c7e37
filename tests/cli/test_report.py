"""``chainleader report``: the command writes the report and prints its path (run on a fresh typer app)."""

from __future__ import annotations

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from chainleader.cli.report import register
from chainleader.model.errors import ConfigError


@pytest.fixture
def app() -> typer.Typer:
    a = typer.Typer(pretty_exceptions_enable=False)

    @a.callback()
    def _root() -> None:
        """test root"""

    register(a)
    return a


def test_report_command_writes_xlsx(app: typer.Typer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "报告.xlsx"
    result = CliRunner().invoke(app, ["report", "nev-jjj", "--chain", "nev", "--no-scenarios", "--no-lp",
                                      "--lang", "en", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:4] == ["Cover", "Summary", "Chain map", "Risk register"]


def test_report_command_default_name_in_folder(app: typer.Typer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(app, ["report", "--format", "xlsx", "--no-scenarios", "--no-lp",
                                      "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = list(tmp_path.glob("nev-jjj_nev_产业链评估报告_*.xlsx"))
    assert len(written) == 1 and result.stdout.strip() == str(written[0])


def test_report_command_refuses_bad_input(app: typer.Typer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    mismatch = runner.invoke(app, ["report", "--format", "pdf", "--out", str(tmp_path / "x.xlsx")])
    assert mismatch.exit_code == 2 and "does not match" in mismatch.output
    both = runner.invoke(app, ["report", "--scenario", "cobalt-cd-cut", "--no-scenarios"])
    assert both.exit_code == 2
    bad_lang = runner.invoke(app, ["report", "--lang", "fr", "--out", str(tmp_path / "x.pdf")])
    assert isinstance(bad_lang.exception, ConfigError)  # chainleader.cli.main prints it bilingually, exit 1
    assert not (tmp_path / "x.pdf").exists()
