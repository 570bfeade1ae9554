"""Sign-in, the session cookie, CSRF on every form, and the mount outside the API."""

from __future__ import annotations

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from sqlalchemy import Engine

from folio.api.app import api_routes
from folio.service import books, runner
from folio.store.uow import UnitOfWork
from folio.web.session import PRESESSION_COOKIE, SESSION_COOKIE
from tests.web.conftest import Ui


def _book_count(engine: Engine) -> int:
    return len(runner.read(UnitOfWork(engine, write=False), lambda uow: books.list_books(uow)))


def test_pages_ask_to_sign_in_first(app: FastAPI) -> None:
    client = Ui(app)
    response = client.get("/ui/books/bk_x/journal?from=2025-01-01")
    assert response.status_code == 303
    assert response.headers["location"] == (
        "/ui/sign-in?next=/ui/books/bk_x/journal%3Ffrom%3D2025-01-01"
    )
    assert client.get("/ui/").headers["location"] == "/ui/books"


def test_sign_in_sets_a_strict_http_only_cookie(app: FastAPI, admin_key: str) -> None:
    client = Ui(app)
    response = client.sign_in(admin_key)
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/books"
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert "Secure" not in cookie  # plain http (a local server): a Secure cookie would vanish
    assert client.get("/ui/books").status_code == 200


def test_over_https_the_cookie_is_secure(app: FastAPI, admin_key: str) -> None:
    client = Ui(app, base_url="https://folio.test")
    response = client.sign_in(admin_key)
    cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)
    )
    assert "Secure" in cookie


def test_a_wrong_key_is_refused_beside_the_field(app: FastAPI) -> None:
    client = Ui(app)
    response = client.sign_in("fol_notarealkeyatallnotareal_xxxxxxxx")
    assert response.status_code == 401
    assert "Folio does not know this key" in response.text
    assert SESSION_COOKIE not in client.client.cookies
    assert 'id="key-error"' in response.text


def test_sign_in_without_its_token_is_refused(app: FastAPI, admin_key: str) -> None:
    client = httpx.Client(transport=Ui(app).client._transport, base_url="http://folio.test")
    response = client.post("/ui/sign-in", data={"key": admin_key})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    client.get("/ui/sign-in")
    assert PRESESSION_COOKIE in client.cookies
    forged = client.post("/ui/sign-in", data={"key": admin_key, "csrf_token": "guess"})
    assert forged.status_code == 403


def test_a_post_without_the_csrf_token_is_refused(ui: Ui, engine: Engine) -> None:
    values = {"name": "X", "currency": "EUR", "entries_start": "2025-01-01", "chart": "skr04"}
    before = _book_count(engine)
    missing = ui.post("/ui/books", values, csrf=False)
    wrong = ui.post("/ui/books", {**values, "csrf_token": "0" * 64})
    assert (missing.status_code, wrong.status_code) == (403, 403)
    assert "did not come from a page Folio served" in missing.text
    assert _book_count(engine) == before
    # The header works as well as the field (htmx sends it).
    header = ui.post("/ui/books", values, csrf=False, headers={"X-CSRF-Token": ui.csrf})
    assert header.status_code == 303
    assert _book_count(engine) == before + 1


def test_sign_out_forgets_the_session(ui: Ui) -> None:
    assert ui.post("/ui/sign-out", csrf=False).status_code == 403
    response = ui.post("/ui/sign-out")
    assert response.status_code == 303
    assert SESSION_COOKIE not in ui.client.cookies
    assert ui.get("/ui/books").status_code == 303


def test_a_revoked_key_is_signed_out(ui: Ui, engine: Engine) -> None:
    from folio.service import auth

    key_id = "key_" + (ui.key or "")[4:26]
    runner.write(
        UnitOfWork(engine),
        lambda uow: auth.revoke(uow, auth.CredentialKind.KEY, key_id, runner.SYSTEM),
    )
    assert ui.get("/ui/books").headers["location"].startswith("/ui/sign-in")


def test_pages_carry_security_headers(ui: Ui) -> None:
    response = ui.get("/ui/books")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    static = ui.get("/ui/static/htmx.min.js")
    assert static.status_code == 200 and "htmx" in static.text[:200]


def test_the_interface_is_no_part_of_the_api(app: FastAPI, ui: Ui) -> None:
    assert not [path for _, path, _ in api_routes(app) if path.startswith("/ui")]
    mounted = [route for route in app.routes if getattr(route, "path", "") == "/ui"]
    assert len(mounted) == 1 and not isinstance(mounted[0], APIRoute)
    missing = ui.get("/ui/nowhere")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]


def test_next_never_leaves_the_interface(app: FastAPI, admin_key: str) -> None:
    client = Ui(app)
    page = client.get("/ui/sign-in?next=//evil.example/")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    response = client.client.post(
        "/ui/sign-in", data={"key": admin_key, "csrf_token": token, "next": "//evil.example/"}
    )
    assert response.headers["location"] == "/ui/books"
