"""What a chain report shows (``ChainReport``) and the one-call way to assemble it (``build_chain_report``).

报告内容：已按阅读人权限过滤的数据集、风险清单与情景模拟结果。Web 层传入按权限脱敏后的数据集与清单，
本模块只负责呈现所给内容；命令行用 ``build_chain_report`` 一次完成评估与模拟。
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from chainleader.analysis.register import RiskRegister
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError
from chainleader.services.datasets import load_dataset, load_from_store
from chainleader.services.reports.labels import Lang
from chainleader.services.simulate import SimulationReport, list_scenarios, run_scenario

Progress = Callable[[str, int, int | None], None]
LANGS: tuple[Lang, ...] = ("zh", "en")


@dataclass
class ChainReport:
    """Everything a chain report shows, already filtered for its reader.

    ``dataset`` and ``register`` are what the reader may see (the web layer redacts them for the reader's
    permissions; the renderers show exactly what they are given). ``chain`` is a chain id of the dataset, or
    ``""`` for the whole dataset. ``confidential_note`` is printed on the cover, e.g. "部分企业数据因权限未显示".
    """

    dataset: Dataset
    chain: str
    register: RiskRegister
    simulations: list[SimulationReport] = field(default_factory=list)
    reader: str = ""
    lang: Lang = "zh"
    generated_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    dataset_version: int | None = None
    confidential_note: str = ""

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if self.chain and self.chain not in self.dataset.chain_ids():
            raise ConfigError(
                f"产业链 {self.chain!r} 不在数据集 {self.dataset.name} 中，可选：{', '.join(self.dataset.chain_ids())} / "
                f"chain {self.chain!r} not in dataset {self.dataset.name}; available: "
                f"{', '.join(self.dataset.chain_ids())}"
            )

    @property
    def chain_name(self) -> str:
        """The chain's name in the report language (the dataset title for a whole-dataset report)."""
        zh = self.lang == "zh"
        if self.chain:
            row = self.dataset.chains[self.dataset.chains["id"] == self.chain].iloc[0]
            name = row["name_zh"] if zh else row["name_en"]
            if name is not None and str(name).strip():
                return str(name)
            return self.chain
        meta = self.dataset.meta
        return meta.get("title_zh" if zh else "title_en") or self.dataset.name

    @property
    def dataset_title(self) -> str:
        meta = self.dataset.meta
        return meta.get("title_zh" if self.lang == "zh" else "title_en") or self.dataset.name

    @property
    def illustrative(self) -> bool:
        return self.dataset.meta.get("illustrative", "").strip().lower() in ("true", "1", "yes", "是")


def check_lang(lang: str) -> Lang:
    if lang not in LANGS:
        raise ConfigError(f"报告语言须为 zh 或 en，收到 {lang!r} / report language must be zh or en, got {lang!r}")
    return lang  # type: ignore[return-value]


def default_chain(ds: Dataset) -> str:
    """The dataset's first chain, or ``""`` (the whole dataset) when it defines none."""
    ids = ds.chain_ids()
    return ids[0] if ids else ""


def build_chain_report(
    dataset: str | Path | Dataset = "nev-jjj",
    chain: str | None = None,
    *,
    scenarios: Sequence[str | Path] | None = None,
    lang: str = "zh",
    reader: str = "",
    with_lp: bool = True,
    confidential_note: str = "",
    db_url: str | None = None,
    use_store: bool = False,
    version: int | None = None,
    progress: Progress | None = None,
) -> ChainReport:
    """Assess ``dataset`` (bundled name, path, Dataset, or a stored dataset with ``use_store``/``db_url``)
    for ``chain`` (default: its first chain) and run ``scenarios`` (bundled ids or YAML/JSON paths; ``None``:
    the dataset's default bundled scenario if it has one; ``()``: none)."""
    from chainleader.services.assess import assess_dataset

    lang_ = check_lang(lang)
    if progress is not None:
        progress("assess", 0, 1)
    if isinstance(dataset, Dataset):
        ds: Dataset = dataset
    elif use_store or db_url is not None:
        ds = load_from_store(db_url, str(dataset), version)
    else:
        ds = load_dataset(dataset)
    chain_id = default_chain(ds) if chain is None else chain
    # a stored version records the assessment run in the same database
    result = assess_dataset(ds, db_url=db_url, chain=chain_id or None, with_lp=with_lp)
    if progress is not None:
        progress("assess", 1, 1)
    names: list[str | Path]
    if scenarios is None:
        from chainleader.services.simulate import default_scenario

        names = [default_scenario(ds.name).id] if list_scenarios(ds.name) else []
    else:
        names = list(scenarios)
    sims: list[SimulationReport] = []
    for i, name in enumerate(names):
        if progress is not None:
            progress("simulate", i, len(names))
        sims.append(run_scenario(ds, name))
    if progress is not None and names:
        progress("simulate", len(names), len(names))
    return ChainReport(dataset=ds, chain=chain_id, register=result.register, simulations=sims, reader=reader,
                       lang=lang_, dataset_version=ds.version, confidential_note=confidential_note)
