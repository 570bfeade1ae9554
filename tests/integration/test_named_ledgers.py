"""`LedgerRepo.named` reads the ledgers an import's chunk names by id or by number: the same
ledgers as looking the numbers up and reading the ids (`ids_for_numbers`, then `many`), on
both engines: in one statement on PostgreSQL, in two on SQLite."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from folio.service.facade import Folio
from folio.store.repos import ledgers as ledger_repo
from folio.store.uow import UnitOfWork
from tests.builders import make_book, make_ledgers

LEDGERS = "1000 asset Bank; 1200 asset Receivables; 3000 liability Loans; 4000 revenue Sales"
UNKNOWN_ID = "ldg_1111111111111111111111"


@pytest.fixture
def book(engine: Engine) -> tuple[Folio, str, dict[str, str]]:
    fo = Folio(engine, migrate=False)
    made = make_book(fo)
    found = make_ledgers(fo, made, LEDGERS)
    return fo, made.id, {number: ledger.id for number, ledger in found.items()}


def _both(
    fo: Folio, book_id: str, ids: list[str], numbers: list[str], lock: bool
) -> tuple[list[str], list[str]]:
    def read(uow: UnitOfWork) -> tuple[list[str], list[str]]:
        named = uow.ledgers.named(book_id, ids, numbers, lock=lock)
        by_number = uow.ledgers.ids_for_numbers(book_id, numbers)
        apart = uow.ledgers.many(book_id, {*ids, *by_number.values()}, lock=lock)
        assert all(named[key] == apart[key] for key in named)  # the same rows, read alike
        return sorted(named), sorted(apart)

    return fo.write(read)


_numbers = st.lists(st.sampled_from(["1000", "1200", "3000", "4000", "9999", ""]), max_size=5)
_ids = st.lists(st.sampled_from(["1000", "1200", "4000", "unknown"]), max_size=4)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ids=_ids, numbers=_numbers, lock=st.booleans())
def test_ledgers_named_by_id_or_number_are_those_read_apart(
    book: tuple[Folio, str, dict[str, str]], ids: list[str], numbers: list[str], lock: bool
) -> None:
    fo, book_id, by_number = book
    named, apart = _both(fo, book_id, [by_number.get(n, UNKNOWN_ID) for n in ids], numbers, lock)
    assert named == apart
    assert set(named) == {by_number[n] for n in [*ids, *numbers] if n in by_number}


def test_past_the_in_list_chunk_they_are_the_same_ledgers(
    book: tuple[Folio, str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    fo, book_id, by_number = book
    monkeypatch.setattr(ledger_repo, "_IN_CHUNK", 2)
    named, apart = _both(fo, book_id, [by_number["1000"]], ["1200", "4000", "9999"], True)
    assert named == apart == sorted(by_number[n] for n in ("1000", "1200", "4000"))
