"""SQLite's write-ahead log: checkpointed every SQLITE_CHECKPOINT_PAGES pages on a thread beside
the writer (never inside a commit), and cut back to SQLITE_JOURNAL_SIZE_LIMIT once checkpointed.

Scaled down (100 pages, 64 KB) to run in a test. In WAL mode only a checkpoint writes to the
database file itself, so its size tells whether one ran."""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from folio.store import database
from folio.store.checkpoints import Checkpointer
from folio.store.database import checkpointer, make_engine, write_engine
from folio.store.uow import UnitOfWork

BIG = (  # about 250 pages in one transaction
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
    "INSERT INTO t SELECT hex(randomblob(500)) FROM n"
)


def _pragma(engine: Engine, name: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())


def _run(engine: Engine, sql: str) -> None:
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)


def _write(engine: Engine, sql: str) -> None:
    """As the server writes: a unit of work, which holds the writer lock."""
    with UnitOfWork(engine) as uow:
        uow.conn.exec_driver_sql(sql)
        uow.commit()


def _count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one())


def _settled(engine: Engine) -> Checkpointer:
    found = checkpointer(engine)
    assert found is not None
    assert found.idle.wait(10), "the checkpoint did not finish"
    return found


@pytest.fixture
def small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Engine, Path]]:
    monkeypatch.setattr(database, "SQLITE_CHECKPOINT_PAGES", 100)
    monkeypatch.setattr(database, "SQLITE_JOURNAL_SIZE_LIMIT", 64 * 1024)
    path = tmp_path / "book.db"
    engine = make_engine(f"sqlite:///{path}", pool_size=2)
    _run(engine, "CREATE TABLE t (v TEXT)")
    _settled(engine)
    try:
        yield engine, path
    finally:
        engine.dispose()


def test_connections_leave_checkpoints_to_the_engine(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'book.db'}")
    try:
        assert _pragma(engine, "wal_autocheckpoint") == 0
        assert _pragma(engine, "journal_size_limit") == 16 * 2**20
        # readers keep SQLite's default cache; the one writing connection has the large one
        assert _pragma(engine, "cache_size") == -2000
        assert _pragma(write_engine(engine), "cache_size") == -65536
        found = checkpointer(engine)
        assert found is not None
        assert found.threshold_bytes == 32 + 10_000 * (4096 + 24)
        # a log cut back to the limit is below the threshold: its size means pages to copy
        assert database.SQLITE_JOURNAL_SIZE_LIMIT < found.threshold_bytes
    finally:
        engine.dispose()


def test_every_write_goes_through_one_connection_and_readers_keep_a_small_cache(
    small: tuple[Engine, Path],
) -> None:
    """The large page cache is the one writing connection's: writes from many threads share
    it (so it stays valid from write to write), readers keep SQLite's 2 MB, and disposing the
    engine closes the writer too."""
    engine, _ = small
    used: list[int] = []

    def write() -> None:
        with UnitOfWork(engine) as uow:
            used.append(id(uow.conn.connection.driver_connection))
            uow.conn.exec_driver_sql("INSERT INTO t VALUES ('x')")
            uow.commit()

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(used) == 8 and len(set(used)) == 1
    writes = write_engine(engine)
    assert writes is not engine and _pragma(writes, "cache_size") == -65536
    with engine.connect() as first, engine.connect() as second:  # two readers at once
        for reader in (first, second):
            assert reader.exec_driver_sql("PRAGMA cache_size").scalar_one() == -2000
            assert id(reader.connection.driver_connection) not in used
    assert _count(engine) == 8
    engine.dispose()
    assert writes.pool.checkedin() == 0  # the writer's connection closed with the engine


def test_below_the_threshold_no_commit_checkpoints(small: tuple[Engine, Path]) -> None:
    engine, path = small
    before = os.path.getsize(path)
    for _ in range(20):
        _run(engine, "INSERT INTO t VALUES (hex(randomblob(500)))")
    _settled(engine)
    assert os.path.getsize(path) == before  # every page still only in the log
    assert _count(engine) == 20


def test_a_commit_past_the_threshold_returns_before_its_checkpoint(
    small: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, path = small
    release, started = threading.Event(), threading.Event()
    real = Checkpointer.checkpoint

    def held(self: Checkpointer) -> None:
        started.set()
        assert release.wait(10)
        real(self)

    monkeypatch.setattr(Checkpointer, "checkpoint", held)
    before = os.path.getsize(path)
    _run(engine, BIG)  # returns while its checkpoint is held
    assert started.wait(10)
    found = checkpointer(engine)
    assert found is not None and not found.idle.is_set()
    assert os.path.getsize(path) == before
    _run(engine, "INSERT INTO t VALUES ('during')")  # writes go on meanwhile
    log_path = Path(f"{path}-wal")
    largest = os.path.getsize(log_path)
    assert largest > 4 * 64 * 1024
    release.set()
    _settled(engine)
    assert os.path.getsize(path) > before + 200 * 4096  # the pages copied into the database
    for _ in range(20):  # small transactions after the checkpoint: the log restarts
        _run(engine, "INSERT INTO t VALUES ('x')")
    # restarted, and cut to 64 KB at the restart: what is left is the 20 small commits
    assert os.path.getsize(log_path) < 25 * (4096 + 24) + 32 < largest // 4
    assert _count(engine) == 1021


def test_a_failed_checkpoint_is_tried_again_after_a_later_commit(
    small: tuple[Engine, Path], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    engine, path = small
    real, calls = Checkpointer.checkpoint, []

    def failing_once(self: Checkpointer) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise sqlite3.OperationalError("disk I/O error")
        real(self)

    monkeypatch.setattr(Checkpointer, "checkpoint", failing_once)
    before = os.path.getsize(path)
    with caplog.at_level(logging.WARNING, logger="folio.store"):
        _run(engine, BIG)
        _settled(engine)
    assert "SQLite checkpoint of" in caplog.text and "failed" in caplog.text
    assert os.path.getsize(path) == before  # nothing copied, nothing lost
    _run(engine, "INSERT INTO t VALUES ('next')")  # the log is still past the threshold
    _settled(engine)
    assert len(calls) == 2  # the failed one, then one beside the writes
    assert os.path.getsize(path) > before + 200 * 4096
    assert _count(engine) == 1001


def test_writers_on_threads_while_checkpoints_run(small: tuple[Engine, Path]) -> None:
    """Four threads commit 60 units of work of about 5 pages each: the log passes the threshold
    again and again while checkpoints run beside the writes. Every row is there, the database
    is sound, and once settled the log holds less than the mark."""
    engine, path = small
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(60):
                _write(
                    engine,
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)"
                    " INSERT INTO t SELECT hex(randomblob(500)) FROM n",
                )
        except BaseException as error:  # reported below, on the test's thread
            errors.append(error)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for _ in range(2):  # the first finishes the checkpoint, the second restarts the log
        _settled(engine)
        _write(engine, "INSERT INTO t VALUES ('last')")
    _settled(engine)
    assert _count(engine) == 4 * 60 * 20 + 2
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
    # Checkpointed into the database but for the log's last stretch, which is below the mark.
    assert os.path.getsize(path) > 4 * 60 * 20 * 1000 // 2
    found = _settled(engine)
    assert os.path.getsize(f"{path}-wal") < found.threshold_bytes + 2 * (4096 + 24)


def test_the_log_stays_bounded_while_writes_never_pause(small: tuple[Engine, Path]) -> None:
    """Writes back to back through units of work (as group commit makes them under load): a
    checkpoint beside them never catches up with the end of the log, so SQLite would never
    restart it (700 transactions grew a log to 459 MB in an earlier attempt). The writer after
    each background pass finishes it, holding the writer lock, so the log restarts again and
    again."""
    engine, path = small
    log_path = Path(f"{path}-wal")
    sizes = []
    for _ in range(700):
        with UnitOfWork(engine) as uow:
            uow.conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)"
                " INSERT INTO t SELECT hex(randomblob(500)) FROM n"
            )
            uow.commit()
        sizes.append(os.path.getsize(log_path))
    _settled(engine)
    assert _count(engine) == 700 * 20
    restarts = sum(1 for before, after in zip(sizes, sizes[1:], strict=False) if after < before)
    written = 700 * 6 * (4096 + 24)  # each transaction: 20 rows of 1,000 bytes, about 6 pages
    assert restarts >= 5, sizes  # restarted (and cut back) again and again, not once
    assert max(sizes) < written // 3


def test_a_database_removed_since_is_left_alone(tmp_path: Path) -> None:
    """A checkpoint due on a database removed meanwhile (a test's, a benchmark's) neither
    fails nor makes a new empty file in its place."""
    gone = tmp_path / "gone.db"
    Checkpointer(str(gone), 0).checkpoint()
    assert not gone.exists()
