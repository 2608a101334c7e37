"""Plain-CSV folder and OECD ICIO-style readers: exact round trip, encodings, collected problems."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    Extension,
    IOTable,
    leontief,
    read_csv_table,
    read_icio_csv,
    write_csv_table,
)
from chainleader.model.errors import ValidationError


def chinese_table() -> IOTable:
    return IOTable(
        Z=[[0.1, 2.0 / 3.0], [1e-12, 5.5]],
        Y=[[1.0, 2.0], [3.0, 4.0]],
        industries=(("北京", "汽车制造"), ("天津", "电池,材料")),
        final_demand_labels=(("北京", "消费"), ("天津", "出口")),
        V=[[1.0, 2.0]],
        value_added_labels=("增加值",),
        x_reported=[3.8, 12.5],
        extensions={
            "emissions": Extension("emissions", [[1.0, 2.0]], ("二氧化碳",), ("吨",), F_Y=[[0.5, 0.0]])
        },
    )


def test_round_trip_is_exact(tmp_path: Path) -> None:
    t = chinese_table()
    write_csv_table(t, tmp_path / "t")
    back = read_csv_table(tmp_path / "t")
    np.testing.assert_array_equal(back.Z, t.Z)
    np.testing.assert_array_equal(back.Y, t.Y)
    assert back.industries == t.industries and back.final_demand_labels == t.final_demand_labels
    np.testing.assert_array_equal(back.V, t.V)
    np.testing.assert_array_equal(back.x_reported, t.x_reported)
    ext = back.extensions["emissions"]
    assert ext.stressors == ("二氧化碳",) and ext.units == ("吨",)
    np.testing.assert_array_equal(ext.F_Y, [[0.5, 0.0]])
    np.testing.assert_array_equal(leontief(back).A, leontief(t).A)


def test_gbk_labels_refused_unless_encoding_given(tmp_path: Path) -> None:
    folder = write_csv_table(chinese_table(), tmp_path / "t")
    text = (folder / "industries.csv").read_text(encoding="utf-8")
    (folder / "industries.csv").write_bytes(text.encode("gb18030"))
    with pytest.raises(ValidationError, match="gb18030") as err:
        read_csv_table(folder)
    assert any(p.code == "encoding" and p.file == "industries.csv" for p in err.value.report.problems)
    # other label files are still UTF-8: convert them too, then read with the stated encoding
    for rel in ("final_demand.csv", "value_added.csv", "extensions/emissions/stressors.csv"):
        (folder / rel).write_bytes((folder / rel).read_text(encoding="utf-8").encode("gb18030"))
    assert read_csv_table(folder, encoding="gb18030").industries[0] == ("北京", "汽车制造")


def test_every_problem_is_collected(tmp_path: Path) -> None:
    folder = write_csv_table(chinese_table(), tmp_path / "t")
    (folder / "Z.csv").write_text("1,abc\n,2\n", encoding="utf-8")
    (folder / "Y.csv").write_text("1,2,3\n4,5\n", encoding="utf-8")
    (folder / "final_demand.csv").write_text("region,kind\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        read_csv_table(folder)
    found = {(p.file, p.code, p.row, p.column) for p in err.value.report.problems}
    assert ("Z.csv", "not_a_number", 1, "column 2") in found
    assert ("Z.csv", "not_a_number", 2, "column 1") in found
    assert ("Y.csv", "ragged", 2, None) in found
    assert ("final_demand.csv", "header", 1, None) in found
    assert "导入被拒绝" in str(err.value)


def test_missing_required_file(tmp_path: Path) -> None:
    folder = write_csv_table(chinese_table(), tmp_path / "t")
    (folder / "Z.csv").unlink()
    with pytest.raises(ValidationError, match="Z.csv"):
        read_csv_table(folder)


ICIO_2023 = """V1,AAA_A01_02,AAA_C26,BBB_A01_02,BBB_C26,AAA_HFCE,AAA_GFCF,BBB_HFCE,BBB_GFCF,OUT
AAA_A01_02,10,5,1,0,20,4,3,1,44
AAA_C26,2,20,0,6,30,10,5,2,75
BBB_A01_02,1,0,8,4,2,0,25,5,45
BBB_C26,0,3,2,15,4,6,30,10,70
TLS,1,2,1,3,5,1,4,2,19
VA,30,45,33,42,0,0,0,0,150
OUT,44,75,45,70,0,0,0,0,234
"""


def test_icio_2023_layout(tmp_path: Path) -> None:
    path = tmp_path / "2020_SML.csv"
    path.write_text(ICIO_2023, encoding="utf-8")
    t = read_icio_csv(path)
    assert t.industries == (("AAA", "A01_02"), ("AAA", "C26"), ("BBB", "A01_02"), ("BBB", "C26"))
    assert t.final_demand_labels[0] == ("AAA", "HFCE") and len(t.final_demand_labels) == 4
    assert t.value_added_labels == ("TLS", "VA")
    np.testing.assert_array_equal(t.x, [44.0, 75.0, 45.0, 70.0])
    bal = t.balance()
    assert bal.max_rel_row_gap == 0.0 and bal.column_gap is not None
    np.testing.assert_allclose(bal.column_gap, [13 + 31 - 44, 28 + 47 - 75, 11 + 34 - 45, 25 + 45 - 70])
    assert t.name == "2020_SML"


def test_icio_2021_spelling_and_bad_cell(tmp_path: Path) -> None:
    text = ICIO_2023.replace("OUT", "TOTAL").replace("\nVA,", "\nVALU,").replace("TLS,", "TAXSUB,")
    path = tmp_path / "ICIO2021_2018.csv"
    path.write_text(text.replace("AAA_C26,2,20", "AAA_C26,2,x"), encoding="utf-8")
    with pytest.raises(ValidationError, match="row 3:AAA_C26.*not_a_number"):
        read_icio_csv(path)
    path.write_text(text, encoding="utf-8")
    t = read_icio_csv(path)
    assert t.value_added_labels == ("TAXSUB", "VALU")
    np.testing.assert_array_equal(t.x_reported, [44.0, 75.0, 45.0, 70.0])
