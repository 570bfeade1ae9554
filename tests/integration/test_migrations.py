"""The migrations build exactly the schema the code declares, and go down and up again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from folio.store.migrate import HEAD, alembic_config, current_revision, stored_revision, upgrade
from folio.store.tables import metadata


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
