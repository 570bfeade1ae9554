"""`Folio`: the library entry point. Each method is one use case in one transaction.

from folio import Folio
fo = Folio("sqlite:///books.db")
book = fo.create_book(BookCreate(name="Acme", currency="EUR", entries_start=date(2025, 1, 1)))
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import IO, TextIO, TypeVar

from sqlalchemy import Engine

from folio.domain.books import Book
from folio.domain.errors import FolioError, NotFound
from folio.domain.fiscal_years import Closing
from folio.domain.journal import Entry, PostingMode
from folio.domain.ledgers import Ledger
from folio.domain.opening_balances import SetRow
from folio.domain.parties import Party, PartyKind
from folio.domain.periods import PeriodAction
from folio.service import (
    aging,
    books,
    datev_export,
    datev_import,
    exports,
    fiscal_years,
    journal,
    journal_batches,
    open_items,
    opening_batches,
    opening_state,
    periods,
    reports,
    runner,
    verify,
)
from folio.service import ledgers as ledger_service
from folio.service import opening_balances as ob_service
from folio.service import parties as party_service
from folio.service.changes import KEEP
from folio.service.opening_batches import OpeningItem
from folio.service.runner import SYSTEM, Actor
from folio.store.database import make_engine
from folio.store.migrate import upgrade
from folio.store.uow import UnitOfWork

T = TypeVar("T")


class Folio:
    def __init__(self, url_or_engine: str | Engine | None = None, *, migrate: bool = True) -> None:
        if isinstance(url_or_engine, Engine):
            self.engine = url_or_engine
        else:
            self.engine = make_engine(url_or_engine)
        if migrate:
            upgrade(self.engine)

    def uow(self, *, write: bool = True) -> UnitOfWork:
        return UnitOfWork(self.engine, write=write)

    def write(self, fn: Callable[[UnitOfWork], T]) -> T:
        return runner.write(self.uow(), fn)

    def read(self, fn: Callable[[UnitOfWork], T]) -> T:
        return runner.read(self.uow(write=False), fn)

    # books
    def create_book(self, command: books.BookCreate, actor: Actor = SYSTEM) -> Book:
        return self.write(lambda uow: books.create_book(uow, command, actor))

    def update_book(
        self,
        book_id: str,
        *,
        name: str | None = None,
        datev_consultant_number: object = KEEP,
        datev_client_number: object = KEEP,
        actor: Actor = SYSTEM,
    ) -> Book:
        """Rename the book, set its DATEV Beraternummer and Mandantennummer (None clears one);
        what is left out stays as it is."""
        return self.write(
            lambda uow: books.update_book(
                uow, book_id, actor, name=name, datev_consultant_number=datev_consultant_number,
                datev_client_number=datev_client_number,
            )
        )  # fmt: skip

    def get_book(self, book_id: str) -> Book:
        return self.read(lambda uow: books.get_book(uow, book_id))

    # ledgers
    def create_ledger(
        self, book_id: str, command: ledger_service.LedgerCreate, actor: Actor = SYSTEM
    ) -> Ledger:
        return self.write(lambda uow: ledger_service.create_ledger(uow, book_id, command, actor))

    def update_ledger(
        self,
        book_id: str,
        ledger_id: str,
        command: ledger_service.LedgerUpdate,
        actor: Actor = SYSTEM,
    ) -> Ledger:
        return self.write(
            lambda uow: ledger_service.update_ledger(uow, book_id, ledger_id, command, actor)
        )

    def delete_ledger(
        self, book_id: str, ledger_id: str, actor: Actor = SYSTEM
    ) -> tuple[Ledger, bool]:
        return self.write(lambda uow: ledger_service.delete_ledger(uow, book_id, ledger_id, actor))

    def ledger(self, book_id: str, ledger_id: str) -> Ledger:
        return self.read(lambda uow: ledger_service.get_ledger(uow, book_id, ledger_id))

    def ledger_by_number(self, book_id: str, number: str) -> Ledger:
        found = self.read(lambda uow: ledger_service.list_ledgers(uow, book_id, number=number))
        if not found:
            raise NotFound(f"No ledger numbered {number}.", {"number": number})
        return found[0]

    def ledgers(self, book_id: str) -> list[Ledger]:
        return self.read(lambda uow: ledger_service.list_ledgers(uow, book_id))

    def balance(
        self, book_id: str, ledger_id: str, as_of: date | None = None
    ) -> ledger_service.Balance:
        return self.read(lambda uow: ledger_service.ledger_balance(uow, book_id, ledger_id, as_of))

    # journal
    def post_entry(
        self, book_id: str, command: journal.EntryCreate, actor: Actor = SYSTEM
    ) -> Entry:
        return self.write(lambda uow: journal.post_entry(uow, book_id, command, actor))

    def post_entries(
        self,
        book_id: str,
        commands: Sequence[journal.EntryCreate | FolioError],
        *,
        atomic: bool = True,
        actor: Actor = SYSTEM,
    ) -> journal_batches.BatchResult:
        """Up to 1,000 entries, each a posting of its own, in one transaction: all or none
        (`atomic`; `BatchRejected` lists every problem by index), or those that pass. An error
        in place of a command is an entry the caller could not read; it is that entry's."""
        return self.write(
            lambda uow: journal_batches.post_entries(uow, book_id, commands, actor, atomic=atomic)
        )

    def entry(self, book_id: str, entry_id: str) -> Entry:
        return self.read(lambda uow: journal.get_entry(uow, book_id, entry_id))

    def entries(
        self,
        book_id: str,
        *,
        ledger_id: str | None = None,
        intent_id: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        opening_balance: bool | None = None,
        after_number: int | None = None,
        limit: int = 50,
    ) -> list[Entry]:
        """Entries in journal order, filtered; page on with `after_number`."""
        return self.read(
            lambda uow: journal.list_entries(
                uow,
                book_id,
                ledger_id=ledger_id,
                intent_id=intent_id,
                date_from=date_from,
                date_to=date_to,
                opening_balance=opening_balance,
                after_number=after_number,
                limit=limit,
            )
        )

    def reverse_entry(
        self,
        book_id: str,
        entry_id: str,
        *,
        mode: PostingMode = PostingMode.CURRENT_PERIOD,
        on: date | None = None,
        actor: Actor = SYSTEM,
    ) -> Entry:
        return self.write(
            lambda uow: journal.reverse_entry(uow, book_id, entry_id, actor, mode=mode, on=on)
        )

    def reverse_intent(
        self,
        book_id: str,
        intent_id: str,
        *,
        mode: PostingMode = PostingMode.CURRENT_PERIOD,
        on: date | None = None,
        reason: str | None = None,
        actor: Actor = SYSTEM,
    ) -> journal.IntentReversal:
        return self.write(
            lambda uow: journal.reverse_intent(
                uow, book_id, intent_id, actor, mode=mode, on=on, reason=reason
            )
        )

    # periods
    def change_period(
        self, book_id: str, period: str, action: PeriodAction, actor: Actor = SYSTEM
    ) -> periods.Period:
        return self.write(lambda uow: periods.change_period(uow, book_id, period, action, actor))

    def periods(self, book_id: str, through: date | None = None) -> list[periods.Period]:
        return self.read(lambda uow: periods.list_periods(uow, book_id, through=through))

    # opening balances
    def set_opening_balance(
        self, book_id: str, ledger_id: str, amount: int, actor: Actor = SYSTEM
    ) -> opening_state.LedgerOpening:
        return self.write(
            lambda uow: ob_service.set_ledger_opening(uow, book_id, ledger_id, amount, actor)
        )

    def set_opening_balances(
        self,
        book_id: str,
        balances: Mapping[str, int] | Sequence[OpeningItem],
        actor: Actor = SYSTEM,
    ) -> list[opening_state.LedgerOpening | FolioError]:
        """Up to 100 ledgers' opening balances (ledger id -> minor units), each replaced as
        `set_opening_balance` does; per ledger, in order, the result or its error."""
        items = (
            [OpeningItem(ledger_id, amount) for ledger_id, amount in balances.items()]
            if isinstance(balances, Mapping)
            else list(balances)
        )
        return self.write(
            lambda uow: opening_batches.set_ledger_openings(uow, book_id, items, actor)
        )

    def opening_balance(self, book_id: str, ledger_id: str) -> opening_state.LedgerOpening:
        return self.read(lambda uow: opening_state.ledger_opening(uow, book_id, ledger_id))

    def book_opening_balances(
        self,
        book_id: str,
        day: date | None,
        rows: list[SetRow],
        actor: Actor = SYSTEM,
    ) -> ob_service.SetResult:
        return self.write(lambda uow: ob_service.book_opening_set(uow, book_id, day, rows, actor))

    def opening_balances(self, book_id: str) -> opening_state.BookOpenings:
        return self.read(lambda uow: opening_state.book_openings(uow, book_id))

    # customers and suppliers (parties) and their open items
    def create_party(
        self, book_id: str, command: party_service.PartyCreate, actor: Actor = SYSTEM
    ) -> Party:
        """A customer or supplier; without a number, the next free one of its kind's range."""
        return self.write(lambda uow: party_service.create_party(uow, book_id, command, actor))

    def party(self, book_id: str, party_id: str) -> Party:
        return self.read(lambda uow: party_service.get_party(uow, book_id, party_id))

    def parties(
        self,
        book_id: str,
        *,
        kind: PartyKind | None = None,
        text: str | None = None,
        after: str | None = None,
        limit: int = 50,
    ) -> list[Party]:
        """Customers and suppliers in number order, filtered by kind and by `text` (in the name,
        or the number's start); page on with `after` (the last number seen)."""
        return self.read(
            lambda uow: party_service.list_parties(
                uow, book_id, kind=kind, text=text, after=after, limit=limit
            )
        )

    def update_party(
        self, book_id: str, party_id: str, command: party_service.PartyUpdate, actor: Actor = SYSTEM
    ) -> Party:
        """Change what `command` gives: a name, terms or flag left None stays as it is; a tax
        id or an address left out (`KEEP`) stays, given as None it is removed."""
        return self.write(
            lambda uow: party_service.update_party(uow, book_id, party_id, command, actor)
        )

    def party_numbers(self, book_id: str) -> dict[PartyKind, tuple[int, int]]:
        """Each kind's number range (first, last)."""
        return self.read(lambda uow: party_service.get_number_ranges(uow, book_id))

    def set_party_numbers(
        self, book_id: str, kind: PartyKind, first: int, last: int, actor: Actor = SYSTEM
    ) -> dict[PartyKind, tuple[int, int]]:
        """Give `kind` its own number range; in a German book every party of the kind must lie
        in it."""
        return self.write(
            lambda uow: party_service.set_number_range(uow, book_id, kind, first, last, actor)
        )

    def add_open_items(
        self, book_id: str, items: Sequence[open_items.ItemInput], actor: Actor = SYSTEM
    ) -> open_items.ItemsBooked:
        """Customers' unpaid invoices and suppliers' unpaid bills at conversion, booked as their
        control ledger's opening balance: all or none, every bad item named by its row."""
        return self.write(lambda uow: open_items.add_open_items(uow, book_id, items, actor))

    def party_items(
        self,
        book_id: str,
        party_id: str,
        *,
        as_of: date | None = None,
        include_settled: bool = False,
    ) -> list[aging.ItemState]:
        """The party's items still open on a day (default today); with `include_settled`, all
        of them."""
        return self.read(
            lambda uow: aging.party_items(
                uow, book_id, party_id, date.today() if as_of is None else as_of,
                include_settled=include_settled,
            )
        )  # fmt: skip

    # fiscal years
    def years(self, book_id: str) -> list[fiscal_years.YearInfo]:
        return self.read(lambda uow: fiscal_years.list_years(uow, book_id))

    def year_figures(self, book_id: str, year: int) -> fiscal_years.YearFigures:
        return self.read(lambda uow: fiscal_years.year_figures(uow, book_id, year))

    def close_preview(self, book_id: str, year: int) -> fiscal_years.ClosePreview:
        return self.read(lambda uow: fiscal_years.close_preview(uow, book_id, year))

    def close_year(
        self, book_id: str, year: int, *, final: bool = False, actor: Actor = SYSTEM
    ) -> Closing:
        return self.write(
            lambda uow: fiscal_years.close_year(uow, book_id, year, actor, final=final)
        )

    def reopen_year(self, book_id: str, year: int, actor: Actor = SYSTEM) -> Closing:
        return self.write(lambda uow: fiscal_years.reopen_year(uow, book_id, year, actor))

    def continuity(self, book_id: str, year: int) -> fiscal_years.Continuity:
        return self.read(lambda uow: fiscal_years.continuity(uow, book_id, year))

    # reports: the figures the API, the CLI and the web show, in minor units
    def trial_balance(
        self,
        book_id: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        year: int | None = None,
        include_empty: bool = False,
    ) -> reports.TrialBalance:
        """The trial balance (DATEV SuSa) with its opening (EB) column, within one fiscal
        year: `year`, or [date_from, date_to] (defaults: to today, from the start of its
        fiscal year)."""
        return self.read(
            lambda uow: reports.trial_balance(
                uow, book_id, date_from=date_from, date_to=date_to, year=year,
                include_empty=include_empty,
            )
        )  # fmt: skip

    def balance_sheet(
        self,
        book_id: str,
        *,
        as_of: date | None = None,
        year: int | None = None,
        compare: reports.Compare | None = None,
        include_empty: bool = False,
    ) -> reports.BalanceSheet:
        """Assets, liabilities and equity as of a date (default today) or a fiscal year's end;
        `compare=Compare.PREVIOUS_YEAR` adds the figures a fiscal year earlier."""
        return self.read(
            lambda uow: reports.balance_sheet(
                uow, book_id, as_of=as_of, year=year, compare=compare,
                include_empty=include_empty,
            )
        )  # fmt: skip

    def income_statement(
        self,
        book_id: str,
        *,
        date_from: date | None = None,
        date_to: date | None = None,
        year: int | None = None,
        interval: reports.Interval | None = None,
        compare: reports.Compare | None = None,
        include_empty: bool = False,
    ) -> reports.IncomeStatement:
        """Revenue, expense and net income for a range or a fiscal year, one column per
        `interval` (month, quarter, year) if given."""
        return self.read(
            lambda uow: reports.income_statement(
                uow, book_id, date_from=date_from, date_to=date_to, year=year,
                interval=interval, compare=compare, include_empty=include_empty,
            )
        )  # fmt: skip

    def aged_report(
        self, book_id: str, kind: PartyKind, as_of: date | None = None
    ) -> aging.AgedReport:
        """Aged receivables (`PartyKind.CUSTOMER`) or payables (`PartyKind.SUPPLIER`) as of a
        day (default today): every open item by party, in buckets of days past due."""
        return self.read(
            lambda uow: aging.aged_report(
                uow, book_id, kind, date.today() if as_of is None else as_of
            )
        )

    # files: DATEV for the tax advisor, plain-text ledgers
    def datev_export(self, book_id: str, year: int, out: IO[bytes]) -> datev_export.Exported:
        """Fiscal year `year` as DATEV's ZIP (EXTF Buchungsstapel and Kontenbeschriftungen),
        written to `out` (a binary file); the book needs its DATEV numbers (`update_book`)."""
        return self.read(lambda uow: datev_export.export_year(uow, book_id, year, out))

    def datev_import(
        self, book_id: str, data: bytes, actor: Actor = SYSTEM
    ) -> datev_import.Imported:
        """A DATEV file's bytes (Buchungsstapel, Summen- und Saldenliste, or Debitoren/
        Kreditoren) booked into the book, all or none; the same file twice is refused."""
        return self.write(lambda uow: datev_import.import_datev(uow, book_id, data, actor))

    def export(self, book_id: str, fmt: exports.ExportFormat, out: TextIO) -> None:
        """The whole journal as hledger or beancount text, written to `out`."""
        self.read(lambda uow: exports.write_export(uow, book_id, fmt, out))

    # audit
    def verify(self, book_id: str) -> verify.VerifyResult:
        return self.read(lambda uow: verify.verify_book(uow, book_id))
