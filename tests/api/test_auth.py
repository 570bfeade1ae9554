from __future__ import annotations

import gc
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, create_engine

from folio.domain.errors import InvalidInput
from folio.service import auth, runner
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork
from tests.api.conftest import client_for, make_client, make_key


def token(app: FastAPI, client: str, **form: str) -> httpx.Response:
    client_id, secret = client.split()
    with client_for(app) as anonymous:
        return anonymous.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
                **form,
            },
        )


def test_missing_and_bad_bearer_tokens(app: FastAPI, engine: Engine) -> None:
    key = make_key(engine, "books:read")
    for header in (
        {},
        {"Authorization": "Basic dXNlcjpwdw=="},
        {"Authorization": "Bearer "},
        {"Authorization": "Bearer fol_short"},
        {"Authorization": "Bearer " + key[:-2] + "xx"},
        {"Authorization": "Bearer not-a-jwt"},
    ):
        with client_for(app) as anonymous:
            response = anonymous.get("/v1/books", headers=header)
        assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED"), header
        assert response.headers["WWW-Authenticate"] == "Bearer"
    with client_for(app, key) as reader:
        assert reader.get("/v1/books").status_code == 200
        key_id = "key_" + key[4:26]
        runner.write(
            UnitOfWork(engine),
            lambda uow: auth.revoke(uow, auth.CredentialKind.KEY, key_id, runner.SYSTEM),
        )
        assert reader.get("/v1/books").status_code == 401


def test_scopes_and_admin(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    book = admin.post(
        "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    with client_for(app, make_key(engine, "books:read ledgers:read")) as reader:
        assert reader.get(f"/v1/books/{book['id']}/ledgers").status_code == 200
        refused = reader.patch(f"/v1/books/{book['id']}", json={"name": "B"})
        assert (refused.status_code, refused.json()) == (
            403,
            {
                "error": "This needs the books:write scope.",
                "code": "INSUFFICIENT_SCOPE",
                "data": {"required": "books:write"},
            },
        )


def test_scope_aliases_map_onto_native_scopes(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = admin.post(
        "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    with client_for(app, make_key(engine, "ledger:update")) as vendor:
        made = vendor.post(
            f"/v1/books/{book['id']}/ledgers", json={"name": "Bank", "type": "asset"}
        )
        assert made.status_code == 201
        assert vendor.get(f"/v1/books/{book['id']}/ledgers").status_code == 403
    with pytest.raises(InvalidInput):
        auth.parse_scopes("kreditoren:write")  # a LedgerLou module Folio does not have


def test_client_credentials_token(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    book = admin.post(
        "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    client = make_client(engine, "books:read ledgers:read ledgers:write")
    granted = token(app, client, scope="ledgers:read")
    assert granted.status_code == 200
    body = granted.json()
    assert (body["token_type"], body["expires_in"], body["scope"], body["book_id"]) == (
        "Bearer",
        3600,
        "ledgers:read",
        None,
    )
    assert granted.headers["Cache-Control"] == "no-store"
    with client_for(app, body["access_token"]) as bearer:
        assert bearer.get(f"/v1/books/{book['id']}/ledgers").status_code == 200
        assert bearer.get("/v1/books").status_code == 403
        tampered = body["access_token"][:-3] + (
            "AAA" if body["access_token"][-3:] != "AAA" else "BBB"
        )
        assert (
            bearer.get("/v1/books", headers={"Authorization": f"Bearer {tampered}"}).status_code
            == 401
        )
    full = token(app, client).json()
    assert full["scope"] == "books:read ledgers:read ledgers:write"
    bound = token(app, client, book_id=book["id"]).json()
    with client_for(app, bound["access_token"]) as narrowed:
        assert [b["id"] for b in narrowed.get("/v1/books").json()["data"]] == [book["id"]]


def test_token_errors(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    mine = admin.post(
        "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    other = admin.post(
        "/v1/books", json={"name": "B", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()
    client = make_client(engine, "books:read", book_id=mine["id"])
    client_id = client.split()[0]
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({"scope": "books:write"}, 403, "INSUFFICIENT_SCOPE"),
        ({"scope": "nonsense"}, 422, "INVALID_INPUT"),
        ({"book_id": other["id"]}, 404, "NOT_FOUND"),
        ({"grant_type": "password"}, 422, "INVALID_INPUT"),
    ]
    for form, status, code in cases:
        response = token(app, client, **form)
        assert (response.status_code, response.json()["code"]) == (status, code), form
    wrong = token(app, f"{client_id} not-the-secret")
    assert (wrong.status_code, wrong.json()["code"]) == (401, "UNAUTHENTICATED")
    unknown = token(app, "cli_unknown secret")
    assert unknown.status_code == 401
    with client_for(app) as anonymous:
        missing = anonymous.post("/v1/auth/token", data={"grant_type": "client_credentials"})
    assert (missing.status_code, missing.json()["data"]["field"]) == (422, "client_id")
    granted = token(app, client).json()
    assert granted["book_id"] == mine["id"]
    with client_for(app, granted["access_token"]) as bound:
        assert bound.get(f"/v1/books/{other['id']}").status_code == 404
        assert bound.get(f"/v1/books/{mine['id']}").status_code == 200
        runner.write(
            UnitOfWork(engine),
            lambda uow: auth.revoke(uow, auth.CredentialKind.CLIENT, client_id, runner.SYSTEM),
        )
        assert bound.get(f"/v1/books/{mine['id']}").status_code == 401


def test_expired_token(app: FastAPI, engine: Engine) -> None:
    client_id, secret = make_client(engine, "books:read").split()
    signing = app.state.signing_keys
    old = runner.read(
        UnitOfWork(engine, write=False),
        lambda uow: auth.issue_token(
            uow,
            client_id=client_id,
            client_secret=secret,
            keys=signing,
            now=utcnow() - timedelta(hours=2),
        ),
    )
    with client_for(app, old.access_token) as expired:
        response = expired.get("/v1/books")
    assert (response.status_code, response.json()["error"]) == (
        401,
        "The access token has expired.",
    )


def test_credentials_are_audited_and_hashed(engine: Engine, admin: httpx.Client) -> None:
    key = make_key(engine, "journal:read", None)
    stored = runner.read(
        UnitOfWork(engine, write=False),
        lambda uow: auth.list_credentials(uow, auth.CredentialKind.KEY),
    )
    assert key not in {c.secret_hash for c in stored}
    assert auth.hash_secret(key) in {c.secret_hash for c in stored}
    make_client(engine, "admin")
    events = admin.get("/v1/audit-events").json()["data"]
    assert [e["action"] for e in events] == [
        "api_key.created",
        "api_key.created",
        "oauth_client.created",
    ]
    assert events[1]["details"]["scopes"] == "journal:read"


def test_a_verified_key_is_remembered_for_a_few_seconds(
    app: FastAPI, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's revocation (here: straight in the database) lands within the window."""
    clock = [1000.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    key = make_key(engine, "books:read")
    key_id = "key_" + key[4:26]
    with client_for(app, key) as reader:
        assert reader.get("/v1/books").status_code == 200
        runner.write(UnitOfWork(engine), lambda uow: uow.auth.revoke("key", key_id, utcnow()))
        clock[0] += auth.VERIFIED_SECONDS - 0.5
        assert reader.get("/v1/books").status_code == 200
        clock[0] += 1.0
        response = reader.get("/v1/books")
        assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")


def test_a_token_is_not_remembered_past_its_expiry(app: FastAPI, engine: Engine) -> None:
    client_id, secret = make_client(engine, "books:read").split()
    signing = app.state.signing_keys
    almost_over = utcnow() - auth.TOKEN_LIFETIME + timedelta(seconds=1.5)
    grant = runner.read(
        UnitOfWork(engine, write=False),
        lambda uow: auth.issue_token(
            uow, client_id=client_id, client_secret=secret, keys=signing, now=almost_over
        ),
    )
    with client_for(app, grant.access_token) as reader:
        assert reader.get("/v1/books").status_code == 200  # verified, and remembered
        time.sleep(1.6)
        response = reader.get("/v1/books")
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")
    assert response.json()["error"] == "The access token has expired."


def test_the_verified_tokens_stay_bounded(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past VERIFIED_MAX, expired entries go first, then everything."""
    monkeypatch.setattr(auth, "VERIFIED_MAX", 2)
    clock = [0.0]
    monkeypatch.setattr(auth.time, "monotonic", lambda: clock[0])
    cache = auth.VerifiedTokens(seconds=5)
    principal = auth.Principal(id="key_1", scopes=frozenset({"admin"}))
    cache.put(engine, "old", principal)
    clock[0] = 4.0
    cache.put(engine, "new", principal)
    clock[0] = 6.0  # "old" has expired, "new" has not
    cache.put(engine, "third", principal)
    assert cache.get(engine, "old") is None
    assert cache.get(engine, "new") is principal and cache.get(engine, "third") is principal
    cache.put(engine, "fourth", principal)  # nothing expired: start over
    assert [cache.get(engine, t) for t in ("new", "third", "fourth")] == [None, None, principal]


def test_verified_tokens_are_kept_per_engine_and_leave_with_it(engine: Engine) -> None:
    """A second engine on the same database (a restarted app, a recreated test database)
    verifies for itself, and a dropped engine takes its tokens with it."""
    cache = auth.VerifiedTokens(seconds=5)
    principal = auth.Principal(id="key_1", scopes=frozenset({"admin"}))
    other = create_engine(engine.url)
    cache.put(engine, "token", principal)
    assert cache.get(engine, "token") is principal
    assert cache.get(other, "token") is None
    cache.put(other, "token", principal)
    assert len(cache._found) == 2
    other.dispose()
    del other
    gc.collect()
    assert len(cache._found) == 1 and cache.get(engine, "token") is principal
