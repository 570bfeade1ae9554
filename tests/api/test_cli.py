from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from typer.testing import CliRunner

from folio.cli.main import app as cli
from folio.cli.serve import first_admin_key
from tests.api.conftest import client_for

runner = CliRunner()


def folio(db_url: str, *args: str) -> Any:
    result = runner.invoke(cli, [*args, "--database", db_url])
    return result


def test_keys_create_list_revoke(db_url: str, app: FastAPI) -> None:
    created = folio(db_url, "keys", "create", "--scopes", "books:read books:write", "--name", "ci")
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("fol_")
    with client_for(app, key) as client:
        made = client.post(
            "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
        )
        assert made.status_code == 201
        assert client.get(f"/v1/books/{made.json()['id']}/ledgers").status_code == 403
        key_id = "key_" + key[4:26]
        listed = folio(db_url, "keys", "list")
        assert key_id in listed.stdout and key not in listed.stdout
        bound = folio(db_url, "keys", "create", "--scopes", "admin", "--book", made.json()["id"])
        with client_for(app, bound.stdout.strip().splitlines()[-1]) as bound_client:
            assert len(bound_client.get("/v1/books").json()["data"]) == 1
        assert folio(db_url, "keys", "revoke", key_id).exit_code == 0
        assert client.get("/v1/books").status_code == 401
    assert folio(db_url, "keys", "create", "--scopes", "nope").exit_code == 1
    assert folio(db_url, "keys", "create", "--scopes", "admin", "--book", "bk_x").exit_code == 1
    assert folio(db_url, "keys", "revoke", "key_unknown").exit_code == 1


def test_clients_create(db_url: str, app: FastAPI) -> None:
    created = folio(db_url, "clients", "create", "--scopes", "books:read")
    assert created.exit_code == 0, created.output
    lines = dict(line.split(": ", 1) for line in created.stdout.strip().splitlines())
    assert lines["client_id"].startswith("cli_")
    with client_for(app) as anonymous:
        token = anonymous.post(
            "/v1/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": lines["client_id"],
                "client_secret": lines["client_secret"],
            },
        )
    assert (token.status_code, token.json()["scope"]) == (200, "books:read")
    assert lines["client_id"] in folio(db_url, "clients", "list").stdout
    assert folio(db_url, "clients", "revoke", lines["client_id"]).exit_code == 0


def test_first_start_makes_one_admin_key(db_url: str, app: FastAPI) -> None:
    key = first_admin_key(db_url)
    assert key is not None and key.startswith("fol_")
    assert first_admin_key(db_url) is None
    with client_for(app, key) as admin:
        response: httpx.Response = admin.get("/v1/audit-events")
    assert [e["action"] for e in response.json()["data"]] == ["api_key.created"]
