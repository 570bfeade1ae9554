"""SQLite's write-ahead log: checkpointed every SQLITE_CHECKPOINT_PAGES pages, not every 1,000,
and cut back to SQLITE_JOURNAL_SIZE_LIMIT once checkpointed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from folio.store import database
from folio.store.database import make_engine


def _pragma(engine: object, name: str) -> int:
    with engine.connect() as conn:  # type: ignore[attr-defined]
        return int(conn.exec_driver_sql(f"PRAGMA {name}").scalar_one())


def test_every_connection_checkpoints_at_10000_pages(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'book.db'}")
    try:
        assert _pragma(engine, "wal_autocheckpoint") == 10_000
        assert _pragma(engine, "journal_size_limit") == 64 * 2**20
        assert _pragma(engine, "cache_size") == -65536
    finally:
        engine.dispose()


def test_the_log_is_checkpointed_and_cut_back_while_writes_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scaled down (100 pages, 64 KB) to run in a test: the log neither grows without end
    nor keeps the size of its largest transaction."""
    monkeypatch.setattr(database, "SQLITE_CHECKPOINT_PAGES", 100)
    monkeypatch.setattr(database, "SQLITE_JOURNAL_SIZE_LIMIT", 64 * 1024)
    path = tmp_path / "book.db"
    engine = make_engine(f"sqlite:///{path}", pool_size=1)
    log = Path(f"{path}-wal")
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        with engine.begin() as conn:  # about 250 pages in one transaction
            conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
                "INSERT INTO t SELECT hex(randomblob(500)) FROM n"
            )
        largest = os.path.getsize(log)
        assert largest > 4 * 64 * 1024
        for _ in range(20):  # small transactions after the checkpoint: the log restarts
            with engine.begin() as conn:
                conn.exec_driver_sql("INSERT INTO t VALUES ('x')")
        # restarted, and cut to 64 KB at the restart: what is left is the 20 small commits
        assert os.path.getsize(log) < 25 * (4096 + 24) + 32 < largest // 4
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == 1020
    finally:
        engine.dispose()
