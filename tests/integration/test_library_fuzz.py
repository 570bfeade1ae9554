"""Whatever a program hands `Folio.post_entry`, `Folio.post_entries`, the opening-balance
calls and every read, the answer is a booking (or an answer) or a `FolioError` naming what to
fix, never Python's own TypeError or AttributeError from deep inside (nor the driver's error
adapting a dict), and a refusal books nothing (both engines). `FOLIO_LIBRARY_FUZZ_EXAMPLES`
(default 150) hunts longer; at 1,500 it found lines given as text or None and a falsy non-text
party or item; the reads' test found ids and journal filters that are no text reaching the
drivers, and an opening-balance flag that is no bool. The reads are drawn one read at a time
(READ_EXAMPLES each): drawn together, a read was reached a few times a run, and a DATEV export
to an `out` that is no file (an AttributeError inside zipfile) went unseen at 1,500 examples."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from folio.domain.errors import FolioError
from folio.domain.ledgers import Side
from folio.domain.opening_balances import SetRow
from folio.domain.parties import PartyKind
from folio.service.exports import ExportFormat
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.open_items import ItemInput
from folio.service.parties import PartyCreate
from folio.service.reports import Compare, Interval
from tests.builders import make_book, make_ledgers

EXAMPLES = int(os.environ.get("FOLIO_LIBRARY_FUZZ_EXAMPLES", "150"))
READ_EXAMPLES = max(EXAMPLES // 4, 10)  # per read
READS = (
    "get_book", "ledger", "ledger_by_number", "ledgers", "balance", "entry", "entries",
    "periods", "opening_balance", "opening_balances", "years", "year_figures", "close_preview",
    "continuity", "verify", "trial_balance", "trial_balance_year", "balance_sheet",
    "income_statement", "aged_report", "party", "parties", "party_numbers", "party_items",
    "datev_export", "export", "export_beancount",
)  # fmt: skip
ANYTHING = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(),
    st.decimals(allow_nan=False, places=2, max_value=10**6, min_value=-(10**6)),
    st.text(max_size=6),
    st.binary(max_size=3),
    st.just(date(2025, 3, 1)),
    st.just(datetime(2025, 3, 1, 12)),
    st.lists(st.integers(), max_size=2),
    st.tuples(st.text(max_size=2)),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.just(Side.DEBIT),
    st.just(object()),
)


def _maybe(good: Any) -> st.SearchStrategy[Any]:
    """Mostly the right value, sometimes anything: each call exercises one or two wrong ones."""
    return st.one_of(st.just(good), st.just(good), st.just(good), ANYTHING)


@st.composite
def _commands(draw: st.DrawFn, bank: str, sales: str) -> Any:
    amount = draw(_maybe(100))
    lines = [
        LineInput(draw(_maybe(Side.DEBIT)), amount, draw(_maybe(bank)), draw(_maybe(None)),
                  draw(_maybe(None)), draw(_maybe(())), draw(_maybe(None)), draw(_maybe(None))),
        LineInput(draw(_maybe(Side.CREDIT)), draw(_maybe(100)), draw(_maybe(sales))),
    ]  # fmt: skip
    return EntryCreate(
        draw(_maybe(date(2025, 3, 1))),
        draw(st.one_of(st.just(lines), st.just(lines), st.just(tuple(lines)), ANYTHING)),
        draw(_maybe(None)),
        draw(_maybe(None)),
        draw(_maybe({})),
    )


def test_any_values_end_in_a_booking_or_a_folio_error(fo: Folio) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    booked = [0]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(command=_commands(bank, sales), atomic=st.booleans())
    def post(command: EntryCreate, atomic: bool) -> None:
        before = fo.balance(book.id, bank).debits
        try:
            fo.post_entry(book.id, command)
            booked[0] += 1
        except FolioError:
            assert fo.balance(book.id, bank).debits == before
        try:
            result = fo.post_entries(book.id, [command], atomic=atomic)
            booked[0] += result.succeeded
        except FolioError:
            pass
        assert len(fo.entries(book.id, limit=1000)) == booked[0]

    post()
    assert fo.verify(book.id).ok


def test_any_opening_balance_values_end_in_a_booking_or_a_folio_error(fo: Folio) -> None:
    book = make_book(fo, chart="skr04")
    bank, loan = (fo.ledger_by_number(book.id, n).id for n in ("1800", "3150"))

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        ledger=_maybe(bank),
        amount=_maybe(500),
        debit=_maybe(700),
        credit=_maybe(0),
        number=_maybe("0400"),  # another ledger: the set's rows must be able to pass
        day=_maybe(None),
    )
    def set_both_ways(
        ledger: Any, amount: Any, debit: Any, credit: Any, number: Any, day: Any
    ) -> None:
        try:
            fo.set_opening_balance(book.id, ledger, amount)
        except FolioError:
            pass
        try:
            fo.set_opening_balances(book.id, {ledger: amount} if isinstance(ledger, str) else [])
        except FolioError:
            pass
        rows = [SetRow(1, debit, credit, ledger_id=loan), SetRow(2, 0, 700, ledger_number=number)]
        try:
            result = fo.book_opening_balances(book.id, day, rows)
            fo.reverse_intent(book.id, result.intent_id)
        except FolioError:
            pass
        assert fo.verify(book.id).ok

    set_both_ways()


@pytest.mark.parametrize("name", READS)
def test_any_values_read_end_in_an_answer_or_a_folio_error(fo: Folio, name: str) -> None:
    """Each read of the library (books, ledgers, balances, entries, periods, opening balances,
    fiscal years, reports, aged items, parties and their items, the DATEV and text exports,
    verify) given random mixes of right and wrong values, READ_EXAMPLES times each (drawn for
    one read at a time: one drawing for all of them reached a read a few times a run)."""
    book = make_book(fo, chart="skr04")
    fo.update_book(book.id, datev_consultant_number=29098, datev_client_number=55003)
    bank = fo.ledger_by_number(book.id, "1800").id
    fo.set_opening_balance(book.id, bank, 500)
    entry = fo.entries(book.id)[0]
    customer = fo.create_party(book.id, PartyCreate(PartyKind.CUSTOMER, "Kunde"))
    item = ItemInput(1, customer.id, None, "RE-1", date(2024, 12, 1), None, 700)
    fo.add_open_items(book.id, [item])
    good = {"book": book.id, "ledger": bank, "entry": entry.id, "intent": entry.intent_id,
            "party": customer.id}  # fmt: skip

    @settings(max_examples=READ_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        book_id=_maybe(good["book"]),
        ledger=_maybe(good["ledger"]),
        other=_maybe(good["entry"]),
        day=_maybe(date(2025, 3, 1)),
        day_to=_maybe(None),
        number=_maybe("1800"),
        year=_maybe(2025),
        flag=_maybe(None),
        count=_maybe(50),
        empty=_maybe(False),
        compare=_maybe(Compare.PREVIOUS_YEAR),
        interval=_maybe(Interval.MONTH),
        kind=_maybe(PartyKind.CUSTOMER),
        party=_maybe(good["party"]),
        after=_maybe(None),
    )
    def read(
        book_id: Any, ledger: Any, other: Any, day: Any, day_to: Any, number: Any,
        year: Any, flag: Any, count: Any, empty: Any, compare: Any, interval: Any, kind: Any,
        party: Any, after: Any,
    ) -> None:  # fmt: skip
        calls: dict[str, Callable[[], object]] = {
            "get_book": lambda: fo.get_book(book_id),
            "ledger": lambda: fo.ledger(book_id, ledger),
            "ledger_by_number": lambda: fo.ledger_by_number(book_id, number),
            "ledgers": lambda: fo.ledgers(book_id),
            "balance": lambda: fo.balance(book_id, ledger, day),
            "entry": lambda: fo.entry(book_id, other),
            "entries": lambda: fo.entries(
                book_id,
                ledger_id=ledger,
                intent_id=flag,
                date_from=day,
                date_to=day_to,
                opening_balance=flag,
                after_number=flag,
                limit=count,
            ),  # fmt: skip
            "periods": lambda: fo.periods(book_id, through=day),
            "opening_balance": lambda: fo.opening_balance(book_id, ledger),
            "opening_balances": lambda: fo.opening_balances(book_id),
            "years": lambda: fo.years(book_id),
            "year_figures": lambda: fo.year_figures(book_id, year),
            "close_preview": lambda: fo.close_preview(book_id, year),
            "continuity": lambda: fo.continuity(book_id, year),
            "verify": lambda: fo.verify(book_id),
            "trial_balance": lambda: fo.trial_balance(
                book_id, date_from=day, date_to=day_to, include_empty=empty
            ),
            "trial_balance_year": lambda: fo.trial_balance(book_id, year=year),
            "balance_sheet": lambda: fo.balance_sheet(
                book_id, as_of=day, compare=compare, include_empty=empty
            ),
            "income_statement": lambda: fo.income_statement(
                book_id, date_from=day, date_to=day_to, interval=interval, compare=compare
            ),  # fmt: skip
            "aged_report": lambda: fo.aged_report(book_id, kind, day),
            "party": lambda: fo.party(book_id, party),
            "parties": lambda: fo.parties(
                book_id, kind=kind, text=number, after=after, limit=count
            ),
            "party_numbers": lambda: fo.party_numbers(book_id),
            "party_items": lambda: fo.party_items(book_id, party, as_of=day, include_settled=empty),
            "datev_export": lambda: fo.datev_export(
                book_id, year, io.BytesIO() if flag is None else flag
            ),
            "export": lambda: fo.export(book_id, kind, io.StringIO()),
            "export_beancount": lambda: fo.export(book_id, ExportFormat.BEANCOUNT, io.StringIO()),
        }
        # A read added here and not to READS would never be drawn.
        assert calls.keys() == set(READS)
        try:
            calls[name]()
        except FolioError:
            pass

    read()
    assert fo.verify(book.id).ok
