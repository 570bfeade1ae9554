"""Commands run in one process (typer's CliRunner, a program embedding the CLI) close their
database connections when each ends. Before, every command left its engine's connection open:
the fiscal-year state machine's CLI moves ran PostgreSQL out of clients ("sorry, too many
clients already") after some hundred commands."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from folio.cli.main import app
from folio.service.facade import Folio
from tests.builders import make_book


def _connections(engine: Engine) -> int:
    """Client connections to the test's database but this one: an autovacuum worker on it is
    listed too (a fresh chart's rows start one), and is no connection of Folio's."""
    with engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        )


def _settled(engine: Engine, expected: int) -> int:
    """The count once it is `expected`, or after 5 s: a closed connection's server process
    leaves the list shortly after the client has gone. A connection left open stays listed."""
    deadline = time.monotonic() + 5
    while (count := _connections(engine)) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return count


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_each_command_closes_its_connections(fo: Folio, db_url: str) -> None:
    book = make_book(fo, chart="skr04")
    fo.engine.dispose()
    before = _connections(fo.engine)
    runner = CliRunner()
    for _ in range(12):
        for args in (["years", "list", book.id], ["opening-balances", "show", book.id]):
            result = runner.invoke(app, [*args, "--database", db_url])
            assert result.exit_code == 0, result.output
    assert _settled(fo.engine, before) == before
