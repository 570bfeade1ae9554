"""The `folio` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

import typer

from folio.cli import backup, batches, books, datev, db, opening_balances, parties, verify, years
from folio.cli import export as export_cli
from folio.cli import report as report_cli
from folio.cli.clients import app as clients_app
from folio.cli.keys import app as keys_app
from folio.cli.serve import serve as serve_command

app = typer.Typer(
    help="Folio: a self-hostable double-entry general ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(books.app, name="books")
app.add_typer(batches.journal_app, name="journal")
opening_balances.app.command("set-many")(batches.set_many)
app.add_typer(opening_balances.app, name="opening-balances")
app.command("verify")(verify.verify)
app.add_typer(years.app, name="years")
app.add_typer(parties.app, name="parties")
app.add_typer(parties.items_app, name="open-items")
app.add_typer(report_cli.app, name="report")
app.command("export")(export_cli.export)
app.add_typer(datev.app, name="datev")
app.command("serve")(serve_command)
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.add_typer(keys_app, name="keys")
app.add_typer(clients_app, name="clients")


if __name__ == "__main__":  # pragma: no cover
    app()
