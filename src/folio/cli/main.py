"""The `folio` command: one Typer app; each command group lives in its own module."""

from __future__ import annotations

import typer

from folio.cli import books, db, verify

app = typer.Typer(
    help="Folio: a self-hostable double-entry general ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(books.app, name="books")
app.command("verify")(verify.verify)


if __name__ == "__main__":  # pragma: no cover
    app()
