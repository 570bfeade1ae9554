"""The pages as a browser without JavaScript uses them: every form carries the session's CSRF
token in its hidden field, and posting a form exactly as rendered (its own token, its own
hidden fields) works. A key bound to one book without ledgers:read lands on a page it may see,
with the tabs it may open and a way to sign out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi import FastAPI
from sqlalchemy import Engine

from folio.service import auth, runner
from folio.store.uow import UnitOfWork
from tests.api.conftest import make_key
from tests.web.conftest import Ui
from tests.web.test_access import PAGES, ledger_numbers, populated


class Forms(HTMLParser):
    """Every form of a page: its action, method and the inputs it would submit as rendered."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.forms: list[dict[str, object]] = []
        self._open: dict[str, object] | None = None
        self._select: str | None = None
        self._chosen: str | None = None
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._open = {
                "action": found.get("action", ""),
                "method": found.get("method", "get").lower(),
                "fields": [],
                "id": found.get("id", ""),
            }
            self.forms.append(self._open)
        elif self._open is None:
            return
        elif tag in ("input", "textarea"):
            self._fields().append(
                (found.get("name", ""), found.get("value", ""), found.get("type", ""))
            )
        elif tag == "select":
            self._select = found.get("name", "")
            self._chosen = None
        elif tag == "option" and self._select is not None:
            if self._chosen is None or "selected" in found:
                self._chosen = found.get("value", "")

    def _fields(self) -> list[tuple[str, str, str]]:
        assert self._open is not None
        fields = self._open["fields"]
        assert isinstance(fields, list)
        return fields

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self._open is not None:
            self._fields().append((self._select, self._chosen or "", "select"))
            self._select = None
        if tag == "form":
            self._open = None

    def posts(self) -> list[dict[str, object]]:
        return [form for form in self.forms if form["method"] == "post"]


def tokens(form: dict[str, object]) -> list[str]:
    fields = form["fields"]
    assert isinstance(fields, list)
    return [value for name, value, _ in fields if name == "csrf_token"]


def test_every_form_on_every_page_carries_the_session_token(ui: Ui) -> None:
    book_id = populated(ui)
    pages = ["/ui/books", *(f"/ui/books/{book_id}{page}" for page in PAGES if ".csv" not in page)]
    pages += [f"/ui/books/{book_id}/parties", f"/ui/books/{book_id}/years"]
    seen = 0
    for url in pages:
        response = ui.get(url)
        assert response.status_code == 200, url
        for form in Forms(response.text).posts():
            assert tokens(form) == [ui.csrf], (url, form["action"])
            seen += 1
    assert seen > 20


def test_the_sign_in_form_carries_its_own_token(app: FastAPI) -> None:
    anonymous = Ui(app)
    page = anonymous.get("/ui/sign-in")
    (form,) = Forms(page.text).posts()
    (token,) = tokens(form)
    assert len(token) == 43
    assert anonymous.client.cookies.get("folio_signin") == token


def _as_rendered(ui: Ui, form: dict[str, object], **typed: str) -> dict[str, object]:
    """The body a browser without JavaScript sends: the form's own fields and values."""
    fields = form["fields"]
    assert isinstance(fields, list)
    body: dict[str, list[str]] = {}
    for name, value, kind in fields:
        if name and kind != "file":
            body.setdefault(name, []).append(value)
    for name, value in typed.items():
        body[name] = [value]
    return {name: values[0] if len(values) == 1 else values for name, values in body.items()}


def test_forms_posted_as_rendered_work(ui: Ui) -> None:
    books = Forms(ui.get("/ui/books").text)
    (new_book,) = [form for form in books.posts() if form["id"] == "new-book"]
    body = _as_rendered(ui, new_book, name="Ohne Skript GmbH", entries_start="2025-01-01")
    made = ui.post(str(new_book["action"]), body, csrf=False)
    assert made.status_code == 303, made.text
    book_id = str(made.headers["location"]).split("/")[3]

    ledger_id = ledger_numbers(ui, book_id)["1800"]
    page = Forms(ui.get(f"/ui/books/{book_id}/opening-balances?mode=ledger").text)
    (save,) = [f for f in page.posts() if f"/ledger/{ledger_id}#" in str(f["action"])]
    assert str(save["action"]).endswith("#row-1800")  # the answer lands on the saved row
    saved = ui.post(str(save["action"]), _as_rendered(ui, save, amount="1500"), csrf=False)
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"].endswith("?mode=ledger#row-1800")

    page = Forms(ui.get(f"/ui/books/{book_id}/opening-balances?mode=set").text)
    (sign_out,) = [f for f in page.posts() if f["action"] == "/ui/sign-out"]
    out = ui.post("/ui/sign-out", _as_rendered(ui, sign_out), csrf=False)
    assert out.status_code == 303 and out.headers["location"] == "/ui/sign-in"


def test_a_form_without_its_token_is_still_refused(ui: Ui) -> None:
    refused = ui.post("/ui/books", {"name": "x"}, csrf=False)
    assert refused.status_code == 403 and "did not come from a page" in refused.text


def test_a_ledgerlou_key_lands_on_the_journal_with_tabs_and_sign_out(
    app: FastAPI, engine: Engine, ui: Ui
) -> None:
    book_id = ui.create_book()
    scopes = "journal:read journal:write perioden:read perioden:write config:write"
    bound = Ui(app)
    bound.sign_in(make_key(engine, scopes, book_id))
    first = bound.get("/ui/books")
    assert first.headers["location"] == f"/ui/books/{book_id}"
    landing = bound.get(f"/ui/books/{book_id}")
    assert landing.headers["location"] == f"/ui/books/{book_id}/journal"
    page = bound.get(f"/ui/books/{book_id}/journal")
    assert page.status_code == 200
    assert ">Journal<" in page.text and ">Periods<" in page.text and ">Accounts<" not in page.text
    assert 'action="/ui/sign-out"' in page.text


def test_a_refusal_keeps_the_tabs_and_the_sign_out(app: FastAPI, engine: Engine, ui: Ui) -> None:
    book_id = ui.create_book()
    bound = Ui(app)
    bound.sign_in(make_key(engine, "journal:read", book_id))
    refused = bound.get(f"/ui/books/{book_id}/ledgers")
    assert refused.status_code == 403 and "ledgers:read" in refused.text
    assert 'action="/ui/sign-out"' in refused.text
    assert f'href="/ui/books/{book_id}/journal"' in refused.text
    (sign_out,) = Forms(refused.text).posts()
    assert tokens(sign_out) == [bound.csrf]


def test_a_key_that_may_open_no_page_of_its_book_can_still_sign_out(
    app: FastAPI, engine: Engine, ui: Ui
) -> None:
    book_id = ui.create_book()
    bound = Ui(app)
    bound.sign_in(make_key(engine, "books:read", book_id))
    refused = bound.get(f"/ui/books/{book_id}")
    assert refused.status_code == 403
    assert 'action="/ui/sign-out"' in refused.text


def test_the_header_names_the_key_not_its_id(app: FastAPI, engine: Engine) -> None:
    named = Ui(app)
    made = runner.write(
        UnitOfWork(engine),
        lambda uow: auth.create_api_key(
            uow, scopes="admin", book_id=None, actor=runner.SYSTEM, name="Buchhaltung Meier"
        ),
    )
    named.sign_in(made.secret)
    header = named.get("/ui/books").text
    assert ">Buchhaltung Meier</span>" in header
    assert f">{made.credential.id}</span>" not in header


def test_the_grid_offers_only_accounts_that_take_an_opening_balance_and_filters(ui: Ui) -> None:
    book_id = ui.create_book()
    for mode in ("set", "ledger"):
        page = ui.get(f"/ui/books/{book_id}/opening-balances?mode={mode}").text
        numbers = set(re.findall(r'<tr id="row-[^"]*"[^>]*data-number="(\d+)"', page))
        assert {"0400", "1200", "1800", "2900"} <= numbers, mode
        assert not numbers & {"9000", "9008", "9009", "9090", "4400"}, mode
        found = ui.get(f"/ui/books/{book_id}/opening-balances?mode={mode}&q=18").text
        assert set(re.findall(r'<tr id="row-[^"]*"[^>]*data-number="(\d+)"', found)) == {
            n for n in numbers if n.startswith("18")
        }
        assert "accounts match “18”" in found
