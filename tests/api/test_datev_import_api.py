"""POST /v1/books/{id}/imports/datev and `folio datev import`: a Buchungsstapel with open items
round trip (issue 17's DATEV parts), a Summen- und Saldenliste, the errors."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from folio.cli.main import app as cli
from folio.domain.datev import BOOKING_COLUMNS
from tests.api.conftest import post_entry
from tests.compat.ledgerlou_fixtures import *  # noqa: F403
from tests.compat.ledgerlou_fixtures import book_with_chart


def datev_book(admin: httpx.Client, **fields: Any) -> str:
    book = book_with_chart(admin, **fields)
    admin.patch(f"/v1/books/{book['id']}",
                json={"datev_consultant_number": 29098, "datev_client_number": 55003})  # fmt: skip
    return str(book["id"])


def export(admin: httpx.Client, book: str, year: int = 2025) -> dict[str, bytes]:
    response = admin.get(f"/v1/books/{book}/export", params={"format": "datev", "year": year})
    assert response.status_code == 200, response.text
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name) for name in archive.namelist()}


def upload(admin: httpx.Client, book: str, data: bytes) -> httpx.Response:
    return admin.post(
        f"/v1/books/{book}/imports/datev", content=data, headers={"Content-Type": "text/csv"}
    )


def trial(admin: httpx.Client, book: str) -> dict[str, tuple[str, str, str, str]]:
    rows = admin.get(f"/v1/books/{book}/reports/trial-balance", params={"year": 2025}).json()
    return {
        r["number"]: (r["opening_balance"], r["debit"], r["credit"], r["closing"])
        for r in rows["data"]
    }


def people_of(admin: httpx.Client, book: str) -> list[tuple[str, ...]]:
    listed = admin.get(f"/v1/books/{book}/parties").json()["data"]
    keys = ("number", "kind", "name", "tax_id", "address")
    return [tuple(party[key] for key in keys) for party in listed]


def test_open_items_go_per_party_against_9008_and_come_back(admin: httpx.Client) -> None:
    book = datev_book(admin)
    base = f"/v1/books/{book}"
    alpha = admin.post(f"{base}/parties", json={
        "kind": "customer", "name": "Älpha AG", "tax_id": "DE123456789",
        "address": "Hauptstraße 1, 10115 Berlin"}).json()  # fmt: skip
    admin.post(f"{base}/parties", json={"kind": "supplier", "name": "Lieferant KG"})
    items = admin.post(f"{base}/open-items", json={"items": [
        {"party_number": "10000", "document_number": "RE-1", "date": "2024-12-20",
         "due_date": "2025-01-31", "amount": "1000.00"},
        {"party_number": "70000", "document_number": "ER-7", "date": "2024-12-01",
         "due_date": "2024-12-31", "amount": "300.00"},
    ]})  # fmt: skip
    assert items.status_code == 201, items.text
    paid = admin.post(f"{base}/journal-entries", json={"date": "2025-02-01", "lines": [
        {"ledger_number": "1800", "debit": "250.00"},
        {"ledger_number": "1200", "credit": "250.00", "party_id": alpha["id"], "settles": "RE-1"},
    ]})  # fmt: skip
    assert paid.status_code == 201, paid.text
    files = export(admin, book)
    assert "EXTF_Debitoren_Kreditoren.csv" in files
    people = files["EXTF_Debitoren_Kreditoren.csv"].decode("cp1252").split("\r\n")
    assert people[0].split(";")[2:5] == ["16", '"Debitoren/Kreditoren"', "5"]
    alpha_row = people[2].split(";")
    assert alpha_row[:2] == ["10000", '"Älpha AG"']
    assert alpha_row[8:10] == ['"DE"', '"123456789"']
    assert alpha_row[15] == '"Hauptstraße 1"' and alpha_row[17:19] == ['"10115"', '"Berlin"']
    stapel = files["EXTF_Buchungsstapel_2025.csv"]
    rows = [r.split(";") for r in stapel.decode("cp1252").split("\r\n")[2:] if r]
    column = {"due": BOOKING_COLUMNS.index("Fälligkeit")}
    assert [(r[0], r[1], r[6], r[7], r[10], r[column["due"]]) for r in rows] == [
        ("1000,00", '"S"', "10000", "9008", '"RE-1"', "31012025"),
        ("300,00", '"H"', "70000", "9009", '"ER-7"', "31122024"),
        ("250,00", '"S"', "1800", "10000", '"RE-1"', ""),
    ]

    # The next year opens with what is still open, per item: RE-1 less the payment.
    later = export(admin, book, 2026)["EXTF_Buchungsstapel_2026.csv"].decode("cp1252")
    eb = [r.split(";") for r in later.split("\r\n")[2:] if r]
    assert [(r[0], r[1], r[6], r[7], r[9], r[10]) for r in eb] == [
        ("750,00", '"S"', "10000", "9008", "0101", '"RE-1"'),
        ("250,00", '"S"', "1800", "9000", "0101", '"EB"'),
        ("300,00", '"H"', "70000", "9009", "0101", '"ER-7"'),
    ]

    fresh = datev_book(admin)
    parties = upload(admin, fresh, files["EXTF_Debitoren_Kreditoren.csv"])
    assert parties.status_code == 201, parties.text
    assert (parties.json()["kind"], parties.json()["parties"]) == ("debitoren_kreditoren", 2)
    assert people_of(admin, fresh) == people_of(admin, book)
    done = upload(admin, fresh, stapel)
    assert done.status_code == 201, done.text
    assert {k: done.json()[k] for k in ("kind", "rows", "entries", "open_items")} == {
        "kind": "buchungsstapel",
        "rows": 3,
        "entries": 1,
        "open_items": 2,
    }
    assert trial(admin, fresh) == trial(admin, book)
    aged = admin.get(f"/v1/books/{fresh}/reports/aged-receivables", params={"as_of": "2025-02-15"})
    assert aged.json()["total"] == "750.00"
    twice = upload(admin, fresh, stapel)
    assert (twice.status_code, twice.json()["code"]) == (409, "DATEV_FILE_IMPORTED")


SUSA = (
    "Konto;Beschriftung;EB-Wert;;Soll;Haben;Saldo;\r\n"
    "400;Technische Anlagen;0,00;;50.000,00;0,00;50.000,00;S\r\n"
    "1800;Bank;0,00;;12.000,00;2.000,00;10.000,00;S\r\n"
    "2000;Festkapital;0,00;;0,00;25.000,00;25.000,00;H\r\n"
    "4400;Erlöse 19 % USt;0,00;;0,00;40.000,00;40.000,00;H\r\n"
    "6300;Sonstige Aufwendungen;0,00;;5.000,00;0,00;5.000,00;S\r\n"
    "9000;Saldenvorträge;0,00;;0,00;0,00;0,00;\r\n"
    "10000;Älpha AG;0,00;;0,00;0,00;0,00;\r\n"
)


def test_a_summen_und_saldenliste_becomes_the_opening_set(admin: httpx.Client) -> None:
    book = datev_book(admin)
    done = upload(admin, book, SUSA.encode("cp1252"))
    assert done.status_code == 201, done.text
    assert {k: done.json()[k] for k in ("kind", "opening_rows", "skipped")} == {
        "kind": "saldenliste",
        "opening_rows": 4,
        "skipped": 2,
    }
    openings = admin.get(f"/v1/books/{book}/opening-balances").json()
    got = {r["number"]: r["amount"] for r in openings["data"] if r["amount"] != "0.00"}
    # The year's result (40,000 − 5,000) opens in 2970 Gewinnvortrag.
    assert got == {"0400": "50000.00", "1800": "10000.00", "2000": "25000.00", "2970": "35000.00"}
    assert openings["balanced"] is True


def test_import_errors(admin: httpx.Client) -> None:
    book = datev_book(admin)
    bad = upload(admin, book, SUSA.replace("12.000,00;2.000,00;10.000,00", "x;y;1,2,3").encode())
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_INPUT")
    assert bad.json()["data"]["rows"] == [
        {
            "line": 3,
            "field": "Saldo",
            "message": "line 3: Saldo '1,2,3' is not an amount like 1.234,56",
        }
    ]
    unbalanced = upload(admin, book, SUSA.replace("50.000,00;S", "50.001,00;S").encode())
    assert (unbalanced.status_code, unbalanced.json()["code"]) == (422, "BALANCE_MISMATCH")
    assert upload(admin, book, b"nothing here").status_code == 422
    binary = upload(admin, book, b"\xff\xd8\xff\xe0\x00\x10JFIF\x81")  # a JPEG's start
    assert (binary.status_code, binary.json()["code"]) == (422, "INVALID_INPUT")
    assert binary.json()["data"] == {"field": "file", "offset": 10}
    assert "neither UTF-8 nor Windows-1252" in binary.json()["error"]
    assert admin.get(f"/v1/books/{book}/journal-entries").json()["data"] == []
    other = datev_book(admin)
    post_entry(admin, other, "1800 D 10.00; 4400 C 10.00", on="2025-02-01")
    stapel = export(admin, other)["EXTF_Buchungsstapel_2025.csv"]
    fy = datev_book(admin, fiscal_year_start="07-01", entries_start="2025-07-01")
    wrong_year = upload(admin, fy, stapel)
    assert wrong_year.status_code == 422 and wrong_year.json()["data"]["field"] == "WJ-Beginn"


def test_cli_export_and_import(admin: httpx.Client, db_url: str, tmp_path: Path) -> None:
    book = datev_book(admin)
    post_entry(admin, book, "1800 D 10.00; 4400 C 10.00", on="2025-02-01")
    runner = CliRunner()
    target = tmp_path / "datev.zip"
    done = runner.invoke(
        cli,
        ["export", book, "--format", "datev", "--year", "2025", "-o", str(target), "-d", db_url],
    )
    assert done.exit_code == 0, done.output
    assert "1 bookings" in done.output
    no_year = runner.invoke(cli, ["export", book, "--format", "datev", "-d", db_url])
    assert no_year.exit_code == 1 and "INVALID_INPUT" in no_year.output
    stapel = tmp_path / "stapel.csv"
    stapel.write_bytes(zipfile.ZipFile(target).read("EXTF_Buchungsstapel_2025.csv"))
    fresh = datev_book(admin)
    imported = runner.invoke(cli, ["datev", "import", fresh, str(stapel), "-d", db_url])
    assert imported.exit_code == 0, imported.output
    assert "1 journal entries" in imported.output
    again = runner.invoke(cli, ["datev", "import", fresh, str(stapel), "-d", db_url])
    assert again.exit_code == 1 and "DATEV_FILE_IMPORTED" in again.output
    (tmp_path / "bad.csv").write_bytes(SUSA.replace("40.000,00;H", "4x;H").encode())
    bad = runner.invoke(cli, ["datev", "import", fresh, str(tmp_path / "bad.csv"), "-d", db_url])
    assert (
        bad.exit_code == 1
        and "INVALID_INPUT" in bad.output
        and "Nothing was imported" in bad.output
    )


PARTY_HEADER = (
    'EXTF;700;16;"Debitoren/Kreditoren";5;20250101120000000;;"FO";"Folio";"";29098;55003;'
    "20250101;4;;;;;;;;;;;;;;;;;\r\n"
)
PARTY_COLUMNS = (
    'Konto;"Name (Adressatentyp Unternehmen)";"Unternehmensgegenstand";'
    '"Name (Adressatentyp natürl. Person)";"Vorname (Adressatentyp natürl. Person)";'
    '"Name (Adressatentyp keine Angabe)";"Adressatentyp";"Kurzbezeichnung";"EU-Land";'
    '"EU-UStID";"Anrede";"Titel/Akad. Grad";"Adelstitel";"Namensvorsatz";"Adressart";'
    '"Straße";"Postfach";"Postleitzahl";"Ort"\r\n'
)


def party_file(*rows: str) -> bytes:
    return (PARTY_HEADER + PARTY_COLUMNS + "".join(r + "\r\n" for r in rows)).encode("cp1252")


def test_a_debitoren_kreditoren_file_sets_the_parties_or_names_every_bad_line(
    admin: httpx.Client,
) -> None:
    book = datev_book(admin)
    base = f"/v1/books/{book}"
    admin.post(f"{base}/parties", json={"kind": "customer", "name": "Alt", "number": "10001"})
    admin.post(f"{base}/parties", json={"kind": "supplier", "name": "Lief", "number": "70001"})
    bad = upload(admin, book, party_file(
        '10001;"Neu GmbH";;;;;"2";;"DE";"811569869";;;;;"STR";"Weg 2";;"50667";"Köln"',
        '5000;"Zu kurz AG"',
        '10002;;;;;;;;',
        '10001;"Doppelt AG"',
        '10003;;;"Müller";"Anna"',
        '10004;"Lief als Kunde"',
        '70001;"Kunde als Lieferant"',
    ))  # fmt: skip
    assert (bad.status_code, bad.json()["code"]) == (422, "INVALID_INPUT")
    assert [(r["line"], r["field"]) for r in bad.json()["data"]["rows"]] == [
        (4, "Konto"), (5, "Name"), (6, "Konto"),
    ]  # fmt: skip
    assert people_of(admin, book)[0][2] == "Alt"  # nothing was changed
    good = upload(admin, book, party_file(
        '10001;"Neu GmbH";;;;;"2";;"DE";"811569869";;;;;"STR";"Weg 2";;"50667";"Köln"',
        '10003;;;"Müller";"Anna"',
        '70002;;;;;"Lieferant ohne Typ"',
    ))  # fmt: skip
    assert (good.status_code, good.json()["parties"]) == (201, 3), good.text
    assert people_of(admin, book) == [
        ("10001", "customer", "Neu GmbH", "DE811569869", "Weg 2, 50667 Köln"),
        ("10003", "customer", "Anna Müller", None, None),
        ("70001", "supplier", "Lief", None, None),
        ("70002", "supplier", "Lieferant ohne Typ", None, None),
    ]
