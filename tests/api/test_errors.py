from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import DataError

from folio.api import errors
from folio.api.app import create_app
from folio.domain.errors import all_error_classes
from folio.service import books
from folio.store.database import make_engine
from tests.api.conftest import client_for


def test_every_error_class_has_a_status() -> None:
    for cls in all_error_classes():
        assert cls.code in errors.STATUS_BY_CODE, cls
        assert 400 <= errors.STATUS_BY_CODE[cls.code] < 600
    assert errors.STATUS_BY_CODE["NOT_FOUND"] == 404
    assert errors.STATUS_BY_CODE["INSUFFICIENT_SCOPE"] == 403
    assert errors.STATUS_BY_CODE["ALREADY_REVERSED"] == 409
    assert errors.STATUS_BY_CODE["PERIOD_LOCKED"] == 422


def envelope_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error", "code", "data"}
    assert isinstance(body["error"], str) and body["error"]
    return response.status_code, body["code"]


def test_malformed_json_is_400(admin: httpx.Client) -> None:
    for raw in (
        b'{"name": ',
        b"\xff\xfe{}",
        b"[" * 100_000,
        b'{"name": "A", "currency": Infinity}',
        b'{"name": "A"} trailing',
    ):
        response = admin.post(
            "/v1/books", content=raw, headers={"Content-Type": "application/json"}
        )
        assert envelope_of(response) == (400, "MALFORMED_JSON"), raw[:20]


def test_schema_errors_name_the_field(admin: httpx.Client) -> None:
    response = admin.post("/v1/books", json={"name": "A", "currency": "EUR", "entries_start": 5})
    assert envelope_of(response) == (422, "INVALID_INPUT")
    assert response.json()["data"]["field"] == "entries_start"
    assert response.json()["data"]["errors"][0]["in"] == "body"
    wrong_shape = admin.post("/v1/books", json=["a list"])
    assert envelope_of(wrong_shape) == (422, "INVALID_INPUT")
    as_text = admin.post("/v1/books", content=b"{}", headers={"Content-Type": "text/plain"})
    assert envelope_of(as_text) == (422, "INVALID_INPUT")
    bad_path = admin.get("/v1/books/bk_$$$")
    assert envelope_of(bad_path) == (422, "INVALID_INPUT")
    assert bad_path.json()["data"]["errors"][0]["in"] == "path"


def test_unknown_route_and_method(admin: httpx.Client) -> None:
    assert envelope_of(admin.get("/v1/nothing-here")) == (404, "NOT_FOUND")
    assert envelope_of(admin.get("/nothing-here")) == (404, "NOT_FOUND")
    not_allowed = admin.put("/v1/books")
    assert envelope_of(not_allowed) == (405, "METHOD_NOT_ALLOWED")
    assert not_allowed.headers["Allow"]


def test_unexpected_errors_are_500_envelopes(
    admin: httpx.Client, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(books, "list_books", broken)
    with caplog.at_level(logging.ERROR, logger="folio.api"):
        response = admin.get("/v1/books", headers={"X-Request-ID": "bug-1"})
    assert envelope_of(response) == (500, "INTERNAL_ERROR")
    assert "a bug" not in response.text
    assert response.headers["X-Request-ID"] == "bug-1"
    assert "unexpected error" in caplog.text


def test_a_value_the_database_refuses_is_the_callers_to_change(
    admin: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What no service checked and the database refused (too long for its column): 422, worded
    as the web words it; text Folio does not store never gets this far (`domain.text`)."""

    def too_long(*_args: Any, **_kwargs: Any) -> Any:
        raise DataError("INSERT INTO books ...", {}, ValueError("value too long"))

    monkeypatch.setattr(books, "create_book", too_long)
    response = admin.post(
        "/v1/books", json={"name": "Acme", "currency": "EUR", "entries_start": "2025-01-01"}
    )
    assert envelope_of(response) == (422, "INVALID_INPUT")
    assert response.json()["error"] == (
        "A value cannot be stored: it is too long or too large for its field."
    )
    assert admin.get("/v1/books").json()["data"] == []


def test_a_nul_character_is_refused_alike_on_both_engines(admin: httpx.Client) -> None:
    """PostgreSQL text cannot hold U+0000 and SQLite can: Folio refuses it on both, naming
    where it stands, so a book means the same on either engine."""
    made = admin.post(
        "/v1/books",
        json={"name": "nul\u0000byte", "currency": "EUR", "entries_start": "2025-01-01"},
    )
    assert envelope_of(made) == (422, "INVALID_INPUT")
    assert made.json()["data"]["field"] == "name"
    assert admin.get("/v1/books").json()["data"] == []
    book = admin.post(
        "/v1/books", json={"name": "Muster", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()["id"]
    ledgers = [
        admin.post(f"/v1/books/{book}/ledgers", json=body).json()["id"]
        for body in ({"name": "Bank", "type": "asset"}, {"name": "Sales", "type": "revenue"})
    ]
    lines = [
        {"ledger_id": ledgers[0], "debit": "1.00", "description": "ok"},
        {"ledger_id": ledgers[1], "credit": "1.00", "description": "a\u0000b"},
    ]
    posted = admin.post(
        f"/v1/books/{book}/journal-entries", json={"date": "2025-01-02", "lines": lines}
    )
    assert (envelope_of(posted), posted.json()["data"]["field"]) == (
        (422, "INVALID_INPUT"), "lines[1].description"
    )  # fmt: skip
    keyed = admin.post(
        f"/v1/books/{book}/journal-entries",
        json={"date": "2025-01-02", "lines": lines[:1] + [{**lines[1], "description": "ok"}],
              "metadata": {"k\u0000": "v"}},
    )  # fmt: skip
    assert (envelope_of(keyed), keyed.json()["data"]["field"]) == (
        (422, "INVALID_INPUT"), "metadata key"
    )  # fmt: skip
    assert admin.get(f"/v1/books/{book}/journal-entries").json()["data"] == []


def test_half_a_surrogate_pair_is_refused_naming_where_it_stands(admin: httpx.Client) -> None:
    """JSON may escape half of a surrogate pair ("\\ud800"), which is no character: neither
    engine stores it and the journal cannot hash it (a 500 before). It is refused, by where it
    stands, in values and in keys, on the posting and in a batch; nothing is booked; an escaped
    pair (one character) is booked and reads back as that character."""
    book = admin.post(
        "/v1/books", json={"name": "Muster", "currency": "EUR", "entries_start": "2025-01-01"}
    ).json()["id"]
    bank, sales = (
        admin.post(f"/v1/books/{book}/ledgers", json=body).json()["id"]
        for body in ({"name": "Bank", "type": "asset"}, {"name": "Sales", "type": "revenue"})
    )
    lines = (
        f'[{{"ledger_id":"{bank}","debit":"1.00"}},'
        f'{{"ledger_id":"{sales}","credit":"1.00","description":"%s"}}]'
    )

    def post(path: str, body: str) -> httpx.Response:
        return admin.post(
            f"/v1/books/{book}/journal-entries{path}",
            content=body.encode(),
            headers={"Content-Type": "application/json"},
        )

    def entry(extra: str, line: str = "ok") -> str:
        return '{"date":"2025-01-02",' + extra + '"lines":' + lines % line + "}"

    cases = {
        "description": entry('"description":"a\\ud800b",'),
        "lines[1].description": entry("", "\\udfff"),
        "metadata.k": entry('"metadata":{"k":"\\uDBFF"},'),
        "metadata key": entry('"metadata":{"\\udc00":1},'),
        "metadata.k[1]": entry('"metadata":{"k":["x","\\ud83d"]},'),  # a pair's first half
    }
    for field, body in cases.items():
        refused = post("", body)
        assert envelope_of(refused) == (422, "INVALID_INPUT"), (field, refused.text)
        assert refused.json()["data"]["field"] == field
        assert "half of a surrogate pair" in refused.json()["error"]
    batch = post("/batch", '{"entries":[' + entry("") + "," + cases["description"] + "]}")
    assert envelope_of(batch) == (422, "INVALID_INPUT")
    assert batch.json()["data"]["field"] == "entries[1].description"
    assert admin.get(f"/v1/books/{book}/journal-entries").json()["data"] == []
    paired = post("", entry('"metadata":{"mood":"\\ud83d\\ude00"},', "caf\\u00e9 \\uD83D\\uDE00"))
    assert paired.status_code == 201, paired.text
    read = admin.get(f"/v1/books/{book}/journal-entries/{paired.json()['id']}").json()
    assert read["metadata"] == {"mood": "\U0001f600"}
    assert read["lines"][1]["description"] == "café \U0001f600"
    assert admin.get(f"/v1/books/{book}/verify").json()["ok"] is True


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_unreachable_database_is_503(tmp_path: Path, kind: str) -> None:
    url = (
        f"sqlite:///{tmp_path}/missing/dir/folio.db"
        if kind == "sqlite"
        else "postgresql+psycopg://folio@127.0.0.1:1/folio"
    )
    engine = make_engine(url)
    try:
        with client_for(create_app(engine), "fol_" + "x" * 22 + "_secret") as client:
            response = client.get("/v1/books")
            assert envelope_of(response) == (503, "SERVICE_UNAVAILABLE")
            posted = client.post(
                "/v1/books", json={"name": "A", "currency": "EUR", "entries_start": "2025-01-01"}
            )
            assert envelope_of(posted) == (503, "SERVICE_UNAVAILABLE")
    finally:
        engine.dispose()


def test_an_envelope_echoing_an_integer_beyond_64_bits_is_still_json() -> None:
    response = errors.envelope(422, "INVALID_INPUT", "too large", {"last": 10**20})
    assert json.loads(response.body) == {
        "error": "too large", "code": "INVALID_INPUT", "data": {"last": 10**20}
    }  # fmt: skip
