"""The tests' PostgreSQL databases are reused only empty and only with the template's schema:
a test never sees another test's rows, nor a schema another test changed (tests/databases.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from folio.service.facade import Folio
from tests.builders import make_book
from tests.databases import PostgresServer


def _rows(url: str) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        ).scalars()
        counts = {t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one() for t in tables}
    engine.dispose()
    return counts


def test_a_database_comes_back_empty_and_a_changed_one_is_dropped(
    postgres_server: PostgresServer,
) -> None:
    if postgres_server.error:
        pytest.fail(postgres_server.error)
    server = PostgresServer()  # its own pool: the session's may hold databases already
    try:
        with server.database() as first:
            fo = Folio(first, migrate=False)
            book = make_book(fo, chart="skr04")
            fo.set_opening_balance(book.id, fo.ledger_by_number(book.id, "1800").id, 500)
            fo.engine.dispose()
            assert _rows(first)["journal_entries"] == 1
        with server.database() as second:
            assert second == first
            counts = _rows(second)
            assert counts.pop("alembic_version") == 1
            assert set(counts.values()) == {0}, counts
            engine = create_engine(second, poolclass=NullPool)
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE left_behind (x int)"))
            engine.dispose()
        with server.database() as third:
            assert third != first
            assert "left_behind" not in _rows(third)
        with server.database(fresh=True) as fresh:
            assert fresh not in (first, third)
        assert server.idle == [third.rsplit("/", 1)[1]]
    finally:
        server.close()
    with server.admin.connect() as conn:
        left = (
            conn.execute(
                text("SELECT datname FROM pg_database WHERE datname = ANY(:names)"),
                {"names": [url.rsplit("/", 1)[1] for url in (first, third, fresh)]},
            )
            .scalars()
            .all()
        )
    assert left == []
    with postgres_server.database() as url:  # the session's template is not the test's
        assert _rows(url)["alembic_version"] == 1
