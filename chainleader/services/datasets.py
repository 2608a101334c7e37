"""Use cases around datasets: bundled ones, loading, importing into and exporting from a store."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset
from chainleader.model.errors import NotFoundError, ValidationError, ValidationReport
from chainleader.store import db as store_db
from chainleader.store import io as store_io

Progress = Callable[[str, int, int | None], None]


@contextmanager
def open_store(db_url: str | None) -> Iterator[Engine]:
    """An engine on the database, migrated to the latest schema, disposed afterwards (no stray connections)."""
    engine = store_db.make_engine(db_url)
    try:
        store_db.upgrade(engine)
        yield engine
    finally:
        engine.dispose()


@dataclass(frozen=True)
class BundledDataset:
    name: str
    title_zh: str
    title_en: str
    path: Path
    illustrative: bool
    description: str


def _datasets_root() -> Path:
    import chainleader

    return Path(chainleader.__file__).parent / "datasets"


def bundled_datasets() -> list[BundledDataset]:
    """The datasets shipped with the package (folders with a meta.csv)."""
    out = []
    root = _datasets_root()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and (p / "meta.csv").exists()):
        with open(folder / "meta.csv", encoding="utf-8-sig", newline="") as fh:
            meta = {row["key"]: row.get("value", "") for row in csv.DictReader(fh)}
        out.append(
            BundledDataset(
                name=folder.name,
                title_zh=meta.get("title_zh", folder.name),
                title_en=meta.get("title_en", folder.name),
                path=folder,
                illustrative=meta.get("illustrative", "").lower() in ("true", "1", "yes", "是"),
                description=meta.get("description", ""),
            )
        )
    return out


def bundled_path(name: str) -> Path:
    for b in bundled_datasets():
        if b.name == name:
            return b.path
    names = ", ".join(b.name for b in bundled_datasets())
    raise NotFoundError(
        f"没有名为 {name!r} 的内置数据集，可选：{names}（或给出文件/文件夹路径） / "
        f"no bundled dataset named {name!r}; available: {names} (or give a file or folder path)"
    )


def resolve_source(name_or_path: str | Path) -> Path:
    """A bundled dataset name or a path to a workbook / CSV folder / JSON file."""
    p = Path(name_or_path)
    if p.exists():
        return p
    return bundled_path(str(name_or_path))


@cache
def _load_bundled_cached(name: str) -> Dataset:
    return store_io.load_path(bundled_path(name), name=name)


def load_dataset(name_or_path: str | Path, *, encoding: str | None = None) -> Dataset:
    """Load a bundled dataset by name, or a dataset file/folder, validated, into memory.

    ``cl.load_dataset("nev-jjj")`` is the one-line entry point of the Python API.
    """
    p = Path(name_or_path)
    if not p.exists() and encoding is None:
        ds = _load_bundled_cached(str(name_or_path))
        return Dataset(ds.name, {k: v.copy() for k, v in ds.tables.items()})
    return store_io.load_path(resolve_source(name_or_path), encoding=encoding)


def validate_source(
    name_or_path: str | Path, *, encoding: str | None = None, progress: Progress | None = None
) -> tuple[ValidationReport, dict[str, str]]:
    """Validate without writing anything; returns the report and the encodings used per file."""
    src = store_io.open_source(resolve_source(name_or_path), encoding=encoding)
    report = src.validate(progress=progress)
    return report, dict(src.encodings)


@dataclass(frozen=True)
class ImportResult:
    version: store_db.VersionInfo
    report: ValidationReport
    encodings: dict[str, str]


def import_into_store(
    name_or_path: str | Path,
    db_url: str | None = None,
    *,
    name: str | None = None,
    encoding: str | None = None,
    note: str = "",
    progress: Progress | None = None,
    write_progress: Callable[[str, int], None] | None = None,
) -> ImportResult:
    """Validate a source and write it as a new dataset version, all or nothing.

    Refuses with ValidationError (every located problem) when the input has errors;
    re-importing identical content returns the existing version (``created=False``).
    """
    path = resolve_source(name_or_path)
    src = store_io.open_source(path, encoding=encoding, name=name)
    report = src.validate(progress=progress)
    if not report.ok:
        raise ValidationError(report, str(path))
    with open_store(db_url) as engine:
        info = store_db.write_version(
            engine,
            src.name,
            src.batches(),
            content_hash=src.content_hash(),
            source=str(path),
            note=note,
            progress=write_progress,
        )
    return ImportResult(info, report, dict(src.encodings))


def load_from_store(db_url: str | None, dataset: str, number: int | None = None) -> Dataset:
    with open_store(db_url) as engine:
        return store_db.load_version(engine, dataset, number)


def export_from_store(
    db_url: str | None,
    dataset: str,
    path: str | Path,
    *,
    number: int | None = None,
    fmt: str | None = None,
    headers: str = "en",
) -> Path:
    from chainleader.store.io import export

    with open_store(db_url) as engine:
        batches = store_db.iter_version(engine, dataset, number)
        return export.write_batches(batches, Path(path), fmt, headers=headers, name=dataset)  # type: ignore[arg-type]


def write_template(path: str | Path, *, lang: str = "zh") -> Path:
    from chainleader.store.io import template

    return template.write_template(Path(path), lang=lang)  # type: ignore[arg-type]


def upgrade_database(db_url: str | None) -> str:
    """Migrate the database to the latest schema; returns the URL (password hidden)."""
    with open_store(db_url) as engine:
        return engine.url.render_as_string(hide_password=True)


@dataclass(frozen=True)
class StoredVersion:
    dataset: str
    number: int
    created_at: str
    rows: int
    source: str
    note: str


def stored_versions(db_url: str | None) -> list[StoredVersion]:
    out = []
    with open_store(db_url) as engine:
        for d in store_db.list_datasets(engine):
            for v in store_db.list_versions(engine, d.name):
                out.append(StoredVersion(v.dataset, v.number, str(v.created_at), sum(v.counts.values()),
                                         v.source, v.note))
    return out
