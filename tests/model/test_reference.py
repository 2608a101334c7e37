"""Reference lists: GB/T 2260 divisions, ISO 3166 countries with Chinese names, HS 2022."""

from chainleader.model.reference import country, country_by_name, division, divisions, hs_codes, provinces


def test_provinces_are_the_34_provincial_divisions() -> None:
    codes = {p.code for p in provinces()}
    assert len(codes) == 34  # 23 provinces incl. Taiwan, 5 autonomous regions, 4 municipalities, 2 SARs
    assert {"110000", "120000", "130000", "310000", "710000", "810000", "820000"} <= codes


def test_divisions_hierarchy() -> None:
    sjz = division("130100")
    assert sjz is not None and sjz.name_zh == "石家庄市" and sjz.parent == "130000"
    assert division("13").name_zh == "河北省"  # type: ignore[union-attr]
    chaoyang = division("110105")
    assert chaoyang is not None and chaoyang.level == "county" and chaoyang.province == "110000"
    assert division("110100") is not None  # municipality's 市辖区 level exists in GB/T 2260
    assert division("999999") is None
    assert len(divisions()) > 3000


def test_countries_have_chinese_names() -> None:
    assert country("CD").name_zh == "刚果（金）"  # type: ignore[union-attr]
    assert country("au").name_zh == "澳大利亚"  # type: ignore[union-attr]
    assert country("XX") is None
    assert country_by_name()["日本"] == "JP"


def test_hs_2022_codes() -> None:
    hs = hs_codes()
    assert "260500" in hs  # cobalt ores and concentrates
    assert "850760" in hs  # lithium-ion accumulators
    assert "8524" in hs  # flat panel display modules: a heading new in HS 2022
    assert "0000" not in hs and "850799" not in hs
