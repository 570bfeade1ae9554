from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

from folio.service.facade import Folio
from tests.databases import (
    ENGINES,
    REQUIRE_POSTGRES,
    PostgresServer,
    SqliteTemplate,
    engine_for,
    fresh_database,
)

# The token signing key comes from outside the database (folio.store.signing_keys); PostgreSQL
# has no file to keep one beside, so the tests name one. tests/api/test_signing_keys.py tries
# the other sources.
os.environ.setdefault("FOLIO_SECRET_KEY", secrets.token_urlsafe(48))

settings.register_profile(
    "default", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.register_profile(
    "ci", deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    yield server
    server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(params=ENGINES)
def db_url(request: pytest.FixtureRequest) -> Iterator[str]:
    with fresh_database(request.param, request) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = engine_for(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def fo(engine: Engine) -> Folio:
    return Folio(engine, migrate=False)


def _skipped_postgres(reporter: pytest.TerminalReporter) -> list[pytest.TestReport]:
    """PostgreSQL tests that were skipped: with FOLIO_REQUIRE_POSTGRES=1 they fail the run."""
    return [
        report
        for report in reporter.stats.get("skipped", [])
        if "postgresql" in report.nodeid or "postgres" in str(report.longrepr).lower()
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = _skipped_postgres(terminalreporter) if REQUIRE_POSTGRES else []
    if skipped:
        terminalreporter.write_line(
            f"FOLIO_REQUIRE_POSTGRES=1 but {len(skipped)} PostgreSQL tests were skipped", red=True
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if REQUIRE_POSTGRES and reporter is not None and _skipped_postgres(reporter):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
