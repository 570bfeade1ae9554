"""Customers and suppliers through the pages: a new customer, an uploaded OPOS list booked as
the receivables' opening balance (and one refused with every bad line), the aged report."""

from __future__ import annotations

from tests.web.conftest import Ui


def test_upload_open_invoices_and_see_the_aged_report(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2025-01-01")
    made = ui.post(f"/ui/books/{book_id}/parties", {"kind": "customer", "name": "Alpha AG",
                                                    "terms": "14"})  # fmt: skip
    assert made.status_code == 303
    assert "10000" in ui.get(f"/ui/books/{book_id}/parties").text

    bad = "Konto;Name;Belegnummer;Belegdatum;Betrag\n10000;Alpha AG;RE-1;15.12.2024;12,5,0\n"
    refused = ui.post(
        f"/ui/books/{book_id}/parties/open-items",
        {"kind": "customer"},
        files={"file": ("opos.csv", bad.encode("cp1252"), "text/csv")},
    )
    assert refused.status_code == 422
    assert "Nothing was booked." in refused.text and "line 2" in refused.text

    good = (
        "Konto;Name;Belegnummer;Belegdatum;Fälligkeit;Betrag\n"
        "10000;Alpha AG;RE-1;15.12.2024;14.01.2025;1.190,00\n"
        "10001;Beta GmbH;RE-2;01.11.2024;01.12.2024;595,00\n"
    )
    booked = ui.post(
        f"/ui/books/{book_id}/parties/open-items",
        {"kind": "customer"},
        files={"file": ("opos.csv", good.encode("cp1252"), "text/csv")},
    )
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
