"""End-to-end demo run against a golden file (deterministic, sorted, rounded).

Regenerate only on purpose: CHAINLEADER_UPDATE_GOLDEN=1 pytest tests/services/test_demo.py
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from chainleader.services.demo import run_demo

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "demo_nev-jjj.json"


def _round(obj: Any) -> Any:
    if isinstance(obj, float):
        if math.isnan(obj):
            return None
        return float(f"{obj:.6g}")
    if isinstance(obj, dict):
        return {k: _round(v) for k, v in sorted(obj.items())}
    if isinstance(obj, list):
        return [_round(v) for v in obj]
    return obj


def _stable(result: dict[str, Any]) -> dict[str, Any]:
    out = dict(result)
    out.pop("db_url", None)
    reg = dict(out.get("risk_register", {}))
    reg.pop("run_id", None)
    out["risk_register"] = reg
    return _round(out)


def test_demo_matches_golden(tmp_path: Path) -> None:
    result = run_demo(f"sqlite:///{tmp_path / 'demo.sqlite'}", "nev-jjj")
    got = _stable(result.as_dict())
    if os.environ.get("CHAINLEADER_UPDATE_GOLDEN") == "1":
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert got == expected
    # The facts a chain-leader office checks first are in the summary.
    counts = got["counts"]
    assert counts["products"] >= 80 and counts["enterprises"] >= 400
    top = {row["name_zh"]: row for row in got["import_dependence"]}
    assert any("钴" in k for k in top) and any("MCU" in k for k in top)
    assert sum(got["risk_register"]["severity_counts"].values()) > 0
    # The default shock scenario runs with and without its backup plan; the plan never loses more here.
    runs = got["simulation"]["runs"]
    assert runs["with_plan"]["lost_value_yi"] <= runs["no_plan"]["lost_value_yi"]
