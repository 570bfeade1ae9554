"""`folio clients`: OAuth2 clients for `POST /v1/auth/token` (client credentials)."""

from __future__ import annotations

import typer
from rich.table import Column, Table

from folio.cli.common import DatabaseOption, console, open_folio, run
from folio.cli.keys import CLI, BookOption, NameOption, ScopesOption
from folio.service import auth

app = typer.Typer(help="OAuth2 clients.", no_args_is_help=True)


@app.command()
def create(
    scopes: str = ScopesOption,
    book: str | None = BookOption,
    name: str | None = NameOption,
    database: str = DatabaseOption,
) -> None:
    """Create a client; its secret is printed once."""
    fo = open_folio(database)
    made = run(
        lambda: fo.write(
            lambda uow: auth.create_client(uow, scopes=scopes, book_id=book, name=name, actor=CLI)
        )
    )
    typer.echo(f"client_id: {made.credential.id}")
    typer.echo(f"client_secret: {made.secret}")


@app.command("list")
def list_clients(database: str = DatabaseOption) -> None:
    """List OAuth2 clients (never their secrets)."""
    fo = open_folio(database)
    found = fo.read(lambda uow: auth.list_credentials(uow, auth.CredentialKind.CLIENT))
    table = Table("name", "scopes", "book", "created", "revoked")
    table.columns.insert(0, Column("client_id", no_wrap=True))
    for client in found:
        table.add_row(
            client.id,
            client.name or "",
            " ".join(client.scopes),
            client.book_id or "",
            client.created_at.isoformat(timespec="seconds"),
            client.revoked_at.isoformat(timespec="seconds") if client.revoked_at else "",
        )
    console.print(table)


@app.command()
def revoke(
    client_id: str = typer.Argument(..., help="The client's id (cli_...)."),
    database: str = DatabaseOption,
) -> None:
    """Revoke a client; its tokens stop working at once."""
    fo = open_folio(database)
    run(lambda: fo.write(lambda uow: auth.revoke(uow, auth.CredentialKind.CLIENT, client_id, CLI)))
    console.print(f"Revoked {client_id}")
