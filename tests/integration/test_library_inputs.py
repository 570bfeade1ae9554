"""What a program hands the library is checked as the API's schema checks a body, on both
engines: each value of the wrong kind is refused naming its field, and nothing is booked.

Amounts are ints of minor units: before, `1.5` was booked as it was (SQLite stored the REAL 1.5
and the ledger's totals became fractional), `True` was booked as 1 and broke `verify`, and a
Decimal or text ended in a TypeError from the hash or a comparison. Likewise a datetime or text
as an entry's date, a number as a description, tags written as one string (booked as one tag
per letter), metadata that is no JSON (NaN was booked; a date or Decimal ended in a
TypeError)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal

import pytest

from folio.domain.errors import (
    BatchRejected,
    InvalidAmount,
    InvalidBalanceEntry,
    InvalidInput,
    OpenItemProblems,
)
from folio.domain.ledgers import LedgerType, Side
from folio.domain.opening_balances import SetRow
from folio.domain.parties import PartyKind
from folio.domain.periods import PeriodStatus
from folio.service import open_items, parties
from folio.service.books import BookCreate, list_books
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerCreate
from folio.service.runner import SYSTEM
from tests.builders import START, make_book, make_ledgers

NOT_INTS = [1.5, True, Decimal("1.50"), "150"]


def _entry(bank: str, sales: str, debit: object, credit: object) -> EntryCreate:
    lines = [
        LineInput(Side.DEBIT, debit, ledger_id=bank),  # type: ignore[arg-type]
        LineInput(Side.CREDIT, credit, ledger_id=sales),  # type: ignore[arg-type]
    ]
    return EntryCreate(date(2025, 3, 1), lines)


def _message(field: str, value: object) -> str:
    return (
        f"{field} must be an int of minor units (1050 for 10.50), not {value!r} "
        f"({type(value).__name__}); read written amounts with folio.domain.money.parse_minor."
    )


@pytest.mark.parametrize("value", NOT_INTS, ids=lambda v: type(v).__name__)
def test_every_library_call_taking_an_amount_refuses_what_is_no_int(
    fo: Folio, value: object
) -> None:
    book = make_book(fo, chart="skr04")  # with a customers' control ledger for the open item
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1800", "4000"))
    refusals: dict[str, Callable[[], object]] = {
        "lines[1].amount": lambda: fo.post_entry(book.id, _entry(bank, sales, 150, value)),
        "amount": lambda: fo.set_opening_balance(book.id, bank, value),  # type: ignore[arg-type]
    }
    for field, call in refusals.items():
        with pytest.raises(InvalidAmount) as info:
            call()
        assert info.value.data == {"field": field, "value": repr(value)}
        assert info.value.message == _message(field, value)
    with pytest.raises(BatchRejected) as batch:
        fo.post_entries(book.id, [_entry(bank, sales, 150, 150), _entry(bank, sales, value, 150)])
    [problem] = batch.value.data["errors"]
    assert (problem["index"], problem["code"], problem["field"]) == (
        1, "INVALID_AMOUNT", "entries[1].lines[0].amount",
    )  # fmt: skip
    [outcome] = fo.set_opening_balances(book.id, {bank: value})  # type: ignore[dict-item]
    assert isinstance(outcome, InvalidAmount) and outcome.data["field"] == "amount"
    rows = [SetRow(1, 150, 0, ledger_number="1800"), SetRow(2, 0, value, ledger_number="4000")]  # type: ignore[arg-type]
    with pytest.raises(InvalidBalanceEntry) as opening:
        fo.book_opening_balances(book.id, None, rows)
    [row] = opening.value.data["rows"]
    assert (row["row"], row["message"]) == (2, "row 2: " + _message("credit", value))
    customer = fo.write(
        lambda uow: parties.create_party(
            uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, "Kunde"), SYSTEM
        )
    )
    item = open_items.ItemInput(1, customer.id, None, "RE-1", START, None, value, path="items[0]")  # type: ignore[arg-type]
    with pytest.raises(OpenItemProblems) as itemized:
        fo.write(lambda uow: open_items.add_open_items(uow, book.id, [item], SYSTEM))
    [bad] = itemized.value.data["rows"]
    assert (bad["path"], bad["message"]) == (
        "items[0].amount",
        "row 1 (items[0]): " + _message("amount", value),
    )
    assert fo.entries(book.id, limit=10) == []
    assert (fo.balance(book.id, bank).debits, fo.balance(book.id, sales).credits) == (0, 0)
    assert fo.verify(book.id).ok


def test_a_side_that_is_no_side_is_named(fo: Folio) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    lines = [LineInput("debit", 100, bank), LineInput(Side.CREDIT, 100, sales)]  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as info:
        fo.post_entry(book.id, EntryCreate(date(2025, 3, 1), lines))
    assert (
        info.value.message == "lines[0].side must be one of Side.DEBIT, Side.CREDIT, not 'debit'."
    )
    assert info.value.data == {"field": "lines[0].side", "value": "'debit'"}
    assert fo.entries(book.id, limit=10) == []
    assert fo.post_entry(book.id, _entry(bank, sales, 100, 100)).journal_number == 1


@pytest.mark.parametrize(
    ("fields", "line", "field", "message"),
    [
        ({"date": datetime(2025, 3, 1, 12)}, {}, "date",
         "date must be a datetime.date, not datetime.datetime(2025, 3, 1, 12, 0) (datetime)."),
        ({"date": "2025-03-01"}, {}, "date",
         "date must be a datetime.date, not '2025-03-01' (str)."),
        ({"description": 5}, {}, "description", "description must be text (str), not 5 (int)."),
        ({"external_reference": 5}, {}, "external_reference",
         "external_reference must be text (str), not 5 (int)."),
        ({}, {"description": 5}, "lines[1].description",
         "lines[1].description must be text (str), not 5 (int)."),
        ({}, {"tags": "abc"}, "lines[1].tags",
         "lines[1].tags must be a tuple of texts, not 'abc'."),
        ({}, {"tags": (1, 2)}, "lines[1].tags",
         "lines[1].tags must be a tuple of texts, not (1, 2)."),
        ({"metadata": [1]}, {}, "metadata", "metadata must be a dict, not list."),
        ({"metadata": {1: "x"}}, {}, "metadata", "metadata has the key 1; metadata keys are text."),
        ({"metadata": {"a": [{"d": date(2025, 1, 1)}]}}, {}, "metadata.a[0].d",
         "metadata.a[0].d is datetime.date(2025, 1, 1), which is no JSON value (date)."),
        ({"metadata": {"d": Decimal("1.5")}}, {}, "metadata.d",
         "metadata.d is Decimal('1.5'), which is no JSON value (Decimal)."),
        ({"metadata": {"d": float("nan")}}, {}, "metadata.d",
         "metadata.d is nan; JSON numbers are finite."),
    ],
)  # fmt: skip
def test_an_entry_with_a_value_of_the_wrong_kind_is_refused_by_its_field(
    fo: Folio, fields: dict[str, object], line: dict[str, object], field: str, message: str
) -> None:
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    lines = [LineInput(Side.DEBIT, 100, bank), LineInput(Side.CREDIT, 100, sales, **line)]  # type: ignore[arg-type]
    command = EntryCreate(**({"date": date(2025, 3, 1), "lines": lines} | fields))  # type: ignore[arg-type]
    with pytest.raises(InvalidInput) as info:
        fo.post_entry(book.id, command)
    assert (info.value.message, info.value.data["field"]) == (message, field)
    good = _entry(bank, sales, 100, 100)
    with pytest.raises(BatchRejected) as batch:
        fo.post_entries(book.id, [good, command])
    [problem] = batch.value.data["errors"]
    assert (problem["index"], problem["field"]) == (1, f"entries[1].{field}")
    result = fo.post_entries(book.id, [good, command], atomic=False)
    assert (result.succeeded, result.failed) == (1, 1)
    assert [e.journal_number for e in fo.entries(book.id, limit=10)] == [1]
    assert fo.balance(book.id, bank).debits == 100
    assert fo.verify(book.id).ok


def test_books_ledgers_and_years_refuse_values_of_the_wrong_kind(fo: Folio) -> None:
    """Before: a ledger's type or normal balance given as text ended in an AttributeError, a
    year as text in a TypeError, and a number as a book's name read "must not be empty"."""
    book = make_book(fo)
    calls: dict[tuple[str, str], Callable[[], object]] = {
        ("name", "name must be text (str), not 5 (int)."): lambda: fo.create_book(
            BookCreate(name=5, currency="EUR", entries_start=START)  # type: ignore[arg-type]
        ),
        (
            "type",
            "type must be one of LedgerType.ASSET, LedgerType.LIABILITY, LedgerType.EQUITY, "
            "LedgerType.REVENUE, LedgerType.EXPENSE, not 'asset'.",
        ): lambda: fo.create_ledger(
            book.id,
            LedgerCreate(name="Bank", type="asset", number="1200"),  # type: ignore[arg-type]
        ),
        (
            "normal_balance",
            "normal_balance must be one of Side.DEBIT, Side.CREDIT, not 'debit'.",
        ): lambda: fo.create_ledger(
            book.id,
            LedgerCreate(
                name="Bank",
                type=LedgerType.ASSET,
                number="1200",
                normal_balance="debit",  # type: ignore[arg-type]
            ),
        ),
        ("year", "year must be an int such as 2025, not '2025' (str)."): lambda: fo.close_year(
            book.id,
            "2025",  # type: ignore[arg-type]
        ),
    }
    before = (fo.ledgers(book.id), len(fo.read(list_books)), fo.years(book.id))
    for (field, message), call in calls.items():
        with pytest.raises(InvalidInput) as info:
            call()
        assert (info.value.data["field"], info.value.message) == (field, message)
    assert (fo.ledgers(book.id), len(fo.read(list_books)), fo.years(book.id)) == before


def test_reversals_periods_parties_items_and_balances_refuse_values_of_the_wrong_kind(
    fo: Folio,
) -> None:
    """Before: a reversal's mode as text ("original_period") was read as the current period, a
    period's action or a party's kind as text ended in an AttributeError, and dates as text in
    TypeErrors (an open item's, a reversal's, a balance's as-of)."""
    book = make_book(fo, chart="skr04")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1800", "4000"))
    entry = fo.post_entry(book.id, _entry(bank, sales, 100, 100))
    customer = fo.write(
        lambda uow: parties.create_party(
            uow, book.id, parties.PartyCreate(PartyKind.CUSTOMER, "Kunde"), SYSTEM
        )
    )

    def item(**fields: object) -> Callable[[], object]:
        values = {"document_date": START, "due_date": None} | fields
        made = open_items.ItemInput(
            1,
            customer.id,
            None,
            "RE-1",
            values["document_date"],
            values["due_date"],
            100,  # type: ignore[arg-type]
        )
        return lambda: fo.write(lambda uow: open_items.add_open_items(uow, book.id, [made], SYSTEM))

    calls: dict[tuple[str, str], Callable[[], object]] = {
        (
            "posting_mode",
            "posting_mode must be one of PostingMode.CURRENT_PERIOD, PostingMode.ORIGINAL_PERIOD, "
            "not 'original_period'.",
        ): lambda: fo.reverse_entry(book.id, entry.id, mode="original_period"),  # type: ignore[arg-type]
        ("date", "date must be a datetime.date, not '2025-04-01' (str)."): lambda: fo.reverse_entry(
            book.id, entry.id, on="2025-04-01"
        ),  # type: ignore[arg-type]
        (
            "action",
            "action must be one of PeriodAction.SOFT_LOCK, PeriodAction.REOPEN, "
            "PeriodAction.LOCK, not 'lock'.",
        ): lambda: fo.change_period(book.id, "2025-05", "lock"),  # type: ignore[arg-type]
        (
            "kind",
            "kind must be one of PartyKind.CUSTOMER, PartyKind.SUPPLIER, not 'customer'.",
        ): lambda: fo.write(
            lambda uow: parties.create_party(
                uow,
                book.id,
                parties.PartyCreate("customer", "K"),
                SYSTEM,  # type: ignore[arg-type]
            )
        ),
        ("as_of", "as_of must be a datetime.date, not '2025-03-01' (str)."): lambda: fo.balance(
            book.id,
            bank,
            "2025-03-01",  # type: ignore[arg-type]
        ),
    }
    for (field, message), call in calls.items():
        with pytest.raises(InvalidInput) as info:
            call()
        assert (info.value.data["field"], info.value.message) == (field, message)
    for fields, message in (
        ({"document_date": "2024-12-01"}, "date must be a datetime.date, not '2024-12-01' (str)"),
        ({"due_date": datetime(2025, 2, 1)}, "due_date must be a datetime.date, not "
         "datetime.datetime(2025, 2, 1, 0, 0) (datetime)"),
    ):  # fmt: skip
        with pytest.raises(OpenItemProblems) as problems:
            item(**fields)()
        [row] = problems.value.data["rows"]
        assert row["message"] == f"row 1: {message}."
    assert [e.journal_number for e in fo.entries(book.id, limit=10)] == [1]
    assert fo.entry(book.id, entry.id).reversed_by_id is None
    assert [p.number for p in fo.read(lambda uow: parties.list_parties(uow, book.id))] == [
        customer.number
    ]
    assert {period.status for period in fo.periods(book.id)} == {PeriodStatus.OPEN}
    assert fo.verify(book.id).ok


def test_a_wrong_kind_is_refused_whatever_the_book_holds(fo: Folio) -> None:
    """Found by the opening-balance state machine's library rule: a reversal's mode as text was
    named only once the intent had been found unreversed (else ALREADY_REVERSED or NOT_FOUND),
    and a set's date as text, once every row passed, ended in an AttributeError writing the
    refusal (`'str' object has no attribute 'isoformat'`)."""
    book = make_book(fo, chart="skr04")
    bank, loan, sales = (fo.ledger_by_number(book.id, n).id for n in ("1800", "3150", "4000"))
    entry = fo.post_entry(book.id, _entry(bank, sales, 100, 100))
    reversed_intent = fo.reverse_intent(book.id, entry.intent_id)
    mode = (
        "posting_mode must be one of PostingMode.CURRENT_PERIOD, PostingMode.ORIGINAL_PERIOD, "
        "not 'original_period'."
    )
    for intent in (entry.intent_id, "int_missing", reversed_intent.reversal_intent_id):
        with pytest.raises(InvalidInput) as info:
            fo.reverse_intent(book.id, intent, mode="original_period")  # type: ignore[arg-type]
        assert (info.value.data["field"], info.value.message) == ("posting_mode", mode)
    with pytest.raises(InvalidInput) as info:
        fo.reverse_entry(book.id, entry.id, on="2025-06-01")  # type: ignore[arg-type]
    assert info.value.message == "date must be a datetime.date, not '2025-06-01' (str)."
    rows = [SetRow(1, 700, 0, ledger_id=bank), SetRow(2, 0, 700, ledger_id=loan)]
    for day in ("2025-01-01", True):
        with pytest.raises(InvalidInput) as info:
            fo.book_opening_balances(book.id, day, rows)  # type: ignore[arg-type]
        assert info.value.data["field"] == "date"
        assert (
            info.value.message
            == f"date must be a datetime.date, not {day!r} ({type(day).__name__})."
        )
    assert [e.journal_number for e in fo.entries(book.id)] == [1, 2]
    assert fo.opening_balances(book.id).sets == []
    assert fo.verify(book.id).ok


def test_references_that_are_no_text_are_named(fo: Folio) -> None:
    """A ledger, party or account named by a number instead of its text: before, a TypeError
    from sorting the ids on both engines, or PostgreSQL's own error comparing a text column
    with an integer."""
    book = make_book(fo, chart="skr04")
    sales = fo.ledger_by_number(book.id, "4000").id
    credit = LineInput(Side.CREDIT, 100, sales)
    for line, field in (
        (LineInput(Side.DEBIT, 100, ledger_number=1800), "ledger_number"),  # type: ignore[arg-type]
        (LineInput(Side.DEBIT, 100, ledger_id=5), "ledger_id"),  # type: ignore[arg-type]
        (LineInput(Side.DEBIT, 100, ledger_number="1800", party_id=5), "party_id"),  # type: ignore[arg-type]
    ):
        command = EntryCreate(date(2025, 3, 1), [line, credit])
        with pytest.raises(InvalidInput) as info:
            fo.post_entry(book.id, command)
        assert info.value.data["field"] == f"lines[0].{field}"
        with pytest.raises(BatchRejected) as batch:
            fo.post_entries(book.id, [command])
        assert batch.value.data["errors"][0]["field"] == f"entries[0].lines[0].{field}"
    rows = [SetRow(1, 100, 0, ledger_number=1800), SetRow(2, 0, 100, ledger_number="2000")]  # type: ignore[arg-type]
    with pytest.raises(InvalidBalanceEntry) as opening:
        fo.book_opening_balances(book.id, None, rows)
    assert [row["message"] for row in opening.value.data["rows"]] == [
        "row 1: ledger_number must be text (str), not 1800 (int)."
    ]
    with pytest.raises(InvalidInput) as by_number:
        fo.ledger_by_number(book.id, 1800)  # type: ignore[arg-type]
    assert by_number.value.message == "number must be text (str), not 1800 (int)."
    assert fo.entries(book.id, limit=10) == [] and fo.verify(book.id).ok


def test_the_journals_filters_refuse_values_of_the_wrong_kind(fo: Folio) -> None:
    """Before: a date given as text was compared as text on SQLite and refused by PostgreSQL's
    own error, a limit of -1 read every entry on SQLite, and an id or a filter that is no text
    (or an opening-balance flag that is no bool) ended in the drivers' binding errors."""
    book = make_book(fo)
    make_ledgers(fo, book, "1000 asset Bank; 4000 revenue Sales")
    bank, sales = (fo.ledger_by_number(book.id, n).id for n in ("1000", "4000"))
    fo.post_entries(book.id, [_entry(bank, sales, 100, 100) for _ in range(3)])
    for filters, field, message in (
        ({"date_from": "2025-01-01"}, "date_from",
         "date_from must be a datetime.date, not '2025-01-01' (str)."),
        ({"date_to": datetime(2025, 5, 1)}, "date_to",
         "date_to must be a datetime.date, not datetime.datetime(2025, 5, 1, 0, 0) (datetime)."),
        ({"limit": -1}, "limit", "limit must be an int of at least 1, not -1."),
        ({"limit": 2.5}, "limit", "limit must be an int of at least 1, not 2.5."),
        ({"after_number": "1"}, "after_number",
         "after_number must be an int (a journal number), not '1'."),
        ({"ledger_id": ["le_1"]}, "ledger_id",
         "ledger_id must be text (str), not ['le_1'] (list)."),
        ({"intent_id": 7}, "intent_id", "intent_id must be text (str), not 7 (int)."),
        ({"opening_balance": "yes"}, "opening_balance",
         "opening_balance must be True, False or None, not 'yes'."),
    ):  # fmt: skip
        with pytest.raises(InvalidInput) as info:
            fo.entries(book.id, **filters)  # type: ignore[arg-type]
        assert (info.value.data["field"], info.value.message) == (field, message)
    entry = fo.entries(book.id)[0]
    for read, field in (
        (lambda: fo.entry(book.id, 1), "entry_id"),  # before: NotFound, or PostgreSQL's own error
        (lambda: fo.entry({"id": 1}, entry.id), "book_id"),  # before: the drivers' binding error
        (lambda: fo.ledger([book.id], bank), "book_id"),
    ):
        with pytest.raises(InvalidInput) as info:
            read()
        assert info.value.data["field"] == field, info.value.message
    assert [e.journal_number for e in fo.entries(book.id, limit=2)] == [1, 2]
    assert [e.journal_number for e in fo.entries(book.id, after_number=1)] == [2, 3]
