"""Engines for SQLite (WAL, BEGIN IMMEDIATE for writes) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import os
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import Connection, make_url

from folio.store.checkpoints import Checkpointer

DEFAULT_URL = "sqlite:///./folio.db"
WRITE_OPTION = "folio_write"
# A pooled PostgreSQL connection idle longer than this is pinged before use. Pinging every
# checkout (`pool_pre_ping`) cost a round trip per transaction, two per request (bench/).
PING_AFTER_IDLE = 5.0
# The page cache of the connection that writes. SQLite's default, 2 MB, is too small for a
# writer once the journal's indexes outgrow it: every insert at a random key reads pages back,
# and an import slowed down as it went (100,000 rows cost 15x 10,000). Every write of an engine
# goes through one connection of its own (`write_engine`), so this cache stays valid from one
# write to the next. Readers keep SQLite's default: a reader's pages are dropped whenever the
# database has changed since its last transaction, and 64 MB on each of the pool's connections
# held memory for nothing (eight readers of a 200 MB book: 684 MB of RSS against 173 MB).
SQLITE_CACHE_KB = 65536
SQLITE_READ_CACHE_KB = 2000
# The write-ahead log is checkpointed once it holds this many pages (SQLite's default is
# 1,000, 4 MB), on a thread beside the writer (store/checkpoints.py). At 1,000 every
# 1,000-entry batch's commit checkpointed: 27-29 ms per commit in process, 16 ms at 10,000
# pages, 7-9 ms with none (BENCHMARKS.md). Fewer checkpoints copy a page written by many
# commits once. A log past JOURNAL_SIZE_LIMIT is cut back to it when it restarts after a
# checkpoint, so a large import's log does not keep its disk space; the limit stays below the
# threshold, so that the log file's size tells whether a checkpoint is due.
SQLITE_CHECKPOINT_PAGES = 10_000
SQLITE_JOURNAL_SIZE_LIMIT = 16 * 2**20
_WAL_FRAME_HEADER, _WAL_HEADER = 24, 32
_WRITERS: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_WRITERS_GUARD = threading.Lock()
_CHECKPOINTERS: weakref.WeakKeyDictionary[Engine, Checkpointer] = weakref.WeakKeyDictionary()
_WRITE_ENGINES: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def writer_lock(engine: Engine) -> threading.Lock:
    """One writer at a time per SQLite engine, queued in process.

    SQLite allows one writer; without this, threads of one process waiting for BEGIN IMMEDIATE
    poll in SQLite's busy handler, which sleeps up to 100 ms between tries (bench/: 132 → see
    BENCHMARKS.md postings/s). Other processes still wait through busy_timeout.
    """
    lock = _WRITERS.get(engine)
    if lock is None:
        with _WRITERS_GUARD:
            lock = _WRITERS.setdefault(engine, threading.Lock())
    return lock


def write_engine(engine: Engine) -> Engine:
    """Where a write transaction of `engine` takes its connection: for a SQLite file, an engine
    of one connection with the writer's page cache (writes are one at a time, `writer_lock`),
    disposed with `engine`; otherwise `engine` itself."""
    found = _WRITE_ENGINES.get(engine)
    if found is not None:
        return found
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return engine
    with _WRITERS_GUARD:
        found = _WRITE_ENGINES.get(engine)
        if found is None:
            url = engine.url.render_as_string(hide_password=False)
            found = _sqlite_engine(url, 1, cache_kb=SQLITE_CACHE_KB, owner=engine)
            event.listen(engine, "engine_disposed", lambda _engine: found.dispose())
            _WRITE_ENGINES[engine] = found
    return found


def checkpointer(engine: Engine) -> Checkpointer | None:
    """The SQLite engine's background checkpoints (None before its first connection, for an
    in-memory database and for PostgreSQL)."""
    return _CHECKPOINTERS.get(engine)


def finish_checkpoint(engine: Engine) -> None:
    """A writer holding `writer_lock(engine)`, after its commit: `Checkpointer.finish`."""
    found = _CHECKPOINTERS.get(engine)
    if found is not None:
        found.finish()


def database_url() -> str:
    return os.environ.get("FOLIO_DATABASE_URL", DEFAULT_URL)


def normalize_url(url: str) -> str:
    """Accept plain `postgresql://` and `postgres://` URLs and use psycopg 3 for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str | None = None, *, pool_size: int = 10) -> Engine:
    url = normalize_url(url or database_url())
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool_size)
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=1800,
        connect_args={"connect_timeout": 5},
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Pessimistic disconnect handling for connections that sat idle in the pool."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["folio_idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get("folio_idle_since")
        if since is None or time.monotonic() - since < PING_AFTER_IDLE:
            return
        try:
            dbapi_connection.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:
            # The pool discards this connection and checks out (or opens) another.
            raise exc.DisconnectionError() from error


def _sqlite_engine(
    url: str, pool_size: int, *, cache_kb: int = SQLITE_READ_CACHE_KB, owner: Engine | None = None
) -> Engine:
    """`owner`: the engine whose writes this one's connection makes (`write_engine`); the
    checkpoints are the owner's. Held weakly: the owner holds this engine, not the reverse."""
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        connect_args={"timeout": 30, "check_same_thread": False},
    )
    keyed = weakref.ref(owner or engine)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control from the driver so writes can BEGIN IMMEDIATE.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute(f"PRAGMA cache_size=-{cache_kb}")  # taken as used
        cursor.execute("PRAGMA wal_autocheckpoint=0")  # the engine's Checkpointer does it
        cursor.execute(f"PRAGMA journal_size_limit={SQLITE_JOURNAL_SIZE_LIMIT}")
        key = keyed()
        if key is not None and key not in _CHECKPOINTERS:
            files = {row[1]: row[2] for row in cursor.execute("PRAGMA database_list")}
            if files.get("main"):  # not an in-memory database
                page = cursor.execute("PRAGMA page_size").fetchone()[0]
                threshold = _WAL_HEADER + SQLITE_CHECKPOINT_PAGES * (page + _WAL_FRAME_HEADER)
                _CHECKPOINTERS.setdefault(key, Checkpointer(files["main"], threshold))
        cursor.close()

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, _record: Any) -> None:
        key = keyed()
        checkpointer = _CHECKPOINTERS.get(key) if key is not None else None
        if checkpointer is not None:
            checkpointer.checked_in()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # A writer takes the write lock up front: upgrading a read lock later can deadlock.
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine
