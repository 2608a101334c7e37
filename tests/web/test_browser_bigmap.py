"""Chain map of a big chain (> 1,500 products) in headless Debian chromium (issue #5).

Big chains draw their bill-of-materials edges on a plain canvas under cytoscape (``map.js``
``makeEdgeLayer``): the first frame comes in well under a second instead of three at 5,000 nodes. This
test pins what that path must still do: every edge is drawn (grey pixels on the edge layer), cytoscape
holds only the product nodes, a click on a node opens its panel and adds exactly the edges of its
upstream and downstream paths (checked against the API's edge list), labels appear on zooming in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from web.browser import CHROMIUM, Server, launch_chromium, png_pixel_stats, prepare_db, signed_in_page

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is not installed")

MAP = "/chains/syn/synthetic_all/map"


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from chainleader.generators import write_generated_csv

    tmp = tmp_path_factory.mktemp("bigmap")
    write_generated_csv(tmp / "syn", 2500, 1600, seed=3)
    url = prepare_db(tmp / "web.sqlite", dataset_dirs=[(tmp / "syn", "syn")])
    with Server(url, log_path=tmp / "server.log", warm=True, startup_timeout=600,
                extra_env={"CHAINLEADER_LP": "0"}) as server, launch_chromium() as browser:
        pg = signed_in_page(browser, server.url, "admin")
        pg.goto(MAP)
        pg.wait_for_selector("body[data-map-ready='1']", state="attached")
        yield pg
        assert not pg.errors, pg.errors
        pg.context.close()


def _paths(edges: list[dict[str, Any]], start: str) -> set[tuple[str, str]]:
    """Edges on every path into and out of ``start`` (its inputs recursively, and the products it feeds)."""
    up, down = defaultdict(list), defaultdict(list)
    for e in edges:
        up[e["target"]].append(e["source"])
        down[e["source"]].append(e["target"])
    out: set[tuple[str, str]] = set()
    for adj, upward in ((up, True), (down, False)):
        seen, stack = {start}, [start]
        while stack:
            v = stack.pop()
            for u in adj[v]:
                out.add((u, v) if upward else (v, u))
                if u not in seen:
                    seen.add(u)
                    stack.append(u)
    return out


def test_big_map_draws_every_edge_on_the_layer_and_only_nodes_in_cytoscape(page: Any) -> None:
    data = page.context.request.get("/api/v1/chains/syn/synthetic_all/map").json()
    assert len(data["nodes"]) > 1500 and len(data["edges"]) > 3000
    counts = page.evaluate("(() => { const cy = document.getElementById('cy')._cyreg.cy;"
                           " return [cy.nodes().length, cy.edges().length]; })()")
    assert counts == [len(data["nodes"]), 0]
    layer = page.locator("#cy canvas.edgelayer")
    assert layer.count() == 1
    # the layer alone (cytoscape's canvases hidden): grey edge pixels over a transparent background
    page.evaluate("document.querySelectorAll('#cy .__________cytoscape_container').forEach(d => d.style.visibility = 'hidden')")
    distinct, nonwhite = png_pixel_stats(page.locator("#cy").screenshot())
    page.evaluate("document.querySelectorAll('#cy .__________cytoscape_container').forEach(d => d.style.visibility = '')")
    assert distinct >= 2 and nonwhite > 0.01, (distinct, nonwhite)


def test_click_adds_exactly_the_edges_of_the_node_paths_and_opens_the_panel(page: Any) -> None:
    data = page.context.request.get("/api/v1/chains/syn/synthetic_all/map").json()
    node = page.evaluate("""(() => { const cy = document.getElementById('cy')._cyreg.cy;
        const r = document.getElementById('cy').getBoundingClientRect();
        const n = cy.nodes().filter(x => { const p = x.renderedPosition();
            return p.x > 5 && p.y > 5 && p.x < r.width - 5 && p.y < r.height - 5; })[0];
        const p = n.renderedPosition(); return {id: n.id(), x: r.left + p.x, y: r.top + p.y}; })()""")
    page.mouse.click(node["x"], node["y"])
    page.wait_for_function("() => { const p = document.getElementById('nodepanel');"
                           " return !p.classList.contains('hidden') && p.querySelector('h3') !== null; }")
    shown = page.evaluate("document.getElementById('cy')._cyreg.cy.edges().map(e => [e.source().id(), e.target().id()])")
    assert {tuple(x) for x in shown} == _paths(data["edges"], node["id"])
    assert len(shown) == len({tuple(x) for x in shown})  # no edge twice
    assert page.evaluate(f"document.getElementById('cy')._cyreg.cy.getElementById({node['id']!r}).selected()")
    # closing the panel removes the path again
    page.click("#nodepanel [data-close]")
    assert page.evaluate("document.getElementById('cy')._cyreg.cy.edges().length") == 0


def test_labels_appear_on_zooming_in(page: Any) -> None:
    label = "document.getElementById('cy')._cyreg.cy.nodes()[0].style('label')"
    assert page.evaluate(label) == ""
    page.evaluate("document.getElementById('cy')._cyreg.cy.zoom({level: 1.5, renderedPosition: {x: 300, y: 300}})")
    assert page.evaluate(label) != ""
