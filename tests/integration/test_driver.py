"""Statements on the driver's cursor run in the unit of work's transaction and fail as
SQLAlchemy's errors do, so retries and the API's error mapping see them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from folio.service import runner
from folio.store import driver
from folio.store.uow import UnitOfWork


def _insert(uow: UnitOfWork, value: str) -> None:
    mark = "%s" if uow.dialect == "postgresql" else "?"
    statement = f"INSERT INTO server_settings (name, value) VALUES ({mark}, {mark})"
    driver.run(uow.conn, statement, ("driver_test", value))


def _setting(engine: Engine) -> str | None:
    return runner.read(UnitOfWork(engine, write=False), lambda uow: uow.auth.setting("driver_test"))


def test_a_driver_error_is_raised_as_sqlalchemys(engine: Engine) -> None:
    runner.write(UnitOfWork(engine), lambda uow: _insert(uow, "first"))
    with pytest.raises(IntegrityError):
        runner.write(UnitOfWork(engine), lambda uow: _insert(uow, "again"))
    assert _setting(engine) == "first"


def test_driver_statements_belong_to_the_transaction(engine: Engine) -> None:
    def insert_then_fail(uow: UnitOfWork) -> None:
        _insert(uow, "rolled back")
        raise RuntimeError("nothing of this lasts")

    with pytest.raises(RuntimeError):
        runner.write(UnitOfWork(engine), insert_then_fail)
    assert _setting(engine) is None
