"""Helpers of the page tests: sign in through the login form, parse pages, check the no-inline-code rule."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any


def page_login(client: Any, username: str, password: str) -> None:
    """Sign ``client`` in through the HTML login form (cookie kept by the client)."""
    r = client.post("/login", data={"username": username, "password": password, "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/"


class PageParser(HTMLParser):
    """Collects what the tests look at: headings, scripts, inline handlers/styles, JSON blocks, CSRF meta."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[dict[str, str | None]] = []
        self.inline_handlers: list[str] = []
        self.style_attrs: list[str] = []
        self.style_elements = 0
        self.json_blocks: dict[str, str] = {}
        self.headings: list[tuple[str, str]] = []
        self.meta: dict[str, str] = {}
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self._heading: str | None = None
        self._heading_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name, _ in attrs:
            if name.lower().startswith("on"):
                self.inline_handlers.append(f"<{tag} {name}>")
            if name.lower() == "style":
                self.style_attrs.append(f"<{tag} style>")
        if tag == "script":
            self._script = a
            self._script_text = []
        elif tag == "style":
            self.style_elements += 1
        elif tag in ("h1", "h2", "h3"):
            self._heading, self._heading_text = tag, []
        elif tag == "meta" and a.get("name"):
            self.meta[str(a["name"])] = str(a.get("content") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            text = "".join(self._script_text)
            self.scripts.append({**self._script, "_text": text})
            if self._script.get("type") == "application/json" and self._script.get("id"):
                self.json_blocks[str(self._script["id"])] = text
            self._script = None
        elif tag == self._heading:
            self.headings.append((tag, " ".join("".join(self._heading_text).split())))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)
        if self._heading is not None:
            self._heading_text.append(data)


def parse(html: str) -> PageParser:
    p = PageParser()
    p.feed(html)
    p.close()
    return p


def assert_no_inline_code(html: str) -> PageParser:
    """Every <script> loads a file under /static or is a JSON data block; no inline handlers or styles."""
    p = parse(html)
    for s in p.scripts:
        src, typ, text = s.get("src"), s.get("type"), s.get("_text") or ""
        if src is not None:
            assert str(src).startswith("/static/"), src
            assert not text.strip(), f"script with src has inline code: {src}"
        else:
            assert typ == "application/json", f"inline script without src: {text[:80]!r}"
            json.loads(text)  # a data block must be valid JSON
    assert not p.inline_handlers, p.inline_handlers
    assert not p.style_attrs, p.style_attrs
    assert p.style_elements == 0
    return p


def h1(html: str) -> str:
    heads = [text for tag, text in parse(html).headings if tag == "h1"]
    assert heads, "page has no <h1>"
    return heads[0]
