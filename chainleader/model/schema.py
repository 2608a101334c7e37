"""The data format: every table, its columns, types, Chinese headers and references.

This module is the single source of truth for the data format. The importer,
the validator, the templates, the database tables and ``docs/data-format.md``
are all derived from it. Identifiers are English; each column and enum value
has a Chinese alias that is accepted on import (Excel users write Chinese
headers and values).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColType = Literal[
    "str",  # free text
    "id",  # identifier: letters, digits, - _ . ; no spaces
    "int",
    "float",
    "bool",
    "date",  # ISO date YYYY-MM-DD (Excel date cells accepted)
    "enum",
    "list",  # ';'-separated list of strings (also accepts ；,，、)
    "region",  # GB/T 2260 administrative division code (6 digits; 2/4-digit prefixes accepted)
    "country",  # ISO 3166-1 alpha-2 code
    "uscc",  # 统一社会信用代码, GB 32100-2015, check digit verified
    "hs_list",  # ';'-separated HS 2022 codes (4 or 6 digits); unknown codes are warnings
    "industry",  # GB/T 4754-2017 code (门类 letter, or 2/3/4 digits)
]

LIST_SEPARATORS = (";", "；", ",", "，", "、")


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: ColType
    required: bool = False
    doc_zh: str = ""
    doc_en: str = ""
    enum: tuple[tuple[str, str], ...] = ()  # (value, 中文别名)
    ref: tuple[str, str] | None = None  # (table, column) the value must exist in
    min: float | None = None
    max: float | None = None
    unit: str = ""
    example: str = ""
    default: str | None = None

    @property
    def enum_values(self) -> tuple[str, ...]:
        return tuple(v for v, _ in self.enum)


@dataclass(frozen=True)
class Table:
    name: str
    zh: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    doc_zh: str = ""
    doc_en: str = ""
    required: bool = False  # must every dataset have at least one row?
    extra: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


CONFIDENCE = (("observed", "实测"), ("inferred", "推断"), ("self_reported", "自报"))

EVIDENCE: tuple[Column, ...] = (
    Column("source", "来源", "str", doc_zh="数据来源（文件、网站、调研、年报……）", doc_en="where the fact comes from"),
    Column("as_of", "日期", "date", doc_zh="数据日期 YYYY-MM-DD", doc_en="date the fact refers to", example="2024-12-31"),
    Column(
        "confidence",
        "可信度",
        "enum",
        enum=CONFIDENCE,
        doc_zh="observed 实测 / inferred 推断 / self_reported 自报",
        doc_en="observed / inferred / self_reported",
    ),
)

STAGES = (("upstream", "上游"), ("midstream", "中游"), ("downstream", "下游"))
KINDS = (
    ("resource", "资源"),
    ("material", "材料"),
    ("component", "零部件"),
    ("equipment", "装备"),
    ("software", "软件"),
    ("service", "服务"),
    ("final_product", "终端产品"),
)
GRADES = (("high", "高端"), ("mid", "中端"), ("low", "低端"))
REGION_GROUP_KINDS = (
    ("cluster", "城市群/增长极"),
    ("ftz", "自贸试验区"),
    ("dev_zone", "开发区"),
    ("park", "产业园区"),
    ("other", "其他"),
)
ENTERPRISE_TAGS = (
    ("chain_master", "链主"),
    ("member", "链属"),
    ("little_giant", "专精特新小巨人"),
    ("specialised", "专精特新"),
    ("single_champion", "单项冠军"),
    ("hidden_champion", "隐形冠军"),
    ("listed", "上市"),
    ("state_owned", "国有"),
    ("foreign_invested", "外资"),
)
SIZES = (("large", "大型"), ("medium", "中型"), ("small", "小型"), ("micro", "微型"))
FLOWS = (("import", "进口"), ("export", "出口"), ("production", "生产"))

TABLES: tuple[Table, ...] = (
    Table(
        "meta",
        "数据集信息",
        key=("key",),
        doc_zh="数据集级别的键值信息：title_zh、title_en、illustrative（是否示意数据）、currency、description。",
        doc_en="Dataset-level key/value facts: title_zh, title_en, illustrative, currency, description.",
        columns=(
            Column("key", "键", "id", required=True, example="title_zh"),
            Column("value", "值", "str", example="京津冀新能源汽车产业链（示意数据）"),
        ),
    ),
    Table(
        "region_groups",
        "区域分组",
        key=("id",),
        doc_zh="用户定义的区域分组：城市群/增长极、自贸试验区、开发区、产业园区。行政区划本身来自 GB/T 2260，无需录入。",
        doc_en="User-defined groupings: city clusters, free-trade zones, development zones, parks. "
        "Administrative divisions themselves come from GB/T 2260 and are not entered.",
        columns=(
            Column("id", "编号", "id", required=True, example="jjj"),
            Column("name_zh", "中文名称", "str", required=True, example="京津冀"),
            Column("name_en", "英文名称", "str", example="Beijing-Tianjin-Hebei"),
            Column("kind", "类型", "enum", required=True, enum=REGION_GROUP_KINDS, example="cluster"),
            Column(
                "parent_region",
                "所在行政区",
                "region",
                doc_zh="自贸区、开发区、园区所在的行政区划代码",
                doc_en="administrative division the zone or park lies in",
                example="120000",
            ),
            Column(
                "members",
                "成员行政区",
                "list",
                doc_zh="成员行政区划代码，分号分隔（城市群用）",
                doc_en="member division codes, ';'-separated (for clusters)",
                example="110000;120000;130000",
            ),
            *EVIDENCE,
        ),
    ),
    Table(
        "country_groups",
        "国家分组",
        key=("id",),
        doc_zh="用户定义的国家分组，例如实施出口管制的集团。",
        doc_en="User-defined country groups, e.g. a bloc imposing export controls.",
        columns=(
            Column("id", "编号", "id", required=True, example="export_control_bloc"),
            Column("name_zh", "中文名称", "str", required=True, example="出口管制集团（示意）"),
            Column("name_en", "英文名称", "str", example="Export-control bloc (illustrative)"),
            Column("members", "成员国", "list", required=True, example="US;NL;JP", doc_zh="ISO 3166 两位代码，分号分隔"),
            *EVIDENCE,
        ),
    ),
    Table(
        "products",
        "产品环节",
        key=("id",),
        required=True,
        doc_zh="产业链环节/产品节点。",
        doc_en="Product nodes (环节) of the chain.",
        columns=(
            Column("id", "编号", "id", required=True, example="P_COBALT"),
            Column("name_zh", "中文名称", "str", required=True, example="钴"),
            Column("name_en", "英文名称", "str", example="Cobalt"),
            Column("stage", "链位", "enum", required=True, enum=STAGES, example="upstream"),
            Column("kind", "类别", "enum", required=True, enum=KINDS, example="resource"),
            Column(
                "grade",
                "价值链层级",
                "enum",
                enum=GRADES,
                doc_zh="分级图谱用：高端/中端/低端",
                doc_en="value-chain level for the graded map",
                example="mid",
            ),
            Column("key_link", "关键环节", "bool", doc_zh="是否关键环节", doc_en="key link flag", example="true"),
            Column("hs_codes", "HS编码", "hs_list", doc_zh="HS 2022 编码，分号分隔", example="260500;810520"),
            Column("industry_code", "行业代码", "industry", doc_zh="GB/T 4754-2017 行业代码", example="0913"),
            Column("unit", "计量单位", "str", required=True, example="t"),
            Column(
                "unit_price",
                "单价",
                "float",
                min=0,
                unit="CNY/unit",
                doc_zh="元/计量单位，用于产值",
                doc_en="CNY per unit, for output value",
                example="250000",
            ),
            Column(
                "annual_demand",
                "年需求量",
                "float",
                min=0,
                doc_zh="本链范围内的年需求量（计量单位）",
                doc_en="annual demand in the chain's scope, in units",
                example="12000",
            ),
            *EVIDENCE,
        ),
    ),
    Table(
        "bom",
        "物料清单",
        key=("product", "input_group", "input"),
        doc_zh="与-或结构：一个产品需要多个投入组（全部必需）；同组内的投入互为替代；quantity 为每单位产品的用量。",
        doc_en="AND/OR bill of materials: every input group of a product is needed (AND); inputs in one "
        "group substitute for each other (OR); quantity per unit of product.",
        columns=(
            Column("product", "产品", "id", required=True, ref=("products", "id"), example="P_NCM_CATHODE"),
            Column("input_group", "投入组", "id", required=True, example="cobalt_source"),
            Column("input", "投入品", "id", required=True, ref=("products", "id"), example="P_COBALT"),
            Column("quantity", "单耗", "float", required=True, min=0, example="0.12"),
            *EVIDENCE,
        ),
    ),
    Table(
        "chains",
        "产业链",
        key=("id",),
        required=True,
        doc_zh="产业链：终端产品及其上游闭包。",
        doc_en="Chains: final products and their upstream closure.",
        columns=(
            Column("id", "编号", "id", required=True, example="nev"),
            Column("name_zh", "中文名称", "str", required=True, example="新能源汽车产业链"),
            Column("name_en", "英文名称", "str", example="New-energy vehicles"),
            Column("final_products", "终端产品", "list", required=True, example="P_BEV_CAR;P_PHEV_CAR"),
            Column(
                "lead_regions",
                "牵头地区",
                "list",
                doc_zh="行政区划代码或区域分组编号，分号分隔",
                doc_en="division codes or region-group ids",
                example="110000;120000;130000",
            ),
            Column("description", "说明", "str"),
            *EVIDENCE,
        ),
    ),
    Table(
        "enterprises",
        "企业",
        key=("id",),
        required=True,
        doc_zh="企业。中国企业填统一社会信用代码（校验位按 GB 32100 检查）；境外企业填境外编号。",
        doc_en="Enterprises. Chinese firms give a USCC (GB 32100 check digit verified); foreign firms a foreign id.",
        columns=(
            Column("id", "编号", "id", required=True, example="E0001"),
            Column("uscc", "统一社会信用代码", "uscc", example="91110000MA01ABCD1M"),
            Column("foreign_id", "境外编号", "str", example="LEI:5493001KJTIIGC8Y1R12"),
            Column("name_zh", "中文名称", "str", required=True, example="燕新动力电池有限公司（虚构）"),
            Column("name_en", "英文名称", "str"),
            Column("country", "国家", "country", required=True, example="CN"),
            Column(
                "region",
                "所在地区",
                "region",
                doc_zh="行政区划代码；中国企业必填",
                doc_en="division code; required for Chinese firms",
                example="130100",
            ),
            Column("zone", "所在园区", "id", ref=("region_groups", "id"), doc_zh="园区/开发区/自贸区编号"),
            Column("tags", "标签", "list", enum=ENTERPRISE_TAGS, example="chain_master;listed"),
            Column("size", "规模", "enum", enum=SIZES, example="large"),
            Column("employees", "从业人数", "int", min=0),
            *EVIDENCE,
        ),
    ),
    Table(
        "capacities",
        "产能",
        key=("enterprise", "product", "facility_region", "facility_country"),
        doc_zh="企业×产品的年产能与产量。facility_region/facility_country 为工厂所在地（与总部不同时填写）。",
        doc_en="Annual capacity and output per enterprise x product; facility location when not the HQ's.",
        columns=(
            Column("enterprise", "企业", "id", required=True, ref=("enterprises", "id"), example="E0001"),
            Column("product", "产品", "id", required=True, ref=("products", "id"), example="P_COBALT"),
            Column("capacity", "年产能", "float", required=True, min=0, example="5000"),
            Column("output", "年产量", "float", min=0, example="4200"),
            Column(
                "standard_grade",
                "标准等级",
                "int",
                min=1,
                max=5,
                doc_zh="产品标准等级 1–5（越高越严，如车规级=5）；用于同准/降准备份",
                doc_en="standard grade 1-5 (higher = stricter, e.g. automotive = 5); same- vs reduced-standard",
                example="4",
            ),
            Column("inventory_days", "库存天数", "float", min=0, example="30"),
            Column("ttr_days", "恢复时间天", "float", min=0, doc_zh="中断后完全恢复所需天数", example="120"),
            Column(
                "ramp_up_days",
                "爬坡认证天数",
                "float",
                min=0,
                doc_zh="作为备份时的爬坡/认证时间",
                doc_en="ramp-up / qualification time as a backup",
                example="90",
            ),
            Column("facility_region", "工厂所在地区", "region", example="130200"),
            Column("facility_country", "工厂所在国家", "country", example="CN"),
            *EVIDENCE,
        ),
    ),
    Table(
        "supply_links",
        "供应关系",
        key=("supplier", "customer", "product"),
        doc_zh="企业间供应关系（可选）。share 为该客户此产品需求中由该供应商供应的比例（0–1 或百分数）。",
        doc_en="Firm-to-firm supply links (optional). share = fraction of the customer's need for the product "
        "supplied by this supplier (0-1, or a percentage).",
        columns=(
            Column("supplier", "供应商", "id", required=True, ref=("enterprises", "id"), example="E0001"),
            Column("customer", "客户", "id", required=True, ref=("enterprises", "id"), example="E0002"),
            Column("product", "产品", "id", required=True, ref=("products", "id"), example="P_COBALT"),
            Column("volume", "年供应量", "float", min=0, example="800"),
            Column("share", "供应份额", "float", min=0, max=1, example="0.6"),
            *EVIDENCE,
        ),
    ),
    Table(
        "trade",
        "贸易与生产",
        key=("product", "reporter", "partner", "year", "flow"),
        doc_zh="产品×报告方×伙伴国×年份的进口、出口与国内生产。reporter 为 CN 或行政区划代码；flow=production 时 partner 留空。",
        doc_en="Imports, exports and domestic production per product x reporter x partner x year. reporter is "
        "CN or a division code; partner is empty for flow=production.",
        columns=(
            Column("product", "产品", "id", required=True, ref=("products", "id"), example="P_COBALT"),
            Column("reporter", "报告方", "str", required=True, example="CN", doc_zh="CN 或行政区划代码"),
            Column("partner", "伙伴国", "country", example="CD"),
            Column("year", "年份", "int", required=True, min=1990, max=2100, example="2023"),
            Column("flow", "流向", "enum", required=True, enum=FLOWS, example="import"),
            Column("quantity", "数量", "float", min=0, doc_zh="产品计量单位（矿产按金属量）", example="95000"),
            Column("value_usd", "金额美元", "float", min=0, example="3200000000"),
            *EVIDENCE,
        ),
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)


def table(name: str) -> Table:
    return TABLE_BY_NAME[name]


def header_aliases(t: Table) -> dict[str, str]:
    """Map every accepted header (English name, Chinese alias, case/space-insensitive) to the column name."""
    out: dict[str, str] = {}
    for c in t.columns:
        for alias in (c.name, c.zh, c.name.replace("_", " ")):
            out[normalise_header(alias)] = c.name
    return out


def sheet_aliases() -> dict[str, str]:
    """Map every accepted sheet / file stem (English or Chinese) to the table name."""
    out: dict[str, str] = {}
    for t in TABLES:
        for alias in (t.name, t.zh):
            out[normalise_header(alias)] = t.name
    return out


def normalise_header(text: str) -> str:
    return "".join(str(text).split()).lower().replace("-", "_").replace("（", "(").replace("）", ")")


def enum_aliases(c: Column) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, zh in c.enum:
        out[value.lower()] = value
        out[zh] = value
    return out
