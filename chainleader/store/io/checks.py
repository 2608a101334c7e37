"""Checks across rows and tables, streamed chunk by chunk with bounded memory.

Tables are validated in schema order, so every referenced table (products, enterprises,
region_groups) is complete before the tables that point at it. Key sets are sorted uint64
hash arrays (``hashing``); duplicate keys and share sums use numpy sorts and ``reduceat``.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pyarrow as pa

from chainleader.model.schema import TABLE_BY_NAME, Table
from chainleader.store.io.cells import header_label
from chainleader.store.io.convert import ChunkResult, report
from chainleader.store.io.graph import report_bom_cycles
from chainleader.store.io.hashing import combine, hash_strings
from chainleader.store.io.problems import CAP, Place, ProblemSink
from chainleader.store.io.text import present, to_object

_REFERENCED = ("region_groups", "products", "enterprises")
SHARE_TOLERANCE = 1e-9


class TableState:
    """What one table accumulates over its chunks."""

    def __init__(self, place: Place, table: Table) -> None:
        self.place = place
        self.table = table
        self.rows = 0
        self.no_source = 0
        self.key_hashes: list[np.ndarray] = []
        self.key_rows: list[np.ndarray] = []
        self.ids: list[np.ndarray] = []
        self.share_keys: list[np.ndarray] = []
        self.share_values: list[np.ndarray] = []
        self.share_rows: list[np.ndarray] = []
        self.edges: list[tuple[str, str, int]] = []


class CrossChecks:
    def __init__(self, sink: ProblemSink) -> None:
        self.sink = sink
        self.known: dict[str, np.ndarray] = {}  # table -> sorted uint64 hashes of its ids
        self.rows: dict[str, int] = {}
        self.state: TableState | None = None

    # --- per table -------------------------------------------------------------------
    def begin(self, place: Place, table: Table) -> None:
        self.state = TableState(place, table)

    def chunk(self, res: ChunkResult) -> None:
        st = self.state
        assert st is not None
        t, place, n = st.table, st.place, len(res)
        if not n:
            return
        st.rows += n
        if "source" in t.column_names:
            st.no_source += int((~res.present["source"]).sum())
        self._keys(st, res)
        self._refs(t, place, res)
        if t.name in _REFERENCED:
            ids = res.text("id")
            st.ids.append(res.hash("id")[present(ids)])
        if t.name == "enterprises":
            self._region_required(place, res)
        elif t.name == "capacities":
            self._output_over_capacity(place, res)
        elif t.name == "supply_links":
            share, customer, product = res.number("share"), res.text("customer"), res.text("product")
            keep = ~np.isnan(share) & present(customer) & present(product)
            st.share_keys.append(combine(res.hash("customer"), res.hash("product"))[keep])
            st.share_values.append(share[keep])
            st.share_rows.append(res.rows[keep])
        elif t.name == "bom":
            prod = to_object(res.text("product"))
            inp = to_object(res.text("input"))
            for p, i, r in zip(prod, inp, res.rows.tolist(), strict=True):
                if p is not None and i is not None:
                    st.edges.append((p, i, r))
        elif t.name == "chains":
            self._chain_refs(place, res)

    def end(self) -> None:
        st = self.state
        assert st is not None
        self.rows[st.table.name] = self.rows.get(st.table.name, 0) + st.rows
        self._duplicates(st)
        if st.table.name in _REFERENCED:
            self.known[st.table.name] = np.unique(np.concatenate(st.ids)) if st.ids else np.zeros(0, np.uint64)
        if st.share_keys:
            self._shares(st)
        if st.edges:
            report_bom_cycles(self.sink, st.place, st.edges)
        if st.no_source:
            self.sink.warning(st.place, None, "source", "no_source", (
                f"表 {st.table.name}（{st.table.zh}）有 {st.no_source} 行未填写数据来源",
                f"{st.no_source} row(s) of {st.table.name} have no evidence source",
                "在“来源”(source) 列写明数据出处（文件、网站、调研、年报……），便于核查",
                "fill the source column (document, website, survey, annual report ...) so facts can be checked"),
                str(st.no_source))
        self.state = None

    # --- rules -----------------------------------------------------------------------
    def _keys(self, st: TableState, res: ChunkResult) -> None:
        cols = st.table.key
        usable = np.ones(len(res), dtype=bool)
        for c in cols:
            usable &= ~res.bad[c]
            if st.table.column(c).required:
                usable &= res.present[c]
        st.key_hashes.append(combine(*(res.hash(c) for c in cols))[usable])
        st.key_rows.append(res.rows[usable])

    def _duplicates(self, st: TableState) -> None:
        if not st.key_hashes:
            return
        keys = np.concatenate(st.key_hashes)
        rows = np.concatenate(st.key_rows)
        order = np.argsort(keys, kind="stable")
        k, r = keys[order], rows[order]
        same = np.zeros(len(k), dtype=bool)
        same[1:] = k[1:] == k[:-1]
        if not same.any():
            return
        group_start = np.maximum.accumulate(np.where(~same, np.arange(len(k)), 0))
        first = r[group_start]
        dup_rows, dup_first = r[same], first[same]
        order2 = np.argsort(dup_rows, kind="stable")
        key_text = ", ".join(st.table.key)
        firsts = iter(dup_first[order2].tolist())
        self.sink.cells("error", st.place, st.table.key[0], "duplicate_key", dup_rows[order2],
                        (str(next(firsts)) for _ in range(len(order2))),
                        lambda v: (f"本行的 ({key_text}) 与第 {v} 行重复", f"({key_text}) repeats row {v}",
                                   f"删除重复行，或合并到第 {v} 行", f"delete the duplicate or merge it into row {v}"))

    def _refs(self, t: Table, place: Place, res: ChunkResult) -> None:
        for col in t.columns:
            if col.ref is None:
                continue
            target, _ = col.ref
            if TABLE_BY_NAME[target].required and not self.rows.get(target):
                continue  # the whole table is missing: one missing_table error says it all
            vals = res.text(col.name)
            check = present(vals)
            if not check.any():
                continue
            known = self.known.get(target, np.zeros(0, np.uint64))
            h = res.hash(col.name)
            pos = np.searchsorted(known, h).clip(0, max(len(known) - 1, 0))
            found = known[pos] == h if len(known) else np.zeros(len(h), dtype=bool)
            missing = check & ~found
            tt = TABLE_BY_NAME[target]
            report(self.sink, place, col.name, vals, res.rows, missing, "ref_missing",
                   partial(ref_texts, tt, col.name))

    def _chain_refs(self, place: Place, res: ChunkResult) -> None:
        finals = to_object(res.text("final_products"))
        leads = to_object(res.text("lead_regions"))
        products = self.known.get("products", np.zeros(0, np.uint64))
        check_products = bool(self.rows.get("products"))
        groups = self.known.get("region_groups", np.zeros(0, np.uint64))
        for row, fin, lead in zip(res.rows.tolist(), finals, leads, strict=True):
            for item in (fin or "").split(";"):
                if item and check_products and not _has(products, item):
                    self.sink.error(place, row, "final_products", "ref_missing",
                                    ref_texts(TABLE_BY_NAME["products"], "final_products", item), item)
            for item in (lead or "").split(";"):
                if item and not item.isdigit() and not _has(groups, item):
                    self.sink.error(place, row, "lead_regions", "ref_missing",
                                    ref_texts(TABLE_BY_NAME["region_groups"], "lead_regions", item), item)

    def _region_required(self, place: Place, res: ChunkResult) -> None:
        country = res.text("country")
        is_cn = np.asarray(country.to_numpy(zero_copy_only=False) == "CN", dtype=bool)
        missing = is_cn & ~res.present["region"]
        col = TABLE_BY_NAME["enterprises"].column("region")
        report(self.sink, place, "region", res.text("id"), res.rows, missing, "region_required",
               lambda v: (f"中国企业 {v} 必须填写 {header_label(col)}", f"Chinese enterprise {v} needs a region code",
                          "填写企业所在地的 6 位行政区划代码，如 130100", "write its 6-digit division code, e.g. 130100"))

    def _output_over_capacity(self, place: Place, res: ChunkResult) -> None:
        cap, out = res.number("capacity"), res.number("output")
        over = ~np.isnan(cap) & ~np.isnan(out) & (out > cap)
        idx = np.flatnonzero(over)
        if not len(idx):
            return
        shown = np.full(len(over), None, dtype=object)
        head = idx[:CAP]
        shown[head] = [f"{out[i]:g} > {cap[i]:g}" for i in head.tolist()]
        full = pa.array(shown, type=pa.string())
        report(self.sink, place, "output", full, res.rows, over, "output_over_capacity",
               lambda v: (f"年产量大于年产能（{v}）", f"output exceeds capacity ({v})",
                          "核对产量与产能的数值和单位；产能应为最大可能产量", "check both figures and units; capacity is "
                          "the maximum possible output"), "warning")

    def _shares(self, st: TableState) -> None:
        keys = np.concatenate(st.share_keys)
        shares = np.concatenate(st.share_values)
        rows = np.concatenate(st.share_rows)
        if not len(keys):
            return
        order = np.lexsort((rows, keys))
        k, s, r = keys[order], shares[order], rows[order]
        starts = np.flatnonzero(np.r_[True, k[1:] != k[:-1]])
        sums = np.add.reduceat(s, starts)
        ends = np.r_[starts[1:], len(k)]
        for g in np.flatnonzero(sums > 1 + SHARE_TOLERANCE)[:1000].tolist():
            group_rows = r[starts[g]: ends[g]].tolist()
            listed = "、".join(map(str, group_rows[:20])) + ("…" if len(group_rows) > 20 else "")
            total = f"{sums[g]:.4g}"
            self.sink.error(st.place, group_rows[0], "share", "share_over_100", (
                f"同一客户同一产品的供应份额合计为 {total}，超过 1（100%）：第 {listed} 行",
                f"shares of one customer's need for one product add up to {total} (> 1) in rows "
                f"{', '.join(map(str, group_rows[:20]))}",
                "调整这些行的份额，使合计不超过 1（100%）", "adjust the shares of these rows so they add up to at most 1"),
                total)
        over = int((sums > 1 + SHARE_TOLERANCE).sum())
        if over > 1000:
            self.sink.error(st.place, None, "share", "share_over_100", (
                f"另有 {over - 1000} 组份额合计超过 1", f"{over - 1000} more groups have shares above 1",
                "按上面列出的方法调整", "fix them as the listed ones"), str(over))

    # --- whole input -----------------------------------------------------------------
    def missing_tables(self, place_for: dict[str, Place], default_file: str) -> None:
        for t in TABLE_BY_NAME.values():
            if t.required and not self.rows.get(t.name):
                place = place_for.get(t.name, Place(default_file, t.name))
                self.sink.error(place, None, None, "missing_table", (
                    f"缺少必需的表 {t.name}（{t.zh}），或该表没有数据",
                    f"the required table {t.name} ({t.zh}) is missing or has no rows",
                    f"添加名为 {t.name} 或 {t.zh} 的工作表/CSV 文件并填入数据（可用导出的模板）",
                    f"add a sheet or CSV file named {t.name} or {t.zh} with its rows (the template helps)"))


def _has(known: np.ndarray, item: str) -> bool:
    if not len(known):
        return False
    h = hash_strings(pa.array([item]))
    pos = int(np.searchsorted(known, h)[0])
    return pos < len(known) and known[pos] == h[0]


def ref_texts(target: Table, column: str, value: str) -> tuple[str, str, str, str]:
    return (f"{column} 引用的编号“{value}”在表 {target.name}（{target.zh}）中不存在",
            f"{column} refers to {value!r}, which table {target.name} does not have",
            f"在 {target.name}（{target.zh}）表中添加编号为 {value} 的行，或改正此处的编号",
            f"add a row with id {value} to {target.name}, or correct the id here")
