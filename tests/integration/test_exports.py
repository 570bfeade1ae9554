"""hledger and beancount read Folio's exports as is, and their balances equal Folio's.

hledger (Debian package) and beancount (PyPI, a dev dependency) are installed here when
missing. Installation that is impossible skips these tests locally and fails them in CI.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from folio.domain.books import Book
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import LedgerType, Side
from folio.domain.money import to_decimal
from folio.service.exports import (
    ExportFormat,
    account_names,
    beancount_account,
    hledger_account,
    write_export,
)
from folio.service.facade import Folio
from folio.service.ledgers import LedgerCreate
from folio.service.posting import write_entries
from folio.service.runner import SYSTEM
from tests.builders import START, make_book

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _unavailable(message: str) -> None:
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def _locked_install(commands: list[list[str]]) -> None:
    """Run install commands under a file lock: xdist workers must not run apt at once."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with open(Path("/tmp") / "folio-test-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for command in commands:
            try:
                subprocess.run(command, capture_output=True, check=False, timeout=900, env=env)
            except (OSError, subprocess.TimeoutExpired):
                return


@pytest.fixture(scope="session")
def hledger() -> str:
    found = shutil.which("hledger")
    if found is None and hasattr(os, "geteuid") and os.geteuid() == 0:
        apt = ["apt-get", "install", "-y", "-q", "hledger"]
        _locked_install([apt])
        if shutil.which("hledger") is None:
            _locked_install([["apt-get", "update", "-q"], apt])
        found = shutil.which("hledger")
    if found is None:
        _unavailable("hledger is missing and could not be installed with apt-get")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def bean_check() -> str:
    try:
        import beancount  # noqa: F401
    except ImportError:
        _locked_install(
            [
                [sys.executable, "-m", "pip", "install", "-q", "-c", str(ROOT / "constraints.txt")]
                + ["beancount"]
            ]
        )
    found = Path(sys.executable).parent / "bean-check"
    if not found.exists():
        _unavailable("beancount is missing and could not be installed with pip")
    return str(found)


def book_with_everything(fo: Folio, currency: str = "EUR") -> tuple[Book, dict[str, str]]:
    """A SKR04 book (names with umlauts, commas, %) plus awkward custom ledgers."""
    book = make_book(fo, chart="skr04", currency=currency)
    by_number = {lg.number: lg.id for lg in fo.ledgers(book.id) if lg.number}
    for name, kind in (
        ('Giro: "Haupt"; alt', LedgerType.ASSET),
        ("kasse  neben\tkasse", LedgerType.ASSET),
        ("kasse neben kasse", LedgerType.ASSET),  # the same account name as the one above
        ("ßonder / Posten (alt)", LedgerType.EXPENSE),
        ("—", LedgerType.LIABILITY),
    ):
        ledger = fo.create_ledger(book.id, LedgerCreate(name=name, type=kind))
        by_number[name] = ledger.id
    unit = 10**book.exponent
    plan = [
        # (day, debit ledger, credit ledger, amount in minor units, opening balance)
        (0, "1800", "9000", 12_345 * unit + 7, True),
        (0, "9000", "3300", 2_000 * unit + 1, True),
        (0, "0520", "9000", 30_000 * unit, True),
        (3, "1800", "4400", 999 * unit + 99 % unit, False),
        (5, "6300", "1800", 1, False),
        (5, 'Giro: "Haupt"; alt', "1800", 500 * unit, False),
        (9, "kasse  neben\tkasse", 'Giro: "Haupt"; alt', 100 * unit, False),
        (9, "kasse neben kasse", "kasse  neben\tkasse", 40 * unit, False),
        (40, "ßonder / Posten (alt)", "—", 7 * unit + 3 % unit, False),
        (400, "3300", "1800", 1_000 * unit, False),
    ]
    drafts = [
        EntryDraft(
            START + timedelta(days=day),
            (
                LineDraft(by_number[debit], Side.DEBIT, value, description='line; memo "x"'),
                LineDraft(by_number[credit], Side.CREDIT, value),
            ),
            description=f'Entry {index}; "quoted" \\ back\nslash',
            kind=EntryKind.OPENING_BALANCE if ob else EntryKind.MANUAL,
            is_opening_balance=ob,
        )
        for index, (day, debit, credit, value, ob) in enumerate(plan)
    ]
    fo.write(lambda uow: write_entries(uow, book.id, drafts, actor=SYSTEM))
    return book, by_number


def folio_closing(fo: Folio, book: Book) -> dict[str, Decimal]:
    """Every ledger's balance over the whole journal, debit − credit (its posted totals)."""
    return {
        ledger.id: to_decimal(ledger.debits_posted - ledger.credits_posted, book.exponent)
        for ledger in fo.ledgers(book.id)
        if ledger.debits_posted or ledger.credits_posted
    }


def export_file(fo: Folio, book: Book, fmt: ExportFormat, path: Path, batch: int = 3) -> Path:
    with fo.uow(write=False) as uow, path.open("w", encoding="utf-8") as out:
        write_export(uow, book.id, fmt, out, batch=batch)
    return path


def parse_hledger_amount(text: str, currency: str) -> Decimal:
    value = text.replace(currency, "").strip()
    return Decimal(value or "0")


@pytest.fixture(params=["EUR", "JPY", "BHD"])
def currency(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.param


def test_hledger_balances_equal_the_trial_balance(
    fo: Folio, tmp_path: Path, hledger: str, currency: str
) -> None:
    book, _ = book_with_everything(fo, currency)
    journal = export_file(fo, book, ExportFormat.HLEDGER, tmp_path / "export.journal")
    check = subprocess.run(
        [hledger, "-f", str(journal), "check", "accounts", "commodities"],
        capture_output=True,
        text=True,
    )
    assert check.returncode == 0, check.stderr
    result = subprocess.run(
        [hledger, "-f", str(journal), "bal", "--flat", "--no-total", "-E", "-O", "csv"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["account", "balance"]
    theirs = {account: parse_hledger_amount(balance, currency) for account, balance in rows[1:]}
    ledgers = fo.ledgers(book.id)
    names = account_names(ledgers, ExportFormat.HLEDGER)
    assert len(set(names.values())) == len(ledgers)
    twins = [lg for lg in ledgers if lg.name.startswith("kasse")]
    assert sorted(names[lg.id] == hledger_account(lg, True) for lg in twins) == [False, True]
    ours = folio_closing(fo, book)
    for ledger_id, balance in ours.items():
        assert theirs[names[ledger_id]] == balance, names[ledger_id]
    assert len(theirs) == len(ours)
    assert sum(theirs.values()) == 0


def test_bean_check_accepts_the_export_and_balances_agree(
    fo: Folio, tmp_path: Path, bean_check: str, currency: str
) -> None:
    book, _ = book_with_everything(fo, currency)
    path = export_file(fo, book, ExportFormat.BEANCOUNT, tmp_path / "export.beancount")
    result = subprocess.run([bean_check, str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "" and result.stderr.strip() == ""

    from beancount import loader
    from beancount.core import realization

    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    root = realization.realize(entries)
    ledgers = fo.ledgers(book.id)
    names = account_names(ledgers, ExportFormat.BEANCOUNT)
    assert len(set(names.values())) == len(ledgers)
    assert {real.account for real in realization.iter_children(root)} >= set(names.values())
    ours = folio_closing(fo, book)
    for ledger in ledgers:
        real = realization.get(root, names[ledger.id])
        assert real is not None, names[ledger.id]
        units = real.balance.get_currency_units(currency).number
        assert units == ours.get(ledger.id, Decimal(0)), names[ledger.id]
    assert beancount_account(ledgers[0]) == names[ledgers[0].id]


def test_exports_stream_batches_and_stop_at_the_head(fo: Folio, tmp_path: Path) -> None:
    book, _ = book_with_everything(fo)
    small = export_file(fo, book, ExportFormat.BEANCOUNT, tmp_path / "a.beancount", batch=1)
    large = export_file(fo, book, ExportFormat.BEANCOUNT, tmp_path / "b.beancount", batch=5000)
    assert small.read_text(encoding="utf-8") == large.read_text(encoding="utf-8")
    text = small.read_text(encoding="utf-8")
    assert text.count("folio-entry-id:") == 10
    assert text.count("#opening-balance") == 3


def test_an_empty_book_exports_declarations_only(
    fo: Folio, tmp_path: Path, hledger: str, bean_check: str
) -> None:
    book = make_book(fo)
    journal = export_file(fo, book, ExportFormat.HLEDGER, tmp_path / "e.journal")
    assert subprocess.run([hledger, "-f", str(journal), "bal"], capture_output=True).returncode == 0
    path = export_file(fo, book, ExportFormat.BEANCOUNT, tmp_path / "e.beancount")
    assert subprocess.run([bean_check, str(path)], capture_output=True).returncode == 0


def test_a_multi_year_book_agrees_year_by_year(
    fo: Folio, tmp_path: Path, hledger: str, bean_check: str
) -> None:
    """hledger's and beancount's balances, year by year, equal Folio's fiscal-year figures:
    balance-sheet ledgers at each year's end, revenue and expense for the year, and the
    retained-earnings ledger with every earlier year's result (which the exports leave on the
    revenue and expense accounts, as they know no year-end)."""
    book, by_number = book_with_everything(fo)
    retained = fo.ledger_by_number(book.id, "2970").id
    pl = {lg.id for lg in fo.ledgers(book.id) if not lg.type.is_balance_sheet}
    journal = export_file(fo, book, ExportFormat.HLEDGER, tmp_path / "years.journal")
    path = export_file(fo, book, ExportFormat.BEANCOUNT, tmp_path / "years.beancount")
    ledgers = fo.ledgers(book.id)
    hl_names = account_names(ledgers, ExportFormat.HLEDGER)
    bc_names = account_names(ledgers, ExportFormat.BEANCOUNT)
    from beancount import loader
    from beancount.core import realization

    entries, errors, _ = loader.load_file(str(path))
    assert errors == []
    for info in fo.years(book.id)[:2]:
        fy = info.year
        ours = {
            lid: to_decimal(value, book.exponent)
            for lid, value in fo.year_figures(book.id, fy.year).closing.items()
        }

        def hledger_balances(*period: str) -> dict[str, Decimal]:
            result = subprocess.run(
                [hledger, "-f", str(journal), "bal", "--flat", "--no-total", "-E", "-O", "csv",
                 *period],
                capture_output=True, text=True,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            rows = list(csv.reader(io.StringIO(result.stdout)))[1:]
            return {account: parse_hledger_amount(value, "EUR") for account, value in rows}

        end = (fy.end + timedelta(days=1)).isoformat()
        through = hledger_balances("-e", end)
        year = hledger_balances("-b", fy.start.isoformat(), "-e", end)
        earlier = hledger_balances("-e", fy.start.isoformat())
        real_through = realization.realize([e for e in entries if e.date <= fy.end])
        real_before = realization.realize([e for e in entries if e.date < fy.start])

        def units(root: realization.RealAccount, ledger_id: str) -> Decimal:
            real = realization.get(root, bc_names[ledger_id])
            return Decimal(0) if real is None else real.balance.get_currency_units("EUR").number

        earlier_results = sum(
            (earlier.get(hl_names[lid], Decimal(0)) for lid in pl), start=Decimal(0)
        )
        for ledger in ledgers:
            lid, name = ledger.id, hl_names[ledger.id]
            if lid in pl:
                expected = year.get(name, Decimal(0))
                bean = units(real_through, lid) - units(real_before, lid)
            else:
                expected = through.get(name, Decimal(0))
                bean = units(real_through, lid)
                if lid == retained:
                    expected += earlier_results
                    bean += sum((units(real_before, other) for other in pl), start=Decimal(0))
            assert ours.get(lid, Decimal(0)) == expected == bean, (fy.year, name)
