"""Register pages and exports, enterprise lists and details, and uploads — the list-shaped views.

风险清单分页与导出、企业列表与详情、数据上传校验。Inputs are already redacted for the principal.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np
import pandas as pd

from chainleader.governance.access import province_of
from chainleader.model.errors import ConfigError, LimitError
from chainleader.services.jsonready import json_ready
from chainleader.services.views.chainmap import country_names, province_names
from chainleader.services.views.scope import RedactedRegister, Scope

MAX_PAGE_SIZE = 200
SORTS = ("score", "severity", "name", "id", "value_at_risk")
_SEV_RANK = {"red": 3, "yellow": 2, "blue": 1}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_MEMBERS = 64
UPLOAD_SUFFIXES = (".xlsx", ".csv", ".zip", ".json")


def region_prefix(region: str) -> str:
    """The division-code prefix a region filter matches: ``130000`` -> ``13``, ``130600`` -> ``1306``."""
    r = str(region).strip()
    if not (r.isdigit() and len(r) in (2, 4, 6)):
        raise ConfigError(f"region 须为 2/4/6 位行政区划代码，收到 {region!r} / region must be a 2-, 4- or 6-digit "
                          f"division code, got {region!r}")
    r = r.ljust(6, "0")
    return r[:2] if r.endswith("0000") else (r[:4] if r.endswith("00") else r)


def check_page(page: int, page_size: int) -> None:
    if not isinstance(page, int) or page < 1:
        raise ConfigError(f"page 须为 >= 1 的整数，收到 {page!r} / page must be an integer >= 1, got {page!r}")
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise LimitError(f"page_size 须在 1–{MAX_PAGE_SIZE} 之间，收到 {page_size!r} / page_size must be between 1 "
                         f"and {MAX_PAGE_SIZE}, got {page_size!r}", limit="page_size")


def paginate(items: list[Any], page: int, page_size: int) -> dict[str, Any]:
    check_page(page, page_size)
    start = (page - 1) * page_size
    return {"items": items[start:start + page_size], "page": page, "page_size": page_size, "total": len(items)}


def register_page(rreg: RedactedRegister, *, severity: str | None, stage: str | None, q: str | None, sort: str,
                  descending: bool, page: int, page_size: int) -> dict[str, Any]:
    if sort not in SORTS:
        raise ConfigError(f"sort 须为 {', '.join(SORTS)} 之一，收到 {sort!r} / sort must be one of {', '.join(SORTS)}, "
                          f"got {sort!r}")
    sev = {"红": "red", "黄": "yellow", "蓝": "blue"}.get(severity, severity) if severity else None
    if sev is not None and sev not in _SEV_RANK:
        raise ConfigError(f"severity 须为 red/yellow/blue，收到 {severity!r} / severity must be red, yellow or blue, "
                          f"got {severity!r}")
    st = {"上游": "upstream", "中游": "midstream", "下游": "downstream"}.get(stage, stage) if stage else None
    items = rreg.items
    if st is not None:
        items = [it for it in items if st in it["stages"]]
    if q:
        needle = q.strip().lower()
        items = [it for it in items if needle in it["name_zh"].lower() or needle in str(it["name_en"]).lower()
                 or needle in str(it["id"]).lower()]
    counts = {s: 0 for s in _SEV_RANK}
    for it in items:
        counts[it["severity"]] += 1
    if sev is not None:
        items = [it for it in items if it["severity"] == sev]
    if sort == "score":
        items = sorted(items, key=lambda it: (it["score"], _SEV_RANK[it["severity"]]), reverse=descending)
    elif sort == "severity":
        items = sorted(items, key=lambda it: (_SEV_RANK[it["severity"]], it["score"]), reverse=descending)
    elif sort == "name":
        items = sorted(items, key=lambda it: it["name_zh"], reverse=descending)
    elif sort == "id":
        items = sorted(items, key=lambda it: it["point"], reverse=descending)
    else:
        items = sorted(items, key=lambda it: (it["value_at_risk"] or 0.0, it["score"]), reverse=descending)
    out = paginate(items, page, page_size)
    out["counts"] = counts
    return out


def register_bytes(rreg: RedactedRegister, fmt: str, stem: str) -> tuple[bytes, str, str]:
    reg = rreg.as_register()
    if fmt == "json":
        return reg.to_json().encode("utf-8"), "application/json", f"{stem}.json"
    if fmt == "csv":
        return (reg.to_frame().to_csv(index=False).encode("utf-8-sig"), "text/csv; charset=utf-8", f"{stem}.csv")
    if fmt == "xlsx":
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = reg.to_xlsx(Path(tmp) / f"{stem}.xlsx")
            return (path.read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"{stem}.xlsx")
    raise ConfigError(f"导出格式须为 xlsx、csv 或 json，收到 {fmt!r} / export format must be xlsx, csv or json, got {fmt!r}")


# --- enterprises -------------------------------------------------------------------------------------------
def visible_enterprises(scope: Scope) -> pd.DataFrame:
    ent = scope.redacted.enterprises
    return ent[ent["id"].astype(str).isin(scope.identified)]


def enterprise_row(r: dict[str, Any], products: list[str]) -> dict[str, Any]:
    prov = province_of(r["region"]) if isinstance(r["region"], str) else ""
    czh, cen = country_names(str(r["country"])) if r["country"] else (None, None)
    return json_ready({
        "id": r["id"], "uscc": r["uscc"], "foreign_id": r["foreign_id"], "name_zh": r["name_zh"],
        "name_en": r["name_en"] or r["id"], "country": r["country"], "country_name_zh": czh, "country_name_en": cen,
        "region": r["region"], "province": prov or None,
        "province_name_zh": province_names(prov)[0] if prov else None,
        "province_name_en": province_names(prov)[1] if prov else None,
        "zone": r["zone"], "tags": [t for t in str(r["tags"]).split(";") if t] if isinstance(r["tags"], str) else [],
        "size": r["size"], "employees": r["employees"], "products": products,
        "evidence": {"source": r["source"], "as_of": r["as_of"], "confidence": r["confidence"]},
    })


def enterprise_rows(scope: Scope, *, region: str | None, q: str | None, product: str | None) -> list[dict[str, Any]]:
    """Visible enterprises matching the filters, by id; a hidden firm matches nothing (not even its own id)."""
    ent = visible_enterprises(scope)
    caps = scope.redacted.capacities
    if region:
        ent = ent[ent["region"].fillna("").astype(str).str.startswith(region_prefix(region))]
    if product:
        ent = ent[ent["id"].isin(set(caps.loc[caps["product"] == product, "enterprise"].astype(str)))]
    if q:
        needle = q.strip().lower()
        hit = np.zeros(len(ent), dtype=bool)
        for col in ("name_zh", "name_en", "id", "uscc"):
            hit |= ent[col].fillna("").astype(str).str.lower().str.contains(needle, regex=False).to_numpy()
        ent = ent[hit]
    ent = ent.sort_values("id", kind="stable")
    prods = caps.groupby("enterprise")["product"].apply(lambda s: sorted(set(map(str, s)))).to_dict()
    return [enterprise_row(r, prods.get(r["id"], [])) for r in ent.to_dict(orient="records")]


_CAPACITY_FIELDS = ("product", "capacity", "output", "standard_grade", "inventory_days", "ttr_days", "ramp_up_days",
                    "facility_region", "facility_country", "source", "as_of", "confidence")


def enterprise_detail(scope: Scope, eid: str) -> dict[str, Any]:
    """One visible enterprise with its capacities and supply links (counterparts named as the scope shows them)."""
    ent = visible_enterprises(scope)
    row = ent[ent["id"] == eid].to_dict(orient="records")[0]
    caps = scope.redacted.capacities
    mine = caps[caps["enterprise"].astype(str) == eid]
    out = enterprise_row(row, sorted(set(map(str, mine["product"]))))
    out["capacities"] = [json_ready({k: r[k] for k in _CAPACITY_FIELDS}) for r in mine.to_dict("records")]
    names = scope.redacted.enterprises.set_index("id")
    links = scope.redacted.supply_links

    def side(sel: pd.DataFrame, other: str) -> list[dict[str, Any]]:
        out_: list[dict[str, Any]] = []
        for r in sel.to_dict("records"):
            oid = str(r[other])
            nzh = names.loc[oid, "name_zh"] if oid in names.index else None
            nen = names.loc[oid, "name_en"] if oid in names.index else None
            out_.append(json_ready({"enterprise": oid, "name_zh": nzh, "name_en": nen or oid, "product": r["product"],
                                    "volume": r["volume"], "share": r["share"]}))
        return out_

    out["customers"] = side(links[links["supplier"] == eid], "customer")
    out["suppliers"] = side(links[links["customer"] == eid], "supplier")
    return out


# --- uploads -----------------------------------------------------------------------------------------------
def stage_upload(filename: str, content: bytes, folder: Path) -> Path:
    """Write an uploaded file (a .zip of CSVs is unpacked into a folder) under ``folder``; the source path."""
    name = PurePosixPath(filename.replace("\\", "/")).name
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ConfigError(f"不支持的文件类型 {name!r}：请上传 .xlsx 工作簿、.csv 文件、CSV 文件的 .zip 压缩包或 .json / "
                          f"unsupported file type {name!r}: upload an .xlsx workbook, a .csv file, a .zip of CSV files "
                          f"or a .json file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise LimitError(f"上传文件 {len(content):,} 字节，超过上限 {MAX_UPLOAD_BYTES:,} 字节 / upload of "
                         f"{len(content):,} bytes exceeds the limit of {MAX_UPLOAD_BYTES:,} bytes",
                         limit="upload_bytes", status=413)
    if suffix != ".zip":
        target = folder / name
        target.write_bytes(content)
        if suffix == ".csv":  # a single CSV is a one-table folder
            return folder
        return target
    out = folder / Path(name).stem
    out.mkdir()
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise ConfigError(f"{name} 不是有效的 zip 压缩包 / {name} is not a valid zip archive") from exc
    members = [m for m in zf.infolist() if not m.is_dir()]
    if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
        raise LimitError(f"压缩包内文件过多或解压后过大（上限 {MAX_ZIP_MEMBERS} 个文件、{MAX_UNZIPPED_BYTES:,} 字节） / "
                         f"the archive holds too many files or unpacks too large (limits {MAX_ZIP_MEMBERS} files, "
                         f"{MAX_UNZIPPED_BYTES:,} bytes)", limit="upload_unzipped_bytes", status=413)
    for m in members:
        base = PurePosixPath(m.filename).name
        if not base.lower().endswith(".csv") or base.startswith("."):
            continue  # only the CSV tables; paths inside the archive are flattened (no traversal)
        (out / base).write_bytes(zf.read(m))
    return out


def problems_payload(problems: list[Any]) -> list[dict[str, Any]]:
    return [json_ready(p.as_dict()) for p in problems]


def dumps(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False, sort_keys=True)
