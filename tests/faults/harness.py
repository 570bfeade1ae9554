"""What the fault tests share: a real server process, a posting load with Idempotency-Keys, a
large trial balance, and a private PostgreSQL cluster to restart.

Every load here is bounded in requests and seconds and sends only to 127.0.0.1.
"""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from folio.domain.ids import new_id
from folio.domain.ledgers import LedgerType
from folio.service import auth
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.ledgers import LedgerCreate
from folio.service.runner import SYSTEM
from folio.store.types import utcnow

ROOT = Path(__file__).resolve().parents[2]
START_DAY = "2025-01-01"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def folio_cli(*args: str, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "folio.cli.main", *args, "--database", url],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def run_cli(*args: str, url: str, timeout: float = 300) -> tuple[int, str]:
    process = folio_cli(*args, url=url)
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output.decode(errors="replace")


# ------------------------------------------------------------------------------- a server


class Server:
    """`uvicorn --factory folio.api.app:create_app` on a free port, one worker."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> Server:
        env = {**os.environ, "FOLIO_DATABASE_URL": self.url}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--factory", "folio.api.app:create_app",
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1",
             "--no-access-log", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.process.stderr.read()!r}")  # type: ignore[union-attr]
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not become healthy in 30 s")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def kill9(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@contextmanager
def serving(url: str) -> Iterator[Server]:
    server = Server(url).start()
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- a posting load


@dataclass(frozen=True, slots=True)
class Book:
    url: str
    book_id: str
    key: str
    bank: str
    sales: str


def posting_book(url: str) -> Book:
    fo = Folio(url)
    try:
        book = fo.create_book(
            BookCreate(name="Fault GmbH", currency="EUR", entries_start=utcnow().date().replace(
                month=1, day=1))
        )  # fmt: skip
        bank = fo.create_ledger(book.id, LedgerCreate("Bank", LedgerType.ASSET, number="1000"))
        sales = fo.create_ledger(book.id, LedgerCreate("Sales", LedgerType.REVENUE, number="4000"))
        key = fo.write(lambda uow: auth.create_api_key(uow, scopes="admin", actor=SYSTEM)).secret
    finally:
        fo.engine.dispose()
    return Book(url, book.id, key, bank.id, sales.id)


def amount_of(key: str) -> int:
    """Each request's amount in cents, from its key: a retry must post the same amount."""
    return 100 + sum(key.encode()) % 900


def entry_body(key: str) -> dict[str, Any]:
    cents = amount_of(key)
    value = f"{cents // 100}.{cents % 100:02d}"
    return {
        "date": utcnow().date().isoformat(),
        "description": key,
        "lines": [{"ledger_number": "1000", "debit": value},
                  {"ledger_number": "4000", "credit": value}],
    }  # fmt: skip


@dataclass
class Outcome:
    """What the clients saw: status per attempt, entry id per acknowledged key."""

    statuses: list[int] = field(default_factory=list)
    acked: dict[str, str] = field(default_factory=dict)  # key -> entry id
    sent: list[str] = field(default_factory=list)  # every key a request was started for
    lock: threading.Lock = field(default_factory=threading.Lock)


def post(client: httpx.Client, book: Book, key: str) -> httpx.Response:
    return client.post(
        f"/v1/books/{book.book_id}/journal-entries",
        json=entry_body(key),
        headers={"Idempotency-Key": key},
    )


def load(
    base: str,
    book: Book,
    outcome: Outcome,
    *,
    worker: int,
    requests: int,
    seconds: float,
    stop: threading.Event,
) -> None:
    """Post up to `requests` entries for at most `seconds`; stops at the first dead socket."""
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {book.key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        for index in range(requests):
            if stop.is_set() or time.monotonic() > deadline:
                return
            key = f"w{worker}-{index}"
            with outcome.lock:
                outcome.sent.append(key)
            try:
                response = post(client, book, key)
            except httpx.TransportError:
                return  # the server is gone
            with outcome.lock:
                outcome.statuses.append(response.status_code)
                if response.status_code == 201:
                    outcome.acked[key] = response.json()["id"]


def settle(base: str, book: Book, keys: list[str]) -> dict[str, tuple[str, bool]]:
    """Send every key again; key -> (entry id, replayed). Each must now be acknowledged."""
    found: dict[str, tuple[str, bool]] = {}
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {book.key}"}, timeout=60
    ) as client:
        for key in keys:
            response = post(client, book, key)
            assert response.status_code == 201, (key, response.status_code, response.text)
            replayed = response.headers.get("Idempotency-Replayed") == "true"
            found[key] = (response.json()["id"], replayed)
    return found


def journal(base: str, book: Book) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    cursor: str | None = None
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {book.key}"}, timeout=60
    ) as client:
        for _ in range(10_000):
            params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            page = client.get(f"/v1/books/{book.book_id}/journal-entries", params=params).json()
            entries += page["data"]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        verify = client.get(f"/v1/books/{book.book_id}/verify").json()
        assert verify["ok"], verify
        balance = client.get(f"/v1/books/{book.book_id}/ledgers/{book.bank}/balance").json()
    total = sum(amount_of(entry["description"]) for entry in entries)
    assert balance["debit"] == f"{total // 100}.{total % 100:02d}", (balance, total)
    return entries


# ------------------------------------------------------------------------ a large import


def book_with_ledgers(url: str, rows: int) -> str:
    """A book with `rows` balance-sheet ledgers numbered 10000000..., half assets."""
    fo = Folio(url)
    try:
        book = fo.create_book(
            BookCreate(name="Import GmbH", currency="EUR", entries_start=_day(START_DAY),
                       chart="us_small_business")
        )  # fmt: skip
        now = utcnow()
        fo.write(
            lambda uow: uow.ledgers.insert_many(
                [
                    {"book_id": book.id, "ledger_id": new_id("ldg"), "number": str(10_000_000 + i),
                     "name": f"Account {i}", "type": "asset" if i % 2 == 0 else "liability",
                     "subtype": "current_asset" if i % 2 == 0 else "current_liability",
                     "normal_balance": "debit" if i % 2 == 0 else "credit", "role": None,
                     "archived": False, "debits_posted": 0, "credits_posted": 0}
                    for i in range(rows)
                ],
                at=now,
            )
        )  # fmt: skip
    finally:
        fo.engine.dispose()
    return book.id


def trial_balance_csv(path: Path, rows: int) -> None:
    """Pairs of equal debit and credit balances, so the set balances."""
    with path.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["number", "name", "debit", "credit"])
        for i in range(rows):
            value = f"{10 + i // 2}.00"
            debit, credit = (value, "0.00") if i % 2 == 0 else ("0.00", value)
            writer.writerow([str(10_000_000 + i), f"Account {i}", debit, credit])


def _day(text: str) -> Any:
    from datetime import date

    return date.fromisoformat(text)


# -------------------------------------------------------------- a private PostgreSQL cluster


def _pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    return found[-1].parent if found else None


def private_cluster_problem() -> str | None:
    """Why this machine cannot run a private cluster, or None."""
    if _pg_bin() is None:
        return "PostgreSQL's server binaries (initdb, pg_ctl) are not installed"
    if os.geteuid() != 0 and shutil.which("runuser") is None:
        return "starting a private cluster needs root (runuser -u postgres)"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "there is no postgres user to run a private cluster as"
    return None


class PrivateCluster:
    """A PostgreSQL cluster of the test's own: initdb in a temporary folder, a free port,
    stopped and removed afterwards. The shared server on 5432 is never touched: other test
    runs use it."""

    def __init__(self) -> None:
        bin_dir = _pg_bin()
        assert bin_dir is not None
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="folio-faults-pg-"))
        self.data = self.root / "data"
        shutil.chown(self.root, "postgres", "postgres")
        self.root.chmod(0o700)

    def _as_postgres(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *command], check=True, timeout=timeout, capture_output=True, cwd=self.root
        )

    def init(self) -> PrivateCluster:
        self._as_postgres(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust",
            "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l",
            str(self.root / "log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(
            f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
        ) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def remove(self) -> None:
        try:
            self.stop("immediate")
        except subprocess.SubprocessError:
            pass
        shutil.rmtree(self.root, ignore_errors=True)
