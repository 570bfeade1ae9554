"""`folio journal post-batch` and `folio opening-balances set-many`: the batch endpoints'
bodies, read from a JSON file, booked through the library in one transaction."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.table import Table

from folio.api.json_text import loads
from folio.cli.common import DatabaseOption, console, err_console, open_folio, print_table, run
from folio.domain.errors import FolioError, InvalidInput
from folio.domain.money import format_minor
from folio.service.books import get_book
from folio.service.journal_batches import Booked

M = TypeVar("M", bound=BaseModel)
journal_app = typer.Typer(help="Journal entries.", no_args_is_help=True)
FileArgument = typer.Argument(..., exists=True, dir_okay=False, help="JSON file.")


def _body(file: Path, model: type[M]) -> M:
    """The file as the endpoint's body, read as the endpoint reads it (numbers exact, text that
    Folio does not store refused); a bad file is INVALID_INPUT naming each problem."""
    try:
        return model.model_validate(loads(file.read_bytes()))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{file} is not JSON: {exc}", {"field": "file"}) from None
    except ValidationError as exc:
        problems = [
            {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in exc.errors()
        ]
        raise InvalidInput(f"{file} is not a valid batch.", {"problems": problems}) from None


@journal_app.command("post-batch")
def post_batch(
    book_id: str = typer.Argument(..., help="The book to post into."),
    file: Path = FileArgument,
    atomic: bool | None = typer.Option(
        None,
        "--atomic/--each",
        help="All entries or none, or each on its own (default: the file's `atomic`, else all).",
    ),
    database: str = DatabaseOption,
) -> None:
    """Post up to 1,000 entries from a file shaped as the body of
    `POST /v1/books/{id}/journal-entries/batch` (`{"entries": [...]}`). Exits 1 if any
    entry was refused."""
    from folio.api.schemas.batches import EntryBatchCreate  # the API's models: only when used

    fo = open_folio(database)
    body = run(lambda: _body(file, EntryBatchCreate))
    book = run(lambda: fo.read(lambda uow: get_book(uow, book_id)))
    commands = body.commands(book)
    all_or_none = body.atomic if atomic is None else atomic
    result = run(lambda: fo.post_entries(book_id, commands, atomic=all_or_none))
    table = Table("index", "entry", "journal number", "error")
    for index, outcome in enumerate(result.outcomes):
        if isinstance(outcome, Booked):
            table.add_row(str(index), outcome.id, str(outcome.journal_number), "")
        else:
            table.add_row(str(index), "", "", f"{outcome.code}: {outcome.message}")
    print_table(table)
    console.print(f"{result.succeeded} booked, {result.failed} refused.")
    if result.failed:
        raise typer.Exit(1)


def set_many(
    book_id: str = typer.Argument(..., help="The book."),
    file: Path = FileArgument,
    database: str = DatabaseOption,
) -> None:
    """Set up to 100 ledgers' opening balances from a file shaped as the body of
    `POST /v1/books/{id}/ledgers/opening-balances` (`{"balances": [{"ledger_id", "balance"}]}`).
    Each replaces its ledger's opening balance; exits 1 if any was refused."""
    from folio.api.schemas.batches import LedgerOpeningsUpdate  # the API's models: only when used

    fo = open_folio(database)
    body = run(lambda: _body(file, LedgerOpeningsUpdate))
    book = run(lambda: fo.read(lambda uow: get_book(uow, book_id)))
    items = body.items(book)
    outcomes = run(lambda: fo.set_opening_balances(book_id, items))
    table = Table("ledger", "opening balance", "changed", "error")
    failed = 0
    for item, outcome in zip(items, outcomes, strict=True):
        if isinstance(outcome, FolioError):
            failed += 1
            table.add_row(item.ledger_id, "", "", f"{outcome.code}: {outcome.message}")
        else:
            amount = format_minor(outcome.amount, book.exponent)
            table.add_row(item.ledger_id, amount, "yes" if outcome.changed else "no", "")
    print_table(table)
    console.print(f"{len(outcomes) - failed} set, {failed} refused.")
    if failed:
        err_console.print("Refused items changed nothing; the others were set.")
        raise typer.Exit(1)
