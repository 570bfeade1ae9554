"""Fiscal years under any sequence of postings, reversals, closes and reopens, on both engines,
each move made through the library, the API or the CLI (postings and reversals through the
library and the API).

Each example is a book over four fiscal years, with a random fiscal-year start (01-01, 07-01,
04-06 or 02-29) and a conversion at a year's start or in the middle of one (with year-to-date
revenue). After every step, for every ledger and year: the next year opens with this year's
closing (balance-sheet ledgers), revenue and expense open at zero, the retained-earnings
ledger's opening grows by the year's result, every year's trial balance balances and closes
with the year's recorded figures, the continuity check reports exactly the changes made after
a recorded close, and `verify` passes.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine
from typer.testing import CliRunner

from folio.api.app import create_app
from folio.cli.main import app as cli
from folio.domain.books import Book
from folio.domain.errors import FolioError
from folio.domain.fiscal_years import FiscalYear, first_year, fiscal_year
from folio.domain.journal import Line, PostingMode
from folio.domain.ledgers import Side
from folio.domain.opening_balances import SetRow
from folio.service import fiscal_years, reports
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from tests.api.conftest import client_for, make_key
from tests.builders import make_book, make_ledgers

SPEC = "1000 asset Bank; 1200 asset Receivables; 3000 liability Loans; 2000 equity Capital; " \
    "4000 revenue Sales; 6000 expense Rent"  # fmt: skip
PAIRS = [("1000", "4000"), ("6000", "1000"), ("1200", "4000"), ("1000", "3000"),
         ("1000", "1200"), ("3000", "1000"), ("2970", "1000")]  # fmt: skip
YEARS = 4
EXAMPLES = int(os.environ.get("FOLIO_YEAR_EXAMPLES", "25" if os.environ.get("CI") else "10"))
VIA = st.sampled_from(["library", "api", "cli"])


class FiscalYears(RuleBasedStateMachine):
    def __init__(self, engine: Engine, db_url: str, api: httpx.Client) -> None:
        super().__init__()
        self.fo = Folio(engine, migrate=False)
        self.db_url, self.api = db_url, api

    @initialize(start=st.sampled_from(["01-01", "07-01", "04-06", "02-29"]), mid=st.booleans())
    def open_book(self, start: str, mid: bool) -> None:
        probe = Book("", "", "EUR", 2, date(2000, 1, 1), start, "empty")
        first = fiscal_year(probe, 2018)
        entries_start = first.start + timedelta(days=100) if mid else first.start
        book = make_book(self.fo, fiscal_year_start=start, entries_start=entries_start)
        self.book = book
        made = make_ledgers(self.fo, book, SPEC)
        made["2970"] = self.fo.ledger_by_number(book.id, "3800")  # the empty chart's RE
        self.ids = {number: ledger.id for number, ledger in made.items()}
        rows = [SetRow(1, 500_000, 0, ledger_number="1000")]
        if mid:  # year-to-date revenue of a mid-year conversion
            rows += [SetRow(2, 0, 120_000, ledger_number="4000"),
                     SetRow(3, 0, 380_000, ledger_number="2000")]  # fmt: skip
        else:
            rows.append(SetRow(2, 0, 500_000, ledger_number="2000"))
        self.fo.book_opening_balances(book.id, None, rows)
        self.years = [fiscal_year(book, first_year(book).year + i) for i in range(YEARS)]
        self.closed: dict[int, bool] = {}  # year -> final
        self.posted: list[tuple[str, date, int]] = []  # (entry id, date, journal number)
        self.lines: dict[str, tuple[Line, ...]] = {}  # entries never change: read each once
        self.reversed: set[str] = set()

    def _lines_of(self, entry_id: str) -> tuple[Line, ...]:
        if entry_id not in self.lines:
            self.lines[entry_id] = self.fo.entry(self.book.id, entry_id).lines
        return self.lines[entry_id]

    # --------------------------------------------------------------------------- moves

    def _closed_through(self) -> date | None:
        return max((fy.end for fy in self.years if fy.year in self.closed), default=None)

    @rule(
        year=st.integers(0, YEARS - 1),
        day=st.integers(0, 400),
        pair=st.sampled_from(PAIRS),
        amount=st.integers(1, 100_000),
        api=st.booleans(),
    )
    def post(self, year: int, day: int, pair: tuple[str, str], amount: int, api: bool) -> None:
        fy = self.years[year]
        on = min(max(fy.start, self.book.entries_start) + timedelta(days=day), fy.end)
        debit, credit = pair
        command = EntryCreate(
            date=on,
            lines=[
                LineInput(Side.DEBIT, amount, ledger_id=self.ids[debit]),
                LineInput(Side.CREDIT, amount, ledger_id=self.ids[credit]),
            ],
        )
        locked = self._closed_through()
        refused = "PERIOD_LOCKED" if locked is not None and on <= locked else None
        if api:
            body = {"date": on.isoformat(), "lines": [
                {"ledger_id": self.ids[debit], "debit": _decimal(amount)},
                {"ledger_id": self.ids[credit], "credit": _decimal(amount)},
            ]}  # fmt: skip
            answer = self._answered(
                lambda: self.api.post(self._path("/journal-entries"), json=body), refused, 201
            )
            if answer is not None:
                self.posted.append((answer["id"], on, answer["journal_number"]))
            return
        if refused:
            self._refused(lambda: self.fo.post_entry(self.book.id, command), refused)
            return
        entry = self.fo.post_entry(self.book.id, command)
        self.posted.append((entry.id, on, entry.journal_number))

    @rule(pick=st.integers(0, 1000), original=st.booleans(), api=st.booleans())
    def reverse(self, pick: int, original: bool, api: bool) -> None:
        live = [p for p in self.posted if p[0] not in self.reversed]
        if not live:
            return
        entry_id, on, _ = live[pick % len(live)]
        mode = PostingMode.ORIGINAL_PERIOD if original else PostingMode.CURRENT_PERIOD
        locked = self._closed_through()
        refused = "PERIOD_LOCKED" if original and locked is not None and on <= locked else None
        if api:
            body = {"posting_mode": mode.value}
            path = self._path(f"/journal-entries/{entry_id}/reverse")
            answer = self._answered(lambda: self.api.post(path, json=body), refused, 201)
            if answer is not None:
                on_day = date.fromisoformat(answer["date"])
                self.posted.append((answer["id"], on_day, answer["journal_number"]))
                self.reversed.add(entry_id)
            return
        if refused:
            self._refused(lambda: self.fo.reverse_entry(self.book.id, entry_id, mode=mode),
                          refused)  # fmt: skip
            return
        reversal = self.fo.reverse_entry(self.book.id, entry_id, mode=mode)
        self.posted.append((reversal.id, reversal.date, reversal.journal_number))
        self.reversed.add(entry_id)

    @rule(year=st.integers(0, YEARS - 1), final=st.integers(0, 9), via=VIA)
    def close(self, year: int, final: int, via: str) -> None:
        fy = self.years[year]
        expected = None
        if fy.year in self.closed:
            expected = "FISCAL_YEAR_CLOSED"
        elif year > 0 and self.years[year - 1].year not in self.closed:
            expected = "PREVIOUS_YEAR_OPEN"
        if via == "api":
            body = {"final": final == 0}
            path = self._path(f"/fiscal-years/{fy.year}/close")
            answer = self._answered(lambda: self.api.post(path, json=body), expected, 201)
            if answer is not None:
                assert answer["final"] == (final == 0) and answer["reopened_at"] is None, answer
                self.closed[fy.year] = final == 0
            return
        if via == "cli":
            flags = ["--final"] if final == 0 else []
            if self._cli(["close", self.book.id, str(fy.year), *flags], expected):
                self.closed[fy.year] = final == 0
            return
        if expected:
            self._refused(lambda: self.fo.close_year(self.book.id, fy.year), expected)
            return
        closing = self.fo.close_year(self.book.id, fy.year, final=final == 0)
        assert (closing.year, closing.final) == (fy.year, final == 0)
        self.closed[fy.year] = final == 0

    @rule(year=st.integers(0, YEARS - 1), via=VIA)
    def reopen(self, year: int, via: str) -> None:
        fy = self.years[year]
        expected = None
        if fy.year not in self.closed:
            expected = "FISCAL_YEAR_OPEN"
        elif self.closed[fy.year]:
            expected = "FISCAL_YEAR_FINAL"
        elif any(later > fy.year for later in self.closed):
            expected = "LATER_YEAR_CLOSED"
        if via == "api":
            path = self._path(f"/fiscal-years/{fy.year}/reopen")
            if self._answered(lambda: self.api.post(path), expected, 200) is not None:
                del self.closed[fy.year]
            return
        if via == "cli":
            if self._cli(["reopen", self.book.id, str(fy.year)], expected):
                del self.closed[fy.year]
            return
        if expected:
            self._refused(lambda: self.fo.reopen_year(self.book.id, fy.year), expected)
            return
        self.fo.reopen_year(self.book.id, fy.year)
        del self.closed[fy.year]

    def _path(self, rest: str) -> str:
        return f"/v1/books/{self.book.id}{rest}"

    def _answered(
        self, send: Callable[[], httpx.Response], code: str | None, success: int
    ) -> dict[str, Any] | None:
        """The API's answer: its body on success, or None after the expected code (a status
        of a refusal), with nothing changed."""
        head = self.fo.verify(self.book.id).entries_checked
        response = send()
        if code is None:
            assert response.status_code == success, response.text
            answer: dict[str, Any] = response.json()
            return answer
        assert response.status_code in (409, 422), response.text
        assert response.json()["code"] == code, response.text
        assert self.fo.verify(self.book.id).entries_checked == head
        return None

    def _cli(self, args: list[str], code: str | None) -> bool:
        """`folio years ...`: exit 0, or exit 1 with the expected code on the screen and
        nothing changed. Whether it did what was asked."""
        head = self.fo.verify(self.book.id).entries_checked
        result = CliRunner().invoke(cli, ["years", *args, "--database", self.db_url])
        if code is None:
            assert result.exit_code == 0, result.output
            return True
        assert result.exit_code == 1 and code in result.output, result.output
        assert self.fo.verify(self.book.id).entries_checked == head
        return False

    def _refused(self, call: object, code: str) -> None:
        head = self.fo.verify(self.book.id).entries_checked
        try:
            call()  # type: ignore[operator]
        except FolioError as error:
            assert error.code == code, error
        else:
            raise AssertionError(f"expected {code}")
        assert self.fo.verify(self.book.id).entries_checked == head  # nothing changed

    # ------------------------------------------------------------------------ checking

    @invariant()
    def years_carry_into_each_other(self) -> None:
        if not hasattr(self, "book"):
            return
        fo, book = self.fo, self.book
        figures = [
            fo.read(lambda uow, fy=fy: fiscal_years.figures(uow, book, fy)) for fy in self.years
        ]
        retained = self.ids["2970"]
        bs = {self.ids[n] for n in ("1000", "1200", "3000", "2000")}
        pl = {self.ids[n] for n in ("4000", "6000")}
        for this, nxt in zip(figures, figures[1:], strict=False):
            for ledger_id in bs:
                assert nxt.opening.values[ledger_id] == this.closing.get(ledger_id, 0)
            for ledger_id in pl:
                assert nxt.opening.values[ledger_id] == 0
            assert nxt.opening.values[retained] == this.closing.get(retained, 0) - this.result
            assert this.opening.values[retained] + self._activity(this.year, retained) == (
                this.closing.get(retained, 0)
            )
        for fig in figures:
            tb = fo.read(lambda uow, y=fig.year.year: reports.trial_balance(uow, book.id, year=y))
            assert tb.totals.balanced
            closing = {row.ledger_id: row.closing_debit - row.closing_credit for row in tb.rows}
            assert {k: v for k, v in closing.items() if v} == fig.closing
        self._check_continuity()
        assert fo.verify(book.id).ok, fo.verify(book.id).problem

    def _activity(self, fy: FiscalYear, ledger_id: str) -> int:
        total = 0
        for entry_id, on, _ in self.posted:
            if fy.holds(on):
                for line in self._lines_of(entry_id):
                    if line.ledger_id == ledger_id:
                        total += line.amount if line.side is Side.DEBIT else -line.amount
        return total

    def _check_continuity(self) -> None:
        """Each year's newest recorded close against the next year's opening: the differences
        are exactly what entries posted after that close and dated in or before it changed."""
        pl = {self.ids[n] for n in ("4000", "6000")}
        retained = self.ids["2970"]
        for fy in self.years[:-1]:
            found = self.fo.continuity(self.book.id, fy.year)
            if found.closing is None:
                assert found.differences == [] and not found.ok
                continue
            changes: dict[str, int] = defaultdict(int)
            behind: dict[str, set[str]] = defaultdict(set)
            for entry_id, on, number in self.posted:
                if number > found.closing.journal_number and on <= fy.end:
                    for line in self._lines_of(entry_id):
                        target = retained if line.ledger_id in pl else line.ledger_id
                        signed = line.amount if line.side is Side.DEBIT else -line.amount
                        changes[target] += signed
                        behind[target].add(entry_id)
                        behind[line.ledger_id].add(entry_id)
            expected = {lid: value for lid, value in changes.items() if value}
            assert {d.ledger.id: d.difference for d in found.differences} == expected
            for difference in found.differences:
                assert {e[0] for e in difference.entries} == behind[difference.ledger.id]
            assert found.ok == (not expected)
            if fy.year in self.closed:  # a closed year cannot have changed since its close
                assert found.ok


def test_fiscal_years_hold_under_any_sequence(engine: Engine, db_url: str) -> None:
    with client_for(create_app(engine), make_key(engine)) as api:
        run_state_machine_as_test(
            lambda: FiscalYears(engine, db_url, api),
            settings=settings(max_examples=EXAMPLES, stateful_step_count=12, deadline=None),
        )


def _decimal(minor: int) -> str:
    return f"{minor // 100}.{minor % 100:02d}"
