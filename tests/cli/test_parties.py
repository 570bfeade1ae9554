"""`folio parties list|create|update|numbers|items` and `folio open-items import`, on both
engines: what each command prints and what the book holds after it; a refusal exits 1 with its
code and changes nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from typer.testing import CliRunner

from folio.cli.main import app
from folio.domain.ledgers import Side
from folio.domain.parties import PartyKind
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from tests.builders import make_book

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def rows(output: str, first: str) -> list[list[str]]:
    """The cells of each table row whose first cell is `first`."""
    found = []
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells and cells[0] == first:
            found.append(cells)
    return found


def test_parties_from_the_command_line(fo: Folio, db_url: str) -> None:
    book = make_book(fo, chart="skr04", entries_start=date(2025, 1, 1))
    db = ("--database", db_url)

    code, output = invoke(
        "parties", "create", book.id, "--kind", "customer", "--name", "Alpha AG",
        "--tax-id", "DE123456789", "--address", "Hauptstr. 1", "--terms", "14", *db,
    )  # fmt: skip
    assert code == 0, output
    alpha_id = output.splitlines()[-1]
    assert "customer 10000 Alpha AG" in output
    assert fo.party(book.id, alpha_id).address == "Hauptstr. 1"
    code, output = invoke(
        "parties", "create", book.id, "--kind", "supplier", "--name", "100% Bio_Markt", *db
    )
    assert code == 0 and "supplier 70000 100% Bio_Markt" in output
    code, output = invoke(
        "parties", "create", book.id, "--kind", "customer", "--name", "X", "--number", "70001",
        *db,
    )  # fmt: skip
    assert code == 1 and "INVALID_INPUT" in output and "10000 to 69999" in output
    assert [p.number for p in fo.parties(book.id)] == ["10000", "70000"]

    code, output = invoke("parties", "list", book.id, *db)
    assert code == 0
    assert rows(output, "10000")[0][:5] == ["10000", "customer", "Alpha AG", "DE123456789", "14"]
    code, output = invoke("parties", "list", book.id, "--search", "%", *db)
    assert [r[0] for r in rows(output, "70000") + rows(output, "10000")] == ["70000"]

    code, output = invoke(
        "parties", "update", book.id, alpha_id, "--terms", "30", "--archived", *db
    )
    assert code == 0 and "customer 10000 Alpha AG (archived), terms 30 days" in output
    changed = fo.party(book.id, alpha_id)
    assert (changed.payment_terms_days, changed.archived) == (30, True)
    code, output = invoke("parties", "update", book.id, alpha_id, "--clear-tax-id", *db)
    assert code == 0, output
    assert (fo.party(book.id, alpha_id).tax_id, fo.party(book.id, alpha_id).address) == (
        None, "Hauptstr. 1",
    )  # fmt: skip
    code, output = invoke(
        "parties", "update", book.id, alpha_id, "--address", "Weg 2", "--clear-address", *db
    )
    assert code == 2 and "Give --address or --clear-address, not both." in output
    assert fo.party(book.id, alpha_id).address == "Hauptstr. 1"
    code, output = invoke("parties", "update", book.id, alpha_id, "--terms", "-1", *db)
    assert code == 1 and "INVALID_INPUT" in output and "payment_terms_days" in output
    assert fo.party(book.id, alpha_id).payment_terms_days == 30
    code, output = invoke("parties", "update", book.id, "pty_unknown", "--name", "Y", *db)
    assert code == 1 and "NOT_FOUND" in output

    code, output = invoke("parties", "numbers", book.id, *db)
    assert code == 0
    assert rows(output, "customer") == [["customer", "10000", "69999"]]
    code, output = invoke(
        "parties", "numbers", book.id, "--kind", "supplier", "--first", "80000", "--last",
        "89999", *db,
    )  # fmt: skip
    assert code == 1 and "outside 80000-89999" in output
    code, output = invoke(
        "parties", "numbers", book.id, "--kind", "supplier", "--first", "70000", "--last",
        "79999", *db,
    )  # fmt: skip
    assert code == 0 and rows(output, "supplier") == [["supplier", "70000", "79999"]]
    assert fo.party_numbers(book.id)[PartyKind.SUPPLIER] == (70000, 79999)
    code, output = invoke("parties", "numbers", book.id, "--kind", "supplier", *db)
    assert code == 2 and "together" in output


def test_open_items_imported_and_a_partys_items_listed(
    fo: Folio, db_url: str, tmp_path: Path
) -> None:
    book = make_book(fo, chart="skr04", entries_start=date(2025, 1, 1))
    db = ("--database", db_url)
    listing = tmp_path / "opos.csv"
    listing.write_text(
        "party,name,document,date,due,amount\n"
        "10000,Alpha AG,RE-1,2024-12-01,2024-12-31,1190.00\n"
        "10000,Alpha AG,RE-2,2024-12-15,2025-01-14,500.00\n"
    )
    code, output = invoke("open-items", "import", book.id, str(listing), "--kind", "customer", *db)
    assert code == 0, output
    assert "Booked 2 open items, 1690.00 EUR, as the opening balance of 1200" in output
    alpha = fo.parties(book.id)[0]
    receivables = fo.ledger_by_number(book.id, "1200")
    assert fo.balance(book.id, receivables.id).balance == 169_000

    item = {
        s.document: s.item_id for s in fo.party_items(book.id, alpha.id, as_of=date(2025, 1, 1))
    }
    fo.post_entry(book.id, EntryCreate(date(2025, 1, 20), [
        LineInput(Side.CREDIT, 119_000, ledger_number="1200", party_id=alpha.id,
                  settles=item["RE-1"]),
        LineInput(Side.DEBIT, 119_000, ledger_number="1800"),
    ]))  # fmt: skip

    code, output = invoke("parties", "items", book.id, alpha.id, "--as-of", "2025-02-01", *db)
    assert code == 0, output
    assert rows(output, "RE-2") == [
        ["RE-2", "2024-12-15", "2025-01-14", "500.00", "500.00", "18", "1_30"]
    ]
    assert rows(output, "RE-1") == [] and "Open: 500.00 EUR" in output
    code, output = invoke(
        "parties", "items", book.id, alpha.id, "--as-of", "2025-02-01", "--settled", *db
    )
    assert rows(output, "RE-1")[0][3:5] == ["1190.00", "0.00"]
    code, output = invoke("parties", "items", book.id, "pty_unknown", *db)
    assert code == 1 and "NOT_FOUND" in output
