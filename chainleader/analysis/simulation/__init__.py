"""Shock simulation: scenarios, network propagation over time, Monte Carlo (issue #4).

冲击模拟：情景（出口管制、灾害、企业停产、物流中断、需求变化、备份方案）、按日的网络传导、蒙特卡洛。

    from chainleader.analysis.simulation import build_network, parse_scenario, resolve, simulate
    net = build_network(dataset)
    result = simulate(net, resolve(net, parse_scenario(text)))
    mc = run_monte_carlo(net, resolve(net, scenario), runs=1000, seed=0, workers=2)

Modules: ``scenario`` (dataclasses, SimParams), ``loader`` + ``checks`` (YAML/JSON, located errors),
``network`` (arrays from CompiledDataset), ``places`` + ``shocks`` (ids -> per-step schedules), ``demand``,
``propagate`` (the engine), ``results`` (series, metrics, tables), ``montecarlo``, ``explain``.
"""

from chainleader.analysis.simulation.errors import ScenarioError
from chainleader.analysis.simulation.explain import explain
from chainleader.analysis.simulation.loader import parse_scenario
from chainleader.analysis.simulation.montecarlo import MonteCarloResult, run_monte_carlo
from chainleader.analysis.simulation.network import SimNetwork, build_network
from chainleader.analysis.simulation.propagate import simulate
from chainleader.analysis.simulation.results import SimulationResult, compare
from chainleader.analysis.simulation.scenario import (
    BackupPlan,
    DemandShock,
    Disaster,
    Distribution,
    EnterpriseFailure,
    ExportControl,
    Logistics,
    Recovery,
    Scenario,
    SimParams,
    Uncertain,
)
from chainleader.analysis.simulation.shocks import ShockPlan, resolve

__all__ = [
    "BackupPlan",
    "DemandShock",
    "Disaster",
    "Distribution",
    "EnterpriseFailure",
    "ExportControl",
    "Logistics",
    "MonteCarloResult",
    "Recovery",
    "Scenario",
    "ScenarioError",
    "ShockPlan",
    "SimNetwork",
    "SimParams",
    "SimulationResult",
    "Uncertain",
    "build_network",
    "compare",
    "explain",
    "parse_scenario",
    "resolve",
    "run_monte_carlo",
    "simulate",
]
