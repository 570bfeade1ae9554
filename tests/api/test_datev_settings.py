"""A book's DATEV Beraternummer and Mandantennummer: set, cleared, refused out of range (API and
CLI)."""

from __future__ import annotations

from typing import Any

import httpx
from typer.testing import CliRunner

from folio.cli.main import app as cli


def test_patch_sets_and_clears_the_datev_numbers(admin: httpx.Client, book: dict[str, Any]) -> None:
    assert book["datev_consultant_number"] is None and book["datev_client_number"] is None
    url = f"/v1/books/{book['id']}"
    done = admin.patch(url, json={"datev_consultant_number": 29098, "datev_client_number": 55003})
    assert done.status_code == 200, done.text
    assert done.json() == {**book, "datev_consultant_number": 29098, "datev_client_number": 55003}
    # A field left out stays; the name alone changes nothing else.
    renamed = admin.patch(url, json={"name": "Muster GmbH"}).json()
    assert (renamed["datev_consultant_number"], renamed["datev_client_number"]) == (29098, 55003)
    cleared = admin.patch(url, json={"datev_client_number": None}).json()
    assert (cleared["datev_consultant_number"], cleared["datev_client_number"]) == (29098, None)
    assert admin.get(url).json() == cleared


def test_out_of_range_numbers_are_refused_and_change_nothing(
    admin: httpx.Client, book: dict[str, Any]
) -> None:
    url = f"/v1/books/{book['id']}"
    for body, field in [
        ({"datev_consultant_number": 1000}, "datev_consultant_number"),
        ({"datev_consultant_number": 10_000_000}, "datev_consultant_number"),
        ({"datev_client_number": 0}, "datev_client_number"),
        ({"datev_client_number": 100_000}, "datev_client_number"),
        ({"name": "X", "datev_client_number": -5}, "datev_client_number"),
    ]:
        response = admin.patch(url, json=body)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == "INVALID_INPUT"
        assert response.json()["data"]["field"] == field
    assert admin.get(url).json() == book
    assert admin.patch(url, json={"datev_client_number": "abc"}).status_code == 422
    for low in ({"datev_consultant_number": 1001}, {"datev_client_number": 1}):
        assert admin.patch(url, json=low).status_code == 200


def test_cli_books_update(db_url: str) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli, ["books", "create", "--name", "M", "--entries-start", "2025-01-01", "-d", db_url]
    )
    book_id = made.output.strip().splitlines()[-1]
    args = ["books", "update", book_id, "-d", db_url]
    done = runner.invoke(
        cli, [*args, "--datev-consultant-number", "1234567", "--datev-client-number", "99999"]
    )
    assert done.exit_code == 0, done.output
    assert "Beraternummer 1234567, Mandantennummer 99999" in done.output
    bad = runner.invoke(cli, [*args, "--datev-client-number", "123456"])
    assert bad.exit_code == 1 and "INVALID_INPUT" in bad.output
    cleared = runner.invoke(cli, [*args, "--clear-datev"])
    assert "Beraternummer -, Mandantennummer -" in cleared.output
