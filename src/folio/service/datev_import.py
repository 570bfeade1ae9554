"""Import DATEV files into a book (DESIGN §3b, docs/datev.md): all or nothing, once per file.

- An EXTF Buchungsstapel (category 21) becomes journal entries. Rows are grouped back into
  entries: consecutive rows with the same Belegfeld 1 and Belegdatum are one entry (Folio's own
  export writes an entry's pairs so). Each row debits and credits its accounts as its
  Soll/Haben-Kennzeichen says, turned round by a Generalumkehr. A personal account (a party's
  number) is its party's control ledger, with the party on the line; when Belegfeld 1 names an
  open item of that party, the line settles it.
- The rows against 9000, 9008 or 9009 on the file's first day are its EB values. Into a book
  without entries they are booked as its opening balances (the book's opening date must be
  that day): rows on personal accounts against 9008/9009 as open items (Belegfeld 1 the
  document, Fälligkeit the due date), every other row as a trial-balance set, through the same
  services (and rules) as any opening balance. Into a book with entries they are not booked:
  the book derives each year's opening itself, and they must equal it (a difference is a
  problem of the row).
- A Debitoren/Kreditoren file (category 16) becomes the book's customers and suppliers
  (service/datev_parties.py), so that a Buchungsstapel naming them can follow.
- A Summen- und Saldenliste becomes the book's opening-balance set (service
  `book_opening_set`): each row's Saldo (or, without one, its EB-Wert) on its ledger. The
  carry-forward ledgers (9000, 9008, 9009) and personal accounts are left out (the control
  ledger carries its parties); at the start of a fiscal year the revenue and expense rows'
  total (the old year's result) goes to the retained-earnings ledger, as DATEV carries it.

Every problem is reported with its line and field (`INVALID_INPUT`, `data.rows`), and nothing
is booked unless every row can be. The file's SHA-256 is stored with the book: the same file
again is `DATEV_FILE_IMPORTED` (409). Entries are written through the one posting path in
chunks (`Posting`), so time grows linearly with the file.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from folio.domain import datev_reader as reader
from folio.domain.books import Book
from folio.domain.datev import PARTIES
from folio.domain.digits import is_digits
from folio.domain.errors import DatevFileImported, InvalidInput
from folio.domain.fiscal_years import year_of
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Ledger, LedgerType, Role, Side
from folio.domain.opening_balances import SetRow
from folio.domain.parties import Party, PartyKind
from folio.service.datev_parties import import_parties
from folio.service.fiscal_years import figures
from folio.service.open_items import CONTROL_ROLES, ItemInput, add_open_items
from folio.service.opening_balances import book_opening_set
from folio.service.posting import CHUNK, Posting, lock_book
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

Progress = Callable[[int, int], None]  # (rows done, rows in all)
_Side = tuple[Ledger, "Party | None"]
_Row = tuple[reader.BookingRow, _Side, _Side]  # a row with its debited and credited account
_Eb = tuple[reader.BookingRow, Ledger, "Party | None", int]  # the ledger's value, debit − credit
CARRIERS = (Role.OPENING_BALANCES, Role.RECEIVABLES_CARRY_FORWARD, Role.PAYABLES_CARRY_FORWARD)


@dataclass(frozen=True, slots=True)
class Imported:
    kind: str  # "buchungsstapel", "saldenliste" or "debitoren_kreditoren"
    sha256: str
    rows: int
    entries: int  # journal entries booked
    opening_rows: int  # EB values booked as opening balances
    open_items: int
    eb_checked: int  # EB values compared with the book's own opening values
    skipped: int  # SuSa rows left out (carry-forward ledgers, personal accounts, zero)
    intent_id: str | None
    parties: int = 0  # customers and suppliers created or updated

    def describe(self) -> str:
        """One line for a person: what the file was and what it booked."""
        if self.kind == "debitoren_kreditoren":
            return (
                f"Debitoren/Kreditoren, {self.parties} customers and suppliers created or updated"
            )
        if self.kind == "saldenliste":
            return (
                f"Summen- und Saldenliste, {self.opening_rows} opening balances booked "
                f"({self.skipped} rows left out)"
            )
        parts = [f"Buchungsstapel, {self.rows} rows, {self.entries} journal entries"]
        if self.opening_rows:
            parts.append(f"{self.opening_rows} opening balances ({self.open_items} open items)")
        if self.eb_checked:
            parts.append(f"{self.eb_checked} EB values equal to the book's")
        return ", ".join(parts)


def fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def import_datev(
    uow: UnitOfWork,
    book_id: str,
    data: bytes,
    actor: Actor,
    *,
    progress: Progress | None = None,
) -> Imported:
    """Import a DATEV Buchungsstapel or Summen- und Saldenliste into the book (see above)."""
    if not isinstance(data, bytes | bytearray):  # a library caller's text: DATEV files are bytes
        raise InvalidInput(
            f"data must be the file's bytes (read it in binary mode), not {type(data).__name__}.",
            {"field": "data"},
        )
    book = lock_book(uow, book_id)[0]
    digest = fingerprint(data)
    earlier = uow.datev_imports.imported_at(book_id, digest)
    if earlier is not None:
        raise DatevFileImported(
            f"This file was imported into the book on {earlier:%Y-%m-%d %H:%M} UTC; importing "
            "it again would book everything twice.",
            {"sha256": digest, "imported_at": earlier.isoformat()},
        )
    text = reader.decode(data)
    if reader.is_extf(text) and reader.category_of(text) == PARTIES:
        rows = reader.rows_of(text)
        next(rows)
        read, changed = import_parties(uow, book_id, rows, actor)
        result = Imported("debitoren_kreditoren", digest, read, 0, 0, 0, 0, 0, None, changed)
    elif reader.is_extf(text):
        result = _bookings(uow, book, text, digest, actor, progress)
    else:
        result = _balance_list(uow, book, text, digest, actor)
    uow.datev_imports.record(
        book_id, digest, kind=result.kind, intent_id=result.intent_id, rows=result.rows,
        at=utcnow(), by=actor.principal_id,
    )  # fmt: skip
    audit(
        uow,
        actor,
        "datev.imported",
        book_id=book_id,
        target_type="datev_file",
        target_id=digest,
        details={
            "kind": result.kind,
            "rows": result.rows,
            "entries": result.entries,
            "opening_rows": result.opening_rows,
            "open_items": result.open_items,
        },
    )
    return result


# ------------------------------------------------------------------------ accounts


@dataclass
class _Accounts:
    """A book's ledgers and parties by number; DATEV may drop a Sachkonto's leading zeros."""

    ledgers: dict[str, Ledger]
    parties: dict[str, Party]
    controls: dict[PartyKind, Ledger]
    carriers: dict[str, Ledger]  # 9000, 9008, 9009 by number
    length: int

    @classmethod
    def of(cls, uow: UnitOfWork, book: Book, length: int) -> _Accounts:
        ledgers = {lg.number: lg for lg in uow.ledgers.search(book.id) if lg.number}
        roles = {lg.role: lg for lg in ledgers.values() if lg.role is not None}
        parties = {p.number: p for p in uow.parties.search(book.id, limit=10_000_000)}
        controls = {kind: roles[role] for kind, role in CONTROL_ROLES.items() if role in roles}
        carriers = {roles[r].number or "": roles[r] for r in CARRIERS if r in roles}
        return cls(ledgers, parties, controls, carriers, length)

    def number(self, account: str) -> str:
        if account in self.ledgers or account in self.parties:
            return account
        padded = account.zfill(self.length)
        return padded if padded in self.ledgers else account

    def resolve(self, account: str) -> tuple[Ledger, Party | None] | None:
        number = self.number(account)
        if number in self.ledgers:
            return self.ledgers[number], None
        party = self.parties.get(number)
        if party is not None and party.kind in self.controls:
            return self.controls[party.kind], party
        return None


# ------------------------------------------------------------------------ Buchungsstapel


def _bookings(
    uow: UnitOfWork, book: Book, text: str, digest: str, actor: Actor, progress: Progress | None
) -> Imported:
    rows_iter = reader.rows_of(text)
    header_row = next(rows_iter, None)
    columns_row = next(rows_iter, None)
    if header_row is None or columns_row is None:
        raise InvalidInput("The file has no column headings after its header.", {"field": "file"})
    header = reader.read_header(header_row[1])
    if header.category != 21:
        raise InvalidInput(
            f"Format category {header.category} is not a Buchungsstapel (21); Folio imports "
            "bookings and Summen- und Saldenlisten.",
            {"field": "category", "line": 1, "category": header.category},
        )
    fy_start = book.fiscal_year_begin(header.date_from or header.fiscal_year_start)
    if header.fiscal_year_start != fy_start:
        raise InvalidInput(
            f"The file's fiscal year begins {header.fiscal_year_start}, the book's on "
            f"{fy_start}: the book's fiscal_year_start differs from the file's WJ-Beginn.",
            {"field": "WJ-Beginn", "line": 1, "book_fiscal_year_start": book.fiscal_year_start},
        )
    columns = reader.booking_columns(columns_row[1])
    accounts = _Accounts.of(uow, book, header.account_length)
    first_day = header.date_from or header.fiscal_year_start
    problems: list[reader.Problem] = []
    eb: list[_Eb] = []
    entries: list[list[_Row]] = []
    last_key: tuple[str, date] | None = None
    count = 0
    for line, fields in rows_iter:
        if not any(f.strip() for f in fields):
            continue
        count += 1
        row = reader.read_booking(line, fields, columns, header, book.exponent)
        if isinstance(row, list):
            problems.extend(row)
            continue
        if row.currency != book.currency:
            problems.append(
                reader.Problem(line, "WKZ Umsatz", f"line {line}: the amount is in "
                               f"{row.currency}, the book keeps {book.currency}")
            )  # fmt: skip
        resolved = {}
        for account, field in ((row.account, "Konto"), (row.contra, "Gegenkonto")):
            resolved[account] = accounts.resolve(account)
            if resolved[account] is None:
                problems.append(
                    reader.Problem(line, field, f"line {line}: {field} {account} is neither a "
                                   "ledger nor a customer or supplier of the book")
                )  # fmt: skip
        debit_account, credit_account = row.debit_credit()
        debit, credit = resolved[debit_account], resolved[credit_account]
        if debit is None or credit is None:
            continue
        if row.day < book.entries_start:
            problems.append(
                reader.Problem(line, "Belegdatum", f"line {line}: {row.day} is before the "
                               f"book's entries start {book.entries_start}")
            )  # fmt: skip
            continue
        carrier = _carrier(debit, credit, accounts, row, first_day)
        if carrier is not None:
            # The value lands on the other side's account: debited when 9000 is credited.
            other, value = (credit, -row.amount) if carrier is debit[0] else (debit, row.amount)
            eb.append((row, other[0], other[1], value))
            continue
        key = (row.document, row.day)
        if key != last_key or not entries:
            entries.append([])
            last_key = key
        entries[-1].append((row, debit, credit))
    opening = _eb_plan(uow, book, eb, first_day, problems, accounts)
    reader.refuse(problems, "Buchungsstapel")
    intent_id = None
    items = set_rows = 0
    if opening is not None:
        items, set_rows = _book_opening(uow, book, opening, actor)
    booked = _post(uow, book, entries, actor, progress, count)
    if booked:
        intent_id = booked
    return Imported(
        "buchungsstapel", digest, count, len(entries), set_rows + items, items,
        len(eb) if opening is None else 0, 0, intent_id,
    )  # fmt: skip


def _carrier(
    debit: tuple[Ledger, Party | None],
    credit: tuple[Ledger, Party | None],
    accounts: _Accounts,
    row: reader.BookingRow,
    first_day: date,
) -> Ledger | None:
    """The carry-forward ledger of an EB row (one side 9000/9008/9009, the other not, on the
    file's first day), else None."""
    if row.day != first_day:
        return None
    carriers = {lg.id for lg in accounts.carriers.values()}
    d, c = (
        debit[0].id in carriers and debit[1] is None,
        credit[0].id in carriers and credit[1] is None,
    )
    if d == c:
        return None
    return debit[0] if d else credit[0]


@dataclass
class _Opening:
    day: date
    set_rows: list[SetRow]
    items: list[ItemInput]


def _eb_plan(
    uow: UnitOfWork,
    book: Book,
    eb: list[_Eb],
    first_day: date,
    problems: list[reader.Problem],
    accounts: _Accounts,
) -> _Opening | None:
    """What the EB rows become: the book's opening balances (a book without entries), or
    nothing once they are found equal to the book's own opening values (every ledger's: one
    the file leaves out while the book opens it with a value is a difference too)."""
    if not eb:
        return None
    if uow.journal.last_date(book.id) is None:
        if first_day != book.entries_start:
            problems.append(
                reader.Problem(eb[0][0].line, "Belegdatum", f"line {eb[0][0].line}: EB values "
                               f"dated {first_day} open a book whose opening date is "
                               f"{book.entries_start}; create the book with entries start "
                               f"{first_day}")
            )  # fmt: skip
            return None
        by_ledger: dict[str, list[int]] = {}
        items: list[ItemInput] = []
        first_line: dict[str, int] = {}
        for row, ledger, party, value in eb:
            if party is not None:
                sign = 1 if ledger.normal_balance is Side.DEBIT else -1
                items.append(
                    ItemInput(
                        index=row.line, party_id=party.id, party_number=None,
                        document_number=row.document or f"EB-{row.line}",
                        document_date=min(first_day, row.due or first_day), due_date=row.due,
                        amount=sign * value, description=row.description or None, kind="line",
                    )
                )  # fmt: skip
            by_ledger.setdefault(ledger.number or ledger.id, [0])[0] += value
            first_line.setdefault(ledger.number or ledger.id, row.line)
        itemized = {ledger.number or ledger.id for _, ledger, party, _ in eb if party}
        rows = [
            SetRow(first_line[number], max(total, 0), max(-total, 0), ledger_number=number,
                   kind="line")
            for number, (total,) in by_ledger.items()
            if total
        ]  # fmt: skip
        if all(row.ledger_number in itemized for row in rows):
            rows = []  # open items alone: no set (the set would only repeat them)
        return _Opening(first_day, rows, items)
    fy = year_of(book, first_day)
    values = figures(uow, book, fy).opening.values
    found: dict[str, int] = defaultdict(int)
    lines: dict[str, int] = {}
    for row, ledger, _, value in eb:
        found[ledger.id] += value
        lines.setdefault(ledger.id, row.line)
    for ledger_id, value in found.items():
        if value != values.get(ledger_id, 0):
            line = lines[ledger_id]
            problems.append(
                reader.Problem(line, "Umsatz", f"line {line}: the EB values of this ledger "
                               f"total {value / 10**book.exponent:.{book.exponent}f} (debit − "
                               f"credit), but the book opens fiscal year {fy.year} with "
                               f"{values.get(ledger_id, 0) / 10**book.exponent:.{book.exponent}f}")
            )  # fmt: skip
    carriers = {lg.id for lg in accounts.carriers.values()}
    numbers = {lg.id: number for number, lg in accounts.ledgers.items()}
    first = eb[0][0].line
    for ledger_id, value in values.items():
        if value and ledger_id not in found and ledger_id not in carriers:
            problems.append(
                reader.Problem(first, "Konto", f"the file's EB values leave out ledger "
                               f"{numbers.get(ledger_id, ledger_id)}, which the book opens "
                               f"fiscal year {fy.year} with "
                               f"{value / 10**book.exponent:.{book.exponent}f} (debit − credit)")
            )  # fmt: skip
    return None


def _book_opening(uow: UnitOfWork, book: Book, opening: _Opening, actor: Actor) -> tuple[int, int]:
    if opening.items:
        add_open_items(uow, book.id, opening.items, actor)
    if opening.set_rows:
        book_opening_set(uow, book.id, opening.day, opening.set_rows, actor)
    return len(opening.items), len(opening.set_rows)


def _post(
    uow: UnitOfWork,
    book: Book,
    entries: list[list[_Row]],
    actor: Actor,
    progress: Progress | None,
    total: int,
) -> str | None:
    if not entries:
        return None
    documents = _documents(uow, book, entries)
    posting = Posting(uow, book.id, actor=actor)
    done = 0

    def drafts() -> Iterator[EntryDraft]:
        for rows in entries:
            lines: list[LineDraft] = []
            for row, (debit, debit_party), (credit, credit_party) in rows:
                for ledger, party, side in ((debit, debit_party, Side.DEBIT),
                                            (credit, credit_party, Side.CREDIT)):  # fmt: skip
                    item = documents.get((party.id, row.document)) if party else None
                    lines.append(
                        LineDraft(ledger.id, side, row.amount, party_id=party.id if party else None,
                                  item_id=item)
                    )  # fmt: skip
            first = rows[0][0]
            yield EntryDraft(
                date=first.day,
                lines=tuple(lines),
                description=first.description or None,
                kind=EntryKind.IMPORT,
                external_reference=first.document or None,
                metadata={"datev_line": first.line},
            )

    chunk: list[EntryDraft] = []
    for draft in drafts():
        chunk.append(draft)
        done += len(draft.lines) // 2
        if len(chunk) >= CHUNK:
            posting.add(chunk)
            chunk = []
            if progress:
                progress(done, total)
    if chunk:
        posting.add(chunk)
    if progress:
        progress(total, total)
    return posting.done().intent_id


def _documents(
    uow: UnitOfWork, book: Book, entries: list[list[_Row]]
) -> dict[tuple[str, str], str]:
    """(party id, document number) → the open item a row settles."""
    wanted = {
        side[1].id
        for rows in entries
        for row, debit, credit in rows
        for side in (debit, credit)
        if side[1] is not None
    }
    found: dict[tuple[str, str], str] = {}
    for control in {lg.id for lg in _controls(uow, book)}:
        for item in uow.open_items.of_ledger(book.id, control):
            if item.party_id in wanted:
                found[(item.party_id, item.document_number)] = item.id
    return found


def _controls(uow: UnitOfWork, book: Book) -> list[Ledger]:
    return [
        lg
        for role in CONTROL_ROLES.values()
        if (lg := uow.ledgers.by_role(book.id, role)) is not None
    ]


# ------------------------------------------------------------------------ Saldenliste


def _balance_list(uow: UnitOfWork, book: Book, text: str, digest: str, actor: Actor) -> Imported:
    rows, problems, source = reader.read_balance_list(reader.rows_of(text), book.exponent)
    accounts = _Accounts.of(uow, book, max([4, *(len(n) for n in _ledger_numbers(uow, book))]))
    retained = uow.ledgers.by_role(book.id, Role.RETAINED_EARNINGS)
    fold_results = not book.starts_mid_year and retained is not None
    set_rows: list[SetRow] = []
    result = 0
    result_line: int | None = None
    skipped = 0
    for row in rows:
        number = accounts.number(row.number)
        ledger = accounts.ledgers.get(number)
        if (
            not row.value
            or number in accounts.carriers
            or (ledger is None and (number in accounts.parties or len(number) > accounts.length))
        ):
            skipped += 1
            continue
        if (
            fold_results
            and ledger is not None
            and ledger.type in (LedgerType.REVENUE, LedgerType.EXPENSE)
        ):
            result += row.value
            result_line = result_line or row.line
            continue
        set_rows.append(
            SetRow(row.line, max(row.value, 0), max(-row.value, 0), ledger_number=number,
                   name=row.name or None, kind="line")
        )  # fmt: skip
    reader.refuse(problems, f"Summen- und Saldenliste ({source})")
    if result and retained is not None and result_line is not None:
        mine = next((r for r in set_rows if r.ledger_number == retained.number), None)
        value = result + ((mine.debit - mine.credit) if mine else 0)
        set_rows = [r for r in set_rows if r is not mine]
        set_rows.append(
            SetRow(mine.index if mine else result_line, max(value, 0), max(-value, 0),
                   ledger_number=retained.number, kind="line")
        )  # fmt: skip
    if not set_rows:
        raise InvalidInput("The Summen- und Saldenliste holds no balances.", {"field": "file"})
    booked = book_opening_set(uow, book.id, None, set_rows, actor)
    return Imported(
        "saldenliste", digest, len(rows), booked.event_count, len(set_rows), 0, 0, skipped,
        booked.intent_id,
    )  # fmt: skip


def _ledger_numbers(uow: UnitOfWork, book: Book) -> list[str]:
    return [lg.number for lg in uow.ledgers.search(book.id) if lg.number and is_digits(lg.number)]
