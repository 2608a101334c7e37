"""Scenarios and background runs (progress polled through GET /runs/{id})."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from chainleader.web.api.common import User, Ws
from chainleader.web.api.params import (
    ID_PATTERN,
    DatasetPath,
    PageQ,
    PageSizeQ,
    RunIdPath,
    ScenarioPath,
    as_page,
)
from chainleader.web.api.schemas import Page, RunIn

__all__ = ["router"]

router = APIRouter(tags=["scenarios 情景模拟"])


@router.get("/scenarios", response_model=Page, summary="情景 / scenarios")
def list_scenarios(
    user: User, ws: Ws,
    dataset: Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN,
                                         description="只列该数据集的情景 / only this dataset's")] = None,
    page: PageQ = 1, page_size: PageSizeQ = 50,
) -> dict[str, Any]:
    return as_page(ws.scenarios(user, dataset), page, page_size)


@router.get("/scenarios/{ds}/{name}", summary="情景详情 / scenario detail")
def get_scenario(ds: DatasetPath, name: ScenarioPath, user: User, ws: Ws) -> dict[str, Any]:
    """The scenario's shocks, parameters and backup plan, with its YAML text for editing."""
    return dict(ws.scenario(user, ds, name))


@router.post("/runs", status_code=202, summary="运行情景 / start a scenario run")
def start_run(body: RunIn, user: User, ws: Ws) -> dict[str, Any]:
    """Starts a background run of a bundled scenario (``scenario``) or an edited one (``scenario_yaml``);
    poll GET /runs/{id} for progress and results. Runs, horizon and network size are budgeted (422 names
    the limit); too many queued runs → 429."""
    return dict(ws.start_run(user, body.dataset, scenario=body.scenario, scenario_yaml=body.scenario_yaml,
                             runs=body.runs))


@router.get("/runs", response_model=Page, summary="运行记录 / runs")
def list_runs(user: User, ws: Ws, page: PageQ = 1, page_size: PageSizeQ = 50) -> dict[str, Any]:
    return as_page(ws.runs(user, page, page_size), page, page_size)


@router.get("/runs/{run_id}", summary="运行状态与结果 / run status and results")
def get_run(run_id: RunIdPath, user: User, ws: Ws) -> dict[str, Any]:
    return dict(ws.run(user, run_id))
