"""The `folio` command: one Typer app; each command group lives in its own module.

A command's module is imported when that command runs (or its help is shown), not before:
importing every group's module (the services behind reports, DATEV, backups, the API server
for `serve`) was about a quarter of the start of `folio books list` (docs/architecture.md).
The groups are built with Typer's own functions, as `add_typer` builds them (Typer is pinned in
constraints.txt; `tests/cli` hold the commands and their help).
"""

from __future__ import annotations

import importlib
from difflib import get_close_matches
from functools import cache
from typing import Any

import typer
from typer._click import Command, Context  # Typer's own copy of click, which its groups use
from typer._click.exceptions import UsageError
from typer.core import DEFAULT_MARKUP_MODE, TyperGroup
from typer.main import get_command_from_info, get_group_from_info
from typer.models import CommandInfo, TyperInfo

from folio.cli.opened import close_opened

# Command name -> (module in folio.cli, attribute): a function for a command of its own, a Typer
# app for a group; in the order `folio --help` lists them.
COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("verify", "verify"),
    "export": ("export", "export"),
    "serve": ("serve", "serve"),
    "backup": ("backup", "backup"),
    "restore": ("backup", "restore"),
    "db": ("db", "app"),
    "books": ("books", "app"),
    "journal": ("batches", "journal_app"),
    "opening-balances": ("opening_balances", "app"),
    "years": ("years", "app"),
    "parties": ("parties", "app"),
    "open-items": ("parties", "items_app"),
    "report": ("report", "app"),
    "datev": ("datev", "app"),
    "keys": ("keys", "app"),
    "clients": ("clients", "app"),
}


@cache
def command(name: str) -> Command:
    """The click command of `name`, built as `add_typer` / `command` would have built it."""
    module, attribute = COMMANDS[name]
    target: Any = getattr(importlib.import_module(f"folio.cli.{module}"), attribute)
    if isinstance(target, typer.Typer):
        return get_group_from_info(
            TyperInfo(target, name=name),
            pretty_exceptions_short=True,
            rich_markup_mode=DEFAULT_MARKUP_MODE,
            suggest_commands=True,
        )
    assert callable(target)
    return get_command_from_info(
        CommandInfo(name, callback=target),
        pretty_exceptions_short=True,
        rich_markup_mode=DEFAULT_MARKUP_MODE,
    )


class LazyGroup(TyperGroup):
    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        return command(cmd_name) if cmd_name in COMMANDS else None

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        """Typer suggests a near name from the commands it holds, and this group holds none
        until one is asked for: the same suggestion, from the names."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as error:
            matches = get_close_matches(args[0], list(COMMANDS)) if args else []
            if matches:
                suggestions = ", ".join(f"{match!r}" for match in matches)
                error.message = f"{error.message.rstrip('.')}. Did you mean {suggestions}?"
            raise


app = typer.Typer(
    cls=LazyGroup,
    help="Folio: a self-hostable double-entry general ledger.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def folio(context: typer.Context) -> None:
    """The root group's callback: Typer makes a group of an app with one (it has no commands
    of its own until one is asked for). The command's database connections close when it
    ends (`folio.cli.opened`)."""
    context.call_on_close(close_opened)


if __name__ == "__main__":  # pragma: no cover
    app()
