"""The demo use case: a fresh embedded database, a bundled chain imported, summarised and assessed."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chainleader.analysis import RiskRegister
from chainleader.model.dataset import Dataset
from chainleader.services.assess import assess_dataset
from chainleader.services.datasets import import_into_store, load_from_store
from chainleader.services.jsonready import frame_records
from chainleader.services.simulate import SimulationReport, default_scenario, run_scenario
from chainleader.services.summary import DatasetSummary, summarise
from chainleader.store import db as store_db


def fresh_demo_url() -> str:
    """An empty embedded SQLite database for the demo (an old demo database is replaced)."""
    home = Path(os.environ.get("CHAINLEADER_HOME", Path.home() / ".chainleader"))
    home.mkdir(parents=True, exist_ok=True)
    path = home / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists():
            p.unlink()
    return f"sqlite:///{path}"


@dataclass
class DemoResult:
    db_url: str
    dataset: Dataset
    version: store_db.VersionInfo
    summary: DatasetSummary
    extras: dict[str, Any] = field(default_factory=dict)
    register: RiskRegister | None = None
    simulation: SimulationReport | None = None

    def as_dict(self) -> dict[str, Any]:
        s = self.summary
        return {
            "db_url": self.db_url,
            "dataset": s.name,
            "version": self.version.number,
            "title_zh": s.title_zh,
            "title_en": s.title_en,
            "illustrative": s.illustrative,
            "counts": s.counts,
            "chains": frame_records(s.chains),
            "tiers": frame_records(s.tiers),
            "by_province": frame_records(s.by_province),
            "by_country": frame_records(s.by_country),
            "import_dependence": frame_records(s.import_dependence),
            **self.extras,
        }


def run_demo(
    db_url: str | None,
    dataset: str = "nev-jjj",
    *,
    progress: Callable[[str, int, int | None], None] | None = None,
    write_progress: Callable[[str, int], None] | None = None,
) -> DemoResult:
    url = db_url or fresh_demo_url()
    imported = import_into_store(dataset, url, name=dataset, progress=progress, write_progress=write_progress)
    ds = load_from_store(url, dataset, imported.version.number)
    summary = summarise(ds)
    result = DemoResult(url, ds, imported.version, summary)
    assessment = assess_dataset(ds, db_url=url)
    result.register = assessment.register
    result.extras["risk_register"] = {
        "severity_counts": assessment.register.severity_counts(),
        "lp_status": assessment.register.metadata.get("lp_status"),
        "run_id": assessment.run_id,
        "top": frame_records(assessment.register.to_frame().head(10)[
            ["point", "severity", "score", "explanation_zh", "explanation_en"]]),
    }
    scenario = default_scenario(dataset)
    report = run_scenario(ds, scenario.path)
    result.simulation = report
    result.extras["simulation"] = {
        "scenario": scenario.id,
        "title_zh": report.scenario.title_zh,
        "explanation_zh": report.explanation_zh,
        "explanation_en": report.explanation_en,
        "runs": {label: {k: run.summary()[k] for k in ("lost_value_yi", "time_to_recover_days", "peak_loss")}
                 for label, run in report.results.items()},
    }
    return result
