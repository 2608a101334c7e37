"""A throwaway PostgreSQL server for the tests: initdb + pg_ctl in a temp dir on a free port.

Binaries come from /usr/lib/postgresql/<version>/bin (Debian package ``postgresql``, which
``./scripts/setup --test`` installs). initdb/postgres refuse to run as root, so when the
tests run as root the server runs as the ``postgres`` system user through ``runuser``.
Authentication is ``trust`` on 127.0.0.1 only. Each pytest(-xdist) worker starts its own
server; it is stopped at session end and, failing that, by ``atexit``. Servers left behind
by a killed test run (their owner pid is gone) are stopped the next time one starts.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

PREFIX = "chainleader-pg-"
SETUP_HINT = (
    "未找到 PostgreSQL 服务器程序（initdb/pg_ctl）。请运行 ./scripts/setup --test 安装，"
    "或设置 CHAINLEADER_SKIP_PG=1 跳过 PostgreSQL 测试。 / PostgreSQL server binaries "
    "(initdb/pg_ctl) not found; run ./scripts/setup --test to install them, or set "
    "CHAINLEADER_SKIP_PG=1 to skip the PostgreSQL tests."
)


class PgServerError(RuntimeError):
    """The throwaway server could not be started."""


def find_bindir() -> Path | None:
    """The newest /usr/lib/postgresql/<v>/bin holding initdb and pg_ctl (or $CHAINLEADER_PG_BIN)."""
    candidates = [os.environ["CHAINLEADER_PG_BIN"]] if os.environ.get("CHAINLEADER_PG_BIN") else []
    found = glob.glob("/usr/lib/postgresql/*/bin")
    found.sort(key=lambda p: int(Path(p).parent.name) if Path(p).parent.name.isdigit() else 0, reverse=True)
    candidates += found
    for c in candidates:
        d = Path(c)
        if (d / "initdb").is_file() and (d / "pg_ctl").is_file():
            return d
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class PgServer:
    """One running server; ``url(db)`` gives a SQLAlchemy URL for database ``db``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.base: Path | None = None
        self.port = 0
        self.user = "postgres"
        self._as: list[str] = []
        self._uid: int | None = None
        self._gid: int | None = None
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PgServerError(
                    "以 root 运行测试时需要系统用户 postgres（由 Debian postgresql 软件包创建）。请运行 "
                    "./scripts/setup --test。 / running the tests as root needs the 'postgres' system user "
                    "(created by the Debian postgresql package); run ./scripts/setup --test."
                ) from exc
            self._uid, self._gid = pw.pw_uid, pw.pw_gid
            self._as = ["runuser", "-u", "postgres", "--"]

    # -- process helpers -------------------------------------------------------------
    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*self._as, *args], capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )

    def _chown(self, path: Path) -> None:
        if self._uid is not None and self._gid is not None:
            os.chown(path, self._uid, self._gid)

    @property
    def data(self) -> Path:
        assert self.base is not None
        return self.base / "data"

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> PgServer:
        reap_orphans(self)
        self.base = Path(tempfile.mkdtemp(prefix=PREFIX, dir="/tmp" if Path("/tmp").is_dir() else None))
        os.chmod(self.base, 0o755)
        (self.base / "owner.pid").write_text(str(os.getpid()))
        sock = self.base / "sock"
        sock.mkdir()
        self._chown(self.base)
        self._chown(sock)
        atexit.register(self.stop)
        init = self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
            "-E", "UTF8", "--locale=C", "--no-sync",
        )
        if init.returncode != 0:
            self.stop()
            raise PgServerError(f"initdb failed:\n{init.stdout}\n{init.stderr}")
        last = ""
        for _attempt in range(5):
            self.port = free_port()
            opts = (
                f"-p {self.port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
            )
            started = self._run(
                str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", opts,
                "-l", str(self.base / "server.log"), "-w", "-t", "60", "start",
            )
            if started.returncode == 0:
                return self
            log = self.base / "server.log"
            last = started.stdout + started.stderr + (log.read_text(errors="replace") if log.exists() else "")
            if "could not bind" not in last and "already in use" not in last:
                break
        self.stop()
        raise PgServerError(f"pg_ctl start failed:\n{last}")

    def stop(self) -> None:
        base, self.base = self.base, None
        if base is None:
            return
        if (base / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*self._as, str(self.bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=60, check=False, cwd="/",
            )
        shutil.rmtree(base, ignore_errors=True)

    # -- databases -----------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user={self.user} dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def create_database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        self._admin(f'CREATE DATABASE "{name}"')
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def reap_orphans(server: PgServer) -> None:
    """Stop servers this helper started in earlier runs whose owning process is gone."""
    for d in glob.glob(f"/tmp/{PREFIX}*"):
        base = Path(d)
        owner = base / "owner.pid"
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            continue
        if _pid_alive(pid):
            continue
        if (base / "data" / "postmaster.pid").exists():
            subprocess.run(
                [*server._as, str(server.bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=60, check=False, cwd="/",
            )
        shutil.rmtree(base, ignore_errors=True)


def start_server() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise PgServerError(SETUP_HINT)
    return PgServer(bindir).start()


if __name__ == "__main__":  # manual check: python tests/pgserver.py
    srv = start_server()
    try:
        print(srv.url())
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(float(os.environ.get("PG_HOLD_SECONDS", "0")))
    finally:
        srv.stop()
