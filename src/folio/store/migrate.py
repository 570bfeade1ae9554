"""Schema migrations through Alembic, on whichever engine FOLIO_DATABASE_URL names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

# The newest revision (tests check it against the scripts): a database already there is told
# apart with one query, without loading Alembic (a fifth of every CLI command's start-up).
HEAD = "0011"


def alembic_config(url: str | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "folio.store:migrations")
    if url:
        config.set_main_option("sqlalchemy.url", url)
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if revision == "head" and stored_revision(engine) == HEAD:
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database (None before the first migration)."""
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError:  # no such table yet
        return None


def database_revision(engine: Engine) -> str | None:
    """The stored revision, asking the database: an unreachable one raises (unlike
    `stored_revision`), an empty one is None."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()
