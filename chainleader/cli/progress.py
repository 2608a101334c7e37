"""Progress bars for anything that may take more than a second."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from chainleader.cli.output import err_console


@contextmanager
def table_progress(label: str, enabled: bool = True) -> Iterator[Callable[[str, int, int | None], None]]:
    """Yield a callback ``(table, done, total)`` that drives one bar per table (on stderr)."""
    if not enabled:
        yield lambda table, done, total: None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(table: str, done: int, total: int | None) -> None:
            if table not in tasks:
                tasks[table] = progress.add_task(f"{label} {table}", total=total)
            progress.update(tasks[table], completed=done, total=total)

        yield update


@contextmanager
def write_progress(label: str, enabled: bool = True) -> Iterator[Callable[[str, int], None]]:
    with table_progress(label, enabled) as cb:
        yield lambda table, done: cb(table, done, None)
