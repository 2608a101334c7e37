"""RunManager: status lifecycle, progress, failures, bounded history and queue (hand-made work functions)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from chainleader.model.errors import ConfigError, LimitError, NotFoundError
from chainleader.services.runs import RunManager


def test_lifecycle_progress_and_result() -> None:
    gate = threading.Event()
    seen: list[str] = []
    rm = RunManager(1)
    try:
        def work(progress: Any) -> dict[str, Any]:
            progress("simulate", 3, 10)
            seen.append("started")
            gate.wait(5)
            return {"answer": 42}

        run = rm.submit(7, "alice", {"dataset": "d"}, work)
        assert run.status in ("queued", "running") and run.id.startswith("r00001-")
        while not seen:
            threading.Event().wait(0.01)
        s = rm.get(run.id).summary()
        assert s["status"] == "running" and s["progress"] == {"step": "simulate", "done": 3, "total": 10,
                                                              "fraction": 0.3}
        gate.set()
        done = rm.wait(run.id, timeout=5)
        assert done.status == "done" and done.result == {"answer": 42} and done.done == done.total == 10
        assert done.summary()["finished_at"] is not None and done.summary()["dataset"] == "d"
        assert [r.id for r in rm.list(7)] == [run.id] and rm.list(8) == []
    finally:
        rm.shutdown()


def test_failures_are_recorded_bilingually() -> None:
    rm = RunManager(1)
    try:
        def bad(progress: Any) -> dict[str, Any]:
            raise ConfigError("参数错误 / bad parameter")

        def broken(progress: Any) -> dict[str, Any]:
            raise ZeroDivisionError("division by zero")

        r1 = rm.wait(rm.submit(1, "a", {}, bad).id, timeout=5)
        assert (r1.status, r1.error_zh, r1.error_en, r1.result) == ("failed", "参数错误", "bad parameter", None)
        r2 = rm.wait(rm.submit(1, "a", {}, broken).id, timeout=5)
        assert r2.status == "failed" and "ZeroDivisionError" in (r2.error_en or "") and "内部错误" in (r2.error_zh or "")
    finally:
        rm.shutdown()


def test_history_is_bounded_and_queue_limited() -> None:
    rm = RunManager(1, history=3, max_queued=2)
    try:
        ids = []
        for i in range(5):
            run = rm.submit(1, "a", {"i": i}, lambda progress: {"ok": True})
            rm.wait(run.id, timeout=5)
            ids.append(run.id)
        assert [r.id for r in rm.list()] == ids[:1:-1]  # newest first, the 3 latest kept
        with pytest.raises(NotFoundError, match="no run with id"):
            rm.get(ids[0])
        gate = threading.Event()
        rm.submit(1, "a", {}, lambda progress: {"ok": gate.wait(5)})
        rm.submit(1, "a", {}, lambda progress: {"ok": gate.wait(5)})
        with pytest.raises(LimitError) as exc:
            rm.submit(1, "a", {}, lambda progress: {"ok": True})
        assert exc.value.limit == "max_queued_runs"
        gate.set()
    finally:
        rm.shutdown()
