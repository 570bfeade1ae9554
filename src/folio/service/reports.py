"""Reports (DESIGN §6): trial balance, balance sheet, income statement, ledger statement.

The three balance reports read only the per-ledger daily and monthly totals
(`LedgerRepo.totals_as_of`), so their cost grows with ledgers and months, never with journal
lines. Amounts are integer minor units; renderers (`report_formats`) turn them into decimal
strings or spreadsheet numbers.

Signs:
- trial balance and ledger statement: balances are signed on the ledger's normal side
  (`signed_balance`), movements are the raw debit and credit sums;
- balance sheet and income statement: each row is signed on its section's side (assets and
  expenses debit − credit; liabilities, equity and revenue credit − debit), so a contra ledger
  shows a negative amount and every section's rows add up to its total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from folio.domain.books import Book
from folio.domain.dates import MAX_COLUMNS, add_months, check_day, check_range, months_between
from folio.domain.errors import InvalidInput
from folio.domain.fiscal_years import FiscalYear, fiscal_year, opening_values, raw, year_of
from folio.domain.ledgers import SUBTYPES, Ledger, LedgerType, Side, signed_balance
from folio.domain.members import check_flag, check_member
from folio.service.books import get_book
from folio.service.fiscal_years import retained_earnings_ledger
from folio.service.ledgers import get_ledger
from folio.store.repos.reports import LinePosition, ReportRepo
from folio.store.uow import UnitOfWork

Totals = Mapping[str, tuple[int, int, int, int]]
"""ledger_id → (debits, credits, ob_debits, ob_credits), as `totals_as_of` returns them."""

_ZERO = (0, 0, 0, 0)
MAX_STATEMENT_LIMIT = 1000


class Interval(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _split(raw: int) -> tuple[int, int]:
    """A debit − credit balance as (debit, credit), one of them zero."""
    return (raw, 0) if raw > 0 else (0, -raw)


def _raw(normal: Side, signed: int) -> int:
    """Back from a normal-side balance to debit − credit."""
    return signed if normal is Side.DEBIT else -signed


# ---------------------------------------------------------------------------------------------
# trial balance


@dataclass(frozen=True, slots=True)
class TrialBalanceRow:
    ledger_id: str
    number: str | None
    name: str
    type: LedgerType
    subtype: str
    normal_balance: Side
    opening_balance: int
    carried_forward: int
    debit: int
    credit: int
    closing: int

    @property
    def opening_debit(self) -> int:
        return _split(_raw(self.normal_balance, self.opening_balance))[0]

    @property
    def opening_credit(self) -> int:
        return _split(_raw(self.normal_balance, self.opening_balance))[1]

    @property
    def carried_forward_debit(self) -> int:
        return _split(_raw(self.normal_balance, self.carried_forward))[0]

    @property
    def carried_forward_credit(self) -> int:
        return _split(_raw(self.normal_balance, self.carried_forward))[1]

    @property
    def closing_debit(self) -> int:
        return _split(_raw(self.normal_balance, self.closing))[0]

    @property
    def closing_credit(self) -> int:
        return _split(_raw(self.normal_balance, self.closing))[1]


@dataclass(frozen=True, slots=True)
class TrialBalanceTotals:
    """Every column in debit/credit form; in each pair debits equal credits."""

    opening_debit: int
    opening_credit: int
    carried_forward_debit: int
    carried_forward_credit: int
    debit: int
    credit: int
    closing_debit: int
    closing_credit: int

    @property
    def balanced(self) -> bool:
        return (
            self.opening_debit == self.opening_credit
            and self.carried_forward_debit == self.carried_forward_credit
            and self.debit == self.credit
            and self.closing_debit == self.closing_credit
        )


@dataclass(frozen=True, slots=True)
class TrialBalance:
    book_id: str
    currency: str
    exponent: int
    date_from: date
    date_to: date
    rows: tuple[TrialBalanceRow, ...]
    totals: TrialBalanceTotals
    fiscal_year: int | None = None  # the fiscal year the range lies in


def latest_entry_year(uow: UnitOfWork, book_id: str) -> FiscalYear | None:
    """The fiscal year of the book's latest entry (by accounting date), or None without
    entries: what a report shows when asked for no range (the CLI), rather than the year the
    machine's clock is in, which for a book being brought in is often still empty."""
    book = get_book(uow, book_id)
    last = uow.journal.last_date(book_id)
    return year_of(book, last) if last is not None else None


def _resolve_range(
    book: Book, date_from: date | None, date_to: date | None, year: int | None = None
) -> tuple[date, date]:
    """A report's range: fiscal year `year` (its records: from the entries start in the first
    year), or `to` defaulting to today, or to the end of the fiscal year holding `from` if
    that is earlier, and `from` to the start of the fiscal year holding `to`. Checked against
    the dates Folio computes with (`folio.domain.dates`)."""
    if year is not None:
        if date_from is not None or date_to is not None:
            raise InvalidInput(
                "Give a fiscal year or a range (from, to), not both.", {"field": "year"}
            )
        fy = fiscal_year(book, year)
        start, end = max(fy.start, book.entries_start), fy.end
        check_range(start, end, from_field="year", to_field="year")
        return start, end
    if date_to is None and date_from is not None:
        check_day(date_from, "from")
        end = min(date.today(), year_of(book, date_from).end)
        end = max(end, date_from)
    else:
        end = check_day(date_to, "to") if date_to is not None else date.today()
    start = date_from if date_from is not None else book.fiscal_year_begin(end)
    check_range(start, end)
    return start, end


def _totals_through(uow: UnitOfWork, book: Book, ledgers: Sequence[Ledger], day: date) -> Totals:
    """Totals of everything dated up to and including `day`.

    Naming the ledgers lets both engines seek the totals' primary key (book, ledger, date)
    per ledger instead of reading every daily row of the book.
    """
    if day < book.entries_start or not ledgers:
        return {}
    return uow.ledgers.totals_as_of(book.id, [ledger.id for ledger in ledgers], day)


def _totals_before(uow: UnitOfWork, book: Book, ledgers: Sequence[Ledger], day: date) -> Totals:
    """Totals of everything dated before `day`; nothing can be dated before entries start."""
    if day <= book.entries_start:
        return {}
    return _totals_through(uow, book, ledgers, day - timedelta(days=1))


def _check_options(
    include_empty: bool, compare: Compare | None = None, interval: Interval | None = None
) -> None:
    """A library caller's options, each of its kind: any truthy value would be read as
    `include_empty`, a comparison given as text as none at all. (Dates are checked where the
    range is resolved: `_resolve_range`, `balance_sheet`.)"""
    check_flag(include_empty, "include_empty")
    if compare is not None:
        check_member(Compare, compare, "compare")
    if interval is not None:
        check_member(Interval, interval, "interval")


def _ledgers(uow: UnitOfWork, book_id: str) -> list[Ledger]:
    return uow.ledgers.search(book_id)  # ordered by number, then custom ledgers by id


def trial_balance(
    uow: UnitOfWork,
    book_id: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    include_empty: bool = False,
    year: int | None = None,
) -> TrialBalance:
    """The DATEV SuSa with its EB column for [date_from, date_to], within one fiscal year.

    `opening_balance` is the opening (EB) value of the fiscal year holding `date_from`
    (DESIGN §3a): in the first year the opening-balance postings, later the balance carried
    from the year before, revenue and expense at zero and earlier results in the
    retained-earnings ledger. `carried_forward` is the year's other postings before
    `date_from`; debit and credit the other postings in the range. Defaults: `date_to` today,
    `date_from` the start of its fiscal year; `year` is that fiscal year's whole range.
    """
    _check_options(include_empty)
    book = get_book(uow, book_id)
    start, end = _resolve_range(book, date_from, date_to, year)
    fy = year_of(book, start)
    if end > fy.end:
        raise InvalidInput(
            f"A trial balance covers one fiscal year: {start} is in fiscal year {fy.year}, "
            f"which ends {fy.end}; end the range there (to={fy.end}) or start it in the next.",
            {"field": "to", "to": end.isoformat(), "fiscal_year_end": fy.end.isoformat()},
        )
    ledgers = _ledgers(uow, book_id)
    retained = retained_earnings_ledger(uow, book_id)
    before_year, carried, in_range, year_openings = _year_slices(uow, book, ledgers, fy, start, end)
    opening = opening_values(ledgers, before_year, year_openings, retained.id if retained else None)
    rows: list[TrialBalanceRow] = []
    for ledger in ledgers:
        debit, credit, _, _ = in_range.get(ledger.id, _ZERO)
        eb = opening.values.get(ledger.id, 0)
        carried_raw = raw(carried, ledger.id, opening=False)
        if not include_empty and not (eb or carried_raw or debit or credit):
            continue
        rows.append(_tb_row(ledger, eb, carried_raw, debit, credit))
    if retained is None and opening.earlier_results:
        rows.append(_tb_row(EARLIER_RESULTS, opening.earlier_results, 0, 0, 0))
    totals = TrialBalanceTotals(
        opening_debit=sum(row.opening_debit for row in rows),
        opening_credit=sum(row.opening_credit for row in rows),
        carried_forward_debit=sum(row.carried_forward_debit for row in rows),
        carried_forward_credit=sum(row.carried_forward_credit for row in rows),
        debit=sum(row.debit for row in rows),
        credit=sum(row.credit for row in rows),
        closing_debit=sum(row.closing_debit for row in rows),
        closing_credit=sum(row.closing_credit for row in rows),
    )
    return TrialBalance(
        book.id, book.currency, book.exponent, start, end, tuple(rows), totals, fy.year
    )


def _year_slices(
    uow: UnitOfWork,
    book: Book,
    ledgers: Sequence[Ledger],
    fy: FiscalYear,
    start: date,
    end: date,
) -> tuple[dict[str, int], Totals, Totals, dict[str, int]]:
    """For a range [start, end] in fiscal year `fy`: each ledger's balance before the year
    (debit − credit), the year's totals before `start` and in the range, and its
    opening-balance postings in the year through `end`.

    The balance before the year is the ledger's running totals less everything dated from the
    year's start on: the cost follows the months from the year's start to the latest posting,
    not the book's history (the last of five years costs what a one-year book does; bench/).
    """
    last = uow.journal.last_date(book.id)
    if last is None:
        return {}, {}, {}, {}
    ranges = [(fy.start, start - timedelta(days=1)), (start, end)]
    if last > end:
        ranges.append((end + timedelta(days=1), last))
    found = ReportRepo(uow.conn).range_totals(
        book.id, [ledger.id for ledger in ledgers], [(lo, hi) for lo, hi in ranges if lo <= hi]
    )
    if start == fy.start:
        found.insert(0, {})
    carried, in_range = found[0], found[1]
    before: dict[str, int] = {}
    year_openings: dict[str, int] = {}
    for ledger in ledgers:
        later = sum(raw(part, ledger.id) for part in found)
        before[ledger.id] = ledger.debits_posted - ledger.credits_posted - later
        year_openings[ledger.id] = raw(carried, ledger.id, opening=True) + raw(
            in_range, ledger.id, opening=True
        )
    return before, carried, in_range, year_openings


# Where a book has no retained-earnings ledger, its earlier results show on a row of their own.
EARLIER_RESULTS = Ledger(
    id="",
    book_id="",
    number=None,
    name="Results of earlier years",
    type=LedgerType.EQUITY,
    subtype="retained_earnings",
    normal_balance=Side.CREDIT,
    parent_id=None,
    role=None,
    archived=False,
    debits_posted=0,
    credits_posted=0,
)


def _tb_row(ledger: Ledger, eb: int, carried: int, debit: int, credit: int) -> TrialBalanceRow:
    """A trial-balance row from debit − credit opening and carried values and the movements."""
    normal = ledger.normal_balance
    opening = _raw(normal, eb)  # the same flip turns debit − credit into the normal side
    carried_forward = _raw(normal, carried)
    return TrialBalanceRow(
        ledger_id=ledger.id,
        number=ledger.number,
        name=ledger.name,
        type=ledger.type,
        subtype=ledger.subtype,
        normal_balance=normal,
        opening_balance=opening,
        carried_forward=carried_forward,
        debit=debit,
        credit=credit,
        closing=opening + carried_forward + signed_balance(normal, debit, credit),
    )


# ---------------------------------------------------------------------------------------------
# balance sheet


class ComputedRow(StrEnum):
    CURRENT_YEAR_EARNINGS = "current_year_earnings"
    RETAINED_EARNINGS = "retained_earnings"


class Compare(StrEnum):
    """A second column beside a statement's figures: the German Vorjahr."""

    PREVIOUS_YEAR = "previous_year"


COMPUTED_NAMES = {
    ComputedRow.CURRENT_YEAR_EARNINGS: "Current year earnings",
    ComputedRow.RETAINED_EARNINGS: "Retained earnings",
}


@dataclass(frozen=True, slots=True)
class StatementRow:
    """A ledger's row in a balance sheet or income statement, or a computed equity row
    (`computed` set, `ledger_id` None). `previous`: the same row a year earlier, when asked."""

    ledger_id: str | None
    number: str | None
    name: str
    type: LedgerType
    subtype: str
    normal_balance: Side | None
    amount: int
    computed: ComputedRow | None = None
    previous: int | None = None


@dataclass(frozen=True, slots=True)
class BalanceSheetGroup:
    subtype: str
    rows: tuple[StatementRow, ...]
    total: int
    previous_total: int | None = None


@dataclass(frozen=True, slots=True)
class BalanceSheetSection:
    type: LedgerType
    groups: tuple[BalanceSheetGroup, ...]
    total: int
    previous_total: int | None = None


@dataclass(frozen=True, slots=True)
class BalanceSheet:
    book_id: str
    currency: str
    exponent: int
    as_of: date
    fiscal_year_begin: date
    assets: BalanceSheetSection
    liabilities: BalanceSheetSection
    equity: BalanceSheetSection
    current_year_earnings: int
    retained_earnings: int
    previous_as_of: date | None = None

    @property
    def sections(self) -> tuple[BalanceSheetSection, ...]:
        return (self.assets, self.liabilities, self.equity)

    @property
    def total_liabilities_and_equity(self) -> int:
        return self.liabilities.total + self.equity.total

    @property
    def previous_total_liabilities_and_equity(self) -> int | None:
        if self.liabilities.previous_total is None or self.equity.previous_total is None:
            return None
        return self.liabilities.previous_total + self.equity.previous_total

    @property
    def balanced(self) -> bool:
        return self.assets.total == self.total_liabilities_and_equity


def _section_side(ledger_type: LedgerType) -> Side:
    return ledger_type.default_normal_balance


def _gross(totals: Totals, ledger_id: str) -> tuple[int, int]:
    d, c, obd, obc = totals.get(ledger_id, _ZERO)
    return d + obd, c + obc


def _earnings(ledgers: Sequence[Ledger], totals: Totals) -> int:
    """Revenue − expense over `totals`: credits − debits over every P&L ledger."""
    net = 0
    for ledger in ledgers:
        if not ledger.type.is_balance_sheet:
            d, c = _gross(totals, ledger.id)
            net += c - d
    return net


def _section(
    ledger_type: LedgerType, rows: Sequence[StatementRow], compared: bool
) -> BalanceSheetSection:
    order = {subtype: index for index, subtype in enumerate(SUBTYPES[ledger_type])}
    by_subtype: dict[str, list[StatementRow]] = {}
    for row in rows:
        by_subtype.setdefault(row.subtype, []).append(row)

    def previous(items: Sequence[StatementRow]) -> int | None:
        return sum(row.previous or 0 for row in items) if compared else None

    groups = tuple(
        BalanceSheetGroup(subtype, tuple(items), sum(row.amount for row in items), previous(items))
        for subtype, items in sorted(by_subtype.items(), key=lambda kv: order.get(kv[0], 99))
    )
    return BalanceSheetSection(
        ledger_type,
        groups,
        sum(group.total for group in groups),
        sum(group.previous_total or 0 for group in groups) if compared else None,
    )


@dataclass(frozen=True, slots=True)
class _Position:
    """A balance sheet's figures as of one day: each balance-sheet ledger's amount on its
    section's side (the retained-earnings ledger with every earlier year's result), the
    year's earnings, and the earlier years' results where no ledger takes them."""

    fy_begin: date
    amounts: dict[str, int]
    current: int
    retained: int
    unassigned: int


def _position(uow: UnitOfWork, book: Book, ledgers: Sequence[Ledger], day: date) -> _Position:
    fy_begin = book.fiscal_year_begin(day)
    through = _totals_through(uow, book, ledgers, day)
    before_year = _totals_before(
        uow, book, [ledger for ledger in ledgers if not ledger.type.is_balance_sheet], fy_begin
    )
    retained = _earnings(ledgers, before_year)
    holder = retained_earnings_ledger(uow, book.id)
    amounts = {}
    for ledger in ledgers:
        if ledger.type.is_balance_sheet:
            d, c = _gross(through, ledger.id)
            amounts[ledger.id] = signed_balance(_section_side(ledger.type), d, c)
    if holder is not None:
        amounts[holder.id] = amounts.get(holder.id, 0) + retained
    current = _earnings(ledgers, through) - retained
    return _Position(fy_begin, amounts, current, retained, 0 if holder else retained)


def previous_year_day(book: Book, day: date) -> date:
    """The same day a fiscal year earlier: a fiscal year's first or last day maps to the
    previous year's first or last day (so leap years line up), any other day twelve months
    back (29 February to 28 February)."""
    fy = year_of(book, day)
    if day == fy.start:
        return year_of(book, fy.start - timedelta(days=1)).start
    if day == fy.end:
        return fy.start - timedelta(days=1)
    return add_months(day, -12)


def balance_sheet(
    uow: UnitOfWork,
    book_id: str,
    *,
    as_of: date | None = None,
    include_empty: bool = False,
    compare: Compare | None = None,
    year: int | None = None,
) -> BalanceSheet:
    """Assets, liabilities and equity as of a date, grouped by type and subtype.

    The retained-earnings ledger (SKR04 2970, SKR03 0860, Retained Earnings) shows every earlier
    fiscal year's result with its own postings, as its opening value carries them (DESIGN §3a);
    equity gets a computed row for the current year's earnings (revenue − expense from the
    start of the fiscal year holding `as_of`), and one for earlier results only in a book
    without a retained-earnings ledger. Opening-balance postings count like any other, so
    assets = liabilities + equity. `compare=previous_year` adds each row's amount as of the
    same day a fiscal year earlier (`previous_year_day`). `year`: as of that fiscal year's end.
    """
    _check_options(include_empty, compare)
    book = get_book(uow, book_id)
    if year is not None and as_of is not None:
        raise InvalidInput("Give a fiscal year or as_of, not both.", {"field": "year"})
    if year is not None:
        day = fiscal_year(book, year).end
    else:
        day = check_day(as_of, "as_of") if as_of is not None else date.today()
    ledgers = _ledgers(uow, book_id)
    now = _position(uow, book, ledgers, day)
    earlier_day = previous_year_day(book, day) if compare is Compare.PREVIOUS_YEAR else None
    earlier = _position(uow, book, ledgers, earlier_day) if earlier_day else None
    rows: dict[LedgerType, list[StatementRow]] = {
        LedgerType.ASSET: [],
        LedgerType.LIABILITY: [],
        LedgerType.EQUITY: [],
    }
    for ledger in ledgers:
        if not ledger.type.is_balance_sheet:
            continue
        amount = now.amounts.get(ledger.id, 0)
        previous = earlier.amounts.get(ledger.id, 0) if earlier else None
        if not include_empty and not (amount or previous):
            continue
        rows[ledger.type].append(
            StatementRow(
                ledger_id=ledger.id,
                number=ledger.number,
                name=ledger.name,
                type=ledger.type,
                subtype=ledger.subtype,
                normal_balance=ledger.normal_balance,
                amount=amount,
                previous=previous,
            )
        )
    computed_rows: list[tuple[ComputedRow, int, int | None]] = [
        (ComputedRow.CURRENT_YEAR_EARNINGS, now.current, earlier.current if earlier else None)
    ]
    if now.unassigned or (earlier and earlier.unassigned):
        computed_rows.insert(
            0,
            (
                ComputedRow.RETAINED_EARNINGS,
                now.unassigned,
                earlier.unassigned if earlier else None,
            ),
        )
    for computed, amount, previous in computed_rows:
        rows[LedgerType.EQUITY].append(
            StatementRow(
                ledger_id=None,
                number=None,
                name=COMPUTED_NAMES[computed],
                type=LedgerType.EQUITY,
                subtype=computed.value,
                normal_balance=None,
                amount=amount,
                computed=computed,
                previous=previous,
            )
        )
    compared = earlier is not None
    return BalanceSheet(
        book_id=book.id,
        currency=book.currency,
        exponent=book.exponent,
        as_of=day,
        fiscal_year_begin=now.fy_begin,
        assets=_section(LedgerType.ASSET, rows[LedgerType.ASSET], compared),
        liabilities=_section(LedgerType.LIABILITY, rows[LedgerType.LIABILITY], compared),
        equity=_section(LedgerType.EQUITY, rows[LedgerType.EQUITY], compared),
        current_year_earnings=now.current,
        retained_earnings=now.retained,
        previous_as_of=earlier_day,
    )


# ---------------------------------------------------------------------------------------------
# income statement


@dataclass(frozen=True, slots=True)
class Column:
    label: str
    date_from: date
    date_to: date


@dataclass(frozen=True, slots=True)
class IncomeStatementRow:
    ledger_id: str
    number: str | None
    name: str
    type: LedgerType
    subtype: str
    normal_balance: Side
    amounts: tuple[int, ...]  # one per column, signed on the section's side
    total: int
    previous: int | None = None  # the previous year's total, when compared


@dataclass(frozen=True, slots=True)
class IncomeStatementSection:
    type: LedgerType
    rows: tuple[IncomeStatementRow, ...]
    amounts: tuple[int, ...]
    total: int
    previous: int | None = None


@dataclass(frozen=True, slots=True)
class IncomeStatement:
    book_id: str
    currency: str
    exponent: int
    date_from: date
    date_to: date
    interval: Interval | None
    columns: tuple[Column, ...]
    revenue: IncomeStatementSection
    expense: IncomeStatementSection
    net_income: tuple[int, ...]
    net_income_total: int
    previous_from: date | None = None
    previous_to: date | None = None

    @property
    def net_income_previous(self) -> int | None:
        if self.revenue.previous is None or self.expense.previous is None:
            return None
        return self.revenue.previous - self.expense.previous


_STEP = {Interval.MONTH: 1, Interval.QUARTER: 3, Interval.YEAR: 12}


def buckets(book: Book, start: date, end: date, interval: Interval | None) -> list[Column]:
    """Columns for [start, end]: one, or one per month, fiscal quarter or fiscal year.

    Months are calendar months. Quarters and years count from the fiscal year start, so with
    a fiscal year starting 07-01 the first quarter is July to September. The first and last
    columns are clipped to the range.
    """
    if interval is None:
        return [Column(f"{start.isoformat()}..{end.isoformat()}", start, end)]
    if interval is Interval.MONTH:
        anchor = start.replace(day=1)
    else:
        anchor = book.fiscal_year_begin(start)
    calendar_year = book.fiscal_year_start == "01-01"
    step = _STEP[interval]
    count = -(-months_between(anchor, end) // step)  # columns from the anchor through `end`
    if count > MAX_COLUMNS:
        raise InvalidInput(
            f"A report by {interval.value} has at most {MAX_COLUMNS} columns; "
            f"{start} to {end} would need {count}.",
            {"field": "interval", "interval": interval.value, "columns": count,
             "max_columns": MAX_COLUMNS},
        )  # fmt: skip
    columns: list[Column] = []
    for index in range(count):
        lower = add_months(anchor, index * step)
        upper = add_months(anchor, (index + 1) * step) - timedelta(days=1)
        if upper < start or lower > end:
            continue
        fy = book.fiscal_year_begin(lower)
        if interval is Interval.MONTH:
            label = f"{lower.year:04d}-{lower.month:02d}"
        elif interval is Interval.QUARTER:
            quarter = (lower.year * 12 + lower.month - fy.year * 12 - fy.month) // 3 + 1
            label = f"{_year_label(fy, calendar_year)}-Q{quarter}"
        else:
            label = _year_label(fy, calendar_year)
        columns.append(Column(label, max(lower, start), min(upper, end)))
    return columns


def _year_label(fy_begin: date, calendar_year: bool) -> str:
    if calendar_year:
        return f"{fy_begin.year:04d}"
    return f"FY{fy_begin.year:04d}/{(fy_begin.year + 1) % 100:02d}"


def income_statement(
    uow: UnitOfWork,
    book_id: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    interval: Interval | None = None,
    include_empty: bool = False,
    compare: Compare | None = None,
    year: int | None = None,
) -> IncomeStatement:
    """Revenue, expense and net income for a range, optionally one column per interval.

    Every posting to a revenue or expense ledger in the range counts, opening-balance postings
    included: a mid-year conversion books year-to-date P&L balances as opening balances, and
    they belong to the bucket of their date.
    """
    _check_options(include_empty, compare, interval)
    book = get_book(uow, book_id)
    start, end = _resolve_range(book, date_from, date_to, year)
    columns = buckets(book, start, end, interval)
    ledgers = [ledger for ledger in _ledgers(uow, book_id) if not ledger.type.is_balance_sheet]
    earlier = (
        (previous_year_day(book, start), previous_year_day(book, end))
        if compare is Compare.PREVIOUS_YEAR
        else None
    )
    repo, ids = ReportRepo(uow.conn), [ledger.id for ledger in ledgers]
    per_column = repo.range_totals(book_id, ids, [(c.date_from, c.date_to) for c in columns])
    # Asked on its own: the ranges of one call must not overlap, and a range of more than a
    # year overlaps its previous year.
    previous_totals = repo.range_totals(book_id, ids, [earlier])[0] if earlier else None

    sections: dict[LedgerType, list[IncomeStatementRow]] = {
        LedgerType.REVENUE: [],
        LedgerType.EXPENSE: [],
    }
    for ledger in ledgers:
        side = _section_side(ledger.type)
        amounts: list[int] = []
        moved = False
        for totals in per_column:
            d, c, obd, obc = totals.get(ledger.id, _ZERO)
            moved = moved or bool(d or c or obd or obc)
            amounts.append(signed_balance(side, d + obd, c + obc))
        previous = None
        if previous_totals is not None:
            d, c, obd, obc = previous_totals.get(ledger.id, _ZERO)
            moved = moved or bool(d or c or obd or obc)
            previous = signed_balance(side, d + obd, c + obc)
        if not include_empty and not moved:
            continue
        sections[ledger.type].append(
            IncomeStatementRow(
                ledger_id=ledger.id,
                number=ledger.number,
                name=ledger.name,
                type=ledger.type,
                subtype=ledger.subtype,
                normal_balance=ledger.normal_balance,
                amounts=tuple(amounts),
                total=sum(amounts),
                previous=previous,
            )
        )

    def section(ledger_type: LedgerType) -> IncomeStatementSection:
        rows = sections[ledger_type]
        amounts = tuple(sum(row.amounts[i] for row in rows) for i in range(len(columns)))
        previous = sum(row.previous or 0 for row in rows) if earlier else None
        return IncomeStatementSection(ledger_type, tuple(rows), amounts, sum(amounts), previous)

    revenue, expense = section(LedgerType.REVENUE), section(LedgerType.EXPENSE)
    net = tuple(r - e for r, e in zip(revenue.amounts, expense.amounts, strict=True))
    return IncomeStatement(
        book_id=book.id,
        currency=book.currency,
        exponent=book.exponent,
        date_from=start,
        date_to=end,
        interval=interval,
        columns=tuple(columns),
        revenue=revenue,
        expense=expense,
        net_income=net,
        net_income_total=revenue.total - expense.total,
        previous_from=earlier[0] if earlier else None,
        previous_to=earlier[1] if earlier else None,
    )


# ---------------------------------------------------------------------------------------------
# ledger statement


@dataclass(frozen=True, slots=True)
class StatementLine:
    date: date
    journal_number: int
    line_no: int
    entry_id: str
    line_id: str
    kind: str
    is_opening_balance: bool
    description: str | None
    debit: int
    credit: int
    balance: int  # running, signed on the ledger's normal side, after this line


@dataclass(frozen=True, slots=True)
class LedgerStatement:
    book_id: str
    currency: str
    exponent: int
    ledger_id: str
    number: str | None
    name: str
    type: LedgerType
    normal_balance: Side
    date_from: date
    date_to: date
    opening_balance: int  # everything dated before `date_from`
    page_opening: int  # the balance before this page's first line
    lines: tuple[StatementLine, ...]
    closing_balance: int  # everything through `date_to`
    cursor: str | None  # the cursor this page was read after; None on the first page
    next_cursor: str | None


def encode_cursor(position: LinePosition) -> str:
    day, number, line_no = position
    return f"{day.isoformat()}~{number}~{line_no}"


def decode_cursor(cursor: str) -> LinePosition:
    try:
        day, number, line_no = cursor.split("~")
        return date.fromisoformat(day), int(number), int(line_no)
    except ValueError as exc:
        raise InvalidInput(
            "The cursor is not one this report returned.", {"field": "cursor", "value": cursor}
        ) from exc


def ledger_statement(
    uow: UnitOfWork,
    book_id: str,
    ledger_id: str,
    *,
    date_from: date | None = None,
    date_to: date | None = None,
    cursor: str | None = None,
    limit: int = 100,
) -> LedgerStatement:
    """One ledger's lines in [date_from, date_to] with a running balance, a page at a time.

    Order: date, journal number, line number. `next_cursor` names the last line returned and
    is None on the last page. A page's running balance starts from the opening balance plus
    every line of the range before the page (one bounded SUM).
    """
    if not 1 <= limit <= MAX_STATEMENT_LIMIT:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_STATEMENT_LIMIT}.",
            {"field": "limit", "value": limit},
        )
    book = get_book(uow, book_id)
    ledger = get_ledger(uow, book_id, ledger_id)
    start, end = _resolve_range(book, date_from, date_to)
    after = decode_cursor(cursor) if cursor else None
    normal = ledger.normal_balance
    repo = ReportRepo(uow.conn)

    d, c = _gross(_totals_before(uow, book, [ledger], start), ledger_id)
    opening = signed_balance(normal, d, c)
    page_opening = opening
    if after is not None and after[0] >= start:
        d_page, c_page = repo.line_sums(book_id, ledger_id, start, end, after)
        page_opening += signed_balance(normal, d_page, c_page)
    d_end, c_end = _gross(_totals_through(uow, book, [ledger], end), ledger_id)

    rows = repo.statement_lines(book_id, ledger_id, start, end, after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    balance = page_opening
    lines: list[StatementLine] = []
    for row in rows:
        debit = row.amount if row.side == Side.DEBIT.value else 0
        credit = row.amount - debit
        balance += signed_balance(normal, debit, credit)
        lines.append(
            StatementLine(
                date=row.date,
                journal_number=row.journal_number,
                line_no=row.line_no,
                entry_id=row.entry_id,
                line_id=row.line_id,
                kind=row.kind,
                is_opening_balance=bool(row.is_opening_balance),
                description=row.line_description or row.entry_description,
                debit=debit,
                credit=credit,
                balance=balance,
            )
        )
    last = lines[-1] if lines else None
    return LedgerStatement(
        book_id=book.id,
        currency=book.currency,
        exponent=book.exponent,
        ledger_id=ledger.id,
        number=ledger.number,
        name=ledger.name,
        type=ledger.type,
        normal_balance=normal,
        date_from=start,
        date_to=end,
        opening_balance=opening,
        page_opening=page_opening,
        lines=tuple(lines),
        closing_balance=signed_balance(normal, d_end, c_end),
        cursor=cursor or None,
        next_cursor=(
            encode_cursor((last.date, last.journal_number, last.line_no)) if more and last else None
        ),
    )
