"""Background scenario runs: ids, status, progress, results, a bounded history.

后台情景运行：编号、状态（排队/运行/完成/失败）、进度（步骤、已完成/总数）、结果与错误信息；
历史记录有上限（最旧的已结束运行先被移除）。The work itself is any callable taking a progress callback
``(step, done, total)`` and returning a JSON-ready result; ``Workspace.start_run`` gives it
``services.simulate.run_scenario``.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from chainleader.model.errors import ChainleaderError, LimitError, NotFoundError

Status = Literal["queued", "running", "done", "failed"]
ProgressFn = Callable[[str, int, int | None], None]
Work = Callable[[ProgressFn], dict[str, Any]]


@dataclass
class Run:
    """One background run as its owner and administrators see it."""

    id: str
    owner_id: int
    owner: str
    meta: dict[str, Any]  # dataset, version, scenario, title_zh/en, runs ... (JSON-ready)
    status: Status = "queued"
    step: str = ""
    done: int = 0
    total: int | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: dict[str, Any] | None = None
    error_zh: str | None = None
    error_en: str | None = None

    def summary(self) -> dict[str, Any]:
        """JSON-ready status without the result."""
        return {
            "id": self.id, "owner": self.owner, "status": self.status, **self.meta,
            "progress": {"step": self.step, "done": self.done, "total": self.total,
                         "fraction": (min(1.0, self.done / self.total) if self.total else
                                      (1.0 if self.status == "done" else None))},
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "error_zh": self.error_zh, "error_en": self.error_en,
        }


class RunManager:
    """Runs work in a thread pool of ``max_workers``; keeps the last ``history`` runs (finished ones drop first).

    ``max_queued`` bounds how many runs may wait or run at once (LimitError beyond it, HTTP 429-like).
    """

    def __init__(self, max_workers: int = 1, *, history: int = 200, max_queued: int = 20) -> None:
        if max_workers < 1 or history < 1 or max_queued < 1:
            raise ValueError("max_workers, history and max_queued must be >= 1")
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="chainleader-run")
        self._runs: OrderedDict[str, Run] = OrderedDict()
        self._lock = threading.Lock()
        self._counter = itertools.count(1)
        self.history = history
        self.max_queued = max_queued
        self._closed = False

    # --- submitting -------------------------------------------------------------------------------
    def submit(self, owner_id: int, owner: str, meta: dict[str, Any], work: Work) -> Run:
        with self._lock:
            if self._closed:
                raise ChainleaderError("运行管理器已关闭 / the run manager has been shut down")
            active = sum(1 for r in self._runs.values() if r.status in ("queued", "running"))
            if active >= self.max_queued:
                raise LimitError(
                    f"同时排队或运行的情景已达上限 {self.max_queued} 个，请等待已有运行结束后再提交 / "
                    f"at most {self.max_queued} scenario runs may be queued or running at once; wait for one to "
                    f"finish and submit again", limit="max_queued_runs", status=429)
            run = Run(id=f"r{next(self._counter):05d}-{secrets.token_hex(4)}", owner_id=owner_id, owner=owner,
                      meta=dict(meta))
            self._runs[run.id] = run
            self._trim()
        self._pool.submit(self._execute, run, work)
        return run

    def _trim(self) -> None:
        """Drop the oldest finished runs beyond ``history`` (caller holds the lock)."""
        excess = len(self._runs) - self.history
        if excess <= 0:
            return
        for rid in [rid for rid, r in self._runs.items() if r.status in ("done", "failed")][:excess]:
            del self._runs[rid]

    def _execute(self, run: Run, work: Work) -> None:
        with self._lock:
            run.status = "running"
            run.started_at = datetime.now(UTC)

        def progress(step: str, done: int, total: int | None) -> None:
            with self._lock:
                run.step, run.done, run.total = step, int(done), None if total is None else int(total)

        try:
            result = work(progress)
        except ChainleaderError as exc:
            zh, en = _split_message(str(exc))
            self._finish(run, None, zh, en)
        except Exception as exc:
            self._finish(run, None, f"内部错误：{type(exc).__name__}: {exc}（请联系管理员）",
                         f"internal error: {type(exc).__name__}: {exc} (contact the administrator)")
        else:
            self._finish(run, result, None, None)

    def _finish(self, run: Run, result: dict[str, Any] | None, zh: str | None, en: str | None) -> None:
        with self._lock:
            run.result = result
            run.status = "done" if zh is None else "failed"
            run.error_zh, run.error_en = zh, en
            run.finished_at = datetime.now(UTC)
            if run.status == "done" and run.total:
                run.done = run.total

    # --- reading ----------------------------------------------------------------------------------
    def get(self, run_id: str) -> Run:
        with self._lock:
            run = self._runs.get(run_id)
        if run is None:
            raise NotFoundError(f"没有编号为 {run_id!r} 的运行（或已从历史中移除） / "
                                f"no run with id {run_id!r} (or it has left the history)")
        return run

    def list(self, owner_id: int | None = None) -> list[Run]:
        """Runs, newest first; only ``owner_id``'s when given."""
        with self._lock:
            runs = list(self._runs.values())
        runs.reverse()
        return [r for r in runs if owner_id is None or r.owner_id == owner_id]

    def wait(self, run_id: str, timeout: float | None = None) -> Run:
        """Block until the run has finished (for scripts and tests); TimeoutError after ``timeout`` s."""
        import time

        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            run = self.get(run_id)
            if run.status in ("done", "failed"):
                return run
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"run {run_id} still {run.status} after {timeout} s")
            time.sleep(0.02)

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _split_message(text: str) -> tuple[str, str]:
    """A bilingual ``"中文 / English"`` message split into its halves (the whole text for both otherwise)."""
    head = text.split("\n", 1)[0]
    if " / " in head:
        zh, en = head.split(" / ", 1)
        rest = text[len(head):]
        return zh.strip() + rest, en.strip() + rest
    return text, text
