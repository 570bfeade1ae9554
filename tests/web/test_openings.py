"""Opening balances through the pages: the grid, the upload preview, per ledger, reversal."""

from __future__ import annotations

import io

from openpyxl import Workbook
from sqlalchemy import Engine

from folio.service import opening_state, runner
from folio.store.uow import UnitOfWork
from tests.web.conftest import SEED_002, Ui
from tests.web.test_access import grid_data, ledger_numbers


def openings(engine: Engine, book_id: str) -> opening_state.BookOpenings:
    return runner.read(
        UnitOfWork(engine, write=False), lambda uow: opening_state.book_openings(uow, book_id)
    )


def test_the_grid_books_seed_002_and_the_set_can_be_reversed(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book()
    page = ui.get(f"/ui/books/{book_id}/opening-balances")
    assert 'id="ob-grid"' in page.text and "9000" in page.text
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/set",
        grid_data(ui, book_id, SEED_002, "2025-01-01"),
    )
    assert response.status_code == 303
    booked = openings(engine, book_id)
    assert booked.balanced and booked.total_debit == 6_000_000
    [the_set] = [s for s in booked.sets if s.source == "set"]
    page = ui.get(f"/ui/books/{book_id}/opening-balances").text
    assert the_set.intent_id in page and "Balanced: the offset account nets to zero" in page
    report = ui.get(
        f"/ui/books/{book_id}/reports?report=trial-balance&from=2025-01-01&to=2025-12-31"
    )
    assert "50,000.00" in report.text and "35,000.00" in report.text
    reverse = ui.post(
        f"/ui/books/{book_id}/opening-balances/reverse", {"intent_id": the_set.intent_id}
    )
    assert reverse.status_code == 303
    assert openings(engine, book_id).rows == []
    again = ui.post(
        f"/ui/books/{book_id}/opening-balances/reverse", {"intent_id": the_set.intent_id}
    )
    assert again.status_code == 422


def test_an_unbalanced_grid_is_refused_and_keeps_every_input(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book()
    rows = [("0400", "50.000,00", ""), ("1200", "10000", ""), ("2000", "", "25000")]
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/set", grid_data(ui, book_id, rows, "2025-01-01")
    )
    assert response.status_code == 422
    assert 'id="totals-error"' in response.text
    assert "Debit balances total 60000.00 but credit balances total 25000.00" in response.text
    assert 'value="50.000,00"' in response.text and 'value="25000"' in response.text
    assert openings(engine, book_id).rows == []


def test_a_bad_amount_is_marked_on_its_row(ui: Ui, engine: Engine) -> None:
    """Typos the grid once read as amounts (issue 12) are refused, each on its own row."""
    book_id = ui.create_book()
    typos = ["12,5,0", "1.2.3", "1.234.5", "1,2345", "abc", "50.000"]
    numbers = ["0400", "1200", "1800", "1810", "0440", "2900"]
    rows = [
        ("0420", "12.345,00", ""),
        *zip(numbers, typos, [""] * 6, strict=True),
        ("2000", "", "1"),
    ]
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/set", grid_data(ui, book_id, rows, "2025-01-01")
    )
    assert response.status_code == 422
    assert "“abc” is not an amount" in response.text
    assert "“50.000” is ambiguous" in response.text
    assert response.text.count('class="bad"') == len(typos)
    assert openings(engine, book_id).rows == []


def test_a_locked_month_is_explained_before_and_after(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book()
    assert ui.post(f"/ui/books/{book_id}/periods/2025-01/soft-lock").status_code == 303
    page = ui.get(f"/ui/books/{book_id}/opening-balances").text
    assert 'id="period-notice"' in page and "2025-01 is soft-locked" in page
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/set",
        grid_data(ui, book_id, SEED_002, "2025-01-01"),
    )
    assert response.status_code == 422
    assert 'id="date-error"' in response.text
    assert "Nothing can be booked into a closed month: 2025-01 is soft-locked" in response.text


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD = (
    "Konto;Bezeichnung;Soll;Haben",
    "0400;Anlagen;50.000,00;",
    "1200;Forderungen;10.000,00;",
    "2000;Festkapital;;25.000,00",
    "2900;Gezeichnetes Kapital;;35.000,00",
)


def test_an_upload_with_a_bad_row_is_previewed_and_nothing_is_booked(
    ui: Ui, engine: Engine
) -> None:
    book_id = ui.create_book()
    data = _csv(*GOOD[:3], "4400;Umsatzerlöse;;1.000,00", "9999;Unbekannt;5,00;", *GOOD[3:])
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/upload",
        {"date": "2025-01-01"},
        files={"file": ("susa.csv", data, "text/csv")},
    )
    assert response.status_code == 200
    text = response.text
    assert 'id="preview-table"' in text and "2 rows cannot be booked" in text
    assert 'data-line="4" class="bad"' in text and "only balance-sheet accounts" in text
    assert 'data-line="5" class="bad"' in text and "9999 does not exist" in text
    assert 'id="ob-confirm"' not in text
    assert openings(engine, book_id).rows == []


def test_an_upload_in_neither_utf8_nor_cp1252_is_explained_at_the_file(
    ui: Ui, engine: Engine
) -> None:
    """Byte 0x81 is no character in Windows-1252 either: a 500 before, now the file field
    says which byte on which line, and nothing is booked."""
    book_id = ui.create_book()
    data = _csv(*GOOD).replace(b"Festkapital", b"Fest\x81kapital")
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/upload",
        {"date": "2025-01-01"},
        files={"file": ("susa.csv", data, "text/csv")},
    )
    assert response.status_code == 422
    assert "byte 0x81 on line 4" in response.text
    assert openings(engine, book_id).rows == []


def test_a_good_upload_is_booked_after_the_preview(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book()
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/upload",
        {"date": "2025-01-01"},
        files={"file": ("susa.csv", _csv(*GOOD), "text/csv")},
    )
    assert 'id="ob-confirm"' in response.text
    assert openings(engine, book_id).rows == []
    confirm = {
        "source": "upload",
        "date": "2025-01-01",
        "ledger": ["0400", "1200", "2000", "2900"],
        "line": ["2", "3", "4", "5"],
        "debit": ["50000.00", "10000.00", "", ""],
        "credit": ["", "", "25000.00", "35000.00"],
    }
    assert ui.post(f"/ui/books/{book_id}/opening-balances/set", confirm).status_code == 303
    assert openings(engine, book_id).total_credit == 6_000_000
    # The same set again: refused on the preview's rows, nothing booked twice.
    twice = ui.post(f"/ui/books/{book_id}/opening-balances/set", confirm)
    assert twice.status_code == 422 and "already exist" in twice.text


def test_an_excel_upload_is_read(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book()
    workbook = Workbook()
    sheet = workbook.active
    for row in (
        ("number", "name", "debit", "credit"),
        (400, "Machines", 500, None),
        (2000, "Capital", None, 500),
    ):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = ui.post(
        f"/ui/books/{book_id}/opening-balances/upload",
        {"date": "2025-01-01"},
        files={"file": ("tb.xlsx", buffer.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 200 and 'id="ob-confirm"' in response.text
    broken = ui.post(
        f"/ui/books/{book_id}/opening-balances/upload",
        {"date": "2025-01-01"},
        files={"file": ("tb.xlsx", b"not a workbook", "application/octet-stream")},
    )
    assert broken.status_code == 422 and 'id="file-error"' in broken.text


def test_us_books_set_balances_account_by_account(ui: Ui, engine: Engine) -> None:
    book_id = ui.create_book(chart="us_small_business", currency="USD", name="Acme Inc")
    page = ui.get(f"/ui/books/{book_id}/opening-balances")
    assert 'id="ob-ledgers"' in page.text  # the default for a US-style book
    numbers = ledger_numbers(ui, book_id)
    url = f"/ui/books/{book_id}/opening-balances/ledger/{numbers['1010']}"
    assert ui.post(url, {"amount": "12,500.00"}).status_code == 303
    assert ui.post(url, {"amount": "12000"}).status_code == 303  # replaces
    rows = {r.ledger.number: r for r in openings(engine, book_id).rows}
    assert rows["1010"].debit == 1_200_000
    bad = ui.post(url, {"amount": "12.5.5.5x"})
    assert bad.status_code == 422 and "is not an amount" in bad.text
    assert 'value="12.5.5.5x"' in bad.text
