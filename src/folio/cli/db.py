from __future__ import annotations

import typer

from folio.cli.common import DatabaseOption, console
from folio.store.database import database_url, make_engine
from folio.store.migrate import current_revision
from folio.store.migrate import upgrade as run_upgrade

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command()
def upgrade(database: str = DatabaseOption) -> None:
    """Migrate the database to the newest schema."""
    engine = make_engine(database or database_url())
    run_upgrade(engine)
    console.print(f"Database at revision {current_revision(engine)}")
    engine.dispose()


@app.command()
def revision(database: str = DatabaseOption) -> None:
    """Print the schema revision of the database."""
    engine = make_engine(database or database_url())
    console.print(current_revision(engine) or "empty")
    engine.dispose()
