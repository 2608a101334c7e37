"""``chainleader serve``: start the web platform (FastAPI on uvicorn).

With ``--demo`` (the default without ``--db``) the bundled datasets are imported into the database
when missing, the demo accounts are created, and the URL and the demo accounts are printed before
serving; every chain is assessed at startup. The demo passwords are also written to
``$CHAINLEADER_HOME/demo-accounts.txt`` (default ``~/.chainleader``, mode 0600).

The CLI does not import ``chainleader.web`` (the two clients are siblings, docs/architecture.md):
uvicorn loads the app factory ``chainleader.web.app:app_from_env`` by name, configured through the
environment (``CHAINLEADER_DB``, ``CHAINLEADER_SECURE_COOKIES``, ``CHAINLEADER_WARM``).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from chainleader.cli.output import console, err_console
from chainleader.governance.access import Role
from chainleader.model.errors import ChainleaderError
from chainleader.model.reference import division

if TYPE_CHECKING:
    from chainleader.services.accounts import Accounts

__all__ = ["APP_FACTORY", "demo_accounts", "register", "write_accounts_file"]

APP_FACTORY = "chainleader.web.app:app_from_env"
ACCOUNTS_FILE = "demo-accounts.txt"
_FIELDS = ("username", "password", "role", "regions", "enterprise", "description_zh")


def _home() -> Path:
    home = Path(os.environ.get("CHAINLEADER_HOME") or Path.home() / ".chainleader").expanduser()
    home.mkdir(parents=True, exist_ok=True)
    return home


def _read_accounts_file(path: Path) -> dict[str, str]:
    """username -> password from an earlier demo-accounts file (tab-separated, '#' comments)."""
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0] != "username":
            out[parts[0]] = parts[1]
    return out


def write_accounts_file(path: Path, accounts: list[dict[str, Any]], url: str) -> Path:
    """Write the demo accounts (with passwords) readable by the owner only (0600)."""
    lines = [
        "# chainleader 演示账号 / demo accounts — 仅供演示，请勿用于生产 / for demonstration only",
        f"# {url}",
        "\t".join(_FIELDS),
    ]
    for a in accounts:
        lines.append("\t".join([a["username"], a["password"] or "", a["role"], ";".join(a["regions"]),
                                a["enterprise"] or "", a["description_zh"]]))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.chmod(path, 0o600)  # also when the file existed with wider permissions
    return path


def demo_accounts(accounts: Accounts, known: dict[str, str]) -> list[dict[str, Any]]:
    """Seed the demo accounts; every entry with a usable password.

    Accounts created now come with their new password; ones that existed already keep the password
    recorded in the demo-accounts file (``known``); when that file lost it, the demo password is reset
    (by the demo administrator, audited) so the printed table always works.
    """
    seeded = accounts.seed_demo_accounts()
    missing = [a for a in seeded if a["password"] is None and a["username"] not in known]
    if missing:
        users, _ = accounts.list_users(1, 200)
        ids = {u["username"]: int(u["id"]) for u in users}
        admin = accounts.principal(ids["admin"]) if "admin" in ids else None
        if admin is None or admin.role is not Role.ADMIN:
            raise ChainleaderError(
                "演示管理员账号 admin 不存在或已停用，无法重置演示密码；请使用新的数据库（--db）或恢复 admin。 / "
                "the demo administrator 'admin' is missing or deactivated, so demo passwords cannot be reset; "
                "use a fresh database (--db) or reactivate 'admin'."
            )
        for a in missing:
            new = secrets.token_urlsafe(12)
            accounts.update_user(ids[a["username"]], actor=admin, password=new)
            a["password"] = new
    for a in seeded:
        if a["password"] is None:
            a["password"] = known[a["username"]]
    return seeded


def _region_text(regions: list[str]) -> str:
    names = []
    for code in regions:
        d = division(code)
        names.append(f"{d.name_zh} {code}" if d else code)
    return "、".join(names) or "—"


def _print_accounts(url: str, accounts: list[dict[str, Any]], path: Path) -> None:
    table = Table(title="演示账号 / demo accounts", show_lines=False)
    for header in ("用户名 username", "密码 password", "角色 role", "地区 region", "说明 description"):
        table.add_column(header)
    for a in accounts:
        role = Role(a["role"])
        region = _region_text(a["regions"]) if a["regions"] else (
            f"企业 enterprise {a['enterprise']}" if a["enterprise"] else "全部 all")
        table.add_row(a["username"], a["password"], f"{role.label_zh} / {role.label_en}", region,
                      a["description_zh"])
    console.print(table)
    console.print(f"密码已保存到 / passwords saved to: {path}（仅本人可读 / owner-only, 0600）")
    console.print(f"[bold green]打开 / open: {url}[/bold green]  API: {url}api/v1/docs  "
                  "（Ctrl+C 停止 / to stop）")


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``chainleader`` CLI."""

    @app.command("serve")
    def serve_cmd(
        host: Annotated[str, typer.Option(help="监听地址 / address to listen on")] = "127.0.0.1",
        port: Annotated[int, typer.Option(min=1, max=65535, help="端口 / port")] = 8000,
        db: Annotated[str | None, typer.Option(
            "--db", help="数据库 URL（默认嵌入式 SQLite；也可用环境变量 CHAINLEADER_DB） / database URL")] = None,
        demo: Annotated[bool | None, typer.Option(
            "--demo/--no-demo",
            help="导入内置数据集、创建演示账号并打印（未给 --db 时默认开启） / load the bundled datasets, create and "
                 "print the demo accounts (default when no --db is given)")] = None,
        secure_cookies: Annotated[bool, typer.Option(
            "--secure-cookies", help="会话 Cookie 加 Secure 标记（经 https 提供服务时） / Secure cookies behind https")]
        = False,
    ) -> None:
        """启动网页平台 / start the web platform (JSON API under /api/v1 and the pages)."""
        import uvicorn

        from chainleader.services.workspace import Workspace  # heavy: only when serving

        use_demo = db is None if demo is None else demo
        url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
        with Workspace(db) as ws:
            db_url = ws.db_url
            if use_demo:
                imported = ws.ensure_bundled()
                if imported:
                    err_console.print(f"已导入内置数据集 / imported bundled datasets: {', '.join(imported)}")
                path = _home() / ACCOUNTS_FILE
                accounts = demo_accounts(ws.accounts, _read_accounts_file(path))
                write_accounts_file(path, accounts, url)
                _print_accounts(url, accounts, path)
            else:
                console.print(f"[bold green]打开 / open: {url}[/bold green]  API: {url}api/v1/docs")
        os.environ["CHAINLEADER_DB"] = db_url
        os.environ["CHAINLEADER_SECURE_COOKIES"] = "1" if secure_cookies else "0"
        os.environ["CHAINLEADER_WARM"] = "1" if use_demo else "0"
        if use_demo:
            err_console.print("正在评估全部产业链，完成后开始服务… / assessing every chain before serving…")
        uvicorn.run(APP_FACTORY, factory=True, host=host, port=port, log_level="info", server_header=False)
