"""The DATEV page: the settings, a fiscal year's download (refused without the numbers), an
upload refused with its lines and one booked; every form carries the CSRF token."""

from __future__ import annotations

import io
import zipfile

from tests.web.conftest import Ui

SUSA = (
    "Konto;Beschriftung;Saldo;\r\n"
    "400;Technische Anlagen;50.000,00;S\r\n"
    "2000;Festkapital;50.000,00;H\r\n"
)


def test_settings_download_and_upload(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2025-01-01")
    page = ui.get(f"/ui/books/{book_id}/datev")
    assert page.status_code == 200
    assert 'id="datev-export"' in page.text and 'name="csrf_token"' in page.text
    refused = ui.get(f"/ui/books/{book_id}/datev/export", params={"year": "2025"})
    assert refused.status_code == 422 and "Beraternummer" in refused.text
    bad = ui.post(f"/ui/books/{book_id}/datev/settings",
                  {"datev_consultant_number": "99", "datev_client_number": "1"})  # fmt: skip
    assert bad.status_code == 422 and "1001" in bad.text
    numbers = {"datev_consultant_number": "29098", "datev_client_number": "55003"}
    saved = ui.post(f"/ui/books/{book_id}/datev/settings", numbers)
    assert saved.status_code == 303

    broken = ui.post(f"/ui/books/{book_id}/datev/import", {},
                     files={"file": ("susa.csv", SUSA.replace("50.000,00;H", "5x;H").encode(),
                                     "text/csv")})  # fmt: skip
    assert broken.status_code == 422
    assert "Nothing was imported." in broken.text and "line 3" in broken.text
    done = ui.post(f"/ui/books/{book_id}/datev/import", {},
                   files={"file": ("susa.csv", SUSA.encode("cp1252"), "text/csv")})  # fmt: skip
    assert done.status_code == 200 and "2 opening balances" in done.text

    zipped = ui.get(f"/ui/books/{book_id}/datev/export", params={"year": "2025"})
    assert zipped.status_code == 200 and zipped.headers["content-type"] == "application/zip"
    stapel = zipfile.ZipFile(io.BytesIO(zipped.content)).read("EXTF_Buchungsstapel_2025.csv")
    assert b"50000,00" in stapel


def test_an_upload_over_the_body_limit_gets_a_page_naming_the_command(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2025-01-01")
    big = b"x" * (8 * 1024 * 1024 + 1)
    refused = ui.post(f"/ui/books/{book_id}/datev/import", {},
                      files={"file": ("big.csv", big, "text/csv")})  # fmt: skip
    assert refused.status_code == 413
    assert refused.headers["content-type"].startswith("text/html")
    assert "folio datev import BOOK FILE" in refused.text and "8.0 MiB" in refused.text
    assert ui.get(f"/ui/books/{book_id}/journal").status_code == 200  # the session goes on
