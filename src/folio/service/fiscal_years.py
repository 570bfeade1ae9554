"""Fiscal years (DESIGN §3a): their opening values, year-end close and reopen, continuity.

Nothing is posted to carry a balance: a year's opening values are derived from the totals
(`domain.fiscal_years.opening_values`), so an entry posted into an earlier open year flows into
every later opening at once. Closing a year locks its months and records its closing balances
with a SHA-256 chained to the book's earlier closes and bound to the journal head; the
continuity check (Bilanzidentität, HGB §252(1) no. 1) compares that record with the next
year's opening values now and names the entries behind every difference.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from folio.domain.books import Book
from folio.domain.errors import (
    FiscalYearClosed,
    FiscalYearFinal,
    FiscalYearNotEnded,
    FiscalYearOpen,
    FolioError,
    LaterYearClosed,
    OpeningBalancesUnbalanced,
    PreviousYearOpen,
    RetainedEarningsMissing,
)
from folio.domain.fiscal_years import (
    Closing,
    FiscalYear,
    OpeningValues,
    Totals,
    YearStatus,
    closing_hash,
    first_year,
    fiscal_year,
    opening_values,
    raw,
    result_of,
    years_through,
)
from folio.domain.ids import new_id
from folio.domain.ledgers import Ledger, Role
from folio.domain.money import format_minor
from folio.domain.opening_balances import CARRY_FORWARD_SUBTYPE
from folio.domain.periods import PeriodStatus
from folio.service.books import get_book
from folio.service.posting import lock_book
from folio.service.runner import Actor, audit
from folio.store.types import utcnow
from folio.store.uow import UnitOfWork

# The order in which what stops a close is reported, and the error each one raises.
_BLOCKERS: dict[str, type[FolioError]] = {
    "FISCAL_YEAR_CLOSED": FiscalYearClosed,
    "FISCAL_YEAR_NOT_ENDED": FiscalYearNotEnded,
    "PREVIOUS_YEAR_OPEN": PreviousYearOpen,
    "RETAINED_EARNINGS_MISSING": RetainedEarningsMissing,
    "OPENING_BALANCES_UNBALANCED": OpeningBalancesUnbalanced,
}


@dataclass(frozen=True, slots=True)
class Blocker:
    code: str
    message: str
    data: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class YearFigures:
    """A fiscal year's opening values and closing balances (debit − credit per ledger; revenue
    and expense ledgers' closing is the year's own), and its result (revenue − expense)."""

    year: FiscalYear
    ledgers: list[Ledger]
    retained_earnings: Ledger | None
    opening: OpeningValues
    closing: dict[str, int]
    result: int


@dataclass(frozen=True, slots=True)
class YearInfo:
    year: FiscalYear
    first_day: date  # the first day with records: the entries start in a mid-year conversion
    status: YearStatus
    result: int
    closing: Closing | None  # the live close, if the year is closed
    last_closing: Closing | None  # the newest close, live or reopened


@dataclass(frozen=True, slots=True)
class ClosePreview:
    figures: YearFigures
    blockers: list[Blocker]

    @property
    def can_close(self) -> bool:
        return not self.blockers


@dataclass(frozen=True, slots=True)
class Difference:
    ledger: Ledger
    recorded: int  # the opening the recorded close carries into the next year, debit − credit
    now: int  # the next year's opening value now
    entries: list[tuple[str, int, date]]  # (entry id, journal number, date) behind it

    @property
    def difference(self) -> int:
        return self.now - self.recorded


@dataclass(frozen=True, slots=True)
class Continuity:
    year: FiscalYear
    next_year: FiscalYear
    closing: Closing | None  # the newest recorded close of `year`
    differences: list[Difference]

    @property
    def recorded(self) -> bool:
        return self.closing is not None

    @property
    def ok(self) -> bool:
        return self.closing is not None and not self.differences


# ------------------------------------------------------------------------------- figures


def retained_earnings_ledger(uow: UnitOfWork, book_id: str) -> Ledger | None:
    ledger = uow.ledgers.by_role(book_id, Role.RETAINED_EARNINGS)
    return ledger if ledger is not None and not ledger.archived else None


def totals_through(uow: UnitOfWork, book: Book, day: date) -> Totals:
    """Every ledger's totals of everything dated on or before `day`."""
    if day < book.entries_start:
        return {}
    return uow.ledgers.totals_as_of(book.id, None, day)


def figures(uow: UnitOfWork, book: Book, fy: FiscalYear) -> YearFigures:
    ledgers = uow.ledgers.search(book.id)
    retained = retained_earnings_ledger(uow, book.id)
    before = totals_through(uow, book, fy.start - timedelta(days=1))
    end = totals_through(uow, book, fy.end)
    opening = opening_values(
        ledgers,
        {ledger.id: raw(before, ledger.id) for ledger in ledgers},
        {
            ledger.id: raw(end, ledger.id, opening=True) - raw(before, ledger.id, opening=True)
            for ledger in ledgers
        },
        retained.id if retained else None,
    )
    closing: dict[str, int] = {}
    for ledger in ledgers:
        value = raw(end, ledger.id) - (
            0 if ledger.type.is_balance_sheet else raw(before, ledger.id)
        )
        if value:
            closing[ledger.id] = value
    if retained is not None and opening.earlier_results:
        closing[retained.id] = closing.get(retained.id, 0) + opening.earlier_results
    return YearFigures(fy, ledgers, retained, opening, closing, result_of(ledgers, before, end))


def year_figures(uow: UnitOfWork, book_id: str, year: int) -> YearFigures:
    """Fiscal year `year`'s opening values (the retained-earnings ledger taking every earlier
    year's result), closing balances and result."""
    book = get_book(uow, book_id)
    return figures(uow, book, fiscal_year(book, year))


# ------------------------------------------------------------------------------- listing


def _status(closing: Closing | None) -> YearStatus:
    if closing is None:
        return YearStatus.OPEN
    return YearStatus.FINAL if closing.final else YearStatus.CLOSED


def list_years(uow: UnitOfWork, book_id: str) -> list[YearInfo]:
    """Every fiscal year from the book's first through the one holding today or its latest
    entry, whichever is later."""
    book = get_book(uow, book_id)
    last = max(utcnow().date(), uow.journal.last_date(book_id) or book.entries_start)
    years = years_through(book, last)
    closings = uow.closings.of_book(book_id)
    ledgers = uow.ledgers.search(book_id)
    bounds = [totals_through(uow, book, fy.start - timedelta(days=1)) for fy in years]
    bounds.append(totals_through(uow, book, years[-1].end))
    found = []
    for index, fy in enumerate(years):
        mine = [closing for closing in closings if closing.year == fy.year]
        live = next((closing for closing in mine if closing.live), None)
        found.append(
            YearInfo(
                fy,
                max(fy.start, book.entries_start),
                _status(live),
                result_of(ledgers, bounds[index], bounds[index + 1]),
                live,
                mine[-1] if mine else None,
            )
        )
    return found


def year_info(uow: UnitOfWork, book_id: str, year: int) -> YearInfo:
    book = get_book(uow, book_id)
    fy = fiscal_year(book, year)
    mine = uow.closings.of_book(book_id, year)
    live = next((closing for closing in mine if closing.live), None)
    return YearInfo(
        fy,
        max(fy.start, book.entries_start),
        _status(live),
        figures(uow, book, fy).result,
        live,
        mine[-1] if mine else None,
    )


# ------------------------------------------------------------------------- close, reopen


def _live_closing(uow: UnitOfWork, book_id: str, year: int) -> Closing | None:
    return next((c for c in uow.closings.of_book(book_id, year) if c.live), None)


def close_preview(uow: UnitOfWork, book_id: str, year: int) -> ClosePreview:
    """What closing `year` would record and everything that stops it; changes nothing."""
    book = get_book(uow, book_id)
    fy = fiscal_year(book, year)
    fig = figures(uow, book, fy)
    blockers: list[Blocker] = []
    live = _live_closing(uow, book_id, year)
    if live is not None:
        blockers.append(
            Blocker(
                "FISCAL_YEAR_CLOSED",
                f"Fiscal year {year} is already closed ({'for good' if live.final else 'soft'}, "
                f"{live.closed_at:%Y-%m-%d}); reopen it to close it again.",
                {"year": year, "closing_id": live.id},
            )
        )
    today = utcnow().date()
    if today <= fy.end:
        blockers.append(
            Blocker(
                "FISCAL_YEAR_NOT_ENDED",
                f"Fiscal year {year} runs until {fy.end}; it can be closed from "
                f"{fy.end + timedelta(days=1)}.",
                {"year": year, "last_day": fy.end.isoformat()},
            )
        )
    if year > first_year(book).year and _live_closing(uow, book_id, year - 1) is None:
        blockers.append(
            Blocker(
                "PREVIOUS_YEAR_OPEN",
                f"Fiscal year {year - 1} is still open; years are closed in order.",
                {"year": year, "previous_year": year - 1},
            )
        )
    if fig.retained_earnings is None:
        blockers.append(
            Blocker(
                "RETAINED_EARNINGS_MISSING",
                "The book has no retained-earnings ledger (role retained_earnings: SKR04 2970, "
                "SKR03 0860, Retained Earnings) to take the year's result.",
                {"role": Role.RETAINED_EARNINGS.value},
            )
        )
    offsets = [lg for lg in fig.ledgers if lg.subtype == CARRY_FORWARD_SUBTYPE]
    balance = sum(fig.closing.get(ledger.id, 0) for ledger in offsets)
    if balance:  # 9000 with 9008 and 9009 must net to zero (each alone need not, as in DATEV)
        held = ", ".join(
            f"{ledger.number or ''} {format_minor(fig.closing[ledger.id], book.exponent)}"
            for ledger in offsets
            if fig.closing.get(ledger.id)
        )
        blockers.append(
            Blocker(
                "OPENING_BALANCES_UNBALANCED",
                "The opening-balance offset ledgers hold "
                f"{format_minor(abs(balance), book.exponent)} "
                f"{'debit' if balance > 0 else 'credit'} together at {fy.end} ({held}, debit − "
                "credit): the opening balances do not balance. Correct them before closing.",
                {
                    "balance": balance,
                    "ledgers": [lg.id for lg in offsets if fig.closing.get(lg.id)],
                },
            )
        )
    return ClosePreview(fig, blockers)


def close_year(
    uow: UnitOfWork, book_id: str, year: int, actor: Actor, *, final: bool = False
) -> Closing:
    """Close `year`: lock its months (soft, or for good with `final`) and record its closing
    balances. Refused, changing nothing, with the first blocker's code."""
    book, number, head_hash = lock_book(uow, book_id)
    preview = close_preview(uow, book_id, year)
    for code, error in _BLOCKERS.items():
        mine = [b for b in preview.blockers if b.code == code]
        if mine:
            raise error(
                mine[0].message, {**mine[0].data, "blockers": [b.code for b in preview.blockers]}
            )
    fig = preview.figures
    assert fig.retained_earnings is not None  # a blocker otherwise
    now = utcnow()
    target = PeriodStatus.LOCKED if final else PeriodStatus.SOFT_LOCKED
    statuses = uow.periods.statuses(book_id, _months(book, fig.year))
    for month, current in statuses.items():
        if current is PeriodStatus.OPEN or (final and current is PeriodStatus.SOFT_LOCKED):
            uow.periods.set(book_id, month, target, at=now, by=actor.principal_id)
    uow.books.update(book_id, updated_at=now, closed_through=fig.year.end)
    seq, prev_hash = uow.closings.head(book_id)
    draft = Closing(
        id=new_id("fyc"),
        book_id=book_id,
        seq=seq + 1,
        year=year,
        first_day=fig.year.start,
        last_day=fig.year.end,
        final=final,
        result=fig.result,
        retained_earnings_id=fig.retained_earnings.id,
        journal_number=number,
        journal_hash=head_hash,
        prev_hash=prev_hash,
        hash="",
        closed_at=now,
        closed_by=actor.principal_id,
        balances=dict(fig.closing),
    )
    closing = replace(draft, hash=closing_hash(draft))
    uow.closings.insert(closing)
    audit(
        uow,
        actor,
        "fiscal_year.closed",
        book_id=book_id,
        target_type="fiscal_year",
        target_id=str(year),
        details={
            "closing_id": closing.id,
            "final": final,
            "result": format_minor(fig.result, book.exponent),
            "hash": closing.hash,
        },
    )
    return closing


def reopen_year(uow: UnitOfWork, book_id: str, year: int, actor: Actor) -> Closing:
    """Reopen a closed year that is not final: its soft-locked months open again; the record
    stays, marked reopened. Later years must be reopened first."""
    book = lock_book(uow, book_id)[0]
    fy = fiscal_year(book, year)
    live = _live_closing(uow, book_id, year)
    if live is None:
        raise FiscalYearOpen(f"Fiscal year {year} is not closed.", {"year": year})
    if live.final:
        raise FiscalYearFinal(
            f"Fiscal year {year} was closed for good on {live.closed_at:%Y-%m-%d}; it cannot be "
            "reopened. Correct it with entries in the following year.",
            {"year": year, "closing_id": live.id},
        )
    later = sorted(c.year for c in uow.closings.of_book(book_id) if c.live and c.year > year)
    if later:
        raise LaterYearClosed(
            f"Fiscal year {later[-1]} is closed; reopen the later years first, newest first "
            f"({', '.join(map(str, reversed(later)))}).",
            {"year": year, "closed_years": later},
        )
    now = utcnow()
    for month, status in uow.periods.statuses(book_id, _months(book, fy)).items():
        if status is PeriodStatus.SOFT_LOCKED:
            uow.periods.set(book_id, month, PeriodStatus.OPEN, at=now, by=actor.principal_id)
    earlier = fy.start - timedelta(days=1) if year > first_year(book).year else None
    uow.books.update(book_id, updated_at=now, closed_through=earlier)
    uow.closings.reopen(book_id, live.id, at=now, by=actor.principal_id)
    audit(
        uow,
        actor,
        "fiscal_year.reopened",
        book_id=book_id,
        target_type="fiscal_year",
        target_id=str(year),
        details={"closing_id": live.id},
    )
    return next(c for c in uow.closings.of_book(book_id, year) if c.id == live.id)


def _months(book: Book, fy: FiscalYear) -> list[str]:
    """The months a close locks: every month with a day of the year on or after the entries
    start, but a last month that runs on into the next year (with a fiscal year starting
    04-06, April). Days of the year in such a month stay closed through `closed_through`."""
    first = max(fy.start, book.entries_start)
    last = (
        fy.end
        if (fy.end + timedelta(days=1)).day == 1
        else fy.end.replace(day=1) - timedelta(days=1)
    )
    months = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


# ---------------------------------------------------------------------------- continuity


def carried(closing: Closing, ledgers: Sequence[Ledger]) -> dict[str, int]:
    """The opening values a recorded close carries into the next year: balance-sheet ledgers
    keep their balance, the result moves into the retained-earnings ledger."""
    by_id = {ledger.id: ledger for ledger in ledgers}
    values = {
        lid: balance
        for lid, balance in closing.balances.items()
        if lid in by_id and by_id[lid].type.is_balance_sheet
    }
    values[closing.retained_earnings_id] = (
        values.get(closing.retained_earnings_id, 0) - closing.result
    )
    return values


def continuity(uow: UnitOfWork, book_id: str, year: int) -> Continuity:
    """Year `year`'s newest recorded close against year `year + 1`'s opening values now,
    ledger by ledger, with the entries posted after the close and dated on or before the
    year's end that touch each ledger (for the retained-earnings ledger: any revenue or
    expense ledger too)."""
    book = get_book(uow, book_id)
    fy, nxt = fiscal_year(book, year), fiscal_year(book, year + 1)
    closings = uow.closings.of_book(book_id, year)
    closing = closings[-1] if closings else None
    if closing is None:
        return Continuity(fy, nxt, None, [])
    fig = figures(uow, book, nxt)
    expected = carried(closing, fig.ledgers)
    now = {lid: value for lid, value in fig.opening.values.items() if value}
    by_id = {ledger.id: ledger for ledger in fig.ledgers}
    changed = sorted(
        lid for lid in set(expected) | set(now) if expected.get(lid, 0) != now.get(lid, 0)
    )
    if not changed:
        return Continuity(fy, nxt, closing, [])
    touched: dict[str, dict[str, tuple[str, int, date]]] = defaultdict(dict)
    for entry_id, number, day, ledger_id in uow.journal.posted_after(
        book_id, closing.journal_number, fy.end
    ):
        target = ledger_id
        if ledger_id in by_id and not by_id[ledger_id].type.is_balance_sheet:
            target = closing.retained_earnings_id
        touched[target][entry_id] = (entry_id, number, day)
        touched[ledger_id][entry_id] = (entry_id, number, day)
    differences = [
        Difference(
            by_id[lid],
            expected.get(lid, 0),
            now.get(lid, 0),
            sorted(touched[lid].values(), key=lambda item: item[1]),
        )
        for lid in changed
        if lid in by_id
    ]
    return Continuity(fy, nxt, closing, differences)
