"""Customers and suppliers through the pages: a new customer, an uploaded OPOS list booked as
the receivables' opening balance (and one refused with every bad line), the aged report."""

from __future__ import annotations

import re
from typing import Any

from tests.web.conftest import Ui


def upload(ui: Ui, book_id: str, listing: str) -> Any:
    """An OPOS list of customers' items, as Windows writes it (cp1252)."""
    return ui.post(
        f"/ui/books/{book_id}/parties/open-items",
        {"kind": "customer"},
        files={"file": ("opos.csv", listing.encode("cp1252"), "text/csv")},
    )


def test_upload_open_invoices_and_see_the_aged_report(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2025-01-01")
    made = ui.post(f"/ui/books/{book_id}/parties", {"kind": "customer", "name": "Alpha AG",
                                                    "terms": "14"})  # fmt: skip
    assert made.status_code == 303
    assert "10000" in ui.get(f"/ui/books/{book_id}/parties").text

    bad = "Konto;Name;Belegnummer;Belegdatum;Betrag\n10000;Alpha AG;RE-1;15.12.2024;12,5,0\n"
    refused = upload(ui, book_id, bad)
    assert refused.status_code == 422
    assert "Nothing was booked." in refused.text and "line 2" in refused.text

    good = (
        "Konto;Name;Belegnummer;Belegdatum;Fälligkeit;Betrag\n"
        "10000;Alpha AG;RE-1;15.12.2024;14.01.2025;1.190,00\n"
        "10001;Beta GmbH;RE-2;01.11.2024;01.12.2024;595,00\n"
    )
    booked = upload(ui, book_id, good)
    assert booked.status_code == 200 and "Booked 2 open items" in booked.text
    assert "Beta GmbH" in booked.text  # created from the file

    report = ui.get(
        f"/ui/books/{book_id}/reports", params={"report": "aged-receivables", "as_of": "2025-02-15"}
    )
    assert report.status_code == 200
    assert "1,785.00" in report.text  # the total, equal to 1200's balance
    assert "The 1200 balance on 2025-02-15 is 1,785.00" in report.text
    csv = ui.get(
        f"/ui/books/{book_id}/reports/aged-receivables.csv", params={"as_of": "2025-02-15"}
    )
    assert csv.status_code == 200 and "RE-1" in csv.text


def test_a_partys_page_lists_its_items_as_of_a_day_and_changes_its_details(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2025-01-01")
    ui.post(f"/ui/books/{book_id}/parties", {"kind": "customer", "name": "Alpha AG"})
    listing = (
        "Konto;Name;Belegnummer;Belegdatum;Fälligkeit;Betrag\n"
        "10000;Alpha AG;RE-1;15.12.2024;14.01.2025;1.190,00\n"
        "10000;Alpha AG;RE-2;20.12.2024;19.01.2025;595,00\n"
    )
    booked = upload(ui, book_id, listing)
    assert booked.status_code == 200 and "Booked 2 open items" in booked.text
    party_id = re.search(r'href="/ui/books/[^/]+/parties/(pty_\w+)"', booked.text)
    assert party_id is not None
    url = f"/ui/books/{book_id}/parties/{party_id.group(1)}"

    page = ui.get(url, params={"as_of": "2025-01-31"})
    assert page.status_code == 200
    assert _row(page.text, "RE-1") == [
        "RE-1",
        "2024-12-15",
        "2025-01-14",
        "1,190.00",
        "1,190.00",
        "17",
    ]
    assert _row(page.text, "RE-2") == ["RE-2", "2024-12-20", "2025-01-19", "595.00", "595.00", "12"]
    assert 'id="open-total">1,785.00<' in page.text
    # Before the book begins nothing is open: the items are its opening balance.
    before = ui.get(url, params={"as_of": "2024-12-31"})
    assert _row(before.text, "RE-1") is None and "Nothing open on this day." in before.text
    wrong = ui.get(url, params={"as_of": "31.02.2025"})
    assert wrong.status_code == 200  # today's items, and what is wrong with the date
    assert "is not a date Folio accepts (expected a date written YYYY-MM-DD" in wrong.text

    changed = ui.post(
        url, {"name": "Alpha AG", "terms": "30", "address": "Hauptstr. 1", "tax_id": "DE1"}
    )
    assert changed.status_code == 303 and changed.headers["location"] == url
    assert "payment terms 30 days" in ui.get(url).text and "Hauptstr. 1" in ui.get(url).text
    assert "tax id DE1" in ui.get(url).text
    emptied = ui.post(url, {"name": "Alpha AG", "terms": "30", "address": "Hauptstr. 1"})
    assert emptied.status_code == 303 and "tax id" not in ui.get(url).text  # removed
    refused = ui.post(url, {"name": "Alpha AG", "terms": "thirty"})
    assert refused.status_code == 422 and "Payment terms are a number of days." in refused.text
    assert "payment terms 30 days" in refused.text  # nothing changed
    archived = ui.post(url, {"name": "Alpha AG", "terms": "30", "archived": "on"})
    assert archived.status_code == 303
    assert "(archived)" in ui.get(f"/ui/books/{book_id}/parties").text
    assert ui.get(f"/ui/books/{book_id}/parties/pty_unknown").status_code == 404


def _row(page: str, document: str) -> list[str] | None:
    """The cells of the items table's row for `document`."""
    match = re.search(rf"<tr id=\"[^\"]+\"><td>{document}</td>(.*?)</tr>", page, re.S)
    if match is None:
        return None
    return [
        document,
        *(cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1))),
    ]
