"""A batch's entries read before the write (`journal_batches.drafted`, as the API's route does)
book exactly what the same entries read in the write book: the same entries, the same
refusals with the same codes, fields and messages, the same totals. On both engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from folio.domain.errors import BatchRejected, FolioError
from folio.domain.journal import EntryDraft
from folio.domain.ledgers import Side
from folio.service import journal_batches
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.ledgers import LedgerUpdate
from folio.service.runner import SYSTEM
from tests.builders import START, make_book, make_ledgers

LEDGERS = "1000 asset Bank; 1200 asset Receivables; 3000 liability Loans; 4000 revenue Sales"
UNKNOWN_ID = "ldg_1111111111111111111111"

# How a line names its ledger: by id or by number, of a ledger that exists.
REFERENCES = ["id 1000", "id 1200", "id 4000", "number 1000", "number 4000"]
DAYS = [START, date(2025, 1, 31), date(2025, 3, 15)]
# What may be wrong with an entry (None: nothing); each is refused, either while the entry is
# read (before the write for an entry naming its ledgers by id) or in the write.
FAULTS = [None, None, None, None, "unbalanced", "unknown id", "unknown number", "archived",
          "before the entries start", "a day out of range", "a text for a day",
          "a datetime for a day", "a long description", "no lines"]  # fmt: skip


@dataclass(frozen=True)
class Spec:
    """An entry in terms of ledger numbers, made into each book's own command."""

    day: object  # a date, or what a library caller wrongly sends
    lines: tuple[tuple[str, Side, int], ...]
    description: str | None
    metadata: dict[str, Any]
    reference: str | None = None
    note: str | None = None  # every line's description
    tags: tuple[str, ...] = ()  # every line's tags


def _command(spec: Spec, ids: dict[str, str]) -> EntryCreate:
    lines = []
    for reference, side, amount in spec.lines:
        kind, number = reference.split()
        if kind == "id":
            ledger = {"ledger_id": ids.get(number, UNKNOWN_ID)}
        else:
            ledger = {"ledger_number": number}
        lines.append(LineInput(side, amount, **ledger, description=spec.note, tags=spec.tags))
    return EntryCreate(spec.day, lines, spec.description, spec.reference, dict(spec.metadata))  # type: ignore[arg-type]


@st.composite
def _spec(draw: st.DrawFn) -> Spec:
    amount = draw(st.integers(1, 10**9))
    debit, credit = draw(st.sampled_from(REFERENCES)), draw(st.sampled_from(REFERENCES))
    lines = [(debit, Side.DEBIT, amount), (credit, Side.CREDIT, amount)]
    day: object = draw(st.sampled_from(DAYS))
    description = draw(st.sampled_from([None, "rent", "Miete für März"]))
    metadata = draw(st.sampled_from([{}, {"invoice": "R-1"}]))
    fault = draw(st.sampled_from(FAULTS))
    kind = debit.split()[0]  # the fault names its ledger as the entry's first line does
    if fault == "unbalanced":
        lines[1] = (credit, Side.CREDIT, amount + 1)
    elif fault == "unknown id":
        lines[0] = ("id 9999", Side.DEBIT, amount)
    elif fault == "unknown number":
        lines[0] = ("number 9999", Side.DEBIT, amount)
    elif fault == "archived":
        lines[0] = (f"{kind} 3000", Side.DEBIT, amount)
    elif fault == "before the entries start":
        day = date(2024, 12, 31)
    elif fault == "a day out of range":
        day = date(1800, 1, 1)
    elif fault == "a text for a day":
        day = "2025-01-10"
    elif fault == "a datetime for a day":
        day = datetime(2025, 1, 10, 12, 0)
    elif fault == "a long description":
        description = "x" * 600
    elif fault == "no lines":
        lines = []
    reference = draw(st.sampled_from([None, "R-2025-17"]))
    note, tags = draw(st.sampled_from([(None, ()), ("Miete", ("q1",)), ("x", ("a", "b"))]))
    return Spec(day, tuple(lines), description, metadata, reference, note, tags)


def _book(fo: Folio) -> tuple[str, dict[str, str]]:
    book = make_book(fo)
    made = make_ledgers(fo, book, LEDGERS)
    fo.update_ledger(book.id, made["3000"].id, LedgerUpdate(archived=True))
    return book.id, {number: ledger.id for number, ledger in made.items()}


def _outcomes(fo: Folio, book_id: str, read: list[Any], atomic: bool) -> object:
    try:
        result = fo.write(
            lambda uow: journal_batches.post_entries(uow, book_id, read, SYSTEM, atomic=atomic)
        )
    except BatchRejected as exc:
        return ("rejected", exc.data)
    return [
        (o.code, o.message, o.data.get("field") if isinstance(o.data, dict) else None)
        if isinstance(o, FolioError)
        else o.journal_number
        for o in result.outcomes
    ]


def _booked(fo: Folio, book_id: str) -> list[tuple[Any, ...]]:
    """Each entry as its lines name ledgers by number: comparable across the two books."""
    numbers = {lg.id: lg.number for lg in fo.ledgers(book_id)}
    return [
        (e.journal_number, e.date, e.description, e.external_reference, e.kind, e.metadata,
         [(numbers[ln.ledger_id], ln.side, ln.amount, ln.description, ln.tags)
          for ln in e.lines])
        for e in fo.entries(book_id, limit=100)
    ]  # fmt: skip


def _totals(fo: Folio, book_id: str) -> dict[str | None, tuple[int, int]]:
    return {lg.number: (lg.debits_posted, lg.credits_posted) for lg in fo.ledgers(book_id)}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(_spec(), min_size=1, max_size=8), atomic=st.booleans())
def test_entries_read_before_the_write_book_what_entries_read_in_it_book(
    engine: Engine, specs: list[Spec], atomic: bool
) -> None:
    fo = Folio(engine, migrate=False)
    in_write, in_write_ids = _book(fo)
    before, before_ids = _book(fo)
    commands = [_command(spec, before_ids) for spec in specs]
    read = journal_batches.drafted(commands)
    # every entry naming its ledgers by id only was read (or refused) before the write
    for spec, item in zip(specs, read, strict=True):
        by_id_only = all(reference.startswith("id") for reference, _, _ in spec.lines)
        assert isinstance(item, EntryDraft | FolioError) == by_id_only, (spec, item)

    expected = _outcomes(fo, in_write, [_command(s, in_write_ids) for s in specs], atomic)
    got = _outcomes(fo, before, read, atomic)

    assert got == expected
    assert _booked(fo, before) == _booked(fo, in_write)
    assert _totals(fo, before) == _totals(fo, in_write)
    assert fo.verify(before).ok
