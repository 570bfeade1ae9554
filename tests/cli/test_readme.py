"""The README as a new user reads it: the quick start runs as written against a server started
from a fresh directory, the library example runs with `.venv/bin/python`, and the command
table names every command the CLI has.

The quick start's `make run` is `folio serve` from `.venv` (the Makefile's `run` target); this
test starts that on a free port instead of 8000, and points `FOLIO` at it. Every other command
runs as written, in one bash, in a temporary directory holding only a link to `.venv`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import typer
from typer._click import Context
from typer.core import TyperGroup

from folio.cli.main import app

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
VENV = ROOT / ".venv"
DEFAULT_ADDRESS = "http://127.0.0.1:8000"


def section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else len(README)]


def blocks(text: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.DOTALL)


def commands(group: object, prefix: tuple[str, ...] = ()) -> Iterator[str]:
    """'books create', 'books list', ... 'verify': every leaf of the Typer app."""
    if isinstance(group, TyperGroup):  # asked as click asks (the root loads its groups lazily)
        context = Context(group)
        for name in group.list_commands(context):
            yield from commands(group.get_command(context, name), (*prefix, name))
    else:
        yield " ".join(prefix)


def test_the_command_table_names_every_command() -> None:
    table = section("Command line")
    found = sorted(commands(typer.main.get_command(app)))
    assert len(found) > 30
    missing = [name for name in found if not re.search(rf"`folio {re.escape(name)}[ `]", table)]
    assert missing == []


# ----------------------------------------------------------------------------- quick start


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _clean_env() -> dict[str, str]:
    """The user's environment: none of the test suite's FOLIO_ settings."""
    return {name: value for name, value in os.environ.items() if not name.startswith("FOLIO_")}


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A directory as a fresh checkout has it after `make install`: only `.venv`."""
    (tmp_path / ".venv").symlink_to(VENV)
    return tmp_path


@pytest.fixture
def server(fresh: Path) -> Iterator[str]:
    run = section("Quick start")
    assert blocks(run, "sh")[0].strip() == "make run"
    assert "$(BIN)/folio serve --host $(HOST) --port $(PORT)" in (ROOT / "Makefile").read_text()
    port = _free_port()
    process = subprocess.Popen(
        [str(fresh / ".venv/bin/folio"), "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=fresh,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                said = process.stdout.read() if process.stdout else ""
                pytest.fail(f"folio serve exited: {said}")
            try:
                if httpx.get(f"{address}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("folio serve did not answer /health within 60 s")
            time.sleep(0.1)
        yield address
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stdout:
            process.stdout.close()


def test_the_quick_start_runs_as_written(fresh: Path, server: str) -> None:
    steps = blocks(section("Quick start"), "sh")[1:]
    assert sum(DEFAULT_ADDRESS in step for step in steps) == 1
    script = "set -euo pipefail\n" + "\n".join(steps).replace(DEFAULT_ADDRESS, server)
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=fresh,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.fullmatch(r"bk_\w+", lines[0])
    ledgers = json.loads(lines[1])
    assert len(ledgers["data"]) == 5 and ledgers["next_cursor"]
    entry = json.loads(lines[2])
    assert (entry["date"], entry["description"]) == ("2025-01-15", "Invoice 1001")
    documented = json.loads(blocks(section("Quick start"), "json")[0])
    balance = json.loads(lines[3])
    assert balance["ledger_id"].startswith("ldg_")
    assert {**balance, "ledger_id": documented["ledger_id"]} == documented
    assert len(lines) == 4


def test_the_library_example_runs_with_the_venv_python(fresh: Path) -> None:
    (example,) = blocks(section("Using Folio as a library"), "python")
    (fresh / "example.py").write_text(example, encoding="utf-8")
    done = subprocess.run(
        [".venv/bin/python", "example.py"],
        cwd=fresh,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    intent_id, count = done.stdout.split()
    assert intent_id.startswith("int_") and count == "2"
