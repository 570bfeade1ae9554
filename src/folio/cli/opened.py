"""The database engines the running command opened, disposed when it ends (the root group's
callback registers `close_opened`): a program that runs commands in its own process (typer's
CliRunner, a test) would otherwise keep their connections open, one command after another,
until PostgreSQL refuses more clients. Light on purpose: the root group imports it before any
command's module."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Engine

_engines: list[Engine] = []


def opened(engine: Engine) -> Engine:
    _engines.append(engine)
    return engine


def close_opened() -> None:
    while _engines:
        _engines.pop().dispose()
