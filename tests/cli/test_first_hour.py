"""The CLI as a new user meets it: scope names for the compatible APIs in `--help`, tables that
never cut ids, dates or amounts at 80 columns, and reports that default to the year of the
book's latest entry and say which range they show."""

from __future__ import annotations

from datetime import date

from typer.testing import CliRunner

from folio.cli.main import app
from folio.service.facade import Folio
from tests.builders import make_book, make_ledgers, post

runner = CliRunner(env={"COLUMNS": "80", "NO_COLOR": "1"})


def test_keys_and_clients_help_list_the_vendors_scope_names() -> None:
    for group in ("keys", "clients"):
        result = runner.invoke(app, [group, "create", "--help"], env={"COLUMNS": "200"})
        assert result.exit_code == 0
        text = " ".join(result.output.split())
        for name in ("ledgers:write", "ledger:update", "business:read", "perioden:write",
                     "config:write", "auswertungen:read"):  # fmt: skip
            assert name in text, (group, name)
        assert "LedgerLou's" in text and "Asset's" in text


def test_tables_keep_ids_dates_and_amounts_whole_at_80_columns(db_url: str, fo: Folio) -> None:
    book = make_book(fo, name="Muster Handelsgesellschaft mit beschränkter Haftung")
    listed = runner.invoke(app, ["books", "list", "--database", db_url])
    assert listed.exit_code == 0, listed.output
    assert "…" not in listed.output
    assert book.id in listed.output and "2025-01-01" in listed.output
    keys = runner.invoke(app, ["keys", "create", "--scopes", "admin", "--name", "x",
                               "--database", db_url])  # fmt: skip
    assert keys.exit_code == 0
    key_list = runner.invoke(app, ["keys", "list", "--database", db_url])
    assert "…" not in key_list.output
    key_id = keys.output.split("Created API key ")[1].split()[0]
    assert key_id in key_list.output


def test_reports_default_to_the_year_of_the_latest_entry(db_url: str, fo: Folio) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    post(fo, book, "1000 D 1190.00; 4000 C 1190.00", on=date(2025, 1, 15))
    note = "Showing fiscal year 2025 (2025-01-01 to 2025-12-31), the year of the book's latest"
    trial = runner.invoke(app, ["report", "trial-balance", book.id, "--database", db_url])
    assert trial.exit_code == 0, trial.output
    assert note in " ".join(trial.output.split())
    assert "Trial balance 2025-01-01 to 2025-12-31" in trial.output
    assert "1190.00" in trial.output
    sheet = runner.invoke(app, ["report", "balance-sheet", book.id, "--database", db_url])
    assert "Balance sheet as of 2025-12-31" in sheet.output and note in " ".join(
        sheet.output.split()
    )
    income = runner.invoke(app, ["report", "income-statement", book.id, "-f", "json",
                                 "--database", db_url])  # fmt: skip
    assert '"from": "2025-01-01",\n  "to": "2025-12-31"' in income.output
    chosen = runner.invoke(app, ["report", "trial-balance", book.id, "--year", "2026",
                                 "--database", db_url])  # fmt: skip
    assert "Trial balance 2026-01-01 to 2026-12-31" in chosen.output
    assert "Showing fiscal year" not in chosen.output
