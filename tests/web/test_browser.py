"""Browser tests: headless Debian chromium (Python playwright) against a real uvicorn process (issue #5).

The Hebei chain-leader office signs in through the login form, opens the nev-jjj chain map, clicks a
node with the mouse at its rendered position and reads its side panel; runs the cobalt scenario
(cobalt-cd-cut) from the scenarios page and waits for the charts; downloads the PDF report and finds
its Chinese headings with pypdf. No page visited shows a Beijing firm's name; every screenshot is
checked to be non-blank. Skipped only when /usr/bin/chromium is absent.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web.browser import (
    CHROMIUM,
    DATASET,
    Server,
    launch_chromium,
    png_pixel_stats,
    prepare_db,
    signed_in_page,
)

from chainleader.services.datasets import bundled_path

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")

CHAIN = "nev"
NODE = "P_ADAS_DCU"  # made by 3 Beijing firms, foreign firms and firms of other provinces
TIMEOUT_MS = 60_000


def _beijing_names() -> set[str]:
    with (bundled_path(DATASET) / "enterprises.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    bj = [r for r in rows if r["country"] == "CN" and r["region"].startswith("11")]
    others = {r[k] for r in rows if r not in bj for k in ("name_zh", "name_en")}
    names = {r[k] for r in bj for k in ("name_zh", "name_en") if r[k] and r[k] not in others}
    assert len(names) > 50
    return names


BEIJING_NAMES = _beijing_names()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("browser")
    url = prepare_db(tmp / "web.sqlite")
    with Server(url, log_path=tmp / "server.log", warm=True) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launch_chromium() as b:
        yield b


@pytest.fixture
def hebei(server: Server, browser: Any, tmp_path: Path) -> Iterator[Any]:
    """A page signed in as the Hebei chain-leader office through the login form."""
    page = signed_in_page(browser, server.url, "hebei-office", timeout_ms=TIMEOUT_MS, accept_downloads=True)
    context, errors = page.context, page.errors
    assert "cl_session" in {c["name"] for c in context.cookies()}
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors in the pages: {errors}"


def assert_not_blank(png: bytes, what: str) -> None:
    colours, variance = png_pixel_stats(png)
    assert colours >= 16 and variance > 50.0, f"{what}: screenshot looks blank ({colours} colours, variance {variance:.1f})"


def assert_no_beijing_names(text: str, where: str) -> None:
    text = html.unescape(re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text))
    found = sorted(n for n in BEIJING_NAMES if n in text)
    assert not found, f"{where} shows Beijing's confidential firms: {found[:5]}"


def test_png_check_tells_blank_from_drawn() -> None:
    """The non-blank check can fail: a uniform image is blank, a drawn one is not."""
    from PIL import Image, ImageDraw

    blank, drawn = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(blank, "PNG")
    img = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(img).rectangle((20, 20, 120, 80), fill=(214, 69, 65))
    for i in range(20):
        ImageDraw.Draw(img).line((i * 10, 0, 200 - i * 10, 100), fill=(i * 12, 80, 200 - i * 8))
    img.save(drawn, "PNG")
    with pytest.raises(AssertionError, match="blank"):
        assert_not_blank(blank.getvalue(), "white")
    assert_not_blank(drawn.getvalue(), "drawn")
    from web.browser import _png_stats_zlib

    assert _png_stats_zlib(blank.getvalue()) == (1, 0.0)
    assert _png_stats_zlib(drawn.getvalue())[0] == png_pixel_stats(drawn.getvalue())[0]


def test_chain_map_click_a_node_opens_its_panel(hebei: Any) -> None:
    page = hebei
    page.goto(f"/chains/{DATASET}/{CHAIN}/map")
    page.wait_for_selector("body[data-map-ready='1']")
    n_nodes = page.evaluate("document.getElementById('cy')._cyreg.cy.nodes().length")
    assert n_nodes > 50
    assert_not_blank(page.screenshot(full_page=True), "chain map page")
    assert_not_blank(page.locator("#cy").screenshot(), "chain map canvas")
    # bring the node into view as a user zooming in would, then click where it is drawn
    page.evaluate("""(id) => { const cy = document.getElementById('cy')._cyreg.cy;
                               cy.zoom(1.5); cy.center(cy.getElementById(id)); }""", NODE)
    box = page.evaluate("""(id) => { const el = document.getElementById('cy'); const r = el.getBoundingClientRect();
                                     const p = el._cyreg.cy.getElementById(id).renderedPosition();
                                     return {x: r.left + p.x, y: r.top + p.y}; }""", NODE)
    page.mouse.click(box["x"], box["y"])
    panel = page.locator("#nodepanel")
    panel.locator("h3", has_text="智能驾驶域控制器").wait_for()
    panel.locator("table").first.wait_for()
    assert page.evaluate("(id) => document.getElementById('cy')._cyreg.cy.getElementById(id).selected()", NODE)
    assert NODE in page.url  # the page remembers the selected node
    text = panel.inner_text()
    assert "企业" in text and "备份" in text
    rows = panel.locator("table").first.locator("tbody tr")
    assert rows.count() >= 3  # foreign firms and firms Hebei may see
    hidden = re.search(r"另有 (\d+) 家其他地区企业未授权显示", text)  # Beijing's firms are counted, not shown
    assert hidden and int(hidden.group(1)) >= 3, text[:500]
    assert_no_beijing_names(text, "node panel")
    assert_no_beijing_names(page.content(), "chain map page")
    assert_not_blank(panel.screenshot(), "node panel")


def test_run_the_cobalt_scenario_and_see_its_charts(hebei: Any) -> None:
    page = hebei
    page.goto("/scenarios")
    assert_no_beijing_names(page.content(), "scenarios page")
    page.click(f"a[href='/scenarios/{DATASET}/cobalt-cd-cut']")
    page.wait_for_url(f"**/scenarios/{DATASET}/cobalt-cd-cut")
    page.fill("input[name=runs]", "1")
    page.click("#run-form button[type=submit]")
    page.wait_for_selector("#run-link:not(.hidden)", timeout=90_000)
    assert "完成" in page.inner_text("#run-status")
    for chart in ("#run-result .chart-output", "#run-result .chart-products"):
        page.wait_for_selector(f"{chart} canvas")
        assert page.evaluate(f"!!window.echarts.getInstanceByDom(document.querySelector('{chart}'))")
        assert_not_blank(page.locator(chart).screenshot(), chart)
    figures = page.inner_text("#run-result .figures-slot")
    assert figures.strip()
    assert page.inner_text("#run-result .explain-slot").strip()
    assert_not_blank(page.screenshot(full_page=True), "scenario page")
    assert_no_beijing_names(page.content(), "scenario page")
    page.click("#run-link")
    page.wait_for_url("**/runs/*")
    page.wait_for_selector(".chart-output canvas")
    assert_not_blank(page.screenshot(full_page=True), "run page")
    assert_no_beijing_names(page.content(), "run page")


def test_download_the_pdf_report(hebei: Any) -> None:
    from pypdf import PdfReader

    page = hebei
    page.goto(f"/chains/{DATASET}/{CHAIN}")
    assert_not_blank(page.screenshot(full_page=True), "overview page")
    assert_no_beijing_names(page.content(), "overview page")
    with page.expect_download(timeout=90_000) as info:
        page.click("a[href*='report?format=pdf']")
    download = info.value
    path = download.path()
    assert path is not None
    data = Path(path).read_bytes()
    assert data[:5] == b"%PDF-"
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(p.extract_text() or "" for p in reader.pages)
    for heading in ("风险清单", "产业链图谱", "情景模拟", "方法说明"):
        assert heading in text, f"the PDF lacks the heading {heading}"
    assert len(reader.pages) >= 3
    assert_no_beijing_names(text, "PDF report")
    page.goto(f"/chains/{DATASET}/{CHAIN}/register")
    assert_not_blank(page.screenshot(full_page=True), "register page")
    assert_no_beijing_names(page.content(), "register page")
    page.goto(f"/chains/{DATASET}/{CHAIN}/provinces")
    assert_not_blank(page.screenshot(full_page=True), "provinces page")
    assert_no_beijing_names(page.content(), "provinces page")
