"""The risk-assessment use case: a dataset (bundled, a file, or a stored version) -> risk register.

When the dataset comes from the store, the run is recorded (version, parameters, severity counts),
so every register can be traced to the data and settings that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chainleader.analysis import RiskParams, RiskRegister, assess
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError, NotFoundError
from chainleader.services.datasets import load_dataset, open_store
from chainleader.store import db as store_db


@dataclass
class AssessmentResult:
    register: RiskRegister
    dataset: Dataset
    run_id: int | None  # analysis_runs row when the data came from the store


def _stored_dataset(db_url: str | None, name: str | None, number: int | None) -> Dataset:
    with open_store(db_url) as engine:
        if name is None:
            names = [d.name for d in store_db.list_datasets(engine)]
            if len(names) != 1:
                raise NotFoundError(
                    "请用 --dataset 指定数据集，数据库中有：" + (", ".join(names) or "（空）")
                    + " / name the dataset with --dataset; the database holds: " + (", ".join(names) or "(none)")
                )
            name = names[0]
        return store_db.load_version(engine, name, number)


def assess_dataset(
    dataset: str | Path | Dataset | None = None,
    *,
    db_url: str | None = None,
    use_store: bool = False,
    version: int | None = None,
    chain: str | None = None,
    region: str | None = None,
    with_lp: bool = True,
    params: RiskParams | None = None,
) -> AssessmentResult:
    """Assess a dataset. ``use_store`` (or a ``db_url``) reads the latest (or given) stored version."""
    if isinstance(dataset, Dataset):
        ds = dataset
    elif use_store or db_url is not None:
        ds = _stored_dataset(db_url, None if dataset is None else str(dataset), version)
    else:
        ds = load_dataset(dataset or "nev-jjj")
    if chain is not None and chain not in ds.chain_ids():
        raise ConfigError(
            f"产业链 {chain!r} 不在数据集 {ds.name} 中，可选：{', '.join(ds.chain_ids())} / "
            f"chain {chain!r} not in dataset {ds.name}; available: {', '.join(ds.chain_ids())}"
        )
    register = assess(ds, chain=chain, region=region, params=params, with_lp=with_lp)
    run_id = None
    if ds.version_id is not None:
        summary: dict[str, Any] = {
            "severity_counts": register.severity_counts(),
            "n_entries": len(register.entries),
            "lp_status": register.metadata.get("lp_status"),
        }
        run_params: dict[str, Any] = {"chain": chain, "region": region, "with_lp": with_lp,
                                      **register.metadata["params"]}
        with open_store(db_url) as engine:
            run_id = store_db.record_run(engine, ds.version_id, "risk_register", run_params, summary)
    return AssessmentResult(register, ds, run_id)
