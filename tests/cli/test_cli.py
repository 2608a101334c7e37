"""End-to-end CLI: every command on real files; bad input -> exit 1 with a located message, no traceback."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from chainleader.services.datasets import bundled_path, stored_versions


def _sqlite(tmp_path: Path, name: str = "t.sqlite") -> str:
    return f"sqlite:///{tmp_path / name}"


def test_datasets_lists_bundled_chains(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("datasets", "--format", "json")
    assert r.code == 0
    names = {d["name"] for d in json.loads(r.out)}
    assert {"nev-jjj", "ic-yrd", "display-js"} <= names


def test_validate_bundled_dataset_is_clean(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", "nev-jjj", "--format", "json")
    assert r.code == 0, r.out + r.err
    problems = json.loads(r.out)
    assert [p for p in problems if p["severity"] == "error"] == []


def test_import_is_idempotent_and_export_round_trips(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = _sqlite(tmp_path)
    r = cli("import", "nev-jjj", "--db", db)
    assert r.code == 0, r.err
    assert "版本 version 1" in r.out
    r = cli("import", "nev-jjj", "--db", db)
    assert r.code == 0 and "unchanged" in r.out  # same content -> no new version
    out = tmp_path / "exported"
    assert cli("export", "nev-jjj", str(out), "--db", db).code == 0
    # export -> import gives an identical dataset: the content hash matches, so no new version.
    r = cli("import", str(out), "--name", "nev-jjj", "--db", db)
    assert r.code == 0 and "unchanged" in r.out, r.out + r.err
    r = cli("datasets", "--stored", "--db", db, "--format", "json")
    assert r.code == 0


def test_bad_input_is_refused_with_located_message_and_nothing_written(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "bad"
    shutil.copytree(bundled_path("nev-jjj"), src)
    ents = pd.read_csv(src / "enterprises.csv", dtype=str, keep_default_na=False)
    first_cn = int(ents.index[ents["uscc"] != ""][0])
    good = ents.loc[first_cn, "uscc"]
    ents.loc[first_cn, "uscc"] = good[:17] + ("0" if good[17] != "0" else "1")
    ents.to_csv(src / "enterprises.csv", index=False)
    db = _sqlite(tmp_path)
    r = cli("import", str(src), "--db", db)
    assert r.code == 1
    assert "Traceback" not in r.out + r.err
    text = r.out + r.err
    assert f"row {first_cn + 2}" in text and "uscc" in text  # header is row 1
    assert stored_versions(db) == []  # nothing was written


def test_template_validates(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "模板.xlsx"
    assert cli("template", str(path)).code == 0
    r = cli("validate", str(path), "--format", "json")
    assert r.code == 0, r.out
    assert [p for p in json.loads(r.out) if p["severity"] == "error"] == []


def test_generate_then_import(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "gen"
    r = cli("generate", str(out), "--firms", "300", "--products", "40", "--seed", "7")
    assert r.code == 0, r.err
    assert (out / "enterprises.csv").exists()
    r = cli("import", str(out), "--db", _sqlite(tmp_path))
    assert r.code == 0, r.out + r.err


def test_missing_dataset_is_a_clean_error(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("validate", "no-such-dataset")
    assert r.code == 1
    assert "no-such-dataset" in r.err and "Traceback" not in r.err


def test_demo_prints_summary(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("demo", "--db", _sqlite(tmp_path, "demo.sqlite"))
    assert r.code == 0, r.err
    assert "京津冀" in r.out
    assert "上游" in r.out and "河北省" in r.out
