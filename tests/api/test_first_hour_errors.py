"""Errors a new user meets in the first hour, by code and wording: a body without the JSON
content type, a decimal in metadata, an unknown query parameter; and the journal's search."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import post_entry


def test_a_body_sent_as_a_form_is_told_to_send_json(admin: httpx.Client) -> None:
    # curl -d without -H: application/x-www-form-urlencoded
    response = admin.post(
        "/v1/books",
        content=b'{"name": "Acme", "currency": "EUR", "entries_start": "2025-01-01"}',
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "The request body must be JSON sent with the header Content-Type: "
        "application/json; this request was sent as application/x-www-form-urlencoded.",
        "code": "INVALID_INPUT",
        "data": {"field": "body", "content_type": "application/x-www-form-urlencoded"},
    }
    assert admin.get("/v1/books").json()["data"] == []


def test_a_body_without_a_content_type_is_told_the_header_too(admin: httpx.Client) -> None:
    response = admin.post(
        "/v1/books",
        content=b'{"name": "Acme", "currency": "EUR", "entries_start": "2025-01-01"}',
    )
    assert "content-type" not in response.request.headers
    assert response.status_code == 422
    assert response.json()["error"] == (
        "The request body must be JSON sent with the header Content-Type: application/json; "
        "this request had no Content-Type."
    )


def test_a_json_body_of_the_wrong_shape_still_names_the_field(admin: httpx.Client) -> None:
    response = admin.post("/v1/books", json=["not", "an", "object"])
    assert response.status_code == 422
    assert response.json()["error"].startswith("body: ")


def test_a_decimal_in_metadata_says_numbers_must_be_integers_or_strings(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    response = post_entry(
        admin, book["id"], "1000 D 10.00; 4000 C 10.00", metadata={"order": {"rate": 1.5}}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_INPUT"
    assert body["error"] == (
        "metadata: numbers in metadata must be integers or strings: metadata.order.rate is "
        '1.5; send it as the string "1.5"'
    )
    assert body["data"]["field"] == "metadata"
    kept = post_entry(
        admin, book["id"], "1000 D 10.00; 4000 C 10.00", metadata={"rate": "1.5", "n": 2}
    )
    assert kept.status_code == 201 and kept.json()["metadata"] == {"rate": "1.5", "n": 2}


def test_an_unknown_query_parameter_is_refused_by_name(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    response = admin.get(f"/v1/books/{book['id']}/ledgers", params={"numbr": "1000"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "INVALID_INPUT"
    assert body["error"].startswith("Unknown query parameter 'numbr'; this endpoint takes ")
    assert "number" in body["data"]["allowed"] and body["data"]["field"] == "numbr"
    books = admin.get("/v1/books", params={"q": "Acme"})
    assert books.status_code == 422 and "'q'" in books.json()["error"]


def test_the_journal_is_searched_by_text_and_external_reference(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    url = f"/v1/books/{book['id']}/journal-entries"
    for description, reference in (
        ("Invoice 1001 Müller", "RE-1001"),
        ("Rent March", "DA-7"),
        ("50% discount", None),
    ):
        made = post_entry(
            admin,
            book["id"],
            "1000 D 10.00; 4000 C 10.00",
            description=description,
            external_reference=reference,
        )
        assert made.status_code == 201, made.text

    def found(**params: str) -> list[str]:
        response = admin.get(url, params=params)
        assert response.status_code == 200, response.text
        return [entry["description"] for entry in response.json()["data"]]

    assert found(q="invoice") == ["Invoice 1001 Müller"]
    assert found(q="re-1001") == ["Invoice 1001 Müller"]  # the external reference, any case
    assert found(q="da-7") == ["Rent March"]
    assert found(q="%") == ["50% discount"]  # LIKE wildcards are matched as text
    assert found(q="zzz") == []
    assert found(external_reference="DA-7") == ["Rent March"]
    assert found(external_reference="da-7") == []
    assert found(q="1001", external_reference="DA-7") == []
