"""Vocabulary for synthetic datasets: product stems, name syllables, country pools, weights.

Everything here is plain data. Product stems carry a real HS 2022 code where one fits
(checked against ``reference.hs_codes()`` in the tests) and a GB/T 4754-2017 division
(2 digits). Enterprise names are assembled from syllables and always end in
"（虚构）" / "(fictional)" so nobody mistakes them for real firms.
"""

from __future__ import annotations

from typing import NamedTuple


class Stem(NamedTuple):
    zh: str
    en: str
    unit: str
    hs: str  # HS 2022 code, "" when none fits well
    industry: str  # GB/T 4754-2017 division (2 digits)
    family: int = 0  # final products only: index into FINAL_FAMILIES


# Tiers of the layered product graph, upstream first. A product's inputs always come from
# lower tiers, so the bill of materials is acyclic by construction.
RESOURCE, MATERIAL, COMPONENT, EQUIPMENT, ASSEMBLY, FINAL = range(6)
TIER_NAMES = ("resource", "material", "component", "equipment", "assembly", "final")
TIER_KIND = ("resource", "material", "component", "equipment", "component", "final_product")
TIER_STAGE = ("upstream", "upstream", "midstream", "midstream", "midstream", "downstream")
TIER_SHARE = (0.10, 0.22, 0.22, 0.08, 0.22, 0.16)  # share of the products in each tier

STEMS: tuple[tuple[Stem, ...], ...] = (
    (  # resource
        Stem("锂辉石精矿", "Spodumene concentrate", "t", "253090", "09"),
        Stem("钴精矿", "Cobalt concentrate", "t", "260500", "09"),
        Stem("镍矿", "Nickel ore", "t", "260400", "09"),
        Stem("铜精矿", "Copper concentrate", "t", "260300", "09"),
        Stem("铁矿石", "Iron ore", "t", "260111", "08"),
        Stem("天然石墨", "Natural graphite", "t", "250410", "10"),
        Stem("铝土矿", "Bauxite", "t", "260600", "09"),
        Stem("锰矿", "Manganese ore", "t", "260200", "08"),
        Stem("钨精矿", "Tungsten concentrate", "t", "261100", "09"),
        Stem("钼精矿", "Molybdenum concentrate", "t", "261310", "09"),
        Stem("高纯石英", "High-purity quartz", "t", "250610", "10"),
        Stem("原油", "Crude oil", "t", "270900", "07"),
        Stem("锡精矿", "Tin concentrate", "t", "260900", "09"),
        Stem("铬矿", "Chromium ore", "t", "261000", "08"),
        Stem("钛精矿", "Titanium concentrate", "t", "261400", "09"),
        Stem("锌精矿", "Zinc concentrate", "t", "260800", "09"),
        Stem("萤石", "Fluorspar", "t", "252921", "10"),
        Stem("稀土矿", "Rare-earth ore", "t", "253090", "09"),
    ),
    (  # material
        Stem("碳酸锂", "Lithium carbonate", "t", "283691", "26"),
        Stem("硫酸钴", "Cobalt sulphate", "t", "283329", "26"),
        Stem("硫酸镍", "Nickel sulphate", "t", "283324", "26"),
        Stem("电解铜", "Copper cathode", "t", "740311", "32"),
        Stem("原铝", "Primary aluminium", "t", "760110", "32"),
        Stem("多晶硅", "Polysilicon", "t", "280461", "39"),
        Stem("稀土氧化物", "Rare-earth oxide", "t", "284690", "32"),
        Stem("聚碳酸酯", "Polycarbonate", "t", "390740", "26"),
        Stem("碳纤维", "Carbon fibre", "t", "681511", "30"),
        Stem("光刻胶", "Photoresist", "t", "370790", "26"),
        Stem("热轧钢板", "Hot-rolled steel plate", "t", "720851", "31"),
        Stem("不锈钢棒材", "Stainless-steel bar", "t", "722100", "31"),
        Stem("聚乙烯", "Polyethylene", "t", "390110", "26"),
        Stem("电解液", "Electrolyte", "t", "382499", "26"),
        Stem("钢化玻璃", "Tempered glass", "t", "700711", "30"),
        Stem("硅铁", "Ferro-silicon", "t", "720221", "31"),
        Stem("精炼镍", "Refined nickel", "t", "750210", "32"),
        Stem("金属钴", "Cobalt metal", "t", "810520", "32"),
        Stem("正极材料", "Cathode material", "t", "", "26"),
        Stem("负极材料", "Anode material", "t", "", "30"),
    ),
    (  # component
        Stem("锂离子电芯", "Lithium-ion cell", "件", "850760", "38"),
        Stem("集成电路", "Integrated circuit", "件", "854231", "39"),
        Stem("流量传感器", "Flow sensor", "件", "902610", "40"),
        Stem("永磁同步电机", "Permanent-magnet motor", "台", "850153", "38"),
        Stem("印制电路板", "Printed circuit board", "件", "853400", "39"),
        Stem("滚动轴承", "Rolling bearing", "套", "848210", "34"),
        Stem("精密减速器", "Precision gear reducer", "台", "848340", "34"),
        Stem("功率二极管", "Power diode", "件", "854110", "39"),
        Stem("逆变器", "Inverter", "台", "850440", "38"),
        Stem("光伏组件", "Photovoltaic module", "件", "854143", "38"),
        Stem("电路开关", "Circuit switch", "件", "853650", "38"),
        Stem("测量仪表", "Measuring instrument", "台", "903180", "40"),
        Stem("微型电机", "Micro motor", "台", "850131", "38"),
        Stem("电机零件", "Motor part", "件", "850300", "38"),
        Stem("光学器件", "Optical device", "件", "901380", "40"),
    ),
    (  # equipment
        Stem("光刻机", "Lithography machine", "台", "848620", "35"),
        Stem("刻蚀机", "Etching machine", "台", "848620", "35"),
        Stem("薄膜沉积设备", "Thin-film deposition tool", "台", "848620", "35"),
        Stem("数控车床", "CNC lathe", "台", "845811", "34"),
        Stem("加工中心", "Machining centre", "台", "845710", "34"),
        Stem("工业机器人", "Industrial robot", "台", "847950", "34"),
        Stem("注塑机", "Injection-moulding machine", "台", "847710", "35"),
        Stem("锂电卷绕机", "Cell winding machine", "台", "847989", "35"),
    ),
    (  # assembly (advanced components and subsystems)
        Stem("动力电池包", "Traction battery pack", "套", "850760", "38"),
        Stem("电驱动总成", "Electric drive unit", "套", "850153", "38"),
        Stem("主控芯片模组", "Processor module", "件", "854231", "39"),
        Stem("显示模组", "Display module", "件", "901380", "39"),
        Stem("储能变流器", "Power-conversion system", "套", "850440", "38"),
        Stem("风电齿轮箱", "Wind-turbine gearbox", "台", "848340", "34"),
        Stem("伺服系统", "Servo system", "套", "850152", "38"),
        Stem("电源模块", "Power-supply module", "件", "850440", "38"),
        Stem("传动系统", "Transmission system", "套", "848340", "34"),
        Stem("医用探测器", "Medical detector", "件", "902290", "35"),
    ),
    (  # final products; family indexes FINAL_FAMILIES
        Stem("纯电动乘用车", "Battery-electric car", "辆", "870380", "36", 0),
        Stem("电动客车", "Electric bus", "辆", "870240", "36", 0),
        Stem("电动货车", "Electric truck", "辆", "870460", "36", 0),
        Stem("智能手机", "Smartphone", "台", "851713", "39", 1),
        Stem("笔记本电脑", "Laptop computer", "台", "847130", "39", 1),
        Stem("服务器", "Server", "台", "847150", "39", 1),
        Stem("风力发电机组", "Wind turbine", "台", "850231", "38", 2),
        Stem("储能系统", "Energy-storage system", "套", "850760", "38", 2),
        Stem("CT扫描仪", "CT scanner", "台", "902212", "35", 3),
        Stem("医用监护仪", "Patient monitor", "台", "901819", "35", 3),
        Stem("超声诊断仪", "Ultrasound scanner", "台", "901812", "35", 3),
        Stem("民用无人机", "Civil drone", "架", "880622", "37", 4),
        Stem("内河货船", "Inland cargo vessel", "艘", "890190", "37", 4),
    ),
)

# (id suffix, name_zh, name_en)
FINAL_FAMILIES: tuple[tuple[str, str, str], ...] = (
    ("nev", "新能源汽车", "New-energy vehicles"),
    ("electronics", "电子信息", "Electronics"),
    ("energy", "新能源装备", "Renewable-energy equipment"),
    ("medical", "医疗装备", "Medical equipment"),
    ("transport", "航空与船舶", "Aviation and shipping"),
)

# Brand syllables (汉字, pinyin) for fictional enterprise names: 64 x 64 brands.
SYLLABLES: tuple[tuple[str, str], ...] = (
    ("华", "Hua"),
    ("鑫", "Xin"),
    ("恒", "Heng"),
    ("泰", "Tai"),
    ("瑞", "Rui"),
    ("博", "Bo"),
    ("宏", "Hong"),
    ("盛", "Sheng"),
    ("达", "Da"),
    ("源", "Yuan"),
    ("凯", "Kai"),
    ("锦", "Jin"),
    ("泽", "Ze"),
    ("嘉", "Jia"),
    ("联", "Lian"),
    ("信", "Xin"),
    ("诚", "Cheng"),
    ("通", "Tong"),
    ("远", "Yuan"),
    ("昌", "Chang"),
    ("德", "De"),
    ("丰", "Feng"),
    ("海", "Hai"),
    ("金", "Jin"),
    ("科", "Ke"),
    ("力", "Li"),
    ("隆", "Long"),
    ("明", "Ming"),
    ("宁", "Ning"),
    ("启", "Qi"),
    ("润", "Run"),
    ("尚", "Shang"),
    ("天", "Tian"),
    ("拓", "Tuo"),
    ("伟", "Wei"),
    ("翔", "Xiang"),
    ("新", "Xin"),
    ("星", "Xing"),
    ("耀", "Yao"),
    ("亿", "Yi"),
    ("永", "Yong"),
    ("宇", "Yu"),
    ("振", "Zhen"),
    ("中", "Zhong"),
    ("卓", "Zhuo"),
    ("安", "An"),
    ("邦", "Bang"),
    ("辰", "Chen"),
    ("创", "Chuang"),
    ("福", "Fu"),
    ("冠", "Guan"),
    ("汇", "Hui"),
    ("捷", "Jie"),
    ("骏", "Jun"),
    ("朗", "Lang"),
    ("茂", "Mao"),
    ("晟", "Sheng"),
    ("腾", "Teng"),
    ("万", "Wan"),
    ("旭", "Xu"),
    ("扬", "Yang"),
    ("越", "Yue"),
    ("智", "Zhi"),
    ("祥", "Xiang"),
)

# Industry words by tier (zh, en).
INDUSTRY_WORDS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("矿业", "Mining"), ("资源", "Resources"), ("矿产", "Minerals"), ("能源", "Energy")),
    (("新材料", "New Materials"), ("材料", "Materials"), ("化工", "Chemicals"), ("冶金", "Metallurgy")),
    (("电子", "Electronics"), ("精密", "Precision"), ("电气", "Electric"), ("零部件", "Components")),
    (
        ("装备", "Equipment"),
        ("智能装备", "Smart Equipment"),
        ("机械", "Machinery"),
        ("重工", "Heavy Industry"),
    ),
    (("科技", "Technology"), ("动力", "Power"), ("系统", "Systems"), ("电子", "Electronics")),
    (("汽车", "Automotive"), ("智能", "Smart Devices"), ("电器", "Appliances"), ("医疗", "Medical")),
)

COMPANY_SUFFIXES: tuple[tuple[str, str], ...] = (
    ("有限公司", "Co. Ltd."),
    ("股份有限公司", "Co. Ltd."),
    ("集团有限公司", "Group Co. Ltd."),
)
FICTIONAL_ZH = "（虚构）"
FICTIONAL_EN = " (fictional)"

# Where foreign makers of each tier sit: (ISO 3166-1 alpha-2, weight). Upstream pools are
# short, so resource and equipment supply is concentrated in a few countries.
COUNTRY_POOLS: tuple[tuple[tuple[str, float], ...], ...] = (
    (
        ("AU", 5),
        ("ID", 4),
        ("CL", 3),
        ("CD", 3),
        ("BR", 3),
        ("ZA", 2),
        ("PE", 2),
        ("RU", 2),
        ("GN", 1.5),
        ("CA", 1.5),
        ("PH", 1),
        ("KZ", 1),
        ("AR", 1),
        ("ZW", 1),
        ("MM", 1),
        ("MN", 1),
    ),
    (
        ("JP", 3),
        ("KR", 3),
        ("US", 2),
        ("DE", 2),
        ("ID", 1.5),
        ("CL", 1),
        ("RU", 1),
        ("FI", 0.5),
        ("BE", 0.5),
        ("NO", 0.5),
    ),
    (
        ("JP", 3),
        ("KR", 3),
        ("US", 2),
        ("DE", 2),
        ("MY", 1),
        ("VN", 1),
        ("SG", 0.7),
        ("TH", 0.7),
        ("MX", 0.5),
        ("IN", 0.5),
        ("FR", 0.5),
    ),
    (
        ("JP", 4),
        ("DE", 4),
        ("US", 3),
        ("NL", 2),
        ("KR", 1),
        ("CH", 1),
        ("IT", 1),
        ("SE", 0.5),
        ("AT", 0.5),
        ("GB", 0.5),
    ),
    (
        ("JP", 3),
        ("KR", 3),
        ("US", 2),
        ("DE", 2),
        ("MY", 1),
        ("VN", 1),
        ("SG", 0.7),
        ("TH", 0.7),
        ("MX", 0.5),
        ("IN", 0.5),
        ("FR", 0.5),
    ),
    (
        ("US", 2),
        ("DE", 2),
        ("JP", 2),
        ("KR", 2),
        ("FR", 1),
        ("IT", 1),
        ("GB", 1),
        ("VN", 1),
        ("IN", 1),
        ("SE", 0.5),
        ("MX", 0.5),
    ),
)
EXPORT_PARTNERS: tuple[tuple[str, float], ...] = (
    ("US", 3),
    ("JP", 2),
    ("KR", 2),
    ("DE", 2),
    ("VN", 1.5),
    ("IN", 1.5),
    ("NL", 1),
    ("MY", 1),
    ("TH", 1),
    ("BR", 1),
    ("MX", 0.8),
    ("RU", 0.8),
)

# Approximate 2023 GDP by province (trillion CNY). Used only as location weights.
PROVINCE_WEIGHTS: dict[str, float] = {
    "440000": 13.6,
    "320000": 12.8,
    "370000": 9.2,
    "330000": 8.3,
    "510000": 6.0,
    "410000": 5.9,
    "420000": 5.6,
    "350000": 5.4,
    "430000": 5.0,
    "310000": 4.7,
    "340000": 4.7,
    "130000": 4.4,
    "110000": 4.4,
    "610000": 3.4,
    "360000": 3.2,
    "500000": 3.0,
    "210000": 3.0,
    "530000": 3.0,
    "450000": 2.7,
    "140000": 2.6,
    "150000": 2.5,
    "520000": 2.1,
    "650000": 1.9,
    "120000": 1.7,
    "230000": 1.6,
    "220000": 1.4,
    "620000": 1.2,
    "460000": 0.75,
    "640000": 0.53,
    "630000": 0.38,
    "540000": 0.24,
}

# Real regional groupings (GB/T 2260 codes), for the region_groups table.
CLUSTERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("jjj", "京津冀", "Beijing-Tianjin-Hebei", ("110000", "120000", "130000")),
    ("yrd", "长三角", "Yangtze River Delta", ("310000", "320000", "330000", "340000")),
    (
        "gba",
        "粤港澳大湾区",
        "Guangdong-Hong Kong-Macao Greater Bay Area",
        (
            "440100",
            "440300",
            "440400",
            "440600",
            "440700",
            "441200",
            "441300",
            "441900",
            "442000",
            "810000",
            "820000",
        ),
    ),
    ("chengyu", "成渝地区双城经济圈", "Chengdu-Chongqing economic circle", ("500000", "510000")),
)

# (id, name_zh, name_en, members)
COUNTRY_GROUPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("export_control_bloc", "出口管制集团（示意）", "Export-control bloc (illustrative)", ("JP", "NL", "US")),
    (
        "resource_suppliers",
        "主要资源供应国（示意）",
        "Main resource suppliers (illustrative)",
        ("AU", "BR", "CD", "CL", "ID", "ZA"),
    ),
    (
        "eu_partial",
        "欧盟成员国（部分）",
        "EU member states (part)",
        ("AT", "BE", "DE", "FI", "FR", "IT", "NL", "SE"),
    ),
)


def city_short_name(name_zh: str) -> str:
    """'深圳市' -> '深圳', '恩施土家族苗族自治州' -> '恩施', '阿拉善盟' -> '阿拉善'."""
    if "自治州" in name_zh:
        return name_zh[:2]
    for suffix in ("地区", "市", "盟"):
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix) + 1:
            return name_zh[: -len(suffix)]
    return name_zh
