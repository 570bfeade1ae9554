"""The keys that sign access tokens: kept outside the database, so that whoever reads the
database (a leaked backup, a read-only replica) cannot sign a token.

Where they come from, first match wins:

1. `FOLIO_SECRET_KEY`: the key itself, or several separated by spaces or commas;
2. `FOLIO_SECRET_KEY_FILE`: a file with one key a line (blank lines and `#` comments skipped);
3. a SQLite database file `X`: the file `X.key` beside it, created on first start with mode
   0600 (an in-memory database gets a key for the life of the process);
4. otherwise (PostgreSQL without 1 or 2): no key. API keys work; the token endpoints answer
   503 and name the setting, and no access token is accepted.

The first key signs; every key verifies, picked by the token's `kid` header (a digest of the
key, never the key). Rotation (docs/operations.md): put the new key first, keep the old one
second for an hour (the lifetime of a token), then remove it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

log = logging.getLogger("folio.keys")
MIN_KEY_LENGTH = 32
KEY_FILE_SUFFIX = ".key"


class SigningKeyError(ValueError):
    """A configured key that cannot be used; the server refuses to start."""


@dataclass(frozen=True, slots=True)
class SigningKeys:
    keys: tuple[str, ...]  # the first signs
    source: str  # where they were read, for messages (never the keys)

    @property
    def signing(self) -> tuple[str, str]:
        """(kid, key) of the key that signs."""
        return key_id(self.keys[0]), self.keys[0]

    def verifying(self, kid: object) -> str | None:
        return next((key for key in self.keys if key_id(key) == kid), None)


def key_id(key: str) -> str:
    return hashlib.sha256(b"folio-kid\n" + key.encode()).hexdigest()[:16]


def _checked(keys: list[str], source: str) -> SigningKeys:
    if not keys:
        raise SigningKeyError(f"{source} holds no key")
    short = [index for index, key in enumerate(keys, start=1) if len(key) < MIN_KEY_LENGTH]
    if short:
        raise SigningKeyError(
            f"{source}: key {short[0]} is shorter than {MIN_KEY_LENGTH} characters; "
            "make one with `python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    return SigningKeys(tuple(keys), source)


def read_key_file(path: Path) -> SigningKeys:
    try:
        text = path.read_text()
    except OSError as exc:
        raise SigningKeyError(f"cannot read the key file {path}: {exc.strerror}") from None
    if not is_private(path):
        log.warning("the key file %s can be read by others; chmod 600 it", path)
    lines = [line.strip() for line in text.splitlines()]
    return _checked([line for line in lines if line and not line.startswith("#")], str(path))


def new_key() -> str:
    return secrets.token_urlsafe(48)


def ensure_key_file(path: Path) -> SigningKeys:
    """The key file at `path`, created with mode 0600 when missing.

    Written to a private temporary file and linked into place, so two processes starting at
    once agree on one key and neither reads a half-written file.
    """
    if not path.exists():
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(
                    "# Folio's access-token signing key (docs/operations.md: key rotation).\n"
                    f"{new_key()}\n"
                )
            try:
                os.link(temporary, path)
            except FileExistsError:
                pass  # another process was first: use its key
        finally:
            temporary.unlink(missing_ok=True)
    return read_key_file(path)


def key_file_for(url: str) -> Path | None:
    """The key file beside a SQLite database file; None for other databases and memory."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite"):
        return None
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).with_name(Path(database).name + KEY_FILE_SUFFIX)


def load(url: str, env: Mapping[str, str] | None = None) -> SigningKeys | None:
    """The signing keys for the database at `url` (module docstring: where from)."""
    env = os.environ if env is None else env
    value = env.get("FOLIO_SECRET_KEY", "").strip()
    if value:
        return _checked(value.replace(",", " ").split(), "FOLIO_SECRET_KEY")
    named = env.get("FOLIO_SECRET_KEY_FILE", "").strip()
    if named:
        return read_key_file(Path(named))
    beside = key_file_for(url)
    if beside is not None:
        return ensure_key_file(beside)
    if make_url(url).drivername.startswith("sqlite"):
        return SigningKeys((new_key(),), "a key for this process (in-memory database)")
    return None


def is_private(path: Path) -> bool:
    """True when neither group nor others may read the file."""
    return not path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)
