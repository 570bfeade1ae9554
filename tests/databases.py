"""Fresh databases for tests: one per test, cloned from a template migrated once per worker.

SQLite: a migrated file copied per test. PostgreSQL: `CREATE DATABASE ... TEMPLATE ...`, dropped
after the test. With FOLIO_REQUIRE_POSTGRES=1 (CI) an unreachable server fails the run
instead of skipping.
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

from folio.store.database import make_engine
from folio.store.migrate import upgrade

ADMIN_URL = os.environ.get(
    "FOLIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REQUIRE_POSTGRES = os.environ.get("FOLIO_REQUIRE_POSTGRES") == "1"
ENGINES = ["sqlite", "postgresql"]


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


class PostgresServer:
    def __init__(self) -> None:
        self.admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=1)
        self.template: str | None = None
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
            name = f"folio_tpl_{_worker()}_{os.getpid()}"
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            engine = make_engine(self.url_for(name), pool_size=1)
            upgrade(engine)
            engine.dispose()
            self.template = name
        return self.template

    @contextmanager
    def database(self) -> Iterator[str]:
        template = self.ensure_template()
        name = f"folio_t_{secrets.token_hex(6)}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
        try:
            yield self.url_for(name)
        finally:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        if self.template is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)'))
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
        with server.database() as url:
            yield url
    else:
        sqlite_template: SqliteTemplate = request.getfixturevalue("sqlite_template")
        with sqlite_template.database() as url:
            yield url


def engine_for(url: str, pool_size: int = 10) -> Engine:
    return make_engine(url, pool_size=pool_size)
