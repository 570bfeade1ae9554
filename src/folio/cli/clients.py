"""`folio clients`: OAuth2 clients for `POST /v1/auth/token` (client credentials)."""

from __future__ import annotations

import typer

from folio.cli.common import DatabaseOption, open_folio, run
from folio.cli.keys import (
    CLI,
    BookOption,
    NameOption,
    ScopesOption,
    print_credentials,
    revoke_credential,
)
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
    print_credentials(database, auth.CredentialKind.CLIENT, "client_id")


@app.command()
def revoke(
    client_id: str = typer.Argument(..., help="The client's id (cli_...)."),
    database: str = DatabaseOption,
) -> None:
    """Revoke a client; running servers refuse its tokens within 5 seconds."""
    revoke_credential(database, auth.CredentialKind.CLIENT, client_id)
