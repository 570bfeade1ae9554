"""`GET /health` asks the database: 200 when it answers at this code's schema, else 503."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from folio.api.app import create_app
from folio.store.database import make_engine
from folio.store.migrate import HEAD
from tests.api.conftest import client_for


def test_a_healthy_server_says_so_without_credentials(app: FastAPI, admin: httpx.Client) -> None:
    with client_for(app) as anonymous:
        response = anonymous.get("/health")
    body = response.json()
    assert response.status_code == 200, body
    assert (body["status"], body["revision"]) == ("ok", HEAD)
    assert body["database"] in ("sqlite", "postgresql")


def test_an_unreachable_database_is_503() -> None:
    engine = make_engine("postgresql://postgres@127.0.0.1:9/folio", pool_size=1)
    try:
        with client_for(create_app(engine)) as anonymous:
            response = anonymous.get("/health")
    finally:
        engine.dispose()
    assert (response.status_code, response.json()["code"]) == (503, "SERVICE_UNAVAILABLE")


def test_a_database_not_migrated_is_503(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}", pool_size=1)
    try:
        with client_for(create_app(engine)) as anonymous:
            response = anonymous.get("/health")
    finally:
        engine.dispose()
    body = response.json()
    assert (response.status_code, body["code"]) == (503, "SERVICE_UNAVAILABLE")
    assert body["data"] == {"revision": None, "needed": HEAD}


def test_the_root_points_a_browser_to_the_interface_and_the_docs(app: FastAPI) -> None:
    with client_for(app) as anonymous:
        page = anonymous.get("/", headers={"Accept": "text/html,application/xhtml+xml"})
        data = anonymous.get("/", headers={"Accept": "application/json"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert 'href="/ui"' in page.text and 'href="/docs"' in page.text
    assert data.status_code == 200
    assert data.json()["links"] == {
        "ui": "/ui",
        "docs": "/docs",
        "openapi": "/openapi.json",
        "health": "/health",
    }


def test_the_favicon_is_served(app: FastAPI) -> None:
    with client_for(app) as anonymous:
        response = anonymous.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO header
