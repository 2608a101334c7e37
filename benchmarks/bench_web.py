"""Benchmarks of the web platform (issue #5), against a real uvicorn server on loopback.

1. Risk-register endpoint for nev-jjj (``GET /api/v1/chains/nev-jjj/nev/register``, first page of 50, as the
   Hebei chain-leader office with an API token) at ``--rate`` requests/s for ``--seconds``, and
   ``/api/v1/health`` (no database, no analysis) at the same rate as the floor of server plus load generator.
   Load generator (``--client``): **wrk** (Debian's, written in C; default) with 20 keep-alive connections,
   each pausing after an answer so that the total is ~``--rate`` (the achieved rate is printed); paced but
   closed-loop, so a stall is partly hidden (coordinated omission). Or **python**: asyncio + httpx, truly
   open-loop (requests leave on a fixed schedule and latency counts from the scheduled time), but on two cores
   the Python client itself needs a full core near 200/s with 160 KB answers and then measures its own queue.
2. Chain map page with about ``--map-products`` nodes (the ``synthetic_all`` chain of a generated dataset):
   time from navigation start to the map being drawn (``data-map-ready``) and to the first interaction
   answered (a click on a node opens its side panel), in headless Debian chromium. The naive baseline in the
   same run: the same elements in Cytoscape.js with its default force-directed layout (``cose``) and default
   renderer options, the usual first attempt, timed in the same browser up to ``--naive-timeout`` seconds.

Usage:
    .venv/bin/python benchmarks/bench_web.py                       # both parts
    .venv/bin/python benchmarks/bench_web.py --skip-map --rate 200 --seconds 30
    .venv/bin/python benchmarks/bench_web.py --skip-map --client python --rate 100
    .venv/bin/python benchmarks/bench_web.py --skip-register --map-products 5000 --repeat 5
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))

from browser import CHROMIUM, Server, launch_chromium, prepare_db, signed_in_page

REGISTER = "/api/v1/chains/nev-jjj/nev/register?page_size=50"
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


WRK_SCRIPT = """
wrk.headers["Authorization"] = "Bearer %(token)s"
function delay() return %(delay_ms)d end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%.3f %%.3f %%.3f %%.3f\\n", summary.requests, summary.duration,
    e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000,
    latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
"""


def wrk_paced(url: str, path: str, token: str, rate: float, seconds: float, tmp: Path,
              connections: int = 20) -> tuple[str, float]:
    """wrk (C, one thread) with ``connections`` keep-alive connections, each pausing so the total is ~``rate``/s.

    Each connection waits ``connections / rate`` s after an answer before its next request (wrk's Lua ``delay``),
    so the load is paced but closed-loop: a stall delays the paced requests of that connection instead of
    queueing them, which hides part of a stall (coordinated omission). The achieved rate is printed.
    Returns (summary line, p99 in seconds).
    """
    def run(delay_ms: int, secs: float) -> tuple[float, list[float], int, int]:
        script = tmp / "paced.lua"
        script.write_text(WRK_SCRIPT % {"token": token, "delay_ms": delay_ms}, encoding="utf-8")
        out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{secs:.0f}s", "--timeout", "30s",
                              "-s", str(script), url + path], capture_output=True, text=True, check=True).stdout
        f = next(ln for ln in out.splitlines() if ln.startswith("WRK ")).split()[1:]
        return int(f[0]) / (int(f[1]) / 1e6), [float(x) for x in f[4:8]], int(f[2]), int(f[3])

    # calibrate the pause: a connection's cycle is pause + answer time; 5 s at a first guess gives the latter
    guess = round(1000 * connections / rate)
    achieved, _, _, _ = run(guess, 5)
    answer_ms = max(0.0, 1000 * connections / achieved - guess)
    delay_ms = max(1, round(1000 * connections / rate - answer_ms))
    achieved, (p50, p90, p99, mx), sock_err, status_err = run(delay_ms, seconds)
    return (f"achieved {achieved:.0f}/s (pause {delay_ms} ms), {sock_err} socket errors, {status_err} non-2xx; "
            f"p50 {p50:.1f} ms, p90 {p90:.1f} ms, p99 {p99:.1f} ms, max {mx:.1f} ms"), p99 / 1000


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
        client = args.client
        if client == "wrk" and shutil.which("wrk") is None:
            sys.exit("wrk is missing: apt-get install wrk (./scripts/setup --test does), or pass --client python")
        for label, path in (("health (floor)", HEALTH), ("register", REGISTER)):
            runs = []
            for _ in range(args.repeat_load):
                if client == "wrk":
                    text, p99 = wrk_paced(server.url, path, token, args.rate, args.seconds, tmp)
                else:
                    lat, errors = asyncio.run(open_loop(server.url, path, token, args.rate, args.seconds))
                    p99 = float(np.percentile(lat, 99))
                    text = f"{len(lat)} requests at {args.rate:.0f}/s, {errors} errors; {describe(lat)}"
                runs.append(p99)
                print(f"  {label} [{client}]: {text}")
            print(f"RESULT {label} at {args.rate:.0f} req/s ({client}), {args.workers} uvicorn worker(s): median p99 "
                  f"{1000 * statistics.median(runs):.1f} ms over {len(runs)} run(s) of {args.seconds:.0f} s")


NAIVE_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0}
#cy{width:1400px;height:760px}</style></head><body><div id="cy"></div></body></html>"""


def bench_map(tmp: Path, args: argparse.Namespace) -> None:
    from chainleader.generators import write_generated_csv

    folder = tmp / "syn"
    write_generated_csv(folder, args.map_firms, args.map_products, seed=1)
    url = prepare_db(tmp / "map.sqlite", dataset_dirs=[(folder, "syn")])
    # the map does not need the stress-test LPs (one per product, firm and province: ~20 min at this size)
    with Server(url, log_path=tmp / "map-server.log", warm=True, startup_timeout=600,
                extra_env={"CHAINLEADER_LP": "0"}) as server, \
            launch_chromium() as browser:
        page = signed_in_page(browser, server.url, "admin", timeout_ms=120_000)
        context, errors = page.context, page.errors
        map_path = "/chains/syn/synthetic_all/map"
        data = context.request.get("/api/v1/chains/syn/synthetic_all/map").json()
        n_nodes, n_edges = len(data["nodes"]), len(data["edges"])
        print(f"chain map: {n_nodes} nodes, {n_edges} edges")
        ready, interactive, server_ms = [], [], []
        phases: list[dict[str, float]] = []
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
            marks = page.evaluate("Object.fromEntries(performance.getEntriesByType('mark')"
                                  ".map(m => [m.name, m.startTime]))")
            phases.append({"script start": marks["cl-map-start"], "cytoscape built": marks["cl-map-cytoscape"],
                           "first frame drawn": marks["cl-map-rendered"], "click": marks["cl-map-tap"],
                           "panel shown": marks["cl-map-panel"]})
            ready.append(t_ready / 1000)
            interactive.append(t_inter / 1000)
            server_ms.append(nav)
        assert not errors, errors
        png = page.locator("#cy").screenshot()
        (tmp / "map.png").write_bytes(png)
        print(f"  page HTML (map data embedded) served in median {statistics.median(server_ms):.0f} ms")
        print("  where the time goes (median ms after navigation start, performance marks of map.js): "
              + ", ".join(f"{k} {statistics.median(p[k] for p in phases):.0f}" for k in phases[0]))
        print(f"RESULT chain map {n_nodes} nodes / {n_edges} edges: drawn at median "
              f"{statistics.median(ready):.2f} s, first click answered at median {statistics.median(interactive):.2f} s "
              f"after navigation start, over {args.repeat} loads (runs: "
              + ", ".join(f"{x:.2f}" for x in interactive) + ")")

        if args.skip_naive:
            context.close()
            return
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
    ap.add_argument("--client", choices=["wrk", "python"], default="wrk",
                    help="load generator: wrk (C, paced, closed-loop) or python (asyncio+httpx, open-loop; "
                         "CPU-bound near 200/s on 2 cores)")
    ap.add_argument("--map-products", type=int, default=5000)
    ap.add_argument("--map-firms", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--naive-timeout", type=float, default=120.0)
    ap.add_argument("--skip-register", action="store_true")
    ap.add_argument("--skip-map", action="store_true")
    ap.add_argument("--skip-naive", action="store_true", help="skip the naive cose baseline (~10 min at 5,000 nodes)")
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
