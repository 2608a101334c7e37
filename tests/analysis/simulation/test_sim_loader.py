"""Reading scenarios: the format, and located bilingual errors (file, line, field path, suggestions)."""

from __future__ import annotations

import json

import pytest

from chainleader.analysis.simulation import (
    DemandShock,
    Disaster,
    EnterpriseFailure,
    ExportControl,
    Logistics,
    ScenarioError,
    parse_scenario,
)
from chainleader.model.errors import ChainleaderError, ValidationError

GOOD = """\
id: demo
name_zh: 示例
horizon_days: 120
params:
  input_stock_days: 5
shocks:
  - id: cut
    type: export_control
    by: [CD]
    products: [P_COBALT]
    share: 0.5
    start_day: 10
    end_day: 40
  - id: quake
    type: 地震
    regions: ["130200"]
    capacity_loss: 0.7
    duration_days: 14
    recovery: {curve: exponential, days: 30}
  - type: enterprise_failure
    enterprises: [E001]
    start_day: 5
    end_day: 6
  - type: logistics
    origins: ["130000"]
    destinations: [KR]
    mode: lead_time
    added_days: 7
    start_day: 0
    end_day: 30
  - type: demand
    change: -0.2
    start_day: 0
    end_day: 90
backup_plan: {mode: listed, enterprises: [E005], activate_day: 3}
uncertain:
  - param: recovery_days
    shocks: [quake]
    dist: {type: triangular, low: 0.5, mode: 1.0, high: 2.0}
  - param: capacity_loss
    shocks: [quake]
    as: value
    dist: {type: uniform, low: 0.4, high: 0.9}
"""


def test_good_scenario_parses_into_typed_shocks() -> None:
    s = parse_scenario(GOOD, source="demo.yaml")
    kinds = [type(sh) for sh in s.shocks]
    assert kinds == [ExportControl, Disaster, EnterpriseFailure, Logistics, DemandShock]
    cut, quake, fail, log, dem = s.shocks
    assert (cut.start_day, cut.end_day, cut.share, cut.by) == (10.0, 40.0, 0.5, ("CD",))
    assert (quake.end_day, quake.recovery.curve, quake.recovery.days, quake.cause) == (14.0, "exponential", 30.0,
                                                                                       "earthquake")
    assert fail.id == "enterprise_failure_3" and fail.recovery.days == 0.0
    assert (log.mode, log.added_days, log.both_directions) == ("lead_time", 7.0, True)
    assert dem.change == -0.2 and dem.products == ()
    assert s.params.input_stock_days == 5.0
    assert s.backup_plan is not None and s.backup_plan.enterprises == ("E005",)
    assert [u.param for u in s.uncertain] == ["recovery_days", "capacity_loss"] and s.uncertain[1].as_value
    assert s.line_of("shocks[1].regions[0]") == 16 and s.line_of("shocks[1].recovery.days") == 19


def test_json_is_accepted_with_the_same_keys() -> None:
    doc = {"horizon_days": 30, "shocks": [{"type": "disaster", "regions": ["110000"], "end_day": 3}]}
    s = parse_scenario(json.dumps(doc), source="x.json")
    assert isinstance(s.shocks[0], Disaster) and s.shocks[0].recovery.days == "ttr"


def _errors(text: str) -> list:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="bad.yaml")
    assert isinstance(info.value, ValidationError) and isinstance(info.value, ChainleaderError)
    return info.value.report.errors


def test_window_ending_before_it_starts_is_located() -> None:
    errs = _errors("horizon_days: 60\nshocks:\n  - type: disaster\n    regions: ['110000']\n"
                   "    start_day: 20\n    end_day: 10\n")
    e = next(p for p in errs if p.code == "window_end_before_start")
    assert (e.file, e.row, e.column) == ("bad.yaml", 6, "shocks[0].end_day")
    assert "结束日" in e.message_zh and "before start_day" in e.message_en and e.fix_zh


def test_window_beyond_the_horizon_says_how_to_fix() -> None:
    errs = _errors("horizon_days: 60\nshocks:\n  - type: demand\n    change: 0.1\n    end_day: 90\n")
    e = next(p for p in errs if p.code == "window_beyond_horizon")
    assert e.column == "shocks[0].end_day" and "90" in e.fix_en and "horizon_days" in e.fix_zh


def test_unknown_field_and_type_suggest_close_names() -> None:
    errs = _errors("horizon_days: 60\nshocks:\n  - type: export_contrl\n    end_day: 5\n"
                   "  - type: disaster\n    regionz: ['110000']\n    end_day: 5\n")
    by_code = {p.code: p for p in errs}
    assert "export_control" in by_code["unknown_shock_type"].message_en
    field = by_code["unknown_field"]
    assert field.column == "shocks[1].regionz" and field.row == 6 and "regions" in field.message_zh


def test_conflicting_shocks_are_refused() -> None:
    errs = _errors(
        "horizon_days: 60\nshocks:\n"
        "  - {id: a, type: export_control, by: [US], products: [P1], end_day: 30}\n"
        "  - {id: b, type: export_control, by: [US], products: [P1, P2], start_day: 20, end_day: 40}\n"
        "  - {id: a, type: demand, change: 0.1, end_day: 10}\n"
        "  - {id: d, type: demand, change: -0.1, start_day: 5, end_day: 15}\n"
    )
    codes = [(p.code, p.column) for p in errs]
    assert ("conflicting_shocks", "shocks[1]") in codes
    assert ("duplicate_shock_id", "shocks[2].id") in codes
    assert ("conflicting_shocks", "shocks[3]") in codes


def test_bad_values_are_all_reported_together() -> None:
    errs = _errors(
        "horizon_days: 60\nshocks:\n"
        "  - {type: disaster, regions: ['110000'], capacity_loss: 1.5, end_day: 5}\n"
        "  - {type: logistics, origins: ['110000'], destinations: [US], mode: lead_time, end_day: 5}\n"
        "  - {type: demand, change: -1.5, end_day: 5}\n"
        "  - {type: enterprise_failure, enterprises: [E1]}\n"
        "uncertain:\n"
        "  - {param: recovery_day, shocks: [nope], dist: {type: uniform, low: 2, high: 1}}\n"
        "  - {param: inventory_days, dist: {type: uniform, low: 0.5, high: 1}}\n"
        "  - {param: inventory_days, dist: {type: uniform, low: 0.8, high: 1}}\n"
    )
    codes = {p.code for p in errs}
    assert {"bad_share", "bad_lead_time", "bad_change", "missing_window", "bad_uncertain_param", "unknown_shock",
            "bad_distribution", "conflicting_uncertain"} <= codes


def test_syntax_error_reports_the_line() -> None:
    errs = _errors("horizon_days: 60\nshocks:\n  - type: demand\n   change: [1\n")
    assert errs[0].code == "syntax" and errs[0].row is not None


def test_missing_horizon_and_bad_params() -> None:
    errs = _errors("shocks: []\nparams: {step_days: 3, priority: first}\n")
    codes = [p.code for p in errs]
    assert "missing_field" in codes and "bad_param" in codes
