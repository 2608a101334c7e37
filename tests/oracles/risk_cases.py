"""Hand-checkable datasets for the chain-break risk engine (issue #3).

手算可核对的小数据集。Every expected number below is worked out by hand in the docstrings; the
tests in ``tests/analysis/test_risk_*.py`` assert them. All firms are fictional.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chainleader.model.dataset import Dataset, conform


def make_dataset(name: str, **rows: list[dict[str, Any]]) -> Dataset:
    """A Dataset from lists of row dicts per table (missing columns empty, canonical dtypes)."""
    tables = {t: conform(t, pd.DataFrame(r)) for t, r in rows.items()}
    return Dataset(name, tables)


# --------------------------------------------------------------------------------------------------
# nev-mini: a 10-product new-energy-vehicle chain
# --------------------------------------------------------------------------------------------------
PRODUCTS = [
    # id, zh, en, stage, kind, unit, price, demand
    ("P_CO", "钴", "Cobalt", "upstream", "resource", "t", 250_000, None),
    ("P_LI", "锂", "Lithium", "upstream", "resource", "t", 100_000, None),
    ("P_CATH", "三元正极", "NCM cathode", "midstream", "material", "t", 150_000, None),
    ("P_CELL", "动力电芯", "Battery cell", "midstream", "component", "kWh", 500, None),
    ("P_CHIP", "车规芯片", "Automotive chip", "midstream", "component", "pcs", 50, None),
    ("P_MOTA", "永磁电机", "PM motor", "midstream", "component", "pcs", 5_000, None),
    ("P_MOTB", "异步电机", "Induction motor", "midstream", "component", "pcs", 4_000, None),
    ("P_ENG", "发动机", "Engine", "midstream", "component", "pcs", 20_000, None),
    ("P_BEV", "纯电乘用车", "BEV car", "downstream", "final_product", "vehicle", 200_000, 1000),
    ("P_PHEV", "插电混动乘用车", "PHEV car", "downstream", "final_product", "vehicle", 150_000, 400),
]

BOM = [
    ("P_CATH", "cobalt", "P_CO", 0.1), ("P_CATH", "lithium", "P_LI", 0.1),
    ("P_CELL", "cathode", "P_CATH", 0.002),
    ("P_BEV", "cell", "P_CELL", 60), ("P_BEV", "chip", "P_CHIP", 500),
    ("P_BEV", "motor", "P_MOTA", 1), ("P_BEV", "motor", "P_MOTB", 1),
    ("P_PHEV", "cell", "P_CELL", 20), ("P_PHEV", "chip", "P_CHIP", 300), ("P_PHEV", "engine", "P_ENG", 1),
]

ENTERPRISES = [
    # id, zh, en, country, region
    ("E_CO_CD", "刚果钴业（虚构）", "Congo Cobalt (fictional)", "CD", None),
    ("E_CO_CN", "冀钴新材（虚构）", "Ji Cobalt (fictional)", "CN", "130102"),
    ("E_LI_AU", "澳洲锂业（虚构）", "Aus Lithium (fictional)", "AU", None),
    ("E_LI_CN", "青海锂业（虚构）", "Qinghai Lithium (fictional)", "CN", "630102"),
    ("E_CATH1", "津正极（虚构）", "Jin Cathode (fictional)", "CN", "120116"),
    ("E_CATH2", "京正极（虚构）", "Jing Cathode (fictional)", "CN", "110108"),
    ("E_CELL", "燕新动力电池（虚构）", "Yanxin Battery (fictional)", "CN", "130203"),
    ("E_CHIP_US", "美芯半导体（虚构）", "US Chip (fictional)", "US", None),
    ("E_CHIP_CN", "国芯微电子（虚构）", "Guoxin Micro (fictional)", "CN", "110108"),
    ("E_MOTA", "津电机（虚构）", "Jin Motor (fictional)", "CN", "120116"),
    ("E_MOTB", "冀电机（虚构）", "Ji Motor (fictional)", "CN", "130102"),
    ("E_ENG", "京动力（虚构）", "Jing Power (fictional)", "CN", "110108"),
    ("E_OEM1", "京整车（虚构）", "Jing Auto (fictional)", "CN", "110108"),
    ("E_OEM2", "津整车（虚构）", "Jin Auto (fictional)", "CN", "120116"),
]

CAPACITIES = [
    # enterprise, product, capacity, output, grade, inventory_days, ttr_days, ramp_up_days
    ("E_CO_CD", "P_CO", 200, 150, 5, 30, 180, None),
    ("E_CO_CN", "P_CO", 40, 30, 3, 20, 120, 60),
    ("E_LI_AU", "P_LI", 300, 200, 5, 30, 150, None),
    ("E_LI_CN", "P_LI", 150, 100, 5, 20, 100, 45),
    ("E_CATH1", "P_CATH", 1000, 600, 4, 15, 90, 30),
    ("E_CATH2", "P_CATH", 500, 300, 3, 15, 90, 40),
    ("E_CELL", "P_CELL", 100_000, 80_000, 5, 10, 120, 90),
    ("E_CHIP_US", "P_CHIP", 1_000_000, 800_000, 5, 60, 180, None),
    ("E_CHIP_CN", "P_CHIP", 100_000, 50_000, 3, 30, 150, 120),
    ("E_MOTA", "P_MOTA", 2000, 700, 4, 10, 60, 30),
    ("E_MOTB", "P_MOTB", 2000, 400, 4, 10, 60, 30),
    ("E_ENG", "P_ENG", 1000, 400, 4, 10, 90, 60),
    ("E_OEM1", "P_BEV", 800, 600, 5, 5, 60, 30),
    ("E_OEM1", "P_PHEV", 500, 400, 5, 5, 60, 30),
    ("E_OEM2", "P_BEV", 600, 400, 5, 5, 60, 30),
]

LINKS = [
    ("E_CO_CD", "E_CATH1", "P_CO"), ("E_LI_AU", "E_CATH1", "P_LI"),
    ("E_CO_CN", "E_CATH2", "P_CO"), ("E_LI_CN", "E_CATH2", "P_LI"),
    ("E_CATH1", "E_CELL", "P_CATH"), ("E_CATH2", "E_CELL", "P_CATH"),
    ("E_CELL", "E_OEM1", "P_CELL"), ("E_CHIP_US", "E_OEM1", "P_CHIP"), ("E_MOTA", "E_OEM1", "P_MOTA"),
    ("E_ENG", "E_OEM1", "P_ENG"),
    ("E_CELL", "E_OEM2", "P_CELL"), ("E_CHIP_CN", "E_OEM2", "P_CHIP"), ("E_MOTB", "E_OEM2", "P_MOTB"),
]

TRADE = [
    # product, partner, year, flow, quantity
    ("P_CO", None, 2023, "production", 30), ("P_CO", "CD", 2023, "import", 240), ("P_CO", "ID", 2023, "import", 30),
    ("P_CO", "CD", 2022, "import", 100),  # an older year: ignored (latest year per product)
    ("P_LI", None, 2023, "production", 100), ("P_LI", "AU", 2023, "import", 300),
    ("P_LI", "CL", 2023, "import", 100),
    ("P_CHIP", None, 2023, "production", 50_000), ("P_CHIP", "US", 2023, "import", 300_000),
    ("P_CHIP", "TW", 2023, "import", 150_000),
    ("P_CATH", None, 2023, "production", 900), ("P_CATH", "KR", 2023, "export", 200),
]


def nev_mini() -> Dataset:
    """The mini NEV chain. Hand-derived facts (asserted in the tests):

    * import dependence (net = gross, no exports): 钴 Q=30, M=270, C=300 -> 0.90 (red); sources CD 240 / ID 30,
      HHI (8/9)² + (1/9)² = 65/81 = 0.8025; 锂 Q=100, M=400 -> 0.80 (yellow), HHI 0.75² + 0.25² = 0.625;
      车规芯片 Q=5e4, M=4.5e5 -> 0.90 (red), HHI (2/3)² + (1/3)² = 5/9; 三元正极 Q=900, X=200, C=700:
      net −200/700 = −0.2857 (net exporter), gross 0.
    * chokepoints: 钴 (best foreign grade 5, best domestic 3) and 车规芯片 (5 vs 3); 锂 is not (domestic grade 5).
    * final values: 纯电 1000 x 200 000 = 2e8, 插混 400 x 150 000 = 6e7; total 2.6e8.
    * SPOFs: product 钴/锂/三元正极/动力电芯/车规芯片 -> both finals (share 1); 发动机 -> 插混 (6e7/2.6e8 =
      0.2308); 永磁电机 or 异步电机 alone -> nothing (OR). Enterprises: 燕新动力电池 -> both (red); 京动力 and
      京整车 -> 插混 (yellow). Provinces: 河北 (cells, induction motors) -> both (red); 北京 (engines, PHEV
      assembly) -> 插混 (yellow); 天津 -> nothing. Region group 京津冀 -> both.
    * link rule (12 domestic (customer, product) groups, 9 violations): covered are (津正极, 钴) B_red = 1,
      (津正极, 锂) B_same = 1, (京整车, 车规芯片) B_red = 1.
    """
    return make_dataset(
        "nev-mini",
        meta=[{"key": "title_zh", "value": "新能源汽车迷你链（示意）"}],
        products=[{"id": i, "name_zh": z, "name_en": e, "stage": s, "kind": k, "unit": u, "unit_price": pr,
                   "annual_demand": d} for i, z, e, s, k, u, pr, d in PRODUCTS],
        bom=[{"product": p, "input_group": g, "input": i, "quantity": q} for p, g, i, q in BOM],
        chains=[{"id": "nev", "name_zh": "新能源汽车产业链", "name_en": "New-energy vehicles",
                 "final_products": "P_BEV;P_PHEV", "lead_regions": "110000;120000;130000"}],
        enterprises=[{"id": i, "name_zh": z, "name_en": e, "country": c, "region": r}
                     for i, z, e, c, r in ENTERPRISES],
        capacities=[{"enterprise": e, "product": p, "capacity": c, "output": o, "standard_grade": g,
                     "inventory_days": inv, "ttr_days": ttr, "ramp_up_days": ramp}
                    for e, p, c, o, g, inv, ttr, ramp in CAPACITIES],
        supply_links=[{"supplier": s, "customer": c, "product": p} for s, c, p in LINKS],
        trade=[{"product": p, "reporter": "CN", "partner": k, "year": y, "flow": f, "quantity": q}
               for p, k, y, f, q in TRADE],
        country_groups=[{"id": "bloc", "name_zh": "出口管制集团（示意）", "name_en": "Export-control bloc",
                         "members": "US;NL;JP"}],
        region_groups=[{"id": "jjj", "name_zh": "京津冀", "name_en": "Beijing-Tianjin-Hebei", "kind": "cluster",
                        "members": "110000;120000;130000"}],
    )


# --------------------------------------------------------------------------------------------------
# backup ranking
# --------------------------------------------------------------------------------------------------
def backup_ranking() -> Dataset:
    """Product X; incumbent E0 (grade 4, Beijing, output 900 of capacity 1000).

    Candidates (grade, location, capacity/output -> headroom, ramp-up days):
      A 4, Beijing, 600/100 -> 500, 30        B 4, Tianjin, 300/200 -> 100, 60
      C 5, Hebei,   200/100 -> 100, 30        D 3, Hebei,   1500/500 -> 1000, 10 (reduced-standard, gap 1)
      F 5, Germany, 2500/500 -> 2000, 5       G 4, Shanghai, 400/unknown -> headroom unknown, 20
    Ranking: domestic first, same-standard first, other province first, headroom desc (unknown last),
    ramp-up asc, grade desc -> C (100, 30 d), B (100, 60 d), G (unknown), A (Beijing), D (domestic but
    reduced-standard), F (same-standard but abroad).
    """
    ents = [("E0", "CN", "110105"), ("A", "CN", "110108"), ("B", "CN", "120116"), ("C", "CN", "130102"),
            ("D", "CN", "130102"), ("F", "DE", None), ("G", "CN", "310115")]
    caps = [("E0", 1000, 900, 4, 20), ("A", 600, 100, 4, 30), ("B", 300, 200, 4, 60), ("C", 200, 100, 5, 30),
            ("D", 1500, 500, 3, 10), ("F", 2500, 500, 5, 5), ("G", 400, None, 4, 20)]
    return make_dataset(
        "backup-ranking",
        products=[{"id": "X", "name_zh": "零件X", "stage": "midstream", "kind": "component", "unit": "pcs"}],
        enterprises=[{"id": e, "name_zh": f"企业{e}（虚构）", "country": c, "region": r} for e, c, r in ents],
        capacities=[{"enterprise": e, "product": "X", "capacity": c, "output": o, "standard_grade": g,
                     "ramp_up_days": ramp} for e, c, o, g, ramp in caps],
        chains=[{"id": "x", "name_zh": "X链", "final_products": "X"}],
    )
