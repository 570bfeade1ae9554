"""The Fiscal years page: the close preview and what stops it, close, reopen, continuity; and
the reports page by fiscal year with the previous year beside it."""

from __future__ import annotations

from tests.web.conftest import SEED_002, Ui
from tests.web.test_access import grid_data
from tests.web.test_pages import _entry


def test_close_reopen_and_continuity_in_the_browser_pages(ui: Ui) -> None:
    book_id = ui.create_book(entries_start="2023-01-01")
    booked = ui.post(
        f"/ui/books/{book_id}/opening-balances/set", grid_data(ui, book_id, SEED_002, "2023-01-01")
    )
    assert booked.status_code == 303, booked.text
    assert (
        _entry(ui, book_id, "2023-03-01", ("1800", "70", ""), ("4400", "", "70")).status_code == 303
    )  # type: ignore[attr-defined]
    base = f"/ui/books/{book_id}/years"

    page = ui.get(base)
    assert page.status_code == 200 and 'id="close-form"' in page.text
    assert "Fiscal year 2023 (2023-01-01 – 2023-12-31): Open" in page.text
    later = ui.get(base, params={"year": 2024})
    assert "PREVIOUS_YEAR_OPEN" in later.text and 'id="close-form"' not in later.text

    final_unconfirmed = ui.post(f"{base}/2023/close", {"final": "1"})
    assert final_unconfirmed.status_code == 422 and "type 2023" in final_unconfirmed.text
    closed = ui.post(f"{base}/2023/close", {})
    assert closed.status_code == 303
    shown = ui.get(base, params={"year": 2023}).text
    assert "Closed" in shown and 'id="reopen-form"' in shown
    assert "opens with exactly the closing balances" in shown
    late = _entry(ui, book_id, "2023-12-31", ("1800", "1", ""), ("4400", "", "1"))
    assert late.status_code == 422 and "closed fiscal year" in late.text  # type: ignore[attr-defined]

    assert ui.post(f"{base}/2023/reopen", {}).status_code == 303
    assert (
        _entry(ui, book_id, "2023-12-31", ("1800", "1", ""), ("4400", "", "1")).status_code == 303
    )  # type: ignore[attr-defined]
    reopened = ui.get(base, params={"year": 2023}).text
    assert "No: entries were posted after 2023 was closed." in reopened
    assert "reopened" in reopened

    report = ui.get(
        f"/ui/books/{book_id}/reports",
        params={"report": "income-statement", "year": "2024", "previous": "1"},
    )
    assert report.status_code == 200 and "Previous year" in report.text
    assert "71.00" in report.text  # 2023's net income beside 2024's
