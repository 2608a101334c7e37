"""Helpers of the browser tests and the web benchmarks: a real server process and a real chromium.

``prepare_db(path)`` makes a SQLite store with nev-jjj imported and the users of ``USERS`` (known
passwords); ``Server`` starts ``uvicorn --factory chainleader.web.app:app_from_env`` in a subprocess on
a free loopback port over that store and waits for ``/api/v1/health``; ``launch_chromium`` starts the
Debian chromium through Python playwright (``CHROMIUM``; callers skip when it is absent).

Used by tests/web/test_browser.py and benchmarks/bench_web.py (which puts ``tests/web`` on ``sys.path``).
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
APP_FACTORY = "chainleader.web.app:app_from_env"
DATASET = "nev-jjj"
CHAIN = "nev"

# username -> (password, role, regions, enterprise); E0006 is a Hebei firm of nev-jjj
USERS: dict[str, tuple[str, str, list[str], str | None]] = {
    "admin": ("admin-password-1", "admin", [], None),
    "hebei-office": ("hebei-password-1", "office", ["130000"], None),
    "beijing-office": ("beijing-password-1", "office", ["110000"], None),
    "tianjin-analyst": ("tianjin-password-1", "analyst", ["120000"], None),
    "observer": ("observer-password-1", "observer", [], None),
    "firm-user": ("firm-password-123", "enterprise", [], "E0006"),
}
PASSWORDS = {u: spec[0] for u, spec in USERS.items()}


def prepare_db(path: Path, *, dataset_dirs: Sequence[tuple[Path, str]] = (), with_users: bool = True) -> str:
    """A SQLite store at ``path`` with nev-jjj (plus ``(folder, name)`` datasets) and the ``USERS``; its URL."""
    from chainleader.services.datasets import bundled_path, import_into_store
    from chainleader.services.workspace import Workspace

    url = f"sqlite:///{path}"
    import_into_store(bundled_path(DATASET), url, name=DATASET)
    for folder, name in dataset_dirs:
        import_into_store(folder, url, name=name)
    if with_users:
        ws = Workspace(url, with_lp=False)
        try:
            for username, (password, role, regions, enterprise) in USERS.items():
                ws.accounts.create_user(username, password, role, regions=regions, enterprise=enterprise,
                                        display_name=username)
        finally:
            ws.close()
    return url


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``uvicorn`` serving the app factory over ``db_url`` in a subprocess (``with Server(url) as s: s.url``).

    ``warm``: assess every chain before answering (``CHAINLEADER_WARM``); ``workers``: uvicorn workers.
    The server's output goes to ``log_path`` (shown when it fails to start).
    """

    def __init__(self, db_url: str, *, log_path: Path, workers: int = 1, warm: bool = True,
                 startup_timeout: float = 120.0, extra_env: dict[str, str] | None = None) -> None:
        self.db_url, self.log_path, self.workers, self.warm = db_url, log_path, workers, warm
        self.startup_timeout = startup_timeout
        self.extra_env = dict(extra_env or {})
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        env = {**os.environ, "CHAINLEADER_DB": self.db_url, "CHAINLEADER_WARM": "1" if self.warm else "0",
               "CHAINLEADER_SECURE_COOKIES": "0", "PYTHONUNBUFFERED": "1", **self.extra_env}
        cmd = [sys.executable, "-m", "uvicorn", "--factory", APP_FACTORY, "--host", "127.0.0.1",
               "--port", str(self.port), "--workers", str(self.workers), "--log-level", "warning",
               "--no-access-log", "--no-server-header"]
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.startup_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}:\n{self.log_text()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(self.url + "/api/v1/health", timeout=2.0).status_code == 200:
                    return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the server did not answer within {self.startup_timeout} s:\n{self.log_text()}")
            time.sleep(0.2)

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # uvicorn shuts its workers down on SIGTERM
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()

    def token(self, username: str, name: str = "tests") -> str:
        """A new API token of ``username`` (signs in through the API, creates it with the session's CSRF token)."""
        with httpx.Client(base_url=self.url, timeout=30.0) as c:
            r = c.post("/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]})
            r.raise_for_status()
            csrf = r.json()["csrf_token"]
            r = c.post("/api/v1/auth/tokens", json={"name": name}, headers={"X-CSRF-Token": csrf})
            r.raise_for_status()
            return str(r.json()["token"])


@contextlib.contextmanager
def launch_chromium(**kwargs: Any) -> Iterator[Any]:
    """A headless Debian chromium (playwright ``Browser``); the caller checks ``CHROMIUM`` exists first."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, **kwargs)
        try:
            yield browser
        finally:
            browser.close()


def signed_in_page(browser: Any, base_url: str, username: str, *, timeout_ms: int = 60_000,
                   **context_options: Any) -> Any:
    """A new page (1400x900, zh-CN) signed in as ``username`` through the login form; uncaught page errors are
    collected in ``page.errors``."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 900}, locale="zh-CN",
                                  **context_options)
    context.set_default_timeout(timeout_ms)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORDS[username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/")
    page.errors = errors
    return page


def png_pixel_stats(png: bytes) -> tuple[int, float]:
    """(number of distinct colours, variance of the grey level) of a PNG screenshot.

    With PIL when available; otherwise the PNG is decoded here (8-bit RGB/RGBA, non-interlaced, the
    format chromium writes) with zlib and the scanline filters undone.
    """
    try:
        from PIL import Image, ImageStat
    except ImportError:  # pragma: no cover - pillow comes with matplotlib
        return _png_stats_zlib(png)
    img = Image.open(io.BytesIO(png)).convert("RGB")
    colours = img.getcolors(maxcolors=1 << 20)
    n_colours = len(colours) if colours is not None else 1 << 20
    return n_colours, float(ImageStat.Stat(img.convert("L")).var[0])


def _png_stats_zlib(png: bytes) -> tuple[int, float]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width = 8, b"", 0
    height = colour_type = 0
    while pos < len(png):
        length = int.from_bytes(png[pos:pos + 4], "big")
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = int.from_bytes(data[:4], "big"), int.from_bytes(data[4:8], "big")
            assert data[8] == 8 and data[12] == 0, "only 8-bit non-interlaced PNGs"
            colour_type = data[9]
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    bpp = {2: 3, 6: 4}[colour_type]
    raw = zlib.decompress(idat)
    stride = width * bpp
    prev = bytearray(stride)
    greys: list[int] = []
    colours: set[bytes] = set()
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        for x in range(0, stride, bpp):
            px = bytes(line[x:x + 3])
            colours.add(px)
            greys.append((px[0] * 299 + px[1] * 587 + px[2] * 114) // 1000)
        prev = line
    mean = sum(greys) / max(1, len(greys))
    return len(colours), sum((g - mean) ** 2 for g in greys) / max(1, len(greys))
