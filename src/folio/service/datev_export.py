"""A fiscal year for the tax advisor: a ZIP of DATEV EXTF files (DESIGN §3b, docs/datev.md).

- `EXTF_Buchungsstapel_<year>.csv` (category 21): the year's opening (EB) values first, dated
  the year's first day with records, then every journal entry of the year by date and journal
  number. Opening-balance entries are not repeated: the EB values are them.
- `EXTF_Kontenbeschriftungen_<year>.csv` (20): number and name of every ledger the Stapel uses.
- `EXTF_Debitoren_Kreditoren.csv` (16), when the book has customers or suppliers: their number,
  name, USt-IdNr. and address.

EB values come from the fiscal-year machine (`fiscal_years.figures`): one booking per ledger
against the offset ledger (9000). A receivables or payables control ledger whose opening comes
from open items is booked per item instead, on the party's personal account (its number)
against 9008 (customers) or 9009 (suppliers), with the item's document number as Belegfeld 1
and its due date as Fälligkeit. The carry-forward ledgers themselves (9000, 9008, 9009) get no
EB booking: they are the other side of every one.

An entry of more than two lines is split into Konto/Gegenkonto pairs by
`domain.datev.split_pairs`; a line naming a party is written on the party's personal account.
A reversal is written as the booking it reverses, flagged Generalumkehr. Rows dated in a
locked month carry Festschreibung 1, and the header's Festschreibung is 1 when every month of
the year is locked.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import IO, Any

from folio.domain import datev
from folio.domain.books import Book
from folio.domain.digits import is_digits
from folio.domain.errors import DatevSettingsMissing, InvalidInput
from folio.domain.fiscal_years import FiscalYear, check_year, first_year, fiscal_year, year_of
from folio.domain.ledgers import Ledger, Role, Side
from folio.domain.opening_balances import OwnerSource
from folio.domain.parties import Party
from folio.domain.periods import PeriodStatus, period_of
from folio.service.aging import item_states
from folio.service.books import get_book
from folio.service.fiscal_years import figures
from folio.service.open_items import CONTROL_ROLES
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

CARRY_FORWARD_ROLES = {Role.RECEIVABLES: Role.RECEIVABLES_CARRY_FORWARD,
                       Role.PAYABLES: Role.PAYABLES_CARRY_FORWARD}  # fmt: skip
EB_DOCUMENT = "EB"
_FLUSH = 1000  # rows encoded and written at a time


@dataclass(frozen=True, slots=True)
class Exported:
    year: FiscalYear
    files: list[str]
    bookings: int
    eb_bookings: int


@dataclass
class _Context:
    uow: UnitOfWork
    book: Book
    fy: FiscalYear
    first_day: date
    ledgers: dict[str, Ledger]
    locked_months: set[str]
    parties: dict[str, Party] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # ledger ids the Stapel names

    def ledger_number(self, ledger_id: str) -> str:
        ledger = self.ledgers[ledger_id]
        self.used.add(ledger_id)
        return datev.check_exportable_number(
            ledger.number, f"Ledger {ledger.number or ledger.id} ({ledger.name})"
        )

    def party(self, party_id: str) -> Party:
        if party_id not in self.parties:
            self.parties |= self.uow.parties.many(self.book.id, [party_id])
        return self.parties[party_id]

    def account(self, ledger_id: str, party_id: str | None) -> str:
        """The account a line is written on: its party's personal account, if it names one."""
        if party_id is not None:
            party = self.party(party_id)
            self.used.add(ledger_id)
            return datev.check_exportable_number(party.number, f"Party {party.name}")
        return self.ledger_number(ledger_id)

    def locked(self, day: date) -> bool:
        return period_of(day) in self.locked_months


def check_settings(book: Book) -> tuple[int, int]:
    missing = [
        name
        for name, value in (
            ("datev_consultant_number", book.datev_consultant_number),
            ("datev_client_number", book.datev_client_number),
        )
        if value is None
    ]
    if missing or book.datev_consultant_number is None or book.datev_client_number is None:
        raise DatevSettingsMissing(
            "A DATEV export needs the book's Beraternummer and Mandantennummer; set "
            f"{' and '.join(missing)} (PATCH /v1/books/{{id}} or `folio books update`).",
            {"fields": missing, "book_id": book.id},
        )
    return book.datev_consultant_number, book.datev_client_number


def exportable_year(uow: UnitOfWork, book: Book, year: int) -> FiscalYear:
    """Fiscal year `year` of the book: from its first through the one holding today or its
    latest entry."""
    fy = fiscal_year(book, year)  # refuses years before the book's first
    last = max(utcnow().date(), uow.journal.last_date(book.id) or book.entries_start)
    newest = year_of(book, last)
    if fy.year > newest.year:
        raise InvalidInput(
            f"Fiscal year {year} has not begun; the book's newest fiscal year is {newest.year}.",
            {"field": "year", "year": year, "last_year": newest.year},
        )
    return fy


def export_year(
    uow: UnitOfWork, book_id: str, year: int, out: IO[bytes], *, created: datetime | None = None
) -> Exported:
    """Write fiscal year `year` as a ZIP of DATEV files to `out`; read inside `uow`."""
    check_year(year)  # a library caller's, before the book's settings are looked at
    if not callable(getattr(out, "write", None)):
        raise InvalidInput(
            f"out must be a binary file open for writing, not {out!r}.",
            {"field": "out", "value": repr(out)},
        )
    book = get_book(uow, book_id)
    consultant, client = check_settings(book)
    fy = exportable_year(uow, book, year)
    ledgers = {ledger.id: ledger for ledger in uow.ledgers.search(book_id)}
    months = _months(fy)
    statuses = uow.periods.statuses(book_id, months)
    locked = {name for name in months if statuses.get(name) is PeriodStatus.LOCKED}
    ctx = _Context(uow, book, fy, max(fy.start, book.entries_start), ledgers, locked)
    lengths = [len(lg.number) for lg in ledgers.values() if lg.number and is_digits(lg.number)]
    header = datev.Header(
        category=datev.BOOKINGS,
        created=created or datetime.now(),
        consultant_number=consultant,
        client_number=client,
        fiscal_year_start=fy.start,
        account_length=min(8, max([4, *lengths])),
        description=f"Folio {fy.year}",
        chart=book.chart,
        date_from=ctx.first_day,
        date_to=fy.end,
        locked=len(locked) == len(months),
        currency=book.currency,
    )
    names = [f"EXTF_Buchungsstapel_{fy.year}.csv", f"EXTF_Kontenbeschriftungen_{fy.year}.csv"]
    counts = [0, 0]
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open(names[0], "w", force_zip64=True) as stapel:
            columns = datev.column_line(datev.BOOKINGS)
            _write(stapel, [header.line(), columns], _eb_rows(ctx), counts, 0, book.exponent)
            _write(stapel, [], _entry_rows(ctx), counts, 1, book.exponent)
        used = sorted(
            (ledgers[lid] for lid in ctx.used),
            key=lambda lg: (len(lg.number or ""), lg.number or ""),
        )
        with archive.open(names[1], "w") as accounts:
            _write_lines(
                accounts,
                [
                    _header(header, datev.ACCOUNT_NAMES).line(),
                    datev.column_line(datev.ACCOUNT_NAMES),
                    *(datev.account_line(lg.number or "", lg.name) for lg in used),
                ],
            )
        parties = uow.parties.search(book_id, limit=1_000_000)
        if parties:
            names.append("EXTF_Debitoren_Kreditoren.csv")
            with archive.open(names[2], "w") as people:
                _write_lines(
                    people,
                    [
                        _header(header, datev.PARTIES).line(),
                        datev.column_line(datev.PARTIES),
                        *(
                            datev.party_line(
                                datev.PartyRecord(p.number, p.name, p.tax_id, p.address)
                            )
                            for p in parties
                        ),
                    ],
                )
    return Exported(fy, names, counts[0] + counts[1], counts[0])


def _header(bookings: datev.Header, category: int) -> datev.Header:
    return datev.Header(
        category=category,
        created=bookings.created,
        consultant_number=bookings.consultant_number,
        client_number=bookings.client_number,
        fiscal_year_start=bookings.fiscal_year_start,
        account_length=bookings.account_length,
        description=bookings.description,
        chart=bookings.chart,
    )


def _months(fy: FiscalYear) -> list[str]:
    months, day = [], fy.start.replace(day=1)
    while day <= fy.end:
        months.append(period_of(day))
        day = (day + timedelta(days=32)).replace(day=1)
    return months


def _write_lines(sink: IO[bytes], lines: list[str]) -> None:
    sink.write(datev.encode("".join(line + datev.CRLF for line in lines)))


def _write(
    sink: IO[bytes],
    pending: list[str],
    rows: Iterator[datev.Booking],
    counts: list[int],
    index: int,
    exponent: int,
) -> None:
    for booking in rows:
        pending.append(datev.booking_line(booking, exponent))
        counts[index] += 1
        if len(pending) >= _FLUSH:
            _write_lines(sink, pending)
            pending = []
    if pending:
        _write_lines(sink, pending)


# ------------------------------------------------------------------------------ EB values


def _signed(side: str, value: int) -> int:
    return value if side == Side.DEBIT.value else -value


def _eb_booking(
    ctx: _Context, value: int, account: str, contra: str, **extra: Any
) -> datev.Booking:
    """`value` debit − credit on `account`, against `contra`."""
    return datev.Booking(
        amount=abs(value),
        side="S" if value > 0 else "H",
        account=account,
        contra=contra,
        day=ctx.first_day,
        document=extra.pop("document", EB_DOCUMENT),
        description=extra.pop("description", "EB-Wert"),
        locked=ctx.locked(ctx.first_day),
        currency=ctx.book.currency,
        **extra,
    )


def _eb_rows(ctx: _Context) -> Iterator[datev.Booking]:
    uow, book, fy = ctx.uow, ctx.book, ctx.fy
    values = figures(uow, book, fy).opening.values
    by_role = {lg.role: lg for lg in ctx.ledgers.values() if lg.role is not None}
    offset = by_role.get(Role.OPENING_BALANCES)
    carriers = {r: by_role.get(r) for r in (Role.OPENING_BALANCES, *CARRY_FORWARD_ROLES.values())}
    skipped = {lg.id for lg in carriers.values() if lg is not None}
    itemized = _itemized(ctx, by_role)
    for ledger_id in sorted(values, key=lambda lid: ctx.ledgers[lid].number or ""):
        value = values[ledger_id]
        if not value or ledger_id in skipped:
            continue
        if ledger_id in itemized:
            yield from itemized[ledger_id]
            continue
        if offset is None:
            raise InvalidInput(
                "The book has no offset ledger (9000) to book the EB values against.",
                {"field": "year", "role": Role.OPENING_BALANCES.value},
            )
        yield _eb_booking(ctx, value, ctx.ledger_number(ledger_id), ctx.ledger_number(offset.id))


def _itemized(ctx: _Context, by_role: dict[Role, Ledger]) -> dict[str, list[datev.Booking]]:
    """The EB bookings of each control ledger whose opening is carried by open items, per
    item: in the book's first year, the items of its opening-balance entry; later, every item
    still open on the last day of the year before (as the aged report counts them)."""
    uow, book, fy = ctx.uow, ctx.book, ctx.fy
    found: dict[str, list[datev.Booking]] = {}
    first = fy.year == first_year(book).year
    owners = {o.ledger_id: o for o in uow.openings.live(book.id)} if first else {}
    for kind, role in CONTROL_ROLES.items():
        ledger = by_role.get(role)
        if ledger is None:
            continue
        carrier = by_role.get(CARRY_FORWARD_ROLES[role]) or by_role.get(Role.OPENING_BALANCES)
        if carrier is None:
            continue
        rows: list[datev.Booking] = []
        if first:
            owner = owners.get(ledger.id)
            if owner is None or owner.source is not OwnerSource.OPEN_ITEMS:
                continue
            sums: dict[str | None, int] = defaultdict(int)
            parties: dict[str | None, str | None] = {}
            for line in uow.open_items.lines(book.id, [ledger.id], ctx.first_day):
                if line.is_opening_balance:
                    sums[line.item_id] += _signed(line.side, line.amount)
                    parties[line.item_id] = line.party_id
            items = uow.open_items.many(book.id, [i for i in sums if i is not None])
            for item_id, value in sums.items():
                if not value:
                    continue
                item = items.get(item_id) if item_id else None
                rows.append(
                    _eb_booking(
                        ctx, value, ctx.account(ledger.id, parties[item_id]),
                        ctx.ledger_number(carrier.id),
                        document=item.document_number if item else EB_DOCUMENT,
                        due=item.due_date if item else None,
                        description=item.description if item and item.description else "EB-Wert",
                    )
                )  # fmt: skip
        else:
            if not uow.open_items.of_ledger(book.id, ledger.id) and not _has_party_lines(
                uow, book.id, ledger.id, fy.start
            ):
                continue
            _, states, _ = item_states(uow, book.id, kind, fy.start - timedelta(days=1))
            sign = 1 if ledger.normal_balance is Side.DEBIT else -1
            for state in states:
                if not state.open:
                    continue
                rows.append(
                    _eb_booking(
                        ctx, sign * state.open,
                        ctx.account(ledger.id, state.party.id if state.party else None),
                        ctx.ledger_number(carrier.id),
                        document=state.document, due=state.due_date,
                    )
                )  # fmt: skip
        found[ledger.id] = rows
    return found


def _has_party_lines(uow: UnitOfWork, book_id: str, ledger_id: str, before: date) -> bool:
    return any(
        line.party_id
        for line in uow.open_items.lines(book_id, [ledger_id], before - timedelta(days=1))
    )


# ------------------------------------------------------------------------------ entries


def _entry_rows(ctx: _Context) -> Iterator[datev.Booking]:
    uow, book, fy = ctx.uow, ctx.book, ctx.fy
    documents: dict[str, str] = {}  # item id -> its document number
    for entry, lines in uow.journal.stream_dated(book.id, fy.start, fy.end):
        if entry.is_opening_balance:
            continue  # its values are the EB bookings
        pairs = datev.split_pairs([(line.side, line.amount) for line in lines])
        reversal = entry.reverses_id is not None
        locked = ctx.locked(entry.date)
        reference = entry.external_reference or str(entry.journal_number)
        for debit, credit, value in pairs:
            first, second = lines[debit], lines[credit]
            document = reference
            for line in (first, second):
                if line.item_id is not None and line.party_id is not None:
                    if line.item_id not in documents:
                        item = uow.open_items.many(book.id, [line.item_id]).get(line.item_id)
                        documents[line.item_id] = item.document_number if item else reference
                    document = documents[line.item_id]
            account = ctx.account(first.ledger_id, first.party_id)
            contra = ctx.account(second.ledger_id, second.party_id)
            if reversal:  # written as the booking it reverses, flagged Generalumkehr
                account, contra = contra, account
            yield datev.Booking(
                amount=value,
                side="S",
                account=account,
                contra=contra,
                day=entry.date,
                document=document,
                description=entry.description or first.description or second.description,
                locked=locked,
                reversal=reversal,
                currency=book.currency,
            )
