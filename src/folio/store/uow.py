"""The unit of work: the only transaction boundary. It rolls back unless committed."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from folio.domain.errors import ServiceUnavailable
from folio.store.database import WRITE_OPTION, finish_checkpoint, write_engine, writer_lock
from folio.store.repos import (
    AuditRepo,
    AuthRepo,
    BookRepo,
    ClosingRepo,
    DatevImportRepo,
    IdempotencyRepo,
    JournalRepo,
    LedgerRepo,
    OpeningOwnerRepo,
    OpenItemRepo,
    PartyRepo,
    PeriodRepo,
)

T = TypeVar("T")

MAX_ATTEMPTS = 5
_TRANSIENT_SQLSTATES = {"40001", "40P01"}


class UnitOfWork:
    """`with uow:` opens one transaction; `uow.commit()` is the only way anything lasts."""

    conn: Connection
    books: BookRepo
    closings: ClosingRepo
    ledgers: LedgerRepo
    journal: JournalRepo
    open_items: OpenItemRepo
    datev_imports: DatevImportRepo
    openings: OpeningOwnerRepo
    parties: PartyRepo
    periods: PeriodRepo
    audit: AuditRepo
    idempotency: IdempotencyRepo
    auth: AuthRepo

    def __init__(self, engine: Engine, *, write: bool = True) -> None:
        self.engine = engine
        self.write = write
        self.dialect = engine.dialect.name
        self._committed = False
        self._writer: threading.Lock | None = None

    def __enter__(self) -> UnitOfWork:
        options: dict[str, object] = {WRITE_OPTION: self.write}
        if not self.write and self.dialect == "postgresql":
            # A read under READ COMMITTED sees a fresh snapshot per statement anyway; without
            # BEGIN and ROLLBACK it saves two round trips per read (every request's auth).
            options["isolation_level"] = "AUTOCOMMIT"
        self._writer = writer_lock(self.engine) if self.write and self.dialect == "sqlite" else None
        if self._writer is not None:
            self._writer.acquire()
        try:
            source = write_engine(self.engine) if self._writer is not None else self.engine
            self.conn = source.connect().execution_options(**options)
            self.conn.begin()
        except OperationalError as exc:
            self._release_writer()
            raise ServiceUnavailable() from exc
        except BaseException:
            self._release_writer()
            raise
        self._committed = False
        self.books = BookRepo(self.conn)
        self.closings = ClosingRepo(self.conn)
        self.ledgers = LedgerRepo(self.conn)
        self.journal = JournalRepo(self.conn)
        self.open_items = OpenItemRepo(self.conn)
        self.datev_imports = DatevImportRepo(self.conn)
        self.openings = OpeningOwnerRepo(self.conn)
        self.parties = PartyRepo(self.conn)
        self.periods = PeriodRepo(self.conn)
        self.audit = AuditRepo(self.conn)
        self.idempotency = IdempotencyRepo(self.conn)
        self.auth = AuthRepo(self.conn)
        return self

    def commit(self) -> None:
        self.audit.flush()  # events are held back to be written in one statement
        self.conn.commit()
        self._committed = True

    def rollback(self) -> None:
        self.conn.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if not self._committed:
                self.conn.rollback()
        finally:
            try:
                if self._writer is not None and self._committed:
                    finish_checkpoint(self.engine)  # no other writer of the process can run
                self.conn.close()
            finally:
                self._release_writer()

    def _release_writer(self) -> None:
        if self._writer is not None:
            self._writer.release()
            self._writer = None


UowFactory = Callable[..., UnitOfWork]


def is_transient(exc: BaseException) -> bool:
    """Serialization failures, deadlocks and SQLite busy errors: safe to retry whole."""
    if not isinstance(exc, DBAPIError):
        return False
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate in _TRANSIENT_SQLSTATES:
        return True
    return "database is locked" in str(exc.orig)


def is_unavailable(exc: BaseException) -> bool:
    """The database cannot be reached (rather than refusing this statement)."""
    if not isinstance(exc, OperationalError):
        return False
    if exc.connection_invalidated:
        return True
    message = str(exc.orig).lower()
    return any(text in message for text in ("connection", "could not connect", "unable to open"))


def with_retries(fn: Callable[[], T]) -> T:
    """Run a whole transaction again on a transient failure, a bounded number of times."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        try:
            return fn()
        except DBAPIError as exc:
            if is_transient(exc) and attempt < MAX_ATTEMPTS:
                time.sleep(random.uniform(0, 0.01 * 2**attempt))
                continue
            if is_unavailable(exc):
                raise ServiceUnavailable() from exc
            raise
    raise AssertionError("unreachable")  # pragma: no cover
