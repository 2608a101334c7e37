"""record_run / list_runs: which version and parameters produced an analysis."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError, NotFoundError
from chainleader.store.db import list_runs, record_run, write_version


def test_record_and_list_runs(engine: Engine, sample: Dataset) -> None:
    v1 = write_version(engine, "demo", sample.tables.items(), content_hash="a")
    v2 = write_version(engine, "demo", sample.tables.items(), content_hash="b")
    r1 = record_run(engine, v1.id, "risk", {"chain": "nev", "alpha": np.float64(0.5)}, {"n_points": np.int64(3)})
    r2 = record_run(engine, v2.id, "ttr", {"period_days": 7}, {"worst": "P_COBALT", "名称": "钴"})
    r3 = record_run(engine, v1.id, "risk", {"chain": "nev", "alpha": 0.9}, {"n_points": 1})
    assert r1 < r2 < r3

    runs = list_runs(engine)
    assert [r["id"] for r in runs] == [r1, r2, r3]
    assert runs[0]["params"] == {"chain": "nev", "alpha": 0.5}
    assert runs[0]["summary"] == {"n_points": 3}
    assert runs[1]["summary"] == {"worst": "P_COBALT", "名称": "钴"}
    assert (runs[1]["dataset"], runs[1]["number"], runs[1]["kind"]) == ("demo", 2, "ttr")
    assert runs[0]["created_at"].tzinfo is not None

    only_v1 = list_runs(engine, version_id=v1.id)
    assert [r["id"] for r in only_v1] == [r1, r3]
    assert list_runs(engine, version_id=v2.id + 100) == []


def test_record_run_refuses_unknown_version_and_non_json(engine: Engine, sample: Dataset) -> None:
    with pytest.raises(NotFoundError, match="id=42"):
        record_run(engine, 42, "risk", {}, {})
    v = write_version(engine, "demo", sample.tables.items(), content_hash="a")
    with pytest.raises(ConfigError, match="JSON"):
        record_run(engine, v.id, "risk", {"f": object()}, {})
    with pytest.raises(ConfigError, match="JSON"):
        record_run(engine, v.id, "risk", {}, {"x": float("nan")})
    with pytest.raises(ConfigError, match="kind"):
        record_run(engine, v.id, " ", {}, {})
    assert list_runs(engine) == []
