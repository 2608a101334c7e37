"""The web platform's one data source: every view payload for a Principal, redacted (docs/web.md).

工作台：网页端唯一的数据来源。每个数据集的最新存储版本按（版本，产业链）评估一次并缓存；每个视图
（概览、图谱、节点、省份方块图、风险清单、企业、情景与运行、版本与上传、报告）按用户权限脱敏后返回
可直接转为 JSON 的结果；拒绝访问与导出、运行、上传等写操作都记入审计日志。

    ws = Workspace("sqlite:///chainleader.sqlite")
    ws.ensure_bundled(); ws.warm()
    ws.register(principal, "nev-jjj", "nev", severity="red")
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from chainleader.analysis.register import RiskRegister
from chainleader.governance.access import Action, Grant, Principal, Role, can, chain_allowed
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError, LimitError, NotFoundError, PermissionDenied, ValidationError
from chainleader.services.accounts import Accounts
from chainleader.services.assess import assess_dataset
from chainleader.services.datasets import bundled_datasets, import_into_store
from chainleader.services.jsonready import json_ready
from chainleader.services.runs import RunManager
from chainleader.services.simulate import list_scenarios, load_scenario, run_scenario
from chainleader.services.views import chainmap, pages, simview
from chainleader.services.views.scope import (
    RedactedRegister,
    Scope,
    build_scope,
    redact_register,
    scrub,
    signature,
)
from chainleader.store import db as store_db

MAX_REPORT_SCENARIOS = 5


@dataclass
class Assessed:
    """One chain of one stored version, assessed: the Dataset, its compiled form (in the register) and facts."""

    dataset: Dataset
    register: RiskRegister
    facts: chainmap.ChainFacts


def _prune(cache: dict[Any, Any], infos: dict[str, store_db.DatasetInfo]) -> None:
    """Drop entries keyed (dataset, version number, ...) whose version is no longer the dataset's latest."""
    for k in [k for k in cache if infos.get(k[0]) is None or infos[k[0]].latest != k[1]]:
        del cache[k]


class Workspace:
    """Cached assessments of the stored datasets and every view payload for a principal."""

    def __init__(self, db_url: str | None = None, *, with_lp: bool = True, max_workers: int = 1,
                 scope_cache_size: int = 64, grants_ttl: float = 1.0, versions_ttl: float = 2.0,
                 max_sites: int = simview.MAX_SITES) -> None:
        self.engine = store_db.make_engine(db_url)
        store_db.upgrade(self.engine)
        self.db_url = self.engine.url.render_as_string(hide_password=False)
        self.accounts = Accounts(self.engine)
        self.accounts.on_grants_changed.append(self.invalidate_grants)
        self.with_lp, self.max_sites = with_lp, max_sites
        self.run_manager = RunManager(max_workers)
        self.scope_cache_size, self.grants_ttl, self.versions_ttl = scope_cache_size, grants_ttl, versions_ttl
        self._lock = threading.Lock()
        self._key_locks: dict[tuple[Any, ...], threading.Lock] = {}
        self._assessed: dict[tuple[str, int, str], Assessed] = {}  # (name, version number, chain)
        self._versions: dict[tuple[str, int], store_db.VersionInfo] = {}
        self._datasets: dict[tuple[str, int], Dataset] = {}
        self._scopes: OrderedDict[tuple[Any, ...], Scope] = OrderedDict()
        self._latest: tuple[float, dict[str, store_db.DatasetInfo]] = (float("-inf"), {})
        self._grants: tuple[float, list[Grant]] = (float("-inf"), [])
        self._secret: bytes | str | None = None

    def close(self) -> None:
        self.run_manager.shutdown(wait=False)
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- store and caches ----------------------------------------------------------------------------------
    def ensure_bundled(self) -> list[str]:
        """Import each bundled dataset the store does not hold yet; the names imported now."""
        have = {d.name for d in store_db.list_datasets(self.engine)}
        done = []
        for b in bundled_datasets():
            if b.name not in have:
                import_into_store(b.path, self.db_url, name=b.name, note="bundled")
                done.append(b.name)
        self._latest = (float("-inf"), {})
        return done

    def warm(self) -> None:
        """Assess every chain of every dataset's latest version (fills the cache)."""
        for name in self._infos():
            for chain in self._dataset(name).chain_ids():
                self._assess(name, chain)

    def _infos(self) -> dict[str, store_db.DatasetInfo]:
        """Latest version per stored dataset (re-read after ``versions_ttl`` s; older versions leave the caches)."""
        at, infos = self._latest
        if time.monotonic() - at > self.versions_ttl:
            infos = {d.name: d for d in store_db.list_datasets(self.engine) if d.latest is not None}
            self._latest = (time.monotonic(), infos)
            with self._lock:
                for cache in (self._versions, self._datasets, self._assessed):
                    _prune(cache, infos)
        return infos

    def _version(self, name: str) -> store_db.VersionInfo:
        infos = self._infos()
        if name not in infos:
            raise NotFoundError(f"数据集 {name!r} 不存在，可选：{', '.join(infos) or '（无）'} / dataset {name!r} "
                                f"not found; available: {', '.join(infos) or '(none)'}")
        key = (name, int(infos[name].latest or 0))
        v = self._versions.get(key)
        if v is None:
            v = self._versions[key] = store_db.get_version(self.engine, name, key[1])
        return v

    @contextmanager
    def _key_lock(self, key: tuple[Any, ...]) -> Iterator[None]:
        """One lock per cache key, so a value is computed once while other keys proceed; dropped afterwards."""
        with self._lock:
            lock = self._key_locks.setdefault(key, threading.Lock())
        try:
            with lock:
                yield
        finally:
            with self._lock:
                self._key_locks.pop(key, None)

    def _dataset(self, name: str) -> Dataset:
        v = self._version(name)
        key = (name, v.number)
        ds = self._datasets.get(key)
        if ds is None:
            with self._key_lock(("ds", *key)):
                ds = self._datasets.get(key)
                if ds is None:
                    ds = self._datasets[key] = store_db.load_version(self.engine, name, v.number)
        return ds

    def _assess(self, name: str, chain: str, ds: Dataset | None = None) -> Assessed:
        """The assessment of ``chain`` on ``ds`` (default: the latest version of ``name``), computed once."""
        ds = ds if ds is not None else self._dataset(name)
        if chain not in ds.chain_ids():
            raise NotFoundError(f"产业链 {chain!r} 不在数据集 {name} 中，可选：{', '.join(ds.chain_ids())} / chain "
                                f"{chain!r} not in dataset {name}; available: {', '.join(ds.chain_ids())}")
        key = (name, int(ds.version or 0), chain)
        a = self._assessed.get(key)
        if a is None:
            with self._key_lock(("as", *key)):
                a = self._assessed.get(key)
                if a is None:
                    reg = assess_dataset(ds, db_url=self.db_url, chain=chain, with_lp=self.with_lp).register
                    a = self._assessed[key] = Assessed(ds, reg, chainmap.chain_facts(ds, reg, chain))
        return a

    def invalidate_grants(self) -> None:
        """Re-read the grants on the next request (call after creating or revoking a grant).

        Otherwise grants are re-read at most ``grants_ttl`` seconds after the last read (default 1 s), which keeps
        the database off the per-request path under load; ``grants_ttl=0`` reads them on every request.
        """
        self._grants = (float("-inf"), [])

    def _active_grants(self) -> list[Grant]:
        at, grants = self._grants
        if time.monotonic() - at > self.grants_ttl or self.grants_ttl <= 0:
            grants = list(self.accounts.active_grants())
            self._grants = (time.monotonic(), grants)
        return grants

    def _scope(self, p: Principal, name: str) -> Scope:
        ds = self._dataset(name)
        now = datetime.now(UTC)
        grants = self._active_grants()
        key = (signature(p, grants, name, now), name, ds.version_id)
        with self._lock:
            scope = self._scopes.get(key)
            if scope is not None:
                self._scopes.move_to_end(key)
                return scope
        with self._key_lock(("sc", *key)):
            with self._lock:
                scope = self._scopes.get(key)
            if scope is None:
                if self._secret is None:
                    self._secret = self.accounts.pseudonym_secret()
                scope = build_scope(key, ds, p, grants, now, self._secret)
            with self._lock:
                self._scopes[key] = scope
                self._scopes.move_to_end(key)
                while len(self._scopes) > self.scope_cache_size:
                    self._scopes.popitem(last=False)
        return scope

    def _rreg(self, scope: Scope, name: str, chain: str) -> RedactedRegister:
        rr = scope.registers.get(chain)
        if rr is None:
            with self._key_lock(("rr", *scope.key, chain)):
                rr = scope.registers.get(chain)
                if rr is None:  # the register of the scope's own version, whatever is latest meanwhile
                    rr = redact_register(scope, self._assess(name, chain, scope.full).register)
                    scope.registers[chain] = rr
        return rr

    # --- permissions and audit -----------------------------------------------------------------------------
    def _deny(self, p: Principal, action: str, target: str, zh: str, en: str) -> PermissionDenied:
        self.accounts.audit(p, action, target, outcome="denied")
        return PermissionDenied(f"{zh} / {en}")

    def _chain(self, p: Principal, dataset: str, chain: str,
               action: str = "view_chain") -> tuple[Assessed, Scope, RedactedRegister]:
        """Permission check, then the chain's assessment, the principal's scope and register — one version."""
        if not (can(p, Action.VIEW_CHAIN, dataset=dataset, chain=chain) and chain_allowed(p, dataset, chain)):
            raise self._deny(p, action, f"{dataset}/{chain}", f"您无权查看产业链 {dataset}/{chain}，请联系管理员开通",
                             f"you may not view chain {dataset}/{chain}; ask an administrator for access")
        scope = self._scope(p, dataset)
        a = self._assess(dataset, chain, scope.full)
        return a, scope, self._rreg(scope, dataset, chain)

    def _need(self, p: Principal, action: Action, target: str, dataset: str | None = None) -> None:
        if not can(p, action, dataset=dataset):
            raise self._deny(p, str(action), target, f"您的角色（{p.role.label_zh}）无权执行此操作（{action}）",
                             f"your role ({p.role.label_en}) may not do this ({action})")

    def _meta(self, name: str) -> dict[str, Any]:
        ds, v = self._dataset(name), self._version(name)
        m = ds.meta
        return {"name": name, "title_zh": m.get("title_zh", name), "title_en": m.get("title_en", name),
                "version": v.number, "created_at": v.created_at.isoformat(),
                "illustrative": m.get("illustrative", "").lower() in ("true", "1", "yes", "是")}

    # --- datasets and chains -------------------------------------------------------------------------------
    def datasets(self, p: Principal) -> list[dict[str, Any]]:
        out = []
        for name in self._infos():
            ds = self._dataset(name)
            chains = [{"id": str(r["id"]), "name_zh": r["name_zh"], "name_en": r["name_en"] or r["name_zh"]}
                      for _, r in ds.chains.iterrows() if chain_allowed(p, name, str(r["id"]))]
            if chains:
                out.append(json_ready({**self._meta(name), "chains": chains}))
        return out

    def chain_overview(self, p: Principal, dataset: str, chain: str) -> dict[str, Any]:
        """Counts, severity counts, top 10 risks, import-dependence highlights (payloads are shared: read-only)."""
        a, scope, rr = self._chain(p, dataset, chain)
        return scope.memo(("overview", chain),  # type: ignore[no-any-return]
                          lambda: chainmap.overview_payload(a.facts, scope, rr, self._meta(dataset)))

    def chain_map(self, p: Principal, dataset: str, chain: str, *, region: str | None = None,
                  country: str | None = None) -> dict[str, Any]:
        a, scope, _ = self._chain(p, dataset, chain)
        prefix = pages.region_prefix(region) if region else None
        country = country.strip().upper() if country else None

        def make() -> dict[str, Any]:
            out = chainmap.map_payload(a.facts, scope, region=prefix, country=country)
            out["filters"]["region"] = region
            return out

        return scope.memo(("map", chain, region, country), make)  # type: ignore[no-any-return]

    def node_detail(self, p: Principal, dataset: str, chain: str, product: str) -> dict[str, Any]:
        a, scope, rr = self._chain(p, dataset, chain)
        if product not in a.facts.products.index:
            raise NotFoundError(f"产品 {product!r} 不在产业链 {dataset}/{chain} 中 / product {product!r} is not in "
                                f"chain {dataset}/{chain}")
        return scope.memo(("node", chain, product),  # type: ignore[no-any-return]
                          lambda: chainmap.node_payload(a.facts, scope, rr, product))

    def province_tiles(self, p: Principal, dataset: str, chain: str) -> dict[str, Any]:
        a, scope, _ = self._chain(p, dataset, chain)
        return scope.memo(("tiles", chain), lambda: chainmap.tiles_payload(a.facts, scope))  # type: ignore[no-any-return]

    def register(self, p: Principal, dataset: str, chain: str, *, severity: str | None = None,
                 stage: str | None = None, q: str | None = None, sort: str = "score", descending: bool = True,
                 page: int = 1, page_size: int = 50) -> dict[str, Any]:
        _, _, rr = self._chain(p, dataset, chain)
        return pages.register_page(rr, severity=severity, stage=stage, q=q, sort=sort, descending=descending,
                                   page=page, page_size=page_size)

    def register_json(self, p: Principal, dataset: str, chain: str, *, severity: str | None = None,
                      stage: str | None = None, q: str | None = None, sort: str = "score", descending: bool = True,
                      page: int = 1, page_size: int = 50) -> tuple[bytes, str]:
        """One register page as UTF-8 JSON (the list shape: items, page, page_size, total, counts) and its ETag.

        The register is the busiest read of a joint meeting's dashboard, so the serialised page is memoised per
        scope (visibility signature x dataset version) and query; free-text searches (``q``) are not memoised so
        that they cannot evict the other cached payloads. Permissions are checked on every call.
        """
        _, scope, rr = self._chain(p, dataset, chain)

        def make() -> tuple[bytes, str]:
            body = {"page": page, "page_size": page_size,
                    **pages.register_page(rr, severity=severity, stage=stage, q=q, sort=sort, descending=descending,
                                          page=page, page_size=page_size)}
            data = json.dumps(json_ready(body), ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
            return data, '"' + hashlib.blake2b(data, digest_size=16).hexdigest() + '"'

        if q:
            return make()
        return scope.memo(("register.json", chain, severity, stage, sort, descending, page, page_size),  # type: ignore[no-any-return]
                          make)

    def register_export(self, p: Principal, dataset: str, chain: str, fmt: str) -> tuple[bytes, str, str]:
        _, _, rr = self._chain(p, dataset, chain, action="export_register")
        out = pages.register_bytes(rr, fmt, f"{dataset}-{chain}-register")
        self.accounts.audit(p, "export_register", f"{dataset}/{chain}", after={"format": fmt,
                                                                                         "rows": len(rr.items)})
        return out

    # --- enterprises ---------------------------------------------------------------------------------------
    def _enterprise_scope(self, p: Principal, dataset: str) -> Scope:
        self._need(p, Action.VIEW_ENTERPRISE_DATA, dataset, dataset)
        self._version(dataset)
        return self._scope(p, dataset)

    def enterprises(self, p: Principal, dataset: str, *, region: str | None = None, q: str | None = None,
                    product: str | None = None, page: int = 1, page_size: int = 50) -> dict[str, Any]:
        pages.check_page(page, page_size)
        rows = pages.enterprise_rows(self._enterprise_scope(p, dataset), region=region, q=q, product=product)
        return pages.paginate(rows, page, page_size)

    def enterprise(self, p: Principal, dataset: str, eid: str) -> dict[str, Any]:
        scope = self._enterprise_scope(p, dataset)
        if eid not in scope.identified:  # hidden and missing look the same: existence must not leak
            self.accounts.audit(p, "view_enterprise", f"{dataset}/{eid}", outcome="denied")
            raise NotFoundError(f"数据集 {dataset} 中没有您可查看的企业 {eid!r} / no enterprise {eid!r} you may view "
                                f"in dataset {dataset}")
        return pages.enterprise_detail(scope, eid)

    # --- scenarios and runs --------------------------------------------------------------------------------
    def scenarios(self, p: Principal, dataset: str | None = None) -> list[dict[str, Any]]:
        visible = {d["name"] for d in self.datasets(p)}
        return [simview.scenario_info(s) for s in list_scenarios(dataset) if s.dataset in visible]

    def scenario(self, p: Principal, dataset: str, name: str) -> dict[str, Any]:
        info = next((s for s in self.scenarios(p, dataset) if s["id"] == name), None)
        if info is None:
            raise NotFoundError(f"数据集 {dataset} 没有名为 {name!r} 的情景 / no scenario {name!r} for dataset {dataset}")
        path = next(s.path for s in list_scenarios(dataset) if s.id == name)
        return {**info, "yaml": path.read_text(encoding="utf-8")}

    def start_run(self, p: Principal, dataset: str, *, scenario: str | None = None, scenario_yaml: str | None = None,
                  runs: int = 1) -> dict[str, Any]:
        self._need(p, Action.RUN_SCENARIO, f"{dataset}/{scenario or 'yaml'}", dataset)
        if (scenario is None) == (scenario_yaml is None):
            raise ConfigError("请给出内置情景名 scenario 或情景 YAML 文本 scenario_yaml 之一 / give exactly one of "
                              "scenario (a bundled scenario id) or scenario_yaml (YAML text)")
        if scenario_yaml is not None:
            from chainleader.analysis.simulation import parse_scenario

            s = parse_scenario(scenario_yaml, source="<scenario_yaml>", default_id="custom")
        else:
            s = load_scenario(str(scenario), dataset)
        if s.dataset and s.dataset != dataset:
            raise ConfigError(f"情景 {s.id} 属于数据集 {s.dataset}，不能在 {dataset} 上运行 / scenario {s.id} is for "
                              f"dataset {s.dataset}, not {dataset}")
        ds = self._dataset(dataset)
        if scenario_yaml is not None:  # the bundled library is published to every user of the deployment
            self._check_named_enterprises(p, dataset, s)
        simview.check_budget(s, ds, runs, max_sites=self.max_sites)
        meta = {"dataset": dataset, "version": ds.version, "scenario": s.id, "title_zh": s.title_zh,
                "title_en": s.title_en, "runs": runs, "horizon_days": s.horizon_days}

        def work(progress: Any) -> dict[str, Any]:
            return simview.result_payload(run_scenario(ds, s, runs=runs, seed=0, workers=1, engine="serial",
                                                       progress=progress))

        run = self.run_manager.submit(p.user_id, p.username, meta, work)
        self.accounts.audit(p, "run_scenario", f"{dataset}/{s.id}", after={"run": run.id, "runs": runs})
        return {"id": run.id, "status": run.status}

    def _check_named_enterprises(self, p: Principal, dataset: str, s: Any) -> None:
        """A scenario may name only enterprises the user can see: otherwise its results would disclose a hidden
        firm's weight in the chain. An unseen id is refused exactly like an unknown one (existence doesn't leak)."""
        named = [e for shock in s.shocks for e in getattr(shock, "enterprises", ())]
        if s.backup_plan is not None:
            named += list(getattr(s.backup_plan, "enterprises", ()))
        if not named:
            return
        scope = self._scope(p, dataset)
        for eid in named:
            if eid not in scope.identified:
                self.accounts.audit(p, "run_scenario", f"{dataset}/{s.id}", outcome="denied",
                                    after={"enterprise": "hidden or unknown"})
                raise NotFoundError(f"情景中的企业 {eid!r} 不存在或您无权访问；请改用您可见的企业编号 / enterprise {eid!r} "
                                    f"named in the scenario is unknown or not visible to you; use an enterprise you can see")

    def run(self, p: Principal, run_id: str) -> dict[str, Any]:
        r = self.run_manager.get(run_id)
        if r.owner_id != p.user_id and p.role is not Role.ADMIN:
            self.accounts.audit(p, "view_run", run_id, outcome="denied")
            raise NotFoundError(f"没有编号为 {run_id!r} 的运行（或已从历史中移除） / no run with id {run_id!r} "
                                f"(or it has left the history)")
        out = r.summary()
        out["result"] = None if r.result is None else scrub(self._scope(p, r.meta["dataset"]), r.result)
        return out

    def runs(self, p: Principal, page: int = 1, page_size: int = 50) -> dict[str, Any]:
        mine = self.run_manager.list(None if p.role is Role.ADMIN else p.user_id)
        return pages.paginate([r.summary() for r in mine], page, page_size)

    # --- versions, uploads and reports ---------------------------------------------------------------------
    def versions(self, p: Principal, dataset: str) -> list[dict[str, Any]]:
        if not any(d["name"] == dataset for d in self.datasets(p)):
            raise self._deny(p, "view_versions", dataset, f"您无权查看数据集 {dataset}", f"you may not view dataset {dataset}")
        return [json_ready({"number": v.number, "created_at": v.created_at.isoformat(), "source": Path(v.source).name,
                            "note": v.note, "content_hash": v.content_hash, "counts": v.counts})
                for v in reversed(store_db.list_versions(self.engine, dataset))]

    def upload(self, p: Principal, filename: str, content: bytes, *, dataset_name: str | None = None) -> dict[str, Any]:
        """Validate and import an .xlsx / .csv / .zip of CSVs / .json as a new version, all or nothing."""
        self._need(p, Action.UPLOAD_DATA, dataset_name or filename)
        before = dict(self._infos())
        with tempfile.TemporaryDirectory(prefix="chainleader-upload-") as tmp:
            path = pages.stage_upload(filename, content, Path(tmp))
            try:
                res = import_into_store(path, self.db_url, name=dataset_name, note=f"uploaded by {p.username}")
            except ValidationError as exc:
                self.accounts.audit(p, "upload", dataset_name or filename, outcome="failed",
                                    after={"errors": len(exc.report.errors)})
                return {"ok": False, "problems": pages.problems_payload(exc.report.problems), "version": None}
        v = res.version
        self._latest = (float("-inf"), {})
        old = before.get(v.dataset)
        self.accounts.audit(p, "upload", v.dataset, before={"version": old.latest if old else None},
                            after={"version": v.number, "created": v.created})
        return json_ready({"ok": True, "problems": pages.problems_payload(res.report.problems),
                           "version": {"dataset": v.dataset, "number": v.number, "created": v.created,
                                       "content_hash": v.content_hash, "counts": v.counts}})

    def report(self, p: Principal, dataset: str, chain: str, fmt: str, *, lang: str = "zh",
               scenarios: tuple[str, ...] | list[str] = ()) -> tuple[bytes, str, str]:
        from chainleader.services import reports  # WeasyPrint and fonts load only when a report is asked for
        from chainleader.services.reports.model import check_lang

        a, scope, rr = self._chain(p, dataset, chain, action="report")
        if fmt not in ("pdf", "xlsx"):
            raise ConfigError(f"报告格式须为 pdf 或 xlsx，收到 {fmt!r} / report format must be pdf or xlsx, got {fmt!r}")
        lang_ = check_lang(lang)
        if len(scenarios) > MAX_REPORT_SCENARIOS:
            raise LimitError(f"一份报告最多包含 {MAX_REPORT_SCENARIOS} 个情景，收到 {len(scenarios)} 个 / a report holds at "
                             f"most {MAX_REPORT_SCENARIOS} scenarios, got {len(scenarios)}", limit="report_scenarios")
        loaded = [load_scenario(s, dataset) for s in scenarios]
        for s in loaded:
            simview.check_budget(s, a.dataset, 1, max_sites=self.max_sites)
        sims = [run_scenario(a.dataset, s, runs=1, workers=1, engine="serial") for s in loaded]
        note = ""
        if scope.hides_any:
            note = "部分企业数据因权限未显示" if lang_ == "zh" else "some enterprise data is not shown (permissions)"
        r = reports.ChainReport(dataset=scope.redacted, chain=chain, register=rr.as_register(), simulations=sims,
                                reader=p.display_name or p.username, lang=lang_,
                                dataset_version=a.dataset.version, confidential_note=note)
        if fmt == "pdf":
            body, media = reports.render_pdf(r), "application/pdf"
        else:
            body, media = reports.render_xlsx(r), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        self.accounts.audit(p, "report", f"{dataset}/{chain}", after={"format": fmt, "lang": lang})
        return body, media, f"{dataset}-{chain}-report.{fmt}"
