"""`folio serve`: migrate, make a first admin key on an empty database, run uvicorn."""

from __future__ import annotations

import os

import typer
import uvicorn

from folio.api.settings import SettingError, parse_cpu
from folio.cli.common import DatabaseOption, console, open_folio, run
from folio.service import auth
from folio.service.runner import SYSTEM
from folio.store.database import database_url
from folio.store.uow import UnitOfWork


def first_admin_key(url: str) -> str | None:
    """Migrate the database; if it has no API key yet, create an admin key and return it."""
    fo = open_folio(url)
    try:

        def bootstrap(uow: UnitOfWork) -> str | None:
            if auth.has_api_keys(uow):
                return None
            made = auth.create_api_key(uow, scopes="admin", name="first admin key", actor=SYSTEM)
            return made.secret

        return run(lambda: fo.write(bootstrap))
    finally:
        fo.engine.dispose()


def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, min=1, help="Worker processes."),
    cpu: str | None = typer.Option(
        None,
        help='Run the server on one CPU: its number, or "auto" (the one it starts on); one '
        'worker only. Default: FOLIO_CPU, else "off" (docs/operations.md).',
    ),
    database: str = DatabaseOption,
) -> None:
    """Serve the HTTP API (and its docs at /docs)."""
    cpu = os.environ.get("FOLIO_CPU", "off") if cpu is None else cpu
    try:
        pinned = parse_cpu(cpu)
    except SettingError as exc:
        raise typer.BadParameter(str(exc), param_hint="--cpu") from None
    if pinned is not None and workers > 1:
        raise typer.BadParameter(
            "one CPU is for one worker; with --workers leave it off", param_hint="--cpu"
        )
    url = database or database_url()
    key = first_admin_key(url)
    base = f"http://{host}:{port}"
    if key is not None:
        console.print("[bold]First start:[/] an admin API key was created. It is shown only now:")
        typer.echo(key)
    console.print(f"Folio serves {base} (API docs at {base}/docs)")
    # Workers build their own engine from the environment in the app's lifespan.
    os.environ["FOLIO_DATABASE_URL"] = url
    os.environ["FOLIO_CPU"] = cpu
    uvicorn.run(
        "folio.api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
