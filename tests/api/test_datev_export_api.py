"""GET /v1/books/{id}/export?format=datev&year=: the ZIP, seed 002's EB values, the errors."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx

from tests.api.conftest import post_entry
from tests.compat.ledgerlou_fixtures import *  # noqa: F403
from tests.compat.ledgerlou_fixtures import SEED_002, book_with_chart

COLUMNS = {"amount": 0, "side": 1, "account": 6, "contra": 7, "date": 9, "document": 10}


def _datev_book(admin: httpx.Client) -> dict[str, Any]:
    book = book_with_chart(admin)
    done = admin.patch(
        f"/v1/books/{book['id']}",
        json={"datev_consultant_number": 29098, "datev_client_number": 55003},
    )
    assert done.status_code == 200, done.text
    return book


def _files(response: httpx.Response) -> dict[str, list[list[str]]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {
        name: [
            line.split(";") for line in archive.read(name).decode("cp1252").split("\r\n") if line
        ]
        for name in archive.namelist()
    }


def test_seed_002_exports_its_four_eb_bookings_against_9000(
    admin: httpx.Client, lou: httpx.Client, lou_book: dict[str, Any]
) -> None:
    lou_book_id = lou_book["id"]
    admin.patch(
        f"/v1/books/{lou_book_id}",
        json={"datev_consultant_number": 1001, "datev_client_number": 1},
    )
    assert lou.post("v1/bookings/opening-balances", json=SEED_002).status_code == 200
    files = _files(admin.get(f"/v1/books/{lou_book_id}/export?format=datev&year=2025"))
    assert sorted(files) == ["EXTF_Buchungsstapel_2025.csv", "EXTF_Kontenbeschriftungen_2025.csv"]
    stapel = files["EXTF_Buchungsstapel_2025.csv"]
    header, columns, rows = stapel[0], stapel[1], stapel[2:]
    assert header[:5] == ['"EXTF"', "700", "21", '"Buchungsstapel"', "13"]
    assert header[10:16] == ["1001", "1", "20250101", "4", "20250101", "20251231"]
    assert header[26] == '"04"'
    assert len(header) == 31 and len(columns) == 125
    got = [
        (r[COLUMNS["account"]], r[COLUMNS["contra"]], r[COLUMNS["side"]], r[COLUMNS["amount"]],
         r[COLUMNS["date"]])
        for r in rows
    ]  # fmt: skip
    assert got == [
        ("0400", "9000", '"S"', "50000,00", "0101"),
        ("1200", "9000", '"S"', "10000,00", "0101"),
        ("2000", "9000", '"H"', "25000,00", "0101"),
        ("2900", "9000", '"H"', "35000,00", "0101"),
    ]
    names = files["EXTF_Kontenbeschriftungen_2025.csv"]
    assert names[0][2:5] == ["20", '"Kontenbeschriftungen"', "3"]
    assert [row[0] for row in names[2:]] == ["0400", "1200", "2000", "2900", "9000"]


def test_entries_follow_the_eb_values_split_into_pairs(admin: httpx.Client) -> None:
    book = _datev_book(admin)
    post = post_entry(
        admin, book["id"], "1800 D 119.00; 4400 C 100.00; 3806 C 19.00", on="2025-03-05",
        description='Rechnung "Ä" 1', external_reference="RE-1",
    )  # fmt: skip
    assert post.status_code == 201, post.text
    files = _files(
        admin.get(f"/v1/books/{book['id']}/export", params={"format": "datev", "year": 2025})
    )
    rows = files["EXTF_Buchungsstapel_2025.csv"][2:]
    assert [(r[0], r[1], r[6], r[7], r[9], r[10], r[13]) for r in rows] == [
        ("100,00", '"S"', "1800", "4400", "0503", '"RE-1"', '"Rechnung ""Ä"" 1"'),
        ("19,00", '"S"', "1800", "3806", "0503", '"RE-1"', '"Rechnung ""Ä"" 1"'),
    ]


def test_export_errors(admin: httpx.Client) -> None:
    book = book_with_chart(admin)
    url = f"/v1/books/{book['id']}/export"
    missing = admin.get(url, params={"format": "datev", "year": 2025})
    assert missing.status_code == 422
    assert missing.json()["code"] == "DATEV_SETTINGS_MISSING"
    assert missing.json()["data"]["fields"] == ["datev_consultant_number", "datev_client_number"]
    admin.patch(f"/v1/books/{book['id']}", json={"datev_consultant_number": 1001})
    half = admin.get(url, params={"format": "datev", "year": 2025}).json()
    assert half["code"] == "DATEV_SETTINGS_MISSING" and half["data"]["fields"] == [
        "datev_client_number"
    ]
    admin.patch(f"/v1/books/{book['id']}", json={"datev_client_number": 7})
    no_year = admin.get(url, params={"format": "datev"})
    assert no_year.status_code == 422 and no_year.json()["data"]["field"] == "year"
    before = admin.get(url, params={"format": "datev", "year": 2024})
    assert before.status_code == 422 and before.json()["data"]["first_year"] == 2025
    future = admin.get(url, params={"format": "datev", "year": 2999})
    assert future.status_code == 422 and future.json()["data"]["field"] == "year"
    assert (
        admin.get(
            "/v1/books/bk_missing/export", params={"format": "datev", "year": 2025}
        ).status_code
        == 404
    )
