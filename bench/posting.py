"""§1 posting over HTTP and §5 the hot account, beside the framework and raw-driver ceilings."""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from statistics import median

from bench.env import (
    PYTHON,
    ROOT,
    Databases,
    Server,
    load,
    log,
    migrated_book,
    serving,
    settled,
)
from folio.domain.ledgers import Side
from folio.service.books import BookCreate
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput

LUA = Path(__file__).parent / "lua" / "post.lua"
BATCH_LUA = Path(__file__).parent / "lua" / "batch.lua"
CONNECTIONS = 16
BATCH_CONNECTIONS = 4
BATCH = 1000
WORKERS = 2
SPREAD_LEDGERS = 100


@dataclass
class Load:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int
    load: str

    def as_dict(self) -> dict[str, object]:
        return {
            "rate": round(self.rate, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
            "requests": self.requests,
            "load": self.load,
        }


def _rounds(loads: list[Load]) -> dict[str, object]:
    """One figure from a load's rounds: the median rate and latencies, the requests and errors
    of all of them, and each round's rate."""
    return {
        **Load(
            median(load.rate for load in loads),
            median(load.p50_ms for load in loads),
            median(load.p99_ms for load in loads),
            sum(load.errors for load in loads),
            sum(load.requests for load in loads),
            loads[-1].load,
        ).as_dict(),
        "rounds": [round(load.rate, 1) for load in loads],
    }


def _ms(text: str) -> float:
    value = float(re.sub(r"[a-z]+$", "", text))
    unit = re.sub(r"^[\d.]+", "", text)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(
    server: Server,
    path: str,
    ledgers: list[str],
    hot: str | None,
    seconds: int,
    *,
    script: Path = LUA,
    connections: int = CONNECTIONS,
) -> Load:
    """16 connections on loopback, one wrk thread (it shares the 2 cores with the server)."""
    env = {
        **os.environ,
        "FOLIO_BENCH_PATH": path,
        "FOLIO_BENCH_KEY": server.key,
        "FOLIO_BENCH_LEDGERS": " ".join(ledgers),
        "FOLIO_BENCH_HOT": hot or "",
    }
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency"]
    command += ["-s", str(script)]
    out = subprocess.run(
        [*command, server.base], env=env, capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    errors_match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors:.*", out)
    # The latency distribution (`--latency`), not the thread stats' "+/- Stdev" column.
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1))  # type: ignore[union-attr]
    errors = int(errors_match.group(1)) if errors_match else 0
    if socket_errors:
        log(f"wrk {path}: {socket_errors.group(0)}")
    return Load(rate, p50, p99, errors, requests, load())


def raw_driver(url: str, book_id: str, ledgers: list[str], hot: str | None, seconds: int) -> Load:
    out = subprocess.run(
        [PYTHON, "-m", "bench.raw_post", url, book_id, " ".join(ledgers), hot or "-",
         str(seconds), str(CONNECTIONS)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout  # fmt: skip
    result = json.loads(out)
    return Load(result["rate"], 0.0, 0.0, 0, result["entries"], load())


WARM_UP = 2000


def _warm_up(fo: Folio, book_id: str, ledgers: list[str]) -> None:
    """Post WARM_UP entries and ANALYZE, as autovacuum would have by then in production.

    On a fresh PostgreSQL database each connection plans its foreign-key checks once, while the
    tables are nearly empty, and keeps the plan until statistics change: the check of a line
    against its entry then scans journal_entries, 0.1 ms at 500 entries and 2.7 ms at 12,500
    (EXPLAIN ANALYZE). A 20-second load would measure that warm-up phase, not the steady state.
    """
    rows = [
        EntryCreate(
            date(2025, 1 + i % 12, 1 + i % 28),
            [
                LineInput(Side.DEBIT, 100 + i, ledger_id=ledgers[i % len(ledgers)]),
                LineInput(Side.CREDIT, 100 + i, ledger_id=ledgers[(i + 1) % len(ledgers)]),
            ],
        )
        for i in range(WARM_UP)
    ]
    for row in rows:
        fo.post_entry(book_id, row)
    with fo.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


def _book_ledgers(fo: Folio, book_id: str) -> tuple[list[str], str]:
    """The ids of the first SPREAD_LEDGERS ledgers without a role, and the offset ledger's."""
    ledgers = fo.ledgers(book_id)
    spread = [lg.id for lg in ledgers if lg.role is None][:SPREAD_LEDGERS]
    offset = next(lg.id for lg in ledgers if lg.role and lg.role.value == "opening_balances")
    return spread, offset


# The single posting and its baselines (bare echo, framework, raw driver) are taken in turn,
# ROUNDS times for a share of the seconds each, and each figure is the median of its rounds:
# this VM's speed moves by a fifth or more from minute to minute, and a figure and its
# baseline taken a minute apart measured that (one run: the bare echo 4,199 and 5,630
# requests/s an hour apart, the posting 1,049 and 1,135).
ROUNDS = 4
# The posting again on a server whose threads all run on one CPU (FOLIO_CPU, docs/operations.md)
ONE_CPU = "auto"


def run(dbs: Databases, kind: str, seconds: int) -> dict[str, object]:
    """Folio posting (spread, and hot on PostgreSQL) in rounds with the bare echo, the framework
    ceiling and the raw-driver ceiling; then batches (and two workers on PostgreSQL)."""
    results: dict[str, object] = {}
    url = dbs.new(kind, "post")
    fo, setup = migrated_book(url)
    spread, offset = _book_ledgers(fo, setup.book_id)
    _warm_up(fo, setup.book_id, spread)
    # The raw-driver loop writes a book of its own: its hashes are not Folio's, and Folio's
    # postings chained onto them would not verify.
    raw_book = fo.create_book(
        BookCreate(
            name="Raw Ltd",
            currency="USD",
            entries_start=date(2024, 1, 1),
            chart="us_small_business",
        )
    )
    raw_spread, raw_offset = _book_ledgers(fo, raw_book.id)
    _warm_up(fo, raw_book.id, raw_spread)
    fo.engine.dispose()
    path = f"/v1/books/{setup.book_id}/journal-entries"
    share = max(1, seconds // ROUNDS)
    rounds: dict[str, list[Load]] = {}

    def take(name: str, load: Load) -> None:
        rounds.setdefault(name, []).append(load)

    with (
        serving(url, setup.key, factory="bench.bare_echo:create_app") as bare,
        serving(url, setup.key) as server,
        serving(url, setup.key, environ={"FOLIO_CPU": ONE_CPU}) as pinned,
    ):
        for number in range(1, ROUNDS + 1):
            log(f"{kind}: round {number} of {ROUNDS}: bare FastAPI echo of the same body, "
                f"framework ceiling (POST /bench/echo), posting spread over {len(spread)} "
                f"ledgers, the same on one CPU (FOLIO_CPU={ONE_CPU})"
                f"{', posting on the offset ledger' if kind == 'postgresql' else ''}, "
                f"raw-driver ceiling; {share}s each")  # fmt: skip
            take("bare_echo", wrk(bare, "/echo", spread, None, share))
            take("framework", wrk(server, "/bench/echo", spread, None, share))
            take("post_spread", wrk(server, path, spread, None, share))
            take("post_one_cpu", wrk(pinned, path, spread, None, share))
            if kind == "postgresql":
                take("post_hot", wrk(server, path, spread, offset, share))
            take("raw_driver", raw_driver(url, raw_book.id, raw_spread, None, share))
            if kind == "postgresql":
                take("raw_driver_hot", raw_driver(url, raw_book.id, raw_spread, raw_offset, share))
        results |= {name: _rounds(loads) for name, loads in rounds.items()}
        results["server_peak_rss_mb"] = round(server.peak_rss_mb(), 1)
        log(f"{kind}: {BATCH}-entry batches, {BATCH_CONNECTIONS} connections, {seconds}s")
        batch = wrk(
            server, f"{path}/batch", spread, None, seconds,
            script=BATCH_LUA, connections=BATCH_CONNECTIONS,
        ).as_dict()  # fmt: skip
        batch["entries_per_s"] = round(float(batch["rate"]) * BATCH)  # type: ignore[arg-type]
        results["batch"] = batch
    if kind == "postgresql":
        with serving(url, setup.key, workers=WORKERS) as server:
            log(f"{kind}: posting with {WORKERS} workers, {seconds}s")
            results["post_workers"] = wrk(server, path, spread, None, seconds).as_dict()
            results["post_workers"]["workers"] = WORKERS
    fo = Folio(url, migrate=False)
    verified = fo.verify(setup.book_id)
    results["verified"] = verified.ok
    settled(fo.engine)
    dbs.drop(url)
    return results
