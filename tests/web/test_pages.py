"""The other pages through their handlers: accounts, journal, periods, reports; and the pure
helpers (amount reading, SVG charts)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy.exc import DataError

from folio.domain.errors import InvalidAmount
from folio.service import parties
from folio.web.charts import Bar, Segment, composition, income_bars
from folio.web.forms import parse_amount
from tests.web.conftest import Ui
from tests.web.test_access import ledger_numbers


def test_accounts_are_created_renamed_and_archived(ui: Ui) -> None:
    book_id = ui.create_book()
    base = f"/ui/books/{book_id}/ledgers"
    made = ui.post(base, {"number": "1899", "name": "Bank 2", "type": "asset", "subtype": "bank"})
    assert made.status_code == 303
    duplicate = ui.post(base, {"number": "1899", "name": "Again", "type": "asset"})
    assert duplicate.status_code == 422
    assert "already used" in duplicate.text and 'value="Again"' in duplicate.text
    numbers = ledger_numbers(ui, book_id)
    assert ui.post(f"{base}/{numbers['1899']}/rename", {"name": "Sparkasse"}).status_code == 303
    assert "Sparkasse" in ui.get(base).text
    empty = ui.post(f"{base}/{numbers['1899']}/rename", {"name": " "})
    assert empty.status_code == 422 and "must not be empty" in empty.text
    assert ui.post(f"{base}/{numbers['1899']}/archive", {"archived": "true"}).status_code == 303
    system = ui.post(f"{base}/{numbers['9000']}/archive", {"archived": "true"})
    assert system.status_code == 422 and "system ledger" in system.text


def _entry(ui: Ui, book_id: str, day: str, *lines: tuple[str, str, str]) -> object:
    numbers = ledger_numbers(ui, book_id)
    return ui.post(
        f"/ui/books/{book_id}/journal",
        {
            "date": day,
            "description": "Invoice 1",
            "line_ledger": [numbers[n] for n, _, _ in lines],
            "line_debit": [d for _, d, _ in lines],
            "line_credit": [c for _, _, c in lines],
        },
    )


def test_entries_are_posted_filtered_and_reversed(ui: Ui) -> None:
    book_id = ui.create_book()
    posted = _entry(ui, book_id, "2025-02-10", ("1800", "119", ""), ("4000", "", "119"))
    assert posted.status_code == 303  # type: ignore[attr-defined]
    unbalanced = _entry(ui, book_id, "2025-02-10", ("1800", "119", ""), ("4000", "", "100"))
    assert unbalanced.status_code == 422  # type: ignore[attr-defined]
    assert "must balance" in unbalanced.text  # type: ignore[attr-defined]
    assert 'value="100"' in unbalanced.text  # type: ignore[attr-defined]
    early = _entry(ui, book_id, "2024-12-31", ("1800", "1", ""), ("4000", "", "1"))
    assert "before the book starts" in early.text  # type: ignore[attr-defined]
    page = ui.get(f"/ui/books/{book_id}/journal")
    assert page.text.count('class="entry"') == 1
    assert ui.get(f"/ui/books/{book_id}/journal?from=2025-03-01").text.count("<article") == 0
    entry_id = page.text.split('<article class="entry" id="')[1].split('"')[0]
    reverse = ui.post(
        f"/ui/books/{book_id}/journal/{entry_id}/reverse", {"mode": "original_period"}
    )
    assert reverse.status_code == 303
    again = ui.post(f"/ui/books/{book_id}/journal/{entry_id}/reverse", {"mode": "current_period"})
    assert again.status_code == 422 and "already reversed" in again.text


def test_periods_are_soft_locked_reopened_and_locked_with_a_confirmation(ui: Ui) -> None:
    book_id = ui.create_book()
    base = f"/ui/books/{book_id}/periods/2025-03"
    assert ui.post(f"{base}/soft-lock").status_code == 303
    locked_entry = _entry(ui, book_id, "2025-03-05", ("1800", "1", ""), ("4000", "", "1"))
    assert "2025-03 is soft-locked" in locked_entry.text  # type: ignore[attr-defined]
    assert ui.post(f"{base}/reopen").status_code == 303
    unconfirmed = ui.post(f"{base}/lock", {"confirm": ""})
    assert unconfirmed.status_code == 422 and "type 2025-03" in unconfirmed.text
    assert ui.post(f"{base}/lock", {"confirm": "2025-03"}).status_code == 303
    final = ui.post(f"{base}/reopen")
    assert final.status_code == 422 and "locked for good" in final.text
    assert ui.post(f"{base}/explode").status_code == 422


def test_reports_render_and_download(ui: Ui) -> None:
    book_id = ui.create_book()
    _entry(ui, book_id, "2025-02-10", ("1800", "119", ""), ("4000", "", "119"))
    base = f"/ui/books/{book_id}/reports"
    query = {"from": "2025-01-01", "to": "2025-12-31"}
    income = ui.get(base, params={"report": "income-statement", **query})
    assert income.status_code == 200 and "<svg" in income.text and "2025-02" in income.text
    sheet = ui.get(base, params={"report": "balance-sheet", "as_of": "2025-12-31"})
    assert "<svg" in sheet.text and ": balanced" in sheet.text
    csv = ui.get(f"{base}/trial-balance.csv", params=query)
    assert csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"] and "1800" in csv.text
    xlsx = ui.get(f"{base}/income-statement.xlsx", params=query)
    assert xlsx.content[:2] == b"PK"
    bad = ui.get(base, params={"report": "trial-balance", "from": "2025-13-01"})
    assert bad.status_code == 422 and "is not a date" in bad.text
    backwards = ui.get(base, params={"from": "2025-12-01", "to": "2025-01-01"})
    assert backwards.status_code == 422 and "starts" in backwards.text
    assert ui.get(f"{base}/nonsense.csv").status_code == 404


@pytest.mark.parametrize(
    ("typed", "exponent", "expected"),
    [
        ("1234.56", 2, 123456),
        ("1,234.56", 2, 123456),
        ("1.234,56", 2, 123456),
        ("1234,5", 2, 123450),
        ("50.000,00", 2, 5000000),
        ("1,000.00", 2, 100000),
        ("-5", 2, -500),
        (" 12 500 ", 0, 12500),
        ("1.500,000", 3, 1500000),
        ("", 2, 0),
    ],
)
def test_amounts_are_read_as_bookkeepers_write_them(
    typed: str, exponent: int, expected: int
) -> None:
    assert parse_amount(typed, exponent) == expected


@pytest.mark.parametrize(
    "typed",
    # the grid's typos of issue 12, then what is not an amount, then what reads two ways
    ["12,5,0", "1.2.3", "1.234.5", "1,2345", "abc", "1.2.3,4,5", "0.001", "1e5", "NaN",
     "1.234", "50.000", "1,000"],
)  # fmt: skip
def test_unreadable_amounts_are_refused(typed: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        parse_amount(typed, 2, field_name="debit")
    assert info.value.data["field"] == "debit"
    assert typed in info.value.message


def test_charts_are_well_formed_svg() -> None:
    bars = income_bars([Bar("2025-01", 1000, 400), Bar("2025-02", -50, 300)], 2, "EUR")
    root = ET.fromstring(str(bars))
    assert root.tag.endswith("svg") and len(root.findall(".//{*}rect")) >= 4
    parts = composition(
        [Segment("Bank", 500), Segment("Fixed <asset>", 1500)],
        [Segment("Capital", 2100), Segment("Current year earnings", -100)],
        2,
        "EUR",
    )
    root = ET.fromstring(str(parts))
    assert "Not stacked (negative)" in str(parts) and "Fixed &lt;asset&gt;" in str(parts)
    assert ET.fromstring(str(income_bars([], 2, "EUR"))) is not None


def test_a_superscript_or_foreign_digit_in_a_number_field_is_refused_not_a_500(ui: Ui) -> None:
    """`"²".isdigit()` is True and `int("²")` raises: a fiscal year, a journal cursor or payment
    terms written so were a 500. Digits are ASCII (`domain/digits.is_digits`): the pages say
    what is wrong, or (the cursor) start from the top."""
    book_id = ui.create_book()
    base = f"/ui/books/{book_id}"
    for year in ("²", "٢٠٢٥"):
        report = ui.get(f"{base}/reports", params={"year": year})
        assert report.status_code == 422 and "is not a fiscal year" in report.text
        export = ui.get(f"{base}/datev/export", params={"year": year})
        assert export.status_code == 422 and "Choose a fiscal year" in export.text
    assert ui.get(f"{base}/journal", params={"after": "²"}).status_code == 200
    made = ui.post(f"{base}/parties", {"kind": "customer", "name": "Alpha AG", "terms": "¹⁴"})
    assert made.status_code == 422 and "Payment terms are a number of days" in made.text
    assert "Alpha AG" not in ui.get(f"{base}/parties").text


def test_a_nul_character_in_a_form_is_refused_not_a_500(ui: Ui) -> None:
    """A form may carry a NUL character (`%00`). PostgreSQL refused to store it (a 500 on every
    page that writes text) and SQLite stored it (a book PostgreSQL could not take). Both now
    say which field holds it (`domain/text.py`) and store nothing."""
    book_id = ui.create_book()
    base = f"/ui/books/{book_id}"
    numbers = ledger_numbers(ui, book_id)
    forms = {
        f"{base}/journal": {
            "date": "2025-02-10",
            "description": "Rech\x00nung",
            "line_ledger": [numbers["1800"], numbers["4000"]],
            "line_debit": ["1", ""],
            "line_credit": ["", "1"],
        },
        f"{base}/ledgers": {"number": "1899", "name": "Ba\x00nk", "type": "asset"},
        f"{base}/parties": {"kind": "customer", "name": "Mü\x00ller"},
        "/ui/books": {
            "name": "A\x00B", "currency": "EUR", "entries_start": "2025-01-01",
            "fiscal_year_start": "01-01", "chart": "skr04",
        },
    }  # fmt: skip
    books = ui.get("/ui/books").text.count('href="/ui/books/bk_')
    assert books >= 1
    for url, form in forms.items():
        refused = ui.post(url, form)
        assert refused.status_code == 422, (url, refused.status_code)
        assert "contains a NUL character (U+0000)" in refused.text, url
    assert 'class="entry"' not in ui.get(f"{base}/journal").text
    # by the ledgers' numbers: "1899" may stand in a ledger's random id on the page
    assert "1899" not in ledger_numbers(ui, book_id) and "1800" in ledger_numbers(ui, book_id)
    assert "ller" not in ui.get(f"{base}/parties").text
    assert ui.get("/ui/books").text.count('href="/ui/books/bk_') == books


def test_a_number_of_thousands_of_digits_is_refused_not_a_500(ui: Ui) -> None:
    """Python's `int()` refuses more than 4,300 digits: payment terms, a DATEV consultant or
    client number, a grid's line number, a report's or an export's year and the journal's
    cursor written so were a 500. They are read with `domain/digits.digits_value`: refused as
    any other number that is not one, and a grid line's number falls back to its position."""
    book_id = ui.create_book()
    base = f"/ui/books/{book_id}"
    numbers = ledger_numbers(ui, book_id)
    huge = "1" * 5000
    made = ui.post(f"{base}/parties", {"kind": "customer", "name": "Alpha AG", "terms": huge})
    assert made.status_code == 422 and "Payment terms are a number of days" in made.text
    assert "Alpha AG" not in ui.get(f"{base}/parties").text
    for field in ("datev_consultant_number", "datev_client_number"):
        form = {"datev_consultant_number": "1001", "datev_client_number": "1", field: huge}
        refused = ui.post(f"{base}/datev/settings", form)
        assert refused.status_code == 422 and "must be a whole number" in refused.text
    for path, param in (("reports", "year"), ("datev/export", "year")):
        assert ui.get(f"{base}/{path}", params={param: huge}).status_code == 422
    assert ui.get(f"{base}/journal", params={"after": huge}).status_code == 200
    grid = {
        "source": "grid", "filename": "", "ledger": [numbers["1800"], numbers["2000"]],
        "debit": ["10", ""], "credit": ["", "10"], "line": [huge, "2"], "name": ["", ""],
        "number": ["1800", "2000"],
    }  # fmt: skip
    assert ui.post(f"{base}/opening-balances/set", grid).status_code == 303


def test_a_value_the_database_cannot_hold_is_a_refusal_not_a_500(
    ui: Ui, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database's refusal of a value (too long for its column) reaches the page as the API
    answers it, 422, for whatever the services did not check themselves."""
    book_id = ui.create_book()

    def too_long(*_args: object, **_kwargs: object) -> None:
        raise DataError("INSERT INTO parties ...", {}, ValueError("value too long"))

    monkeypatch.setattr(parties, "create_party", too_long)
    refused = ui.post(f"/ui/books/{book_id}/parties", {"kind": "customer", "name": "Alpha AG"})
    assert refused.status_code == 422
    assert "cannot be stored" in refused.text and "Alpha AG" not in refused.text
