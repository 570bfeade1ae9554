"""The migrations build exactly the schema the code declares, and go down and up again."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from folio.service.facade import Folio
from folio.store.migrate import HEAD, alembic_config, current_revision, stored_revision, upgrade
from folio.store.tables import metadata
from tests.builders import make_book, make_ledgers, post

pytestmark = pytest.mark.fresh_database  # migrations down and up


def test_head_names_the_newest_migration(engine: Engine) -> None:
    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD
    assert current_revision(engine) == stored_revision(engine) == HEAD


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    assert current_revision(engine) == HEAD
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []


def test_downgrade_to_base_and_upgrade_again(engine: Engine) -> None:
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert {"journal_entries", "journal_lines", "ledgers"} <= set(inspect(engine).get_table_names())


def _keys_collated_c(engine: Engine) -> int:
    """Columns under collation "C": on SQLite none, ever (its default is binary)."""
    if engine.dialect.name == "sqlite":
        return 0
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND collation_name = 'C'"
            )
        ).scalar_one()


def test_key_collations_go_down_and_up_under_a_posted_book(fo: Folio) -> None:
    """0011 rebuilds the key columns' indexes and foreign keys around the rows already there."""
    engine = fo.engine
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    post(fo, book, "1000 D 10.00; 4000 C 10.00")
    built = _keys_collated_c(engine)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0010")
    assert _keys_collated_c(engine) == 0
    upgrade(engine)
    assert _keys_collated_c(engine) == built
    post(fo, book, "1000 D 5.00; 4000 C 5.00")
    assert fo.verify(book.id).ok
    totals = {lg.number: (lg.debits_posted, lg.credits_posted) for lg in fo.ledgers(book.id)}
    assert (totals["1000"], totals["4000"]) == ((1500, 0), (0, 1500))
    if engine.dialect.name == "postgresql":
        assert built > 40
        with engine.connect() as conn:
            unchecked = (
                "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
            )
            assert conn.execute(text(unchecked)).scalar_one() == 0
