"""What every benchmark shares: the machine, tools, fresh databases, a server, load figures."""

from __future__ import annotations

import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from folio.service import auth
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.runner import SYSTEM
from folio.store.database import checkpointer

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADMIN_URL = os.environ.get(
    "FOLIO_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
ENGINES = ("sqlite", "postgresql")


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def load() -> str:
    """The 1-minute load average, noted beside every figure (the machine is shared)."""
    return f"{os.getloadavg()[0]:.2f}"


def machine() -> dict[str, object]:
    mem = 0
    with open("/proc/meminfo") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    cpu = platform.processor() or ""
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pg = ""
    try:
        with _admin_engine().connect() as conn:
            pg = str(conn.execute(text("SHOW server_version")).scalar())
    except Exception:
        pg = "unreachable"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_mb": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg,
        "sqlite": __import__("sqlite3").sqlite_version,
        "load_at_start": load(),
    }


def ensure_tools() -> None:
    """wrk, hledger and GNU time from Debian, installed when missing (the bench may, the tests
    never)."""
    wanted = {"wrk": "wrk", "hledger": "hledger", "/usr/bin/time": "time"}
    missing = [package for tool, package in wanted.items() if shutil.which(tool) is None]
    if not missing:
        return
    log(f"installing {' '.join(missing)} with apt-get")
    apt = ["apt-get", "install", "-y", *missing]
    if subprocess.run(apt, capture_output=True).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, check=True)
        subprocess.run(apt, capture_output=True, check=True)


def server_cpu_seconds() -> float | None:
    """CPU seconds spent so far by a PostgreSQL server on this machine: every live `postgres`
    process, and the backends that have exited (the postmaster's reaped children). None when
    no server runs here. A difference of two readings is what the server spent between them,
    its background writers included."""
    found: dict[int, tuple[int, int, int]] = {}  # pid -> (parent, own ticks, reaped children's)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text_ = stat.read_text()
        except OSError:  # the process ended meanwhile
            continue
        if text_[text_.index("(") + 1 : text_.rindex(")")] != "postgres":
            continue
        values = text_.rsplit(")", 1)[1].split()  # from field 3 (state) on
        ppid, utime, stime, cutime, cstime = (int(values[i]) for i in (1, 11, 12, 13, 14))
        found[int(stat.parent.name)] = (ppid, utime + stime, cutime + cstime)
    if not found:
        return None
    # The postmaster is the one `postgres` process whose parent is not one.
    ticks = sum(own + (reaped if ppid not in found else 0) for ppid, own, reaped in found.values())
    return ticks / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------- databases


def _admin_engine():  # type: ignore[no-untyped-def]
    return create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)


def settled(engine: Engine) -> None:
    """Dispose of `engine` once its SQLite checkpoint thread is idle: a database deleted while
    the last background checkpoint still runs logs SQLite's "disk I/O error" (harmless, and
    confusing in a run's log)."""
    found = checkpointer(engine)
    if found is not None:
        found.idle.wait(30)
    engine.dispose()


class Databases:
    """Fresh databases for one run: SQLite files in a temp dir, PostgreSQL databases dropped."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="folio-bench-"))
        self.pg_names: list[str] = []
        self.admin = _admin_engine()

    def new(self, kind: str, label: str) -> str:
        name = f"folio_bench_{label}_{secrets.token_hex(4)}"
        if kind == "sqlite":
            return f"sqlite:///{self.folder / name}.db"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.pg_names.append(name)
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database or ""
        if url.startswith("sqlite"):
            for suffix in ("", "-wal", "-shm"):
                Path(f"{name}{suffix}").unlink(missing_ok=True)
        elif name in self.pg_names:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.pg_names.remove(name)

    def close(self) -> None:
        for name in list(self.pg_names):
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self.pg_names.clear()
        self.admin.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass(frozen=True)
class Setup:
    url: str
    book_id: str
    key: str


def migrated_book(url: str, chart: str = "us_small_business") -> tuple[Folio, Setup]:
    """Migrate, create a book and an admin API key."""
    fo = Folio(url)
    book = fo.create_book(
        BookCreate(name="Bench Ltd", currency="USD", entries_start=date(2024, 1, 1), chart=chart)
    )
    made = fo.write(lambda uow: auth.create_api_key(uow, scopes="admin", actor=SYSTEM))
    return fo, Setup(url, book.id, made.secret)


# ------------------------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`uvicorn --factory folio.api.app:create_app`, one worker, uvloop + httptools."""

    def __init__(
        self,
        url: str,
        key: str,
        *,
        workers: int = 1,
        factory: str = "folio.api.app:create_app",
        environ: dict[str, str] | None = None,
    ) -> None:
        self.url, self.key = url, key
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ, "FOLIO_CPU": "off", **(environ or {}),
            "FOLIO_DATABASE_URL": url, "FOLIO_BENCH_ENDPOINTS": "1",
        }  # fmt: skip
        self.proc = subprocess.Popen(
            [
                PYTHON, "-m", "uvicorn", "--factory", factory,
                "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
                "--loop", "uvloop", "--http", "httptools", "--no-access-log",
                "--log-level", "warning",
            ],
            env=env,
            cwd=ROOT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while True:
            try:
                self.get("/bench/ping")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)

    def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        req = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(req, timeout=600) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def get(self, path: str) -> bytes:
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return body

    def peak_rss_mb(self) -> float:
        return peak_rss_mb(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@contextmanager
def serving(url: str, key: str, **options: Any) -> Iterator[Server]:
    server = Server(url, key, **options)
    try:
        yield server
    finally:
        server.stop()


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]
