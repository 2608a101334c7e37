"""Benchmarks of the web platform (issue #5), against a real uvicorn server on loopback.

1. Risk-register endpoint for nev-jjj (``GET /api/v1/chains/nev-jjj/nev/register``, first page of 50, as the
   Hebei chain-leader office with an API token) under an **open-loop** load of ``--rate`` requests/s for
   ``--seconds``: requests are sent on a fixed schedule whatever the answers do, and each latency is measured
   from its *scheduled* send time, so a stalled server cannot hide its queue (no coordinated omission). The
   load generator is Python (asyncio + httpx, keep-alive pool) on the same two cores as the server; the same
   run measures ``/api/v1/health`` (no database, no analysis) at the same rate as the floor of server plus
   load generator, so the register's own cost is the difference.
2. Chain map page with about ``--map-products`` nodes (the ``synthetic_all`` chain of a generated dataset):
   time from navigation start to the map being drawn (``data-map-ready``) and to the first interaction
   answered (a click on a node opens its side panel), in headless Debian chromium. The naive baseline in the
   same run: the same elements in Cytoscape.js with its default force-directed layout (``cose``) and default
   renderer options, the usual first attempt, timed in the same browser up to ``--naive-timeout`` seconds.

Usage:
    .venv/bin/python benchmarks/bench_web.py                       # both parts
    .venv/bin/python benchmarks/bench_web.py --skip-map --rate 200 --seconds 30
    .venv/bin/python benchmarks/bench_web.py --skip-register --map-products 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))

from browser import CHROMIUM, PASSWORDS, Server, launch_chromium, prepare_db

REGISTER = "/api/v1/chains/nev-jjj/nev/register?limit=50"
HEALTH = "/api/v1/health"


async def open_loop(url: str, path: str, token: str, rate: float, seconds: float) -> tuple[np.ndarray, int]:
    """Latencies (s, from the scheduled send time) of ``rate * seconds`` GETs sent on a fixed schedule."""
    n = int(rate * seconds)
    lat = np.full(n, np.nan)
    errors = 0
    limits = httpx.Limits(max_connections=256, max_keepalive_connections=256)
    async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                 timeout=30.0) as client:
        # warm-up: a few sequential requests open the first connections and fill the server's caches
        for _ in range(20):
            (await client.get(path)).raise_for_status()
        start = time.perf_counter() + 0.05

        async def one(i: int) -> None:
            nonlocal errors
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                r = await client.get(path)
                if r.status_code != 200:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            lat[i] = time.perf_counter() - due

        await asyncio.gather(*(one(i) for i in range(n)))
    return lat, errors


def describe(lat: np.ndarray) -> str:
    ms = 1000 * lat
    return (f"p50 {np.percentile(ms, 50):.1f} ms, p90 {np.percentile(ms, 90):.1f} ms, "
            f"p99 {np.percentile(ms, 99):.1f} ms, max {ms.max():.1f} ms")


def bench_register(tmp: Path, args: argparse.Namespace) -> None:
    url = prepare_db(tmp / "register.sqlite")
    with Server(url, log_path=tmp / "register-server.log", workers=args.workers, warm=True) as server:
        token = server.token("hebei-office", "bench")
        with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
            page = c.get(REGISTER).json()
            print(f"register page: {len(page['items'])} of {page['total']} risk points, "
                  f"{len(c.get(REGISTER).content)} bytes")
        for label, path in (("health (floor)", HEALTH), ("register", REGISTER)):
            runs = []
            for _ in range(args.repeat_load):
                lat, errors = asyncio.run(open_loop(server.url, path, token, args.rate, args.seconds))
                runs.append(float(np.percentile(lat, 99)))
                print(f"  {label}: {len(lat)} requests at {args.rate:.0f}/s, {errors} errors; {describe(lat)}")
            print(f"RESULT {label} at {args.rate:.0f} req/s, {args.workers} uvicorn worker(s): median p99 "
                  f"{1000 * statistics.median(runs):.1f} ms over {len(runs)} run(s) of {args.seconds:.0f} s")


NAIVE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0}
#cy{width:1400px;height:760px}</style></head><body><div id="cy"></div></body></html>"""


def bench_map(tmp: Path, args: argparse.Namespace) -> None:
    from chainleader.generators import write_generated_csv

    folder = tmp / "syn"
    write_generated_csv(folder, args.map_firms, args.map_products, seed=1)
    url = prepare_db(tmp / "map.sqlite", dataset_dirs=[(folder, "syn")])
    with Server(url, log_path=tmp / "map-server.log", warm=True, startup_timeout=600) as server, \
            launch_chromium() as browser:
        context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 900}, locale="zh-CN")
        context.set_default_timeout(120_000)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/login")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", PASSWORDS["admin"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{server.url}/")
        map_path = "/chains/syn/synthetic_all/map"
        data = context.request.get("/api/v1/chains/syn/synthetic_all/map").json()
        n_nodes, n_edges = len(data["nodes"]), len(data["edges"])
        print(f"chain map: {n_nodes} nodes, {n_edges} edges")
        ready, interactive, server_ms = [], [], []
        for _ in range(args.repeat):
            page.goto(map_path, wait_until="commit")
            page.wait_for_selector("body[data-map-ready='1']", state="attached")
            t_ready = page.evaluate("performance.now()")
            nav = page.evaluate("(() => { const e = performance.getEntriesByType('navigation')[0];"
                                " return e.responseEnd - e.requestStart; })()")
            # click the first node in the viewport and wait for its side panel
            node = page.evaluate("""(() => { const cy = document.getElementById('cy')._cyreg.cy;
                const n = cy.nodes()[0]; const p = n.renderedPosition();
                const r = document.getElementById('cy').getBoundingClientRect();
                return {x: r.left + p.x, y: r.top + p.y}; })()""")
            page.mouse.click(node["x"], node["y"])
            page.wait_for_function("() => { const p = document.getElementById('nodepanel');"
                                   " return !p.classList.contains('hidden') && p.querySelector('h3') !== null; }")
            t_inter = page.evaluate("performance.now()")
            ready.append(t_ready / 1000)
            interactive.append(t_inter / 1000)
            server_ms.append(nav)
        assert not errors, errors
        png = page.locator("#cy").screenshot()
        (tmp / "map.png").write_bytes(png)
        print(f"  page HTML (map data embedded) served in median {statistics.median(server_ms):.0f} ms")
        print(f"RESULT chain map {n_nodes} nodes / {n_edges} edges: drawn at median "
              f"{statistics.median(ready):.2f} s, first click answered at median {statistics.median(interactive):.2f} s "
              f"after navigation start, over {args.repeat} loads (runs: "
              + ", ".join(f"{x:.2f}" for x in interactive) + ")")

        # naive baseline: same elements, cytoscape defaults (cose layout), same browser
        vendor = Path(__file__).resolve().parents[1] / "chainleader" / "web" / "static" / "vendor" / "cytoscape.min.js"
        naive = context.new_page()
        naive.set_content(NAIVE_PAGE)
        naive.add_script_tag(path=str(vendor))
        els = ([{"data": {"id": n["id"], "label": n.get("label") or n["id"]}} for n in data["nodes"]]
               + [{"data": {"id": f"e{i}", "source": e["source"], "target": e["target"]}}
                  for i, e in enumerate(data["edges"])])
        naive.evaluate("els => { window.ELS = els; }", els)
        t = naive.evaluate(f"""() => new Promise(resolve => {{
            const t0 = performance.now();
            const timer = setTimeout(() => resolve(-1), {int(args.naive_timeout * 1000)});
            const cy = cytoscape({{container: document.getElementById('cy'), elements: window.ELS,
                                   layout: {{name: 'cose', animate: false, stop: () => requestAnimationFrame(() => {{
                                       clearTimeout(timer); resolve((performance.now() - t0) / 1000); }})}}}});
        }})""")
        naive_s = f"did not finish within {args.naive_timeout:.0f} s" if t < 0 else f"{t:.2f} s"
        print(f"RESULT naive baseline (cytoscape defaults, cose layout) on the same {n_nodes} nodes: {naive_s}"
              + ("" if t < 0 else f" -> ours {t / statistics.median(interactive):.1f}x faster to interactive"))
        context.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rate", type=float, default=200.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--repeat-load", type=int, default=3)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--map-products", type=int, default=5000)
    ap.add_argument("--map-firms", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    ap.add_argument("--skip-register", action="store_true")
    ap.add_argument("--skip-map", action="store_true")
    args = ap.parse_args()
    import fastapi
    import uvicorn

    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"fastapi {fastapi.__version__}, uvicorn {uvicorn.__version__}, httpx {httpx.__version__}")
    with tempfile.TemporaryDirectory(prefix="bench-web-") as d:
        tmp = Path(d)
        if not args.skip_register:
            bench_register(tmp, args)
        if not args.skip_map:
            if not Path(CHROMIUM).exists():
                sys.exit(f"{CHROMIUM} is missing: apt-get install chromium (./scripts/setup --test does)")
            bench_map(tmp, args)
            if os.environ.get("BENCH_WEB_KEEP_PNG"):
                Path(os.environ["BENCH_WEB_KEEP_PNG"]).write_bytes((tmp / "map.png").read_bytes())


if __name__ == "__main__":
    main()
