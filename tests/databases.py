"""Empty databases for tests: one per test, cloned from a template migrated once per worker.

SQLite: a migrated file copied per test. PostgreSQL: `CREATE DATABASE ... TEMPLATE ...` costs
about 0.4 s a test (the template's 8.5 MB written through the WAL), so after a test its database
is emptied (every row deleted, the journal's append-only triggers off for it: about 15 ms) and
given to the worker's next test, if its schema is still the template's; otherwise it is
dropped. Tests marked `fresh_database` (plans and statistics, migrations) get a new one, which
is dropped after them: an emptied database keeps the statistics of the rows it held. With
FOLIO_REQUIRE_POSTGRES=1 (CI) an unreachable server fails the run instead of skipping.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from folio.store.database import make_engine
from folio.store.migrate import upgrade

ADMIN_URL = os.environ.get(
    "FOLIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("FOLIO_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# What a database's schema is made of, compared after each test with the template's: a test
# that migrated down and not up again, or created a table, leaves a database no next test gets.
_SCHEMA = text(
    "SELECT (SELECT string_agg(version_num, ',') FROM alembic_version), "
    "(SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
    " WHERE n.nspname = 'public'), "
    "(SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)"
)
_TABLES = text(
    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
    "AND tablename <> 'alembic_version' ORDER BY tablename"
)


class PostgresServer:
    def __init__(self) -> None:
        self.admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)
        self.template: str | None = None
        self.schema: tuple[object, ...] | None = None
        self.idle: list[str] = []  # emptied databases, for the worker's next tests
        self.error: str | None = None
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            self.error = f"PostgreSQL not reachable at {ADMIN_URL}: {exc}"

    def url_for(self, name: str) -> str:
        return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)

    def ensure_template(self) -> str:
        if self.template is None:
            name = f"folio_tpl_{_worker()}_{secrets.token_hex(4)}"
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(self.url_for(name), pool_size=1)
            upgrade(engine)
            with engine.connect() as conn:
                self.schema = tuple(conn.execute(_SCHEMA).one())
            engine.dispose()
            self.template = name
        return self.template

    @contextmanager
    def database(self, *, fresh: bool = False) -> Iterator[str]:
        template = self.ensure_template()
        if self.idle and not fresh:
            name = self.idle.pop()
        else:
            name = f"folio_t_{secrets.token_hex(6)}"
            with self.admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        emptied = False
        try:
            yield self.url_for(name)
            emptied = not fresh and self._empty(name)
        finally:
            if emptied:
                self.idle.append(name)
            else:
                self._drop(name)

    def _empty(self, name: str) -> bool:
        """Delete every row of `name` if its schema is still the template's; whether it was."""
        with self.admin.connect() as conn:  # a test's pools and threads may still be connected
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
        engine = create_engine(self.url_for(name), poolclass=NullPool)
        try:
            with engine.begin() as conn:
                if tuple(conn.execute(_SCHEMA).one()) != self.schema:
                    return False
                conn.execute(text("SET LOCAL session_replication_role = replica"))
                for table in conn.execute(_TABLES).scalars().all():
                    conn.execute(text(f'DELETE FROM "{table}"'))
            return True
        finally:
            engine.dispose()

    def _drop(self, name: str) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        for name in [*self.idle, *([self.template] if self.template else [])]:
            self._drop(name)
        self.idle.clear()
        self.admin.dispose()


class SqliteTemplate:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template: Path | None = None

    @contextmanager
    def database(self) -> Iterator[str]:
        if self.template is None:
            self.template = self.folder / "template.db"
            engine = make_engine(f"sqlite:///{self.template}", pool_size=1)
            upgrade(engine)
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            engine.dispose()
        path = self.folder / f"t_{secrets.token_hex(6)}.db"
        shutil.copyfile(self.template, path)
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextmanager
def fresh_database(kind: str, request: pytest.FixtureRequest) -> Iterator[str]:
    if kind == "postgresql":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        if server.error:
            if REQUIRE_POSTGRES:
                pytest.fail(server.error)
            pytest.skip(server.error)
        with server.database(
            fresh=request.node.get_closest_marker("fresh_database") is not None
        ) as url:
            yield url
    else:
        sqlite_template: SqliteTemplate = request.getfixturevalue("sqlite_template")
        with sqlite_template.database() as url:
            yield url


def engine_for(url: str, pool_size: int = 10) -> Engine:
    return make_engine(url, pool_size=pool_size)
