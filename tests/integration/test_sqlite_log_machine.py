"""A state machine over SQLite's background checkpoints (`store/checkpoints.py`): random
sequences of small and large writes through units of work, reads, checkpoints held back and
released, and checkpoints that fail, on one engine with the mark scaled down to 100 pages.

After every step: every committed row is there, no two checkpoints ever ran at once, and the
database is sound. After settling (nothing held or failing, the running checkpoint done, two
writes) the log has restarted and holds less than the mark plus one write."""

from __future__ import annotations

import os
import sqlite3
import tempfile
import threading
from pathlib import Path

from hypothesis import settings
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from folio.store import database
from folio.store.checkpoints import Checkpointer
from folio.store.database import checkpointer, make_engine, writer_lock
from folio.store.uow import UnitOfWork

SMALL, LARGE = 2, 300  # rows of 1,000 bytes: under a page's worth each, and about 75 pages
PAGE = 4096 + 24


class CheckpointMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.saved = (database.SQLITE_CHECKPOINT_PAGES, database.SQLITE_JOURNAL_SIZE_LIMIT)
        database.SQLITE_CHECKPOINT_PAGES, database.SQLITE_JOURNAL_SIZE_LIMIT = 100, 64 * 1024
        self.folder = tempfile.TemporaryDirectory()
        self.path = Path(self.folder.name) / "book.db"
        self.engine = make_engine(f"sqlite:///{self.path}", pool_size=2)
        with self.engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (v TEXT)")
        self.rows = 0
        self.release = threading.Event()
        self.release.set()
        self.failing = 0  # checkpoints still to fail
        self.guard = threading.Lock()
        self.running = 0
        self.most_at_once = 0
        self.real = Checkpointer.checkpoint
        machine = self

        def watched(checkpointer: Checkpointer) -> None:
            with machine.guard:
                machine.running += 1
                machine.most_at_once = max(machine.most_at_once, machine.running)
                fail = machine.failing > 0
                machine.failing -= fail
            try:
                # Only a background pass is held: a writer finishing one holds the writer
                # lock, and it is the machine's own thread.
                if not writer_lock(machine.engine).locked():
                    assert machine.release.wait(10), "a held checkpoint was never released"
                if fail:
                    raise sqlite3.OperationalError("disk I/O error")
                machine.real(checkpointer)
            finally:
                with machine.guard:
                    machine.running -= 1

        Checkpointer.checkpoint = watched  # type: ignore[method-assign]

    def _write(self, rows: int) -> None:
        with UnitOfWork(self.engine) as uow:
            uow.conn.exec_driver_sql(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
                "INSERT INTO t SELECT hex(randomblob(500)) FROM n",
                (rows,),
            )
            uow.commit()
        self.rows += rows

    def _settled(self) -> Checkpointer:
        found = checkpointer(self.engine)
        assert found is not None
        assert found.idle.wait(10), "the checkpoint did not finish"
        return found

    @rule()
    def small_write(self) -> None:
        self._write(SMALL)

    @rule()
    def large_write(self) -> None:
        self._write(LARGE)

    @rule()
    def hold_checkpoints(self) -> None:
        self.release.clear()

    @rule()
    def release_checkpoints(self) -> None:
        self.release.set()

    @rule()
    def fail_the_next_checkpoint(self) -> None:
        with self.guard:
            self.failing += 1

    @rule()
    def settle(self) -> None:
        self.release.set()
        with self.guard:
            self.failing = 0
        found = self._settled()
        # A write finishes a pass that ended (the log checkpointed to its end), the next
        # restarts the log and cuts it back; a third covers a pass started by the first.
        for _ in range(3):
            self._write(SMALL)
            self._settled()
        log = os.path.getsize(f"{self.path}-wal")
        assert log < found.threshold_bytes + 4 * PAGE, (log, found.threshold_bytes)

    @invariant()
    def every_row_is_there(self) -> None:
        with self.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar_one() == self.rows

    @invariant()
    def one_checkpoint_at_a_time(self) -> None:
        assert self.most_at_once <= 1

    def teardown(self) -> None:
        self.release.set()
        try:
            found = checkpointer(self.engine)
            if found is not None:
                found.idle.wait(10)
            with self.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        finally:
            Checkpointer.checkpoint = self.real  # type: ignore[method-assign]
            database.SQLITE_CHECKPOINT_PAGES, database.SQLITE_JOURNAL_SIZE_LIMIT = self.saved
            self.engine.dispose()
            self.folder.cleanup()


CheckpointMachine.TestCase.settings = settings(
    max_examples=12, stateful_step_count=25, deadline=None
)
test_checkpoints_machine = CheckpointMachine.TestCase
