"""`folio db upgrade`, `folio books create|list`, `folio verify` on both engines."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import Engine
from typer.testing import CliRunner

from folio.cli.main import app
from folio.service.books import list_books
from folio.service.facade import Folio
from folio.store.migrate import HEAD
from folio.store.migrations.immutability import drop_triggers
from tests.builders import make_book, make_ledgers, post

runner = CliRunner()


def test_db_upgrade_is_idempotent(db_url: str) -> None:
    for _ in range(2):
        result = runner.invoke(app, ["db", "upgrade", "--database", db_url])
        assert result.exit_code == 0, result.output
        assert f"revision {HEAD}" in result.output


def test_books_create_prints_the_id_last_and_lists_it(db_url: str, fo: Folio) -> None:
    result = runner.invoke(
        app,
        [
            "books",
            "create",
            "--name",
            "Muster GmbH",
            "--entries-start",
            "2025-01-01",
            "--chart",
            "skr04",
            "--database",
            db_url,
        ],
    )
    assert result.exit_code == 0, result.output
    book_id = result.output.strip().splitlines()[-1]
    assert fo.get_book(book_id).chart == "skr04"
    assert fo.ledger_by_number(book_id, "9000").role is not None
    listed = runner.invoke(app, ["books", "list", "--database", db_url])
    assert book_id in listed.output
    bad = runner.invoke(
        app,
        [
            "books",
            "create",
            "--name",
            "X",
            "--entries-start",
            "2025-01-01",
            "--currency",
            "EURO",
            "--database",
            db_url,
        ],
    )
    assert bad.exit_code == 1 and "INVALID_INPUT" in bad.output


def test_an_argument_that_is_not_utf8_is_refused_with_what_to_do(db_url: str, fo: Folio) -> None:
    """A terminal in Latin-1 sends "Müller" as the bytes M\\xfcller; Python reads the byte
    that is not UTF-8 as a lone surrogate, which neither database stores (a traceback before).
    The command names the field and the character, says what to do, exits 1 and changes
    nothing (the rule is the domain's, `domain/text.py`; the hint is the command line's)."""
    name = b"M\xfcller GmbH".decode("utf-8", "surrogateescape")  # as Python reads argv
    result = runner.invoke(
        app,
        ["books", "create", "--name", name, "--entries-start", "2025-01-01", "-d", db_url],
    )
    assert result.exit_code == 1, result.output
    assert "INVALID_INPUT: name contains U+DCFC, half of a surrogate pair" in result.output
    assert "a Latin-1 'ü' is the byte \\xfc" in result.output
    assert "LANG=C.UTF-8" in result.output
    assert fo.read(list_books) == []
    # Text that is only looked up (a book id) is checked by the same rule before any driver
    # sees it (before 4bf04ea the driver's encoding error was named by the text itself).
    looked_up = runner.invoke(app, ["verify", f"bk_{name}", "-d", db_url])
    assert looked_up.exit_code == 1, looked_up.output
    assert "INVALID_INPUT: book_id contains U+DCFC, half of a surrogate pair" in looked_up.output
    assert "LANG=C.UTF-8" in looked_up.output


def test_verify_passes_then_reports_a_tampered_row(db_url: str, fo: Folio, engine: Engine) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    entry = post(fo, book, "1000 D 10; 4000 C 10")
    good = runner.invoke(app, ["verify", book.id, "--database", db_url])
    assert good.exit_code == 0 and "1 entries" in good.output
    with engine.begin() as conn:
        drop_triggers(conn)
        conn.exec_driver_sql(
            f"UPDATE journal_lines SET amount = 2000 WHERE entry_id = '{entry.id}'"
        )
    broken = runner.invoke(app, ["verify", book.id, "--database", db_url])
    assert broken.exit_code == 1
    assert "hash_mismatch" in broken.output and entry.id in broken.output
    missing = runner.invoke(app, ["verify", "bk_missing", "--database", db_url])
    assert missing.exit_code == 1 and "NOT_FOUND" in missing.output


def test_a_command_imports_its_own_module_only() -> None:
    """`folio books ...` imports the books commands, not every group's module (reports, DATEV,
    backups, the API server): the start of every command paid for all of them."""
    probe = (
        "import sys; from typer.testing import CliRunner; from folio.cli.main import app; "
        "assert CliRunner().invoke(app, ['books', '--help']).exit_code == 0; "
        "print(sorted(m for m in sys.modules if m.startswith('folio.cli.') or m == 'uvicorn'))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert loaded.strip() == (
        "['folio.cli.books', 'folio.cli.common', 'folio.cli.main', 'folio.cli.opened']"
    )  # opened: the engines a command opened, closed when it ends
