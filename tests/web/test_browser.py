"""End to end in headless Chromium: the opening-balance journey of a German book (grid,
trial balance, reversal, upload preview), a US book account by account, and one run on
PostgreSQL. Screenshots of the main pages go to test-artifacts/screenshots/ at 1280 px and at
phone width."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from tests.web.conftest import SEED_002, LiveServer, screenshot
from tests.web.test_openings import openings

SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
POSTGRES = pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
BAD_UPLOAD = (
    "Konto;Bezeichnung;Soll;Haben\n"
    "0400;Technische Anlagen und Maschinen;50.000,00;\n"
    "1200;Forderungen aus Lieferungen und Leistungen;10.000,00;\n"
    "4000;Umsatzerlöse;;1.000,00\n"
    "2000;Festkapital;;25.000,00\n"
    "2900;Gezeichnetes Kapital;;35.000,00\n"
)


def expect(locator: Any) -> Any:
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def sign_in(page: Any, key: str) -> None:
    page.goto("/ui/books")
    expect(page.locator("h1")).to_have_text("Sign in")
    page.fill("#key", key)
    page.click("button:has-text('Sign in')")
    expect(page.locator("h1")).to_have_text("Books")


def create_book(page: Any, name: str, chart: str, currency: str) -> str:
    page.fill("#name", name)
    page.fill("#currency", currency)
    page.fill("#entries_start", "2025-01-01")
    page.select_option("#chart", chart)
    page.click("button:has-text('Create book')")
    expect(page.locator("h1")).to_have_text("Opening balances")
    return str(page.url).split("/ui/books/")[1].split("/")[0]


def enter_grid(page: Any) -> None:
    difference = page.locator("#ob-difference")
    button = page.locator("#book-set")
    expect(button).to_be_disabled()
    for number, debit, credit in SEED_002:
        row = page.locator(f'#ob-table tr[data-number="{number}"]')
        if debit:
            row.locator('input[data-side="debit"]').fill(debit)
        else:
            row.locator('input[data-side="credit"]').fill(credit)
        if number == "2000":  # three of four rows in: 35,000.00 left for the offset account
            expect(difference).to_have_text("35,000.00")
            expect(page.locator("#ob-offset-credit")).to_have_text("35,000.00")
            expect(button).to_be_disabled()
    expect(difference).to_have_text("0.00")
    expect(page.locator("#ob-total-debit")).to_have_text("60,000.00")
    expect(button).to_be_enabled()


@SQLITE
def test_the_opening_balance_journey_of_a_german_book(
    page: Any, admin_key: str, engine: Engine, live: LiveServer
) -> None:
    sign_in(page, admin_key)
    screenshot(page, "books")
    book_id = create_book(page, "Muster GmbH", "skr04", "EUR")

    enter_grid(page)
    screenshot(page, "opening-balances-grid", focus="#book-set")
    page.click("#book-set")
    expect(page.locator("#current-openings")).to_be_visible()
    expect(page.locator("#balanced-status")).to_contain_text("Balanced")
    expect(page.locator("li.set")).to_have_count(1)
    screenshot(page, "opening-balances-booked", focus="nav.modes")

    # A sale in February, posted with live balancing, so the reports have movement.
    page.click("nav.tabs a:has-text('Journal')")
    page.fill("#e-date", "2025-02-10")
    page.fill("#e-desc", "Invoice 1")
    lines = page.locator("tr.entry-line")
    lines.nth(0).locator("select").select_option(label="1800 Bank")
    lines.nth(0).locator('input[data-side="debit"]').fill("1190")
    lines.nth(1).locator("select").select_option(label="4000 Umsatzerlöse")
    lines.nth(1).locator('input[data-side="credit"]').fill("1000")
    expect(page.locator("#e-difference")).to_have_text("190.00")
    expect(page.locator("#post-entry")).to_be_disabled()
    page.click("#add-line")
    lines.nth(2).locator("select").select_option(label="1800 Bank")
    lines.nth(2).locator('input[data-side="credit"]').fill("190")
    expect(page.locator("#e-difference")).to_have_text("0.00")
    page.click("#post-entry")
    expect(page.locator("article.entry")).to_have_count(1)
    expect(page.locator("article.entry .desc")).to_have_text("Invoice 1")
    page.goto(f"/ui/books/{book_id}/journal")
    screenshot(page, "journal")

    page.click("nav.tabs a:has-text('Reports')")
    page.fill("#from", "2025-01-01")
    page.fill("#to", "2025-12-31")
    page.click("button:has-text('Show')")
    row = page.locator('#trial-balance tr[data-number="0400"]')
    expect(row.locator("td.ob-debit")).to_have_text("50,000.00")
    expect(page.locator('#trial-balance tr[data-number="2900"] td.ob-credit')).to_have_text(
        "35,000.00"
    )
    screenshot(page, "trial-balance")
    page.click("nav.modes a:has-text('Balance sheet')")
    page.fill("#as_of", "2025-12-31")
    page.click("button:has-text('Show')")
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("p.status.ok")).to_contain_text("balanced")
    screenshot(page, "balance-sheet")
    page.goto(f"/ui/books/{book_id}/reports?report=income-statement&from=2025-01-01&to=2025-12-31")
    expect(page.locator("svg.chart rect")).not_to_have_count(0)
    screenshot(page, "income-statement")
    download = page.locator("a:has-text('CSV')")
    assert "/reports/income-statement.csv?" in str(download.get_attribute("href"))

    page.click("nav.tabs a:has-text('Opening balances')")
    page.click("button:has-text('Reverse this set')")
    expect(page.locator("#no-openings")).to_be_visible()
    assert openings(engine, book_id).rows == []

    page.click("nav.modes a:has-text('Upload a file')")
    page.set_input_files(
        "#file", files=[{"name": "susa.csv", "mimeType": "text/csv", "buffer": BAD_UPLOAD.encode()}]
    )
    page.click("button:has-text('Show preview')")
    bad = page.locator('#preview-table tr[data-line="4"]')
    expect(bad).to_have_class("bad")
    expect(bad.locator("td.reason")).to_contain_text("only balance-sheet accounts")
    expect(page.locator("#preview-table tr.bad")).to_have_count(1)
    expect(page.locator("#preview-problems")).to_contain_text("nothing has been booked")
    expect(page.locator("#ob-confirm")).to_have_count(0)
    screenshot(page, "opening-balances-upload-preview")
    assert openings(engine, book_id).rows == []

    page.click("nav.tabs a:has-text('Periods')")
    expect(page.locator("#p-2025-01")).to_be_visible()
    screenshot(page, "periods")
    page.click("nav.tabs a:has-text('Accounts')")
    expect(page.locator('#ledgers tr[data-number="1800"] td.num')).to_have_text("1,000.00")
    screenshot(page, "accounts", focus="#ledgers")


@SQLITE
def test_a_us_book_account_by_account(page: Any, admin_key: str, engine: Engine) -> None:
    sign_in(page, admin_key)
    book_id = create_book(page, "Acme Inc", "us_small_business", "USD")
    expect(page.locator("#ob-ledgers")).to_be_visible()
    for number, amount in (("1010", "12,500.00"), ("3000", "12500")):
        row = page.locator(f'#ob-ledgers tr[data-number="{number}"]')
        row.locator('input[name="amount"]').fill(amount)
        row.locator("button:has-text('Save')").click()
        expect(page.locator(f'#ob-ledgers tr[data-number="{number}"] td.current')).to_have_text(
            "12,500.00"
        )
    expect(page.locator("#offset-balance strong")).to_have_text("0.00")
    screenshot(page, "opening-balances-per-ledger", focus="#offset-balance")
    # Replace one balance: the old entry is reversed, the offset holds the difference.
    row = page.locator('#ob-ledgers tr[data-number="1010"]')
    row.locator('input[name="amount"]').fill("10000")
    row.locator("button:has-text('Save')").click()
    expect(page.locator("#offset-balance strong")).to_have_text("-2,500.00")
    rows = {r.ledger.number: r for r in openings(engine, book_id).rows}
    assert rows["1010"].debit == 1_000_000 and rows["3000"].credit == 1_250_000


@POSTGRES
def test_the_grid_on_postgresql(page: Any, admin_key: str, engine: Engine) -> None:
    sign_in(page, admin_key)
    book_id = create_book(page, "Muster GmbH", "skr04", "EUR")
    enter_grid(page)
    page.click("#book-set")
    expect(page.locator("#balanced-status")).to_contain_text("Balanced")
    page.goto(f"/ui/books/{book_id}/reports?report=trial-balance&from=2025-01-01&to=2025-12-31")
    expect(page.locator('#trial-balance tr[data-number="1200"] td.ob-debit')).to_have_text(
        "10,000.00"
    )
    assert openings(engine, book_id).balanced


@pytest.fixture
def no_script(browser: Any, live: LiveServer) -> Any:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live.url, java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@SQLITE
def test_the_german_journey_without_javascript(
    no_script: Any, admin_key: str, engine: Engine
) -> None:
    page = no_script
    sign_in(page, admin_key)
    book_id = create_book(page, "Ohne Skript GmbH", "skr04", "EUR")
    expect(page.locator("#book-set")).to_be_enabled()  # nothing disables it without a script
    for number, debit, credit in SEED_002:
        row = page.locator(f'#ob-table tr[data-number="{number}"]')
        if debit:
            row.locator('input[data-side="debit"]').fill(debit)
        else:
            row.locator('input[data-side="credit"]').fill(credit)
    page.click("#book-set")
    expect(page.locator("#balanced-status")).to_contain_text("Balanced")
    assert openings(engine, book_id).balanced

    # Account by account, far down the page: a refusal lands on its row, in view.
    page.click("nav.modes a:has-text('Account by account')")
    row = page.locator('#ob-ledgers tr[data-number="1200"]')
    row.locator('input[name="amount"]').fill("12000")
    row.locator("button:has-text('Save')").click()
    assert str(page.url).endswith("#row-1200")
    refusal = page.locator("#row-1200 p.error")
    expect(refusal).to_contain_text("comes from an opening-balance set")
    expect(refusal).to_be_in_viewport()
    # The server-side filter finds the bank account; saving it lands on its row.
    page.fill("#q", "1800")
    page.click("#ob-filter button")
    expect(page.locator("#ob-ledgers tbody tr")).to_have_count(1)
    page.locator("#row-1800 input[name='amount']").fill("1500")
    page.locator("#row-1800 button:has-text('Save')").click()
    assert str(page.url).endswith("?mode=ledger&q=1800#row-1800")
    expect(page.locator("#row-1800 td.current")).to_have_text("1,500.00")
    expect(page.locator("#row-1800")).to_be_in_viewport()

    page.click("nav.tabs a:has-text('Reports')")
    page.fill("#from", "2025-01-01")
    page.fill("#to", "2025-12-31")
    page.click("button:has-text('Show')")
    expect(page.locator('#trial-balance tr[data-number="0400"] td.ob-debit')).to_have_text(
        "50,000.00"
    )
    page.click("nav.tabs a:has-text('Periods')")
    page.locator("#p-2025-03 button:has-text('Soft-lock')").click()
    expect(page.locator("#p-2025-03 button:has-text('Reopen')")).to_be_visible()
    page.click("button:has-text('Sign out')")
    expect(page.locator("h1")).to_have_text("Sign in")


@SQLITE
def test_wide_pages_fit_at_1280(page: Any, admin_key: str, engine: Engine) -> None:
    from folio.service.facade import Folio
    from tests.builders import post

    sign_in(page, admin_key)
    create_book(
        page, "Muster Handelsgesellschaft Nummer 1 mbH & Co. KG", "us_small_business", "USD"
    )
    page.goto("/ui/books")
    book_id = create_book(page, "Acme GmbH", "skr04", "EUR")
    page.goto("/ui/books")
    clipped = page.evaluate(
        "Array.from(document.querySelectorAll('#books td, #books th'))"
        ".filter(c => c.scrollWidth > c.clientWidth).map(c => c.textContent.trim())"
    )
    assert clipped == []
    box = page.locator("#books").evaluate(
        "t => [t.parentElement.scrollWidth, t.parentElement.clientWidth]"
    )
    assert box[0] <= box[1]  # the whole table is in its card, no hidden column
    expect(page.locator("#books td.chart").first).to_have_text("US small business")

    fo = Folio(engine, migrate=False)
    post(fo, fo.get_book(book_id), "0100 D 123456789.00; 4400 C 123456789.00")
    page.goto(f"/ui/books/{book_id}/reports?report=trial-balance&from=2025-01-01&to=2025-12-31")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    closing = page.locator('#trial-balance tr[data-number="4400"] td').last
    expect(closing).to_have_text("123,456,789.00")
    expect(closing).to_be_in_viewport()
    page.goto(f"/ui/books/{book_id}/reports?report=balance-sheet&as_of=2025-12-31")
    groups = page.locator("tr.group th:first-child").all_text_contents()
    assert "Intangible assets" in groups and not [g for g in groups if "_" in g]
