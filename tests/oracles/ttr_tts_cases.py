"""Hand-derived TTR/TTS/PI networks (METHODS.md §3; no published instance exists, §9).

Model: Simchi-Levi et al. (2015), "Identifying risks and mitigating disruptions in the
automotive supply chain", *Interfaces* 45(5) (PI LP); Simchi-Levi, Wang & Wei (2018),
"Increasing supply chain robustness through process flexibility and inventory", *POM* 27(8)
(TTS LP). Every expected number below is derived by hand in the comment next to it; quantities
are cumulative over [0, t] and t is in periods.
"""

from __future__ import annotations

import numpy as np

from chainleader.analysis.flow_network import FlowNetwork

I64 = np.int64


def single_tier(margin: float = 10.0, cap_a: float = 60.0, cap_b: float = 40.0) -> FlowNetwork:
    """One raw product X made by sites A (60/period) and B (40/period); demand 80/period;
    inventory 100; margin 10 CNY/unit. Baseline: 100 ≥ 80, so the intact chain keeps up.

    * lose A for t = 4: supply 40·4 + 100 = 260 vs demand 320 → 60 units lost, PI = 600.
      TTS = inventory / shortfall rate = 100 / (80 − 40) = 2.5.
    * lose B: shortfall 20/period → TTS = 100/20 = 5; PI(4) = 0 (60·4 + 100 = 340 ≥ 320).
    * lose both: TTS = 100/80 = 1.25; PI(4) = (320 − 100)·10 = 2200.
    * A at half capacity (30 + 40 = 70): TTS = 100/10 = 10; PI(12) = (960 − 100 − 840)·10 = 200.
    * duals, lose A at t = 4: one more unit/period of working capacity saves 4 units = 40 CNY;
      one more unit of inventory saves 10 CNY; ∂TTS/∂s = 1/40 = 0.025 periods per unit.
    """
    return FlowNetwork(
        product_ids=("X",), margin=np.array([margin]), demand=np.array([80.0]), inventory=np.array([100.0]),
        slot_product=np.zeros(0, I64), slot_ptr=np.array([0], I64), slot_input=np.zeros(0, I64),
        slot_qty=np.zeros(0), site_ids=("A", "B"), site_product=np.array([0, 0], I64),
        site_capacity=np.array([cap_a, cap_b]),
    )


SINGLE_TIER = {
    # (site_factor, t) -> (PI, lost units, TTS)
    "lose A": ((0.0, 1.0), 4.0, 600.0, 60.0, 2.5),
    "lose B": ((1.0, 0.0), 4.0, 0.0, 0.0, 5.0),
    "lose both": ((0.0, 0.0), 4.0, 2200.0, 220.0, 1.25),
    "A half": ((0.5, 1.0), 12.0, 200.0, 20.0, 10.0),
}


def assembly(cap_b1: float = 15.0) -> FlowNetwork:
    """Assembly Y = 1 a + 2 b. Part a is single-sourced from product A (AND, one supplier);
    part b comes from B1 or B2 (OR). Sites: A1 20/period, B1s ``cap_b1``, B2s 10, Ys 12.
    Demand Y 10/period, margin 50. Inventory: Y 20, A 30, B1 0, B2 0. Baseline: Y needs
    a 10 ≤ 20, b 20 ≤ 25, assembly 10 ≤ 12 → feasible.

    Output of Y over [0, t] is U_Y ≤ min(12t, a available, b available / 2); demand 10t ≤ 20 + U_Y.

    * lose A1: a available = 30 (stock) → 10t ≤ 20 + 30 → TTS = 5; PI(8) = (80 − 50)·50 = 1500.
    * lose B1s: b = 10t → U_Y ≤ 5t → 10t ≤ 20 + 5t → TTS = 4; PI(8) = (80 − 20 − 40)·50 = 1000.
    * lose B2s: b = 15t → U_Y ≤ 7.5t → TTS = 20/2.5 = 8; PI(8) = 0; PI(10) = (100 − 20 − 75)·50 = 250.
    * lose Ys: U_Y = 0 → TTS = 20/10 = 2; PI(8) = 60·50 = 3000.
    With TTR = 8 for all four, REI = PI / 3000 = 0.5, 1/3, 0, 1; exposed (TTS < 8): A1, B1s, Ys.
    With ``cap_b1`` = 25, losing B2s leaves b = 25t ≥ 2·12t → U_Y = 12t ≥ 10t: TTS capped.
    """
    # products: 0 A, 1 B1, 2 B2, 3 Y ; slots of Y: [A], [B1 | B2]
    return FlowNetwork(
        product_ids=("A", "B1", "B2", "Y"), margin=np.array([5.0, 5.0, 5.0, 50.0]),
        demand=np.array([0.0, 0.0, 0.0, 10.0]), inventory=np.array([30.0, 0.0, 0.0, 20.0]),
        slot_product=np.array([3, 3], I64), slot_ptr=np.array([0, 1, 3], I64),
        slot_input=np.array([0, 1, 2], I64), slot_qty=np.array([1.0, 2.0, 2.0]),
        site_ids=("A1", "B1s", "B2s", "Ys"), site_product=np.array([0, 1, 2, 3], I64),
        site_capacity=np.array([20.0, cap_b1, 10.0, 12.0]),
    )


ASSEMBLY = {
    # site lost -> (TTS, PI at t = 8, REI over the four, exposed at TTR 8)
    "A1": (5.0, 1500.0, 0.5, True),
    "B1s": (4.0, 1000.0, 1.0 / 3.0, True),
    "B2s": (8.0, 0.0, 0.0, False),
    "Ys": (2.0, 3000.0, 1.0, True),
}
ASSEMBLY_PI_B2S_T10 = 250.0


def shared_input() -> FlowNetwork:
    """Product A is sold outside (demand 5/period, margin 4) *and* feeds Y (1 A per Y; demand 10,
    margin 50). Sites: A 20/period, Y 12/period; inventory A 30, Y 20. Baseline: A needs 15 ≤ 20.

    A's site at half capacity (10/period):
    * TTS: A balance 5t + U_Y ≤ 10t + 30 with U_Y ≥ 10t − 20 → 5t ≤ 50 → TTS = 10.
    * PI(12): A available 120 + 30 = 150; needed 60 (sales) + 100 (Y output 120 − 20) = 160, so
      10 units of A are lost; the cheaper loss is A's own sales (4 < 50): PI = 40, lost A = 10.
      A model that counts A's output against both its own demand and Y's use (u_A + l_A ≥ d_A t
      − s_A next to Σy ≤ u_A + s_A) would report 0 here: the pooled balance row prevents that.
    """
    return FlowNetwork(
        product_ids=("A", "Y"), margin=np.array([4.0, 50.0]), demand=np.array([5.0, 10.0]),
        inventory=np.array([30.0, 20.0]), slot_product=np.array([1], I64), slot_ptr=np.array([0, 1], I64),
        slot_input=np.array([0], I64), slot_qty=np.array([1.0]), site_ids=("As", "Ys"),
        site_product=np.array([0, 1], I64), site_capacity=np.array([20.0, 12.0]),
    )


def short_baseline() -> FlowNetwork:
    """X with sites A 40 and B 30 (70/period) against demand 80: the intact chain is short by
    10/period; inventory 100, margin 10. Sustainable demand d̃ = 70.

    * PI(∅, 4) = (320 − 100 − 280)⁺ = 0; PI(∅, 12) = (960 − 100 − 840)·10 = 200.
    * lose B: PI_n(4) = (320 − 100 − 160)·10 = 600 → adjusted 600; PI_n(12) = (960 − 100 − 480)·10
      = 3800 → adjusted 3800 − 200 = 3600.
    * TTS against d̃: 70t ≤ 100 + 40t → 10/3; against the full d: 80t ≤ 100 + 40t → 2.5.
    * undisrupted: against d̃ capped; against d: 80t ≤ 100 + 70t → 10.
    """
    return FlowNetwork(
        product_ids=("X",), margin=np.array([10.0]), demand=np.array([80.0]), inventory=np.array([100.0]),
        slot_product=np.zeros(0, I64), slot_ptr=np.array([0], I64), slot_input=np.zeros(0, I64),
        slot_qty=np.zeros(0), site_ids=("A", "B"), site_product=np.array([0, 0], I64),
        site_capacity=np.array([40.0, 30.0]),
    )


BACKUP_CASES = {
    # single_tier(), site A lost; backup C for X.
    # delay 2: shortfall 40/period; stock 100 lasts 2.5 > 2; from t = 2 supply 40 + 50 ≥ 80 → capped.
    "same-standard, delay 2": {"capacity": 50.0, "delay": 2.0, "tts": None, "pi_t4": 0.0},
    # delay 3: the stock runs out at 2.5 < 3 → TTS = 2.5 (not capped: the backup arrives too late).
    #   PI(4), phases [0,3] and [3,4]: lost (240 − 120 − 100) = 20 in phase 1, none in phase 2
    #   (90 ≥ 80; the surplus cannot serve demand already lost) → PI = 200. (Aggregating [0,4]
    #   into one period would give 320 − 160 − 100 − 50 = 10 lost, PI = 100.)
    "same-standard, delay 3": {"capacity": 50.0, "delay": 3.0, "tts": 2.5, "pi_t4": 200.0},
    # no delay: 40 + 50 ≥ 80 → capped, PI = 0.
    "same-standard, delay 0": {"capacity": 50.0, "delay": 0.0, "tts": None, "pi_t4": 0.0},
}
# Reduced-standard (降准) variant of X: capacity 50, variant margin 6 (vs 10), θ = 0.25 (≤ 20/period).
#   PI(4): standard supply 160 + 100 = 260, variant covers 60 of the 320 (cap min(200, 80)) →
#   no lost sales, PI = (10 − 6)·60 = 240.  TTS: 80t ≤ 100 + 40t + 20t → TTS = 5.
VARIANT = {"capacity": 50.0, "variant_margin": 6.0, "acceptance": 0.25, "pi_t4": 240.0, "variant_units": 60.0,
           "tts": 5.0}
# assembly(), site Ys lost, same-standard backup for Y with 12/period and input_factor 1.5
# (yield 2/3): per unit it needs 1.5 a and 3 b; b gives 25/period → 25/3 units of Y per period;
# a gives 20/period + 30 ≥ 12.5/period. 10t ≤ 20 + (25/3)t → TTS = 20/(5/3) = 12.
YIELD_BACKUP_TTS = 12.0
