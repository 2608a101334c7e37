"""The chain map as a picture: tiers left to right, nodes coloured by risk level and sized by value.

产业链图谱（静态图）：从左到右为上游 → 中游 → 下游，同一链位内按物料清单层级分列；节点颜色为预警等级
（红/黄/蓝/无），大小为年产值（单价 × 年需求量），连线由投入指向产品，虚线为同一投入组内可替代的投入（或关系）。
列内顺序用重心法（barycenter）多轮排序以减少连线交叉；节点多（> 250）时只标注最严重的至多 250 个节点，
并降低分辨率，使图片不超过约 800 万像素。
"""

from __future__ import annotations

import io
import re
from typing import Any

import numpy as np

from chainleader.analysis.compiled import STAGES, compile_dataset
from chainleader.analysis.register import RiskRegister
from chainleader.model.dataset import Dataset
from chainleader.services.reports.labels import (
    NO_RISK_COLOUR,
    SEVERITY_COLOURS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    Lang,
    pick,
    t,
)
from chainleader.services.simulate import cjk_font

SEV_RANK = {"red": 3, "yellow": 2, "blue": 1}
LABEL_ALL_MAX = 250  # above this many nodes only the most severe nodes get a label ...
MAX_LABELS = 250  # ... at most this many
MAX_HEIGHT_IN = 30.0
MAX_PIXELS = 8_000_000  # large chains: lower resolution instead of a huge image


def short_name(name: str, lang: Lang) -> str:
    """Drop parenthesised qualifiers and cut long names (the full names are in the register)."""
    s = re.sub(r"（[^）]*）|\([^)]*\)", "", str(name)).strip() or str(name)
    limit = 9 if lang == "zh" else 22
    return s if len(s) <= limit else s[: limit - 1] + "…"


def longest_path_depth(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Depth of each node: 0 without inputs, else 1 + max depth of its inputs (cycles are cut after n rounds)."""
    depth = np.zeros(n, dtype=np.int64)
    for _ in range(n):
        new = np.zeros(n, dtype=np.int64)
        if len(src):
            np.maximum.at(new, dst, depth[src] + 1)
        new = np.maximum(new, 0)
        if np.array_equal(new, depth):
            break
        depth = new
    return depth


def layout(n: int, column: np.ndarray, src: np.ndarray, dst: np.ndarray, key: np.ndarray,
           sweeps: int = 4) -> np.ndarray:
    """Vertical position of each node: column order by barycentre sweeps (left→right, right→left)."""
    ncol = int(column.max()) + 1 if n else 0
    members = [np.flatnonzero(column == c) for c in range(ncol)]
    pos = np.zeros(n, dtype=float)
    for idx in members:  # initial order: by key (severity, then id order)
        order = idx[np.lexsort((idx, key[idx]))]
        pos[order] = np.arange(len(order)) - (len(order) - 1) / 2
    for sweep in range(sweeps):
        forward = sweep % 2 == 0
        cols = range(1, ncol) if forward else range(ncol - 2, -1, -1)
        a, b = (src, dst) if forward else (dst, src)  # neighbours on the side already placed
        for c in cols:
            idx = members[c]
            if not len(idx):
                continue
            total = np.zeros(n)
            count = np.zeros(n)
            np.add.at(total, b, pos[a])
            np.add.at(count, b, 1)
            bary = np.where(count[idx] > 0, total[idx] / np.maximum(count[idx], 1), pos[idx])
            order = idx[np.lexsort((idx, bary))]
            pos[order] = np.arange(len(order)) - (len(order) - 1) / 2
    return pos


def chain_map_png(ds: Dataset, chain: str | None, register: RiskRegister, *, lang: Lang = "zh",
                  dpi: int = 150) -> bytes:
    """PNG of the chain map of ``chain`` (``None`` or ``""``: every product of ``ds``)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, PathPatch
    from matplotlib.path import Path as MplPath

    comp = compile_dataset(ds)
    scope = comp.scope(chain or None)
    nodes = np.flatnonzero(scope)
    n = len(nodes)
    local = np.full(comp.n_products, -1, dtype=np.int64)
    local[nodes] = np.arange(n)
    inp, owner = comp.product_edges
    slot_size = np.diff(comp.slot_ptr)
    edge_or = np.repeat(slot_size > 1, slot_size)
    keep = scope[inp] & scope[owner]
    src, dst, dashed = local[inp[keep]], local[owner[keep]], edge_or[keep]

    stage = comp.product_stage[nodes].astype(np.int64)
    depth = longest_path_depth(n, src, dst)
    stage = np.where(stage < 0, 1, stage)  # unknown stage: drawn with the midstream
    pairs = sorted(set(zip(stage.tolist(), depth.tolist(), strict=True)))
    col_of = {p: i for i, p in enumerate(pairs)}
    column = np.asarray([col_of[p] for p in zip(stage.tolist(), depth.tolist(), strict=True)], dtype=np.int64)

    sev_of: dict[str, str] = {}
    e = register.entries
    if len(e):
        prod = e[e["kind"] == "product"]
        sev_of = dict(zip(prod["id"].astype(str), prod["severity"].astype(str), strict=True))
    ids = comp.product_ids[nodes].astype(str)
    sev = np.asarray([sev_of.get(i, "") for i in ids], dtype=object)
    rank = np.asarray([SEV_RANK.get(s, 0) for s in sev])
    y = layout(n, column, src, dst, -rank)

    value = comp.product_price[nodes] * comp.product_demand[nodes]
    finite = np.isfinite(value) & (value > 0)
    vmax = float(value[finite].max()) if finite.any() else 1.0
    fill = float(np.median(value[finite])) if finite.any() else 1.0
    value = np.where(finite, value, fill)
    many = n > LABEL_ALL_MAX
    size = (8 if many else 40) + (150 if many else 560) * np.sqrt(value / vmax)

    ncol = len(pairs)
    rows = max((int((column == c).sum()) for c in range(ncol)), default=1)
    width = max(10.0, 1.6 * ncol + 1.5)
    height = min(MAX_HEIGHT_IN, max(6.0, 0.36 * rows + 2.0))
    dpi = int(min(dpi, (MAX_PIXELS / (width * height)) ** 0.5))
    labelled = np.ones(n, dtype=bool)
    if many:  # the most severe, then most valuable nodes
        order = np.lexsort((-value, -rank))
        labelled[:] = False
        labelled[order[: min(MAX_LABELS, int((rank > 0).sum()))]] = True
    font = cjk_font()
    rc: dict[str, Any] = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
                          "axes.unicode_minus": False}
    names = comp.product_name_zh[nodes] if lang == "zh" else comp.product_name_en[nodes]

    import matplotlib as mpl

    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(width, height), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.01, 0.06, 0.98, 0.86))
        ax.set_xlim(-0.6, ncol - 0.1)
        half = max(rows / 2, 3)
        ax.set_ylim(-half - 0.6, half + 1.2)
        ax.invert_yaxis()
        ax.axis("off")
        # stage bands with headers
        band_colours = ("#f3f6fa", "#ffffff", "#f3f6fa")
        for s_i, s_name in enumerate(STAGES):
            cols = [c for (st, _), c in col_of.items() if st == s_i]
            if not cols:
                continue
            lo, hi = min(cols) - 0.5, max(cols) + 0.45
            ax.axvspan(lo, hi, color=band_colours[s_i], zorder=0)
            ax.text((lo + hi) / 2, -half - 0.2, pick(STAGE_LABELS[s_name], lang), ha="center", va="bottom",
                    fontsize=12, fontweight="bold", color="#334")
        # edges: cubic curves from the input's right side to the product's left side
        patches, colours, styles = [], [], []
        for a, b, d in zip(src.tolist(), dst.tolist(), dashed.tolist(), strict=True):
            x0, y0, x1, y1 = float(column[a]), float(y[a]), float(column[b]), float(y[b])
            dx = max(x1 - x0, 0.3) / 2
            verts = [(x0, y0), (x0 + dx, y0), (x1 - dx, y1), (x1, y1)]
            patches.append(PathPatch(MplPath(verts, [MplPath.MOVETO, MplPath.CURVE4, MplPath.CURVE4,
                                                     MplPath.CURVE4])))
            colours.append(SEVERITY_COLOURS[sev[a]][0] if sev[a] else "#8a94a3")
            styles.append((0, (3, 2)) if d else "solid")
        if patches:
            ax.add_collection(PatchCollection(patches, facecolors="none", edgecolors=colours, linestyles=styles,
                                              linewidths=0.6, alpha=0.35, zorder=1))
        colour = [SEVERITY_COLOURS[s][0] if s else NO_RISK_COLOUR for s in sev]
        ax.scatter(column, y, s=size, c=colour, edgecolors="#333", linewidths=0.5, zorder=3)
        for i in range(n):
            if not labelled[i]:
                continue
            ax.text(column[i] + 0.09, y[i], short_name(str(names[i]), lang), fontsize=6 if many else 8.5,
                    va="center", ha="left", zorder=4,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7})
        counts = {s: int((sev == s).sum()) for s in SEVERITY_COLOURS}
        handles = [Patch(facecolor=SEVERITY_COLOURS[s][0], edgecolor="#333",
                         label=f"{pick(SEVERITY_LABELS[s], lang)} {counts[s]}")
                   for s in SEVERITY_COLOURS]
        handles.append(Patch(facecolor=NO_RISK_COLOUR, edgecolor="#333",
                             label=f"{t('legend_none', lang)} {int((sev == '').sum())}"))
        fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=9)
        fig.suptitle(_title(ds, chain, lang), fontsize=15, y=0.985)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()



def _title(ds: Dataset, chain: str | None, lang: Lang) -> str:
    name = ""
    if chain:
        rows = ds.chains[ds.chains["id"] == chain]
        if len(rows):
            v = rows.iloc[0]["name_zh" if lang == "zh" else "name_en"]
            name = "" if v is None else str(v)
    return f"{name} — {t('map_title', lang)}" if name else t("map_title", lang)
