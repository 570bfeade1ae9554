"""Backups of a whole Folio database, and restoring one, on either engine.

SQLite: SQLite's online backup API copies the database page by page while the server keeps
serving (writers wait for each step, nobody stops); the copy is checked with
`PRAGMA integrity_check` and moved into place only when complete. Restore copies the backup
into the database the same way, so a half-restored database is never left behind.

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot; the server keeps serving) and
`pg_restore --clean --if-exists --single-transaction --exit-on-error`, so a restore either
replaces every Folio table or changes nothing. The client tools come from PATH, or from
FOLIO_PG_BIN, or from the newest /usr/lib/postgresql/*/bin; they must be at least the
server's major version.

The caller (`folio restore`) migrates the restored database and verifies every book.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url

from folio.domain.digits import is_digits
from folio.store.database import normalize_url

PAGES_PER_STEP = 1024  # the online backup copies this many pages, then lets writers in


class BackupError(RuntimeError):
    """A backup or restore that did not complete; the message says why."""


@dataclass(frozen=True, slots=True)
class Done:
    path: Path
    size: int  # bytes


def _kind(url: URL) -> str:
    if url.drivername.startswith("sqlite"):
        return "sqlite"
    if url.drivername.startswith("postgresql"):
        return "postgresql"
    raise BackupError(f"no backup for {url.drivername} databases")


def backup(database_url: str, target: Path) -> Done:
    """Write a backup of the database to `target`, which must not exist yet."""
    url = make_url(normalize_url(database_url))
    if target.exists():
        raise BackupError(f"{target} exists; name a new file")
    if _kind(url) == "sqlite":
        _sqlite_backup(_sqlite_file(url), target)
    else:
        _pg_dump(url, target)
    return Done(target, target.stat().st_size)


def restore(source: Path, database_url: str) -> None:
    """Replace the database's contents with the backup in `source`."""
    url = make_url(normalize_url(database_url))
    if not source.is_file():
        raise BackupError(f"{source} is not a backup file")
    if _kind(url) == "sqlite":
        _sqlite_restore(source, _sqlite_file(url))
    else:
        _pg_restore(source, url)


# --------------------------------------------------------------------------------- SQLite


def _sqlite_file(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:"):
        raise BackupError("an in-memory database has nothing to back up")
    return Path(database)


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target, pages=PAGES_PER_STEP)
    status = target.execute("PRAGMA integrity_check").fetchone()[0]
    if status != "ok":
        raise BackupError(f"the copy failed SQLite's integrity check: {status}")


def _sqlite_backup(database: Path, target: Path) -> None:
    if not database.is_file():
        raise BackupError(f"there is no database at {database}")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{quote(str(database))}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(partial)
        try:
            _copy(source, copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
        partial.replace(target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)


def _sqlite_restore(source_file: Path, database: Path) -> None:
    source = sqlite3.connect(f"file:{quote(str(source_file))}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError(f"{source_file} is damaged (SQLite's integrity check fails)")
        if not _has_table(source, "alembic_version"):
            raise BackupError(f"{source_file} is not a Folio database")
        target = sqlite3.connect(database, timeout=30)
        try:
            _copy(source, target)  # one transaction in the target: all of it or none
        finally:
            target.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source_file} is not a SQLite database: {exc}") from None
    finally:
        source.close()


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,))
    return found.fetchone() is not None


# ----------------------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    """The path of pg_dump or pg_restore (module docstring: where it is looked for)."""
    configured = os.environ.get("FOLIO_PG_BIN")
    if configured:
        candidate = Path(configured) / name
        if candidate.is_file():
            return str(candidate)
        raise BackupError(f"FOLIO_PG_BIN={configured} has no {name}")
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if is_digits(path.parts[-3]) else 0,
    )
    if installed:
        return str(installed[-1])
    raise BackupError(
        f"{name} was not found: install PostgreSQL's client tools or set FOLIO_PG_BIN"
    )


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for the tools, and the environment carrying the password (so it
    never appears in a process listing)."""
    plain = url.set(drivername="postgresql", password=None)
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_dump(url: URL, target: Path) -> None:
    conninfo, env = libpq(url)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        _run(
            [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
             f"--file={partial}", f"--dbname={conninfo}"],
            env, "pg_dump",
        )  # fmt: skip
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _pg_restore(source: Path, url: URL) -> None:
    conninfo, env = libpq(url)
    tool = pg_tool("pg_restore")
    _run([tool, "--list", str(source)], env, f"reading {source}")
    _run(
        [tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", f"--dbname={conninfo}", str(source)],
        env, "pg_restore",
    )  # fmt: skip
