"""Where the token signing key comes from, and rotating it (folio.store.signing_keys)."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from folio.api.app import create_app
from folio.service import auth
from folio.store import signing_keys
from folio.store.signing_keys import SigningKeyError, SigningKeys
from tests.api.conftest import client_for, make_client
from tests.api.test_auth import token

OLD, NEW = "o" * 40, "n" * 40


def test_a_sqlite_database_gets_a_private_key_file_beside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOLIO_SECRET_KEY", raising=False)
    url = f"sqlite:///{tmp_path / 'books.db'}"
    with ThreadPoolExecutor(4) as pool:  # four workers starting at once agree on one key
        found = list(pool.map(lambda _: signing_keys.load(url), range(4)))
    path = tmp_path / "books.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len({keys.keys for keys in found if keys}) == 1
    assert found[0] is not None and len(found[0].keys[0]) >= signing_keys.MIN_KEY_LENGTH
    assert signing_keys.load(url) == found[0]  # kept across starts
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keys_named_in_the_environment_win(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'books.db'}"
    keys = signing_keys.load(url, {"FOLIO_SECRET_KEY": f"{NEW}, {OLD}"})
    assert keys is not None and keys.keys == (NEW, OLD) and keys.signing[1] == NEW
    named = tmp_path / "keys"
    named.write_text(f"# rotated 2026-12-01\n{NEW}\n\n{OLD}\n")
    from_file = signing_keys.load(url, {"FOLIO_SECRET_KEY_FILE": str(named)})
    assert from_file is not None and from_file.keys == (NEW, OLD)
    assert not (tmp_path / "books.db.key").exists()
    assert signing_keys.load("postgresql://db/folio", {}) is None


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"FOLIO_SECRET_KEY": "short"}, "shorter than 32"),
        ({"FOLIO_SECRET_KEY_FILE": "/nonexistent/folio.key"}, "cannot read"),
    ],
)
def test_an_unusable_key_is_refused(env: dict[str, str], problem: str) -> None:
    with pytest.raises(SigningKeyError, match=problem):
        signing_keys.load("sqlite://", env)


def _app_with(engine: Engine, *keys: str) -> FastAPI:
    app = create_app(engine)
    app.state.signing_keys = SigningKeys(keys, "test")
    return app


def test_rotation_keeps_old_tokens_until_the_old_key_goes(engine: Engine) -> None:
    client = make_client(engine, "books:read")
    before = token(_app_with(engine, OLD), client).json()["access_token"]
    during = _app_with(engine, NEW, OLD)
    after = _app_with(engine, NEW)
    issued_during = token(during, client).json()["access_token"]
    with client_for(during, before) as holder:
        assert holder.get("/v1/books").status_code == 200
    with client_for(after, issued_during) as holder:
        assert holder.get("/v1/books").status_code == 200
    auth.VERIFIED.clear()  # as a restart does: the new key list takes effect on restart
    with client_for(after, before) as holder:
        response = holder.get("/v1/books")
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")
