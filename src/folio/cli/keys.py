"""`folio keys`: API keys for the HTTP API, shown once and stored hashed."""

from __future__ import annotations

import typer
from rich.table import Column, Table

from folio.cli.common import DatabaseOption, console, open_folio, print_table, run
from folio.service import auth
from folio.service.runner import Actor

app = typer.Typer(help="API keys.", no_args_is_help=True)
CLI = Actor(principal_id="cli")
SCOPES_HELP = (
    f"Space-separated. Folio's: {' '.join(auth.SCOPES)}. "
    f"Asset's (docs/compat/asset.md): {' '.join(auth.ASSET_SCOPES)}. "
    f"LedgerLou's (docs/compat/ledgerlou.md): journal:read journal:write "
    f"{' '.join(auth.LEDGERLOU_SCOPES)}. Teal has none (use Folio's). "
    "A vendor's name grants the Folio scope it maps to."
)
ScopesOption = typer.Option(..., "--scopes", help=SCOPES_HELP)
BookOption = typer.Option(None, "--book", help="Bind the credential to this book id.")
NameOption = typer.Option(None, "--name", help="A label for the credential.")


@app.command()
def create(
    scopes: str = ScopesOption,
    book: str | None = BookOption,
    name: str | None = NameOption,
    database: str = DatabaseOption,
) -> None:
    """Create an API key; the key itself is printed once, on the last line."""
    fo = open_folio(database)
    made = run(
        lambda: fo.write(
            lambda uow: auth.create_api_key(uow, scopes=scopes, book_id=book, name=name, actor=CLI)
        )
    )
    bound = f", book {made.credential.book_id}" if made.credential.book_id else ""
    console.print(
        f"Created API key {made.credential.id} (scopes {' '.join(made.credential.scopes)}"
        f"{bound}). It is shown only now:"
    )
    typer.echo(made.secret)


@app.command("list")
def list_keys(database: str = DatabaseOption) -> None:
    """List API keys (never their secrets)."""
    print_credentials(database, auth.CredentialKind.KEY, "id")


@app.command()
def revoke(
    key_id: str = typer.Argument(..., help="The key's id (key_...)."),
    database: str = DatabaseOption,
) -> None:
    """Revoke an API key; running servers refuse it within 5 seconds."""
    revoke_credential(database, auth.CredentialKind.KEY, key_id)


def print_credentials(database: str | None, kind: auth.CredentialKind, id_header: str) -> None:
    """A table of keys or clients, never their secrets."""
    fo = open_folio(database)
    found = fo.read(lambda uow: auth.list_credentials(uow, kind))
    table = Table("name", "scopes", "book", "created", "revoked")
    table.columns.insert(0, Column(id_header, no_wrap=True))
    for credential in found:
        table.add_row(
            credential.id,
            credential.name or "",
            " ".join(credential.scopes),
            credential.book_id or "",
            credential.created_at.isoformat(timespec="seconds"),
            credential.revoked_at.isoformat(timespec="seconds") if credential.revoked_at else "",
        )
    print_table(table)


def revoke_credential(database: str | None, kind: auth.CredentialKind, credential_id: str) -> None:
    fo = open_folio(database)
    run(lambda: fo.write(lambda uow: auth.revoke(uow, kind, credential_id, CLI)))
    console.print(f"Revoked {credential_id}")
