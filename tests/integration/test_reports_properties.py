"""Report identities for random books, on both engines.

Each example books random entries (some of them opening-balance entries) over about two
years, then checks the trial balance, balance sheet, income statement and ledger statement
at random dates against sums recomputed straight from `journal_lines`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from folio.domain.fiscal_years import year_of
from folio.domain.journal import EntryDraft, EntryKind, LineDraft
from folio.domain.ledgers import Ledger, LedgerType, Side, signed_balance
from folio.service import reports
from folio.service.facade import Folio
from folio.service.ledgers import LedgerCreate
from folio.service.posting import write_entries
from folio.service.runner import SYSTEM
from folio.store.tables import journal_lines
from tests.builders import START, make_book, make_ledgers

SPEC = (
    "1000 asset Bank; 1200 asset Receivables; 3000 liability Loans; 3300 liability Payables; "
    "2000 equity Capital; 9000 equity Opening balances; 4000 revenue Sales; "
    "4900 revenue Other income; 6000 expense Wages; 6800 expense Rent"
)
NUMBERS = ["1000", "1200", "1250", "3000", "3300", "2000", "4000", "4900", "6000", "6800"]
DAYS = 800

line = st.tuples(st.sampled_from(NUMBERS), st.integers(1, 10**8))
entry = st.tuples(
    st.integers(0, DAYS),  # date offset from START
    st.lists(line, min_size=1, max_size=3),  # debit lines
    st.sampled_from(NUMBERS),  # the credit ledger
    st.booleans(),  # opening-balance entry
)
books = st.tuples(
    st.sampled_from(["01-01", "07-01", "04-06"]), st.lists(entry, min_size=0, max_size=12)
)
when = st.integers(-10, DAYS + 10)


def build(fo: Folio, fiscal_year_start: str, entries: list) -> tuple[str, dict[str, Ledger]]:  # type: ignore[type-arg]
    book = make_book(fo, fiscal_year_start=fiscal_year_start)
    ledgers = make_ledgers(fo, book, SPEC)
    # A contra asset: credit-normal, shown under assets with a negative amount.
    ledgers["1250"] = fo.create_ledger(
        book.id,
        LedgerCreate(
            name="Allowance", type=LedgerType.ASSET, number="1250", normal_balance=Side.CREDIT
        ),
    )
    drafts = []
    for offset, debits, credit, is_ob in entries:
        lines = [LineDraft(ledgers[n].id, Side.DEBIT, amount) for n, amount in debits]
        lines.append(LineDraft(ledgers[credit].id, Side.CREDIT, sum(a for _, a in debits)))
        drafts.append(
            EntryDraft(
                START + timedelta(days=offset),
                tuple(lines),
                kind=EntryKind.OPENING_BALANCE if is_ob else EntryKind.MANUAL,
                is_opening_balance=is_ob,
            )
        )
    if drafts:
        fo.write(lambda uow: write_entries(uow, book.id, drafts, actor=SYSTEM))
    return book.id, ledgers


Sums = dict[tuple[str, bool], list[int]]


def line_sums(engine: Engine, book_id: str, lo: date | None, hi: date) -> Sums:
    """(ledger_id, is_opening_balance) → [debits, credits] of the lines dated in [lo, hi]."""
    sums: Sums = defaultdict(lambda: [0, 0])
    query = select(
        journal_lines.c.ledger_id,
        journal_lines.c.side,
        journal_lines.c.amount,
        journal_lines.c.is_opening_balance,
    ).where(journal_lines.c.book_id == book_id, journal_lines.c.date <= hi)
    if lo is not None:
        query = query.where(journal_lines.c.date >= lo)
    with engine.connect() as conn:
        for row in conn.execute(query):
            sums[(row.ledger_id, bool(row.is_opening_balance))][row.side != "debit"] += row.amount
    return sums


def both(sums: Sums, ledger_id: str) -> tuple[int, int]:
    ob, other = sums[(ledger_id, True)], sums[(ledger_id, False)]
    return ob[0] + other[0], ob[1] + other[1]


@settings(max_examples=20)
@given(book=books, start=when, length=st.integers(0, 500), as_of=when)
def test_trial_balance_and_balance_sheet_identities(
    engine: Engine, book, start: int, length: int, as_of: int
) -> None:
    fo = Folio(engine, migrate=False)
    book_id, ledgers = build(fo, *book)
    made = fo.get_book(book_id)
    date_from = START + timedelta(days=start)
    fy = year_of(made, date_from)
    date_to = min(date_from + timedelta(days=length), fy.end)  # one fiscal year

    tb = fo.read(
        lambda uow: reports.trial_balance(uow, book_id, date_from=date_from, date_to=date_to)
    )
    earlier = line_sums(engine, book_id, None, fy.start - timedelta(days=1))
    year_to_date = line_sums(engine, book_id, fy.start, date_to)
    carried = line_sums(engine, book_id, fy.start, date_from - timedelta(days=1))
    in_range = line_sums(engine, book_id, date_from, date_to)
    retained = fo.ledger_by_number(book_id, "3800").id  # the empty chart's Retained Earnings

    def net(sums: Sums, key: tuple[str, bool]) -> int:
        return sums[key][0] - sums[key][1]

    # The opening value (debit − credit), recomputed from the lines: balance-sheet ledgers
    # carry their balance, revenue and expense their opening balances of this year only, and
    # the retained-earnings ledger every earlier year's result.
    all_ledgers = {lg.id: lg for lg in fo.ledgers(book_id)}
    expected = {}
    for lid, ledger in all_ledgers.items():
        value = net(year_to_date, (lid, True))
        if ledger.type.is_balance_sheet:
            value += net(earlier, (lid, True)) + net(earlier, (lid, False))
        expected[lid] = value
    expected[retained] += sum(
        net(earlier, (lid, True)) + net(earlier, (lid, False))
        for lid, ledger in all_ledgers.items()
        if not ledger.type.is_balance_sheet
    )
    assert tb.totals.balanced and tb.fiscal_year == fy.year
    assert tb.totals.debit == sum(row.debit for row in tb.rows)
    moved = {
        lid for lid in all_ledgers
        if expected[lid] or net(carried, (lid, False)) or in_range[(lid, False)] != [0, 0]
    }  # fmt: skip
    assert {row.ledger_id for row in tb.rows} == moved
    for row in tb.rows:
        normal = row.normal_balance
        assert row.opening_balance == signed_balance(normal, max(expected[row.ledger_id], 0),
                                                     max(-expected[row.ledger_id], 0))  # fmt: skip
        assert row.carried_forward == signed_balance(normal, *carried[(row.ledger_id, False)])
        assert [row.debit, row.credit] == in_range[(row.ledger_id, False)]
        assert row.closing == row.opening_balance + row.carried_forward + signed_balance(
            normal, row.debit, row.credit
        )
        assert row.closing_debit - row.closing_credit == row.opening_debit - row.opening_credit + (
            row.carried_forward_debit - row.carried_forward_credit + row.debit - row.credit
        )

    everything = fo.read(
        lambda uow: reports.trial_balance(
            uow, book_id, date_from=date_from, date_to=date_to, include_empty=True
        )
    )
    assert len(everything.rows) == len(fo.ledgers(book_id))
    assert everything.totals == tb.totals

    day = START + timedelta(days=as_of)
    bs = fo.read(lambda uow: reports.balance_sheet(uow, book_id, as_of=day))
    assert bs.balanced, bs
    sums = line_sums(engine, book_id, None, day)
    raw = {lg.id: both(sums, lg.id) for lg in ledgers.values()}
    assets = sum(d - c for lid, (d, c) in raw.items() if ledger_type(ledgers, lid) == "asset")
    profit = sum(c - d for lid, (d, c) in raw.items() if ledger_type(ledgers, lid) in PL)
    assert bs.assets.total == assets
    assert bs.current_year_earnings + bs.retained_earnings == profit
    fy = bs.fiscal_year_begin
    assert fy <= day < reports.add_months(fy, 12)
    earlier = line_sums(engine, book_id, None, fy - timedelta(days=1))
    assert bs.retained_earnings == sum(
        both(earlier, lg.id)[1] - both(earlier, lg.id)[0]
        for lg in ledgers.values()
        if lg.type.value in PL
    )
    holder = fo.ledger_by_number(book_id, "3800")
    shown = {row.ledger_id: row.amount for g in bs.equity.groups for row in g.rows}
    assert shown.get(holder.id, 0) == both(sums, holder.id)[1] - both(sums, holder.id)[0] + (
        bs.retained_earnings
    )  # the retained-earnings ledger shows every earlier year's result
    for section in bs.sections:
        assert section.total == sum(group.total for group in section.groups)
        for group in section.groups:
            assert group.total == sum(row.amount for row in group.rows)


PL = ("revenue", "expense")


def ledger_type(ledgers: dict[str, Ledger], ledger_id: str) -> str:
    return next(lg.type.value for lg in ledgers.values() if lg.id == ledger_id)


def ledgers_with_lines(sums: Sums) -> set[str]:
    return {lid for (lid, _), (d, c) in sums.items() if d or c}


@settings(max_examples=15)
@given(
    book=books,
    start=when,
    length=st.integers(0, 700),
    interval=st.sampled_from([None, *reports.Interval]),
)
def test_income_statement_columns_add_up(
    engine: Engine, book, start: int, length: int, interval: reports.Interval | None
) -> None:
    fo = Folio(engine, migrate=False)
    book_id, ledgers = build(fo, *book)
    date_from = START + timedelta(days=start)
    date_to = date_from + timedelta(days=length)
    report = fo.read(
        lambda uow: reports.income_statement(
            uow, book_id, date_from=date_from, date_to=date_to, interval=interval
        )
    )
    columns = report.columns
    assert columns[0].date_from == date_from and columns[-1].date_to == date_to
    for left, right in zip(columns, columns[1:], strict=False):
        assert right.date_from == left.date_to + timedelta(days=1)
    assert len({column.label for column in columns}) == len(columns)
    sums = line_sums(engine, book_id, date_from, date_to)
    revenue = sum(
        both(sums, lg.id)[1] - both(sums, lg.id)[0]
        for lg in ledgers.values()
        if lg.type is LedgerType.REVENUE
    )
    expense = sum(
        both(sums, lg.id)[0] - both(sums, lg.id)[1]
        for lg in ledgers.values()
        if lg.type is LedgerType.EXPENSE
    )
    assert (report.revenue.total, report.expense.total) == (revenue, expense)
    assert report.net_income_total == revenue - expense == sum(report.net_income)
    for section in (report.revenue, report.expense):
        for row in section.rows:
            assert row.total == sum(row.amounts)
            assert len(row.amounts) == len(columns)


@settings(max_examples=10)
@given(
    book=books,
    number=st.sampled_from(NUMBERS),
    start=when,
    length=st.integers(0, 700),
    limit=st.integers(1, 4),
)
def test_ledger_statement_pages_chain(
    engine: Engine, book, number: str, start: int, length: int, limit: int
) -> None:
    fo = Folio(engine, migrate=False)
    book_id, ledgers = build(fo, *book)
    ledger = ledgers[number]
    date_from = START + timedelta(days=start)
    date_to = date_from + timedelta(days=length)

    def page(cursor: str | None, size: int) -> reports.LedgerStatement:
        return fo.read(
            lambda uow: reports.ledger_statement(
                uow,
                book_id,
                ledger.id,
                date_from=date_from,
                date_to=date_to,
                cursor=cursor,
                limit=size,
            )
        )

    whole = page(None, 1000)
    assert whole.next_cursor is None
    balance = whole.opening_balance
    for item in whole.lines:
        balance += signed_balance(ledger.normal_balance, item.debit, item.credit)
        assert item.balance == balance
    assert balance == whole.closing_balance
    before = line_sums(engine, book_id, None, date_from - timedelta(days=1))
    assert whole.opening_balance == signed_balance(ledger.normal_balance, *both(before, ledger.id))

    seen: list[reports.StatementLine] = []
    cursor: str | None = None
    while True:
        part = page(cursor, limit)
        assert part.page_opening == (seen[-1].balance if seen else whole.opening_balance)
        seen.extend(part.lines)
        cursor = part.next_cursor
        if cursor is None:
            break
    assert seen == list(whole.lines)
