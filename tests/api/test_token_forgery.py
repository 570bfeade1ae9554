"""Issue 13, item 3: whoever reads the database cannot sign a token, and every token is read
against its client's record as it is now (both engines)."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine, select, text, update

from folio.api.app import create_app
from folio.api.settings import Settings
from folio.store.migrate import upgrade
from folio.store.tables import oauth_clients, server_settings
from tests.api.conftest import client_for, create_book, make_client
from tests.api.test_auth import token

OLD_SECRET = "a-secret-an-older-folio-kept-in-its-database"


def _forged(client_id: str, secret: str, **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": "folio", "sub": client_id, "scope": "admin", "iat": now, "exp": now + 600}
    return jwt.encode({**body, **claims}, secret, algorithm="HS256")


def _stored_text(engine: Engine) -> list[str]:
    """Every value the server keeps in its settings table: what a leaked backup holds."""
    with engine.connect() as conn:
        return [row.value for row in conn.execute(select(server_settings.c.value))]


def test_a_database_reader_cannot_mint_an_admin_token(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = create_book(admin)
    reader_client = make_client(engine, "books:read")
    assert token(app, reader_client).status_code == 200  # the server has signed a token
    client_id = reader_client.split()[0]
    candidates = [*_stored_text(engine), "folio" * 8]
    for secret in candidates:
        for headers in (None, {"kid": "anything"}):
            forged = jwt.encode(
                {
                    "iss": "folio",
                    "sub": client_id,
                    "scope": "admin",
                    "iat": int(time.time()),
                    "exp": int(time.time()) + 600,
                },
                secret,
                algorithm="HS256",
                headers=headers,
            )
            with client_for(app, forged) as forger:
                response = forger.patch(f"/v1/books/{book['id']}", json={"name": "Mine"})
            assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")
    assert admin.get(f"/v1/books/{book['id']}").json()["name"] == "Acme GmbH"


def test_a_token_loses_the_scopes_its_client_lost(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    book = create_book(admin)
    client = make_client(engine, "books:read ledgers:read")
    grant = token(app, client).json()
    assert grant["scope"] == "books:read ledgers:read"
    with engine.begin() as conn:
        conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.client_id == client.split()[0])
            .values(scopes="books:read")
        )
    with client_for(app, grant["access_token"]) as holder:  # first used after the change
        assert holder.get(f"/v1/books/{book['id']}").status_code == 200
        refused = holder.get(f"/v1/books/{book['id']}/ledgers")
    assert (refused.status_code, refused.json()["code"]) == (403, "INSUFFICIENT_SCOPE")


def test_a_token_is_bound_to_its_clients_book(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    mine, theirs = create_book(admin), create_book(admin, name="Other")
    client = make_client(engine, "books:read")
    grant = token(app, client).json()
    assert grant["book_id"] is None
    with engine.begin() as conn:  # the client is bound to one book after the token was issued
        conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.client_id == client.split()[0])
            .values(book_id=mine["id"])
        )
    with client_for(app, grant["access_token"]) as holder:
        assert holder.get(f"/v1/books/{mine['id']}").status_code == 200
        hidden = holder.get(f"/v1/books/{theirs['id']}")
        assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")
        listed = holder.get("/v1/books").json()["data"]
    assert [book["id"] for book in listed] == [mine["id"]]


def test_a_token_claiming_another_book_than_its_clients_is_refused(
    app: FastAPI, engine: Engine, admin: httpx.Client
) -> None:
    """Even signed with the server's own key (a key that leaked): the record decides."""
    mine, theirs = create_book(admin), create_book(admin, name="Other")
    client_id = make_client(engine, "admin", mine["id"]).split()[0]
    kid, key = app.state.signing_keys.signing
    forged = jwt.encode(
        {"iss": "folio", "sub": client_id, "scope": "admin", "book_id": theirs["id"],
         "exp": int(time.time()) + 600},
        key, algorithm="HS256", headers={"kid": kid},
    )  # fmt: skip
    with client_for(app, forged) as forger:
        response = forger.get(f"/v1/books/{theirs['id']}")
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")


def test_a_deleted_clients_tokens_fail(app: FastAPI, engine: Engine, admin: httpx.Client) -> None:
    client = make_client(engine, "books:read")
    grant = token(app, client).json()
    with engine.begin() as conn:
        conn.execute(oauth_clients.delete().where(oauth_clients.c.client_id == client.split()[0]))
    with client_for(app, grant["access_token"]) as holder:
        response = holder.get("/v1/books")
    assert (response.status_code, response.json()["code"]) == (401, "UNAUTHENTICATED")


@pytest.mark.fresh_database  # it migrates down
def test_the_migration_forgets_the_secret_once_kept_in_the_database(
    engine: Engine, admin: httpx.Client
) -> None:
    """A database from before: its secret is deleted, and a token it signs is refused."""
    from alembic import command

    from folio.store.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0004")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO server_settings (name, value) VALUES ('jwt_signing_secret', :old)"),
            {"old": OLD_SECRET},
        )
    upgrade(engine)
    assert OLD_SECRET not in _stored_text(engine)
    client_id = make_client(engine, "books:read").split()[0]
    with client_for(create_app(engine, Settings()), _forged(client_id, OLD_SECRET)) as forger:
        assert forger.get("/v1/books").status_code == 401


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_without_a_key_tokens_are_off_and_say_why(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOLIO_SECRET_KEY", raising=False)
    monkeypatch.delenv("FOLIO_SECRET_KEY_FILE", raising=False)
    app = create_app(engine)
    assert app.state.signing_keys is None
    response = token(app, make_client(engine, "books:read"))
    assert (response.status_code, response.json()["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert "FOLIO_SECRET_KEY_FILE" in response.json()["error"]
