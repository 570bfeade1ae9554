"""SQLite's write-ahead log checkpointed beside the writer, not inside its commit.

Left to SQLite, the commit that takes the log past `wal_autocheckpoint` pages copies the whole
log back into the database and syncs it before it returns: the writer waits for it and so does
every write queued behind it. A 100,000-row import's commit took 1.77-2.04 s that way instead
of 0.15-0.19 s, while a 10,000-row import left its checkpoint to a later commit and never paid
for it (BENCHMARKS.md, issue 15). Folio turns SQLite's own checkpoints off on every connection and,
when a connection comes back to the pool with the log past the threshold, runs a PASSIVE
checkpoint on a thread of its own, as PostgreSQL's checkpointer runs beside its backends; the
next writer of the process, after its commit and still holding the writer lock, checkpoints
what was written meanwhile (`Checkpointer.finish`), so the log reaches its end and SQLite can
restart it. The commit is durable either way: the log is synced
(`synchronous=NORMAL`) by the checkpoint, as before. A PASSIVE checkpoint never blocks a
reader; what it cannot copy yet (a reader still needs an older page) the next one does.

The log's size on disk stands for the pages not yet checkpointed: once checkpointed, the next
write restarts the log from its start and cuts the file back to `journal_size_limit`, which is
kept below the threshold, so a file past the threshold is a log that needs a checkpoint (or one
just checkpointed and not yet restarted: one more, cheap, checkpoint).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from urllib.parse import quote

log = logging.getLogger("folio.store")


class Checkpointer:
    """One SQLite database file's background checkpoints: at most one running at a time."""

    def __init__(self, path: str, threshold_bytes: int) -> None:
        self.path = path
        self.log_path = f"{path}-wal"
        self.threshold_bytes = threshold_bytes
        self._lock = threading.Lock()
        self._unfinished = False  # a background pass has ended: the next writer finishes it
        # Cleared while a checkpoint runs (changed under `_lock`; tests wait on it).
        self.idle = threading.Event()
        self.idle.set()

    def checked_in(self) -> None:
        """A connection is back in the pool: start a checkpoint if the log has grown past the
        threshold. A stat, 2-4 us, on every transaction's end."""
        try:
            size = os.stat(self.log_path).st_size
        except OSError:  # no log yet, or an in-memory database
            return
        if size < self.threshold_bytes:
            return
        with self._lock:
            if not self.idle.is_set():  # one runs: what it leaves, the next writer finishes
                return
            self.idle.clear()
        threading.Thread(target=self._run, name="folio-sqlite-checkpoint", daemon=True).start()

    def finish(self) -> None:
        """A writer of this process, after its commit, holding the writer lock, before its
        connection goes back to the pool: copy what was written while the last background pass
        ran. Then the log is checkpointed to its end and the next write restarts it. Beside a
        writer that never pauses a pass alone never gets there (700 back-to-back transactions
        grew a log to 459 MB), and a thread waiting for the writer lock to finish it lost the
        lock again and again to a loop of writes (Python's locks are not fair)."""
        with self._lock:
            if not (self._unfinished and self.idle.is_set()):
                return
            self._unfinished = False
            self.idle.clear()
        try:
            self._checkpointed()
        finally:
            self.idle.set()

    def _run(self) -> None:
        try:
            if self._checkpointed():  # the bulk of the log, while writes go on
                self._unfinished = True
        finally:
            self.idle.set()

    def _checkpointed(self) -> bool:
        try:
            self.checkpoint()
        except sqlite3.Error:
            # The writes are safe in the log; the next connection back in the pool with the
            # log still past the threshold starts another try.
            log.warning("SQLite checkpoint of %s failed", self.path, exc_info=True)
            return False
        return True

    def checkpoint(self) -> None:
        # A connection of its own, opened for the checkpoint only: nothing of the pool is held
        # for its length, and nothing stays open past it (a closed engine's last connection
        # still checkpoints and removes the log, as SQLite does).
        if not os.path.exists(self.path):
            return  # removed since (a test's or a benchmark's database): nothing to keep
        # mode=rw: a database removed meanwhile is an error, not a new empty file
        uri = f"file:{quote(self.path)}?mode=rw"
        conn = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        finally:
            conn.close()
