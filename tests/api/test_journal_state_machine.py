"""Journal entries under any sequence of calls, through every interface that posts them.

A hypothesis state machine drives random sequences on both engines: single postings (native
API, library), batches of 1-6 entries, all or none or each on its own (native API with or
without an Idempotency-Key, library, CLI file), a native batch sent again with its key (the
same answer, nothing booked twice) or with its key and another body (refused), reversals of
booked entries and of reversals (native, library), a month soft-locked and reopened, a
ledger archived and restored. Entries name their ledgers by id or by number and carry at most one
fault of their own (unbalanced, an unknown ledger, a date before the book's entries start);
the state adds others (a locked month, an archived ledger). A model predicts every answer:
status and code, each entry's result in order, the library's error, the CLI's exit. After
every step: each ledger's debits and credits read through the API equal the model's; the
journal is numbered 1..n without a gap, n the model's count; every ledger's stored totals,
its daily totals and its monthly totals each equal the sum of its lines; the trial balance's
debit and credit totals each equal what the model moved; `verify` passes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from folio.cli.main import app as cli
from folio.domain.errors import BatchRejected, FolioError
from folio.domain.journal import PostingMode
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from folio.service.journal import EntryCreate, LineInput
from folio.service.journal_batches import Booked
from tests.api.conftest import client_for, create_book, ledger_ids, make_key

NUMBERS = ("1000", "1200", "3000", "4000", "6000")  # tests.api.conftest.LEDGERS
ARCHIVABLE = "6000"
UNKNOWN_NUMBER, UNKNOWN_ID = "9999", "ldg_1111111111111111111111"
MONTHS = ("2025-03", "2025-04", "2025-05")
FAULTS = (None, None, None, None, None, "unbalanced", "unknown", "before_start")
EXAMPLES = int(os.environ.get("FOLIO_STATE_EXAMPLES", "40" if os.environ.get("CI") else "20"))


@dataclass(frozen=True)
class Spec:
    """An entry to post: debit `pair[0]`, credit `pair[1]`, `cents` each, in `month`."""

    pair: tuple[str, str]
    cents: int
    month: str
    day: int
    by_id: bool
    fault: str | None

    @property
    def on(self) -> str:
        return "2024-12-15" if self.fault == "before_start" else f"{self.month}-{self.day:02d}"

    @property
    def credit_cents(self) -> int:
        return self.cents + 1 if self.fault == "unbalanced" else self.cents


pairs = st.tuples(st.sampled_from(NUMBERS), st.sampled_from(NUMBERS)).filter(
    lambda pair: pair[0] != pair[1]
)
specs = st.builds(
    Spec,
    pair=pairs,
    cents=st.integers(1, 10**9),
    month=st.sampled_from(MONTHS),
    day=st.integers(1, 28),
    by_id=st.booleans(),
    fault=st.sampled_from(FAULTS),
)


@dataclass
class Booking:
    """An entry the model holds as booked: its lines as (number, signed cents: + debit)."""

    id: str
    lines: tuple[tuple[str, int], ...]
    reversed: bool = False


def cents(value: str) -> int:
    return int(Decimal(value) * 100)


def decimal(minor: int) -> str:
    return str(Decimal(minor).scaleb(-2).quantize(Decimal("0.01")))


class Journal(RuleBasedStateMachine):
    def __init__(self, app: FastAPI, engine: Engine, db_url: str, files: Path) -> None:
        super().__init__()
        self.app, self.engine, self.db_url, self.files = app, engine, db_url, files
        self.admin = client_for(app, make_key(engine))
        self.fo = Folio(engine, migrate=False)
        self.keys = 0

    @initialize()
    def open_book(self) -> None:
        self.book = create_book(self.admin, currency="USD")["id"]
        self.ids = ledger_ids(self.admin, self.book)
        self.debits = dict.fromkeys(NUMBERS, 0)
        self.credits = dict.fromkeys(NUMBERS, 0)
        self.booked: list[Booking] = []
        self.locked: set[str] = set()
        self.archived = False
        # Keyed batches that were booked: body, key, status and answer (a refusal is not kept).
        self.stored: list[tuple[dict[str, Any], str, int, Any]] = []

    def path(self, rest: str) -> str:
        return f"/v1/books/{self.book}{rest}"

    # ----------------------------------------------------------------------- the model

    def refusal(self, spec: Spec) -> str | None:
        """The code that refuses `spec`, in the order Folio checks: ledgers named by number
        are resolved first, then the entry (balance, date), then each line's ledger, then
        the period."""
        debit, credit = spec.pair
        if spec.fault == "unknown" and not spec.by_id:
            return "LEDGER_NOT_FOUND"
        if spec.fault == "unbalanced":
            return "UNBALANCED_ENTRY"
        if spec.fault == "before_start":
            return "BEFORE_ENTRIES_START"
        if self.archived and debit == ARCHIVABLE:  # the debit line comes first
            return "LEDGER_ARCHIVED"
        if spec.fault == "unknown":
            return "LEDGER_NOT_FOUND"
        if self.archived and credit == ARCHIVABLE:
            return "LEDGER_ARCHIVED"
        if spec.month in self.locked:
            return "PERIOD_LOCKED"
        return None

    def book_it(self, spec: Spec, entry_id: str) -> None:
        debit, credit = spec.pair
        self.debits[debit] += spec.cents
        self.credits[credit] += spec.cents
        self.booked.append(Booking(entry_id, ((debit, spec.cents), (credit, -spec.cents))))

    # ------------------------------------------------------------------- the interfaces

    def body_of(self, spec: Spec) -> dict[str, Any]:
        debit, credit = spec.pair
        if spec.fault == "unknown":
            credit = UNKNOWN_ID if spec.by_id else UNKNOWN_NUMBER

        def named(number: str) -> dict[str, str]:
            if not spec.by_id:
                return {"ledger_number": number}
            return {"ledger_id": self.ids.get(number, number)}

        return {
            "date": spec.on,
            "description": f"{debit} to {credit}",
            "lines": [
                {**named(debit), "debit": decimal(spec.cents), "tags": ["machine"]},
                {**named(credit), "credit": decimal(spec.credit_cents)},
            ],
        }

    def command_of(self, spec: Spec) -> EntryCreate:
        body = self.body_of(spec)
        lines = [
            LineInput(
                Side.DEBIT if "debit" in line else Side.CREDIT,
                cents(line.get("debit") or line["credit"]),
                line.get("ledger_id"),
                line.get("ledger_number"),
                tags=tuple(line.get("tags", ())),
            )
            for line in body["lines"]
        ]
        return EntryCreate(date.fromisoformat(spec.on), lines, body["description"])

    # ------------------------------------------------------------------------ the rules

    @rule(spec=specs, via=st.sampled_from(["native", "library"]))
    def post_one(self, spec: Spec, via: str) -> None:
        expected = self.refusal(spec)
        if via == "native":
            response = self.admin.post(self.path("/journal-entries"), json=self.body_of(spec))
            if expected is None:
                assert response.status_code == 201, response.text
                self.book_it(spec, response.json()["id"])
            else:
                assert (response.status_code, response.json()["code"]) == (422, expected)
            return
        try:
            entry = self.fo.post_entry(self.book, self.command_of(spec))
        except FolioError as exc:
            assert exc.code == expected, exc
            return
        assert expected is None, f"booked, but {expected} was due"
        self.book_it(spec, entry.id)

    @rule(
        batch=st.lists(specs, min_size=1, max_size=6),
        atomic=st.booleans(),
        via=st.sampled_from(["native", "keyed", "keyed", "library", "cli"]),
    )
    def post_batch(self, batch: list[Spec], atomic: bool, via: str) -> None:
        refused = [(i, code) for i, spec in enumerate(batch) if (code := self.refusal(spec))]
        if via == "library":
            ids = self._by_library(batch, atomic, refused)
        elif via == "cli":
            ids = self._by_cli(batch, atomic, refused)
        else:
            ids = self._by_http(batch, atomic, refused, keyed=via == "keyed")
        if ids is None:
            return  # refused whole: nothing booked
        for spec, entry_id in zip(batch, ids, strict=True):
            if entry_id is not None:
                self.book_it(spec, entry_id)

    def _by_http(
        self, batch: list[Spec], atomic: bool, refused: list[tuple[int, str]], *, keyed: bool
    ) -> list[str | None] | None:
        """Each entry's id, None where refused; None for a batch refused whole."""
        body = {"atomic": atomic, "entries": [self.body_of(spec) for spec in batch]}
        headers = {}
        if keyed:
            self.keys += 1
            headers["Idempotency-Key"] = f"batch-{self.keys}"
        response = self.admin.post(self.path("/journal-entries/batch"), json=body, headers=headers)
        answer = response.json()
        if keyed and response.status_code < 300:
            self.stored.append((body, headers["Idempotency-Key"], response.status_code, answer))
        if atomic and refused:
            assert (response.status_code, answer["code"]) == (422, "BATCH_REJECTED")
            assert [(p["index"], p["code"]) for p in answer["data"]["errors"]] == refused
            return None
        assert response.status_code == (201 if atomic else 200), response.text
        count = len(batch)
        assert (answer["succeeded"], answer["failed"]) == (count - len(refused), len(refused))
        results = answer["results"]
        assert [r["index"] for r in results] == list(range(count))
        assert [(r["index"], r["error"]["code"]) for r in results if "error" in r] == refused
        return [r.get("id") for r in results]

    def _by_library(
        self, batch: list[Spec], atomic: bool, refused: list[tuple[int, str]]
    ) -> list[str | None] | None:
        commands: list[EntryCreate | FolioError] = [self.command_of(spec) for spec in batch]
        try:
            result = self.fo.post_entries(self.book, commands, atomic=atomic)
        except BatchRejected as exc:
            assert atomic and [(p["index"], p["code"]) for p in exc.data["errors"]] == refused
            return None
        assert not (atomic and refused), "an atomic batch with refusals was booked"
        got = [(i, o.code) for i, o in enumerate(result.outcomes) if isinstance(o, FolioError)]
        assert got == refused
        return [o.id if isinstance(o, Booked) else None for o in result.outcomes]

    def _by_cli(
        self, batch: list[Spec], atomic: bool, refused: list[tuple[int, str]]
    ) -> list[str | None] | None:
        self.keys += 1
        file = self.files / f"batch-{self.keys}.json"
        body = {"atomic": atomic, "entries": [self.body_of(spec) for spec in batch]}
        file.write_text(json.dumps(body))
        before = self._numbers()
        done = CliRunner().invoke(
            cli, ["journal", "post-batch", self.book, str(file), "-d", self.db_url]
        )
        assert done.exit_code == (1 if refused else 0), done.output
        if atomic and refused:
            assert "BATCH_REJECTED" in done.output, done.output
            return None
        assert f"{len(batch) - len(refused)} booked, {len(refused)} refused." in done.output
        # The CLI prints a table; the entries it booked are the journal's newest, in order.
        booked = iter(entry_id for _, entry_id in self._numbers()[len(before) :])
        skip = {index for index, _ in refused}
        return [None if index in skip else next(booked) for index in range(len(batch))]

    @precondition(lambda self: bool(getattr(self, "stored", None)))
    @rule(pick=st.integers(0, 10**6))
    def send_a_keyed_batch_again(self, pick: int) -> None:
        """A batch booked under a key, sent again: with its body, the first answer again and
        nothing booked; with another body, refused and nothing booked."""
        body, key, status, answer = self.stored[pick % len(self.stored)]
        url, headers = self.path("/journal-entries/batch"), {"Idempotency-Key": key}
        again = self.admin.post(url, json=body, headers=headers)
        assert (again.status_code, again.json()) == (status, answer)
        assert again.headers["Idempotency-Replayed"] == "true"
        other = self.admin.post(url, json={**body, "atomic": not body["atomic"]}, headers=headers)
        assert (other.status_code, other.json().get("code")) == (409, "IDEMPOTENCY_KEY_REUSED")

    @precondition(lambda self: bool(getattr(self, "booked", None)))
    @rule(
        pick=st.integers(0, 10**6),
        month=st.sampled_from(MONTHS),
        via=st.sampled_from(["native", "library"]),
    )
    def reverse(self, pick: int, month: str, via: str) -> None:
        """Reverse a booked entry (a reversal too) on a day of `month`; archived ledgers take
        reversals."""
        original = self.booked[pick % len(self.booked)]
        on = f"{month}-20"
        expected = (
            "ALREADY_REVERSED"
            if original.reversed
            else "PERIOD_LOCKED"
            if month in self.locked
            else None
        )
        if via == "native":
            response = self.admin.post(
                self.path(f"/journal-entries/{original.id}/reverse"), json={"date": on}
            )
            answer = response.json()
            status = {None: 201, "ALREADY_REVERSED": 409, "PERIOD_LOCKED": 422}[expected]
            assert (response.status_code, answer.get("code")) == (status, expected), answer
            reversal_id = answer.get("id")
        else:
            try:
                reversal_id = self.fo.reverse_entry(
                    self.book,
                    original.id,
                    mode=PostingMode.CURRENT_PERIOD,
                    on=date.fromisoformat(on),
                ).id
            except FolioError as exc:
                assert exc.code == expected, exc
                return
        if expected is not None:
            assert via == "native", f"reversed, but {expected} was due"
            return
        original.reversed = True
        mirrored = tuple((number, -amount) for number, amount in original.lines)
        for number, amount in mirrored:
            if amount > 0:
                self.debits[number] += amount
            else:
                self.credits[number] -= amount
        self.booked.append(Booking(reversal_id, mirrored))

    @rule(month=st.sampled_from(MONTHS))
    def lock_or_reopen(self, month: str) -> None:
        action = PeriodAction.REOPEN if month in self.locked else PeriodAction.SOFT_LOCK
        response = self.admin.post(self.path(f"/periods/{month}/{action.value}"))
        assert response.status_code == 200, response.text
        self.locked ^= {month}

    @rule()
    def archive_or_restore(self) -> None:
        response = self.admin.patch(
            self.path(f"/ledgers/{self.ids[ARCHIVABLE]}"), json={"archived": not self.archived}
        )
        assert response.status_code == 200, response.text
        assert response.json()["archived"] is not self.archived
        self.archived = not self.archived

    # -------------------------------------------------------------------- the invariants

    def _numbers(self) -> list[tuple[int, str]]:
        found = self.admin.get(self.path("/journal-entries"), params={"limit": 500}).json()
        return sorted((entry["journal_number"], entry["id"]) for entry in found["data"])

    @invariant()
    def the_books_are_what_the_model_booked(self) -> None:
        if not hasattr(self, "book"):
            return
        numbers = self._numbers()
        assert [number for number, _ in numbers] == list(range(1, len(self.booked) + 1))
        assert sorted(entry_id for _, entry_id in numbers) == sorted(b.id for b in self.booked)
        listed = self.admin.get(self.path("/ledgers"), params={"limit": 500}).json()["data"]
        read = {
            ledger["number"]: (cents(ledger["debits_posted"]), cents(ledger["credits_posted"]))
            for ledger in listed
            if ledger["number"] in NUMBERS
        }
        assert read == {n: (self.debits[n], self.credits[n]) for n in NUMBERS}
        report = self.admin.get(
            self.path("/reports/trial-balance"), params={"from": "2025-01-01", "to": "2025-12-31"}
        ).json()
        moved = decimal(sum(self.debits.values()))
        assert (report["totals"]["debit"], report["totals"]["credit"]) == (moved, moved)
        assert self._stored_totals_disagreeing() == []
        verified = self.admin.get(self.path("/verify")).json()
        assert verified["ok"], verified

    def _stored_totals_disagreeing(self) -> list[Any]:
        """Ledgers whose stored totals, daily totals or monthly totals differ from their lines."""
        sums = (
            "SELECT ledger_id, SUM(CASE WHEN side = 'debit' THEN amount ELSE 0 END) AS d, "
            "SUM(CASE WHEN side = 'credit' THEN amount ELSE 0 END) AS c "
            "FROM journal_lines WHERE book_id = :b GROUP BY ledger_id"
        )
        period = (
            "SELECT ledger_id, SUM(debits + ob_debits) AS d, SUM(credits + ob_credits) AS c "
            "FROM {t} WHERE book_id = :b GROUP BY ledger_id"
        )
        with self.engine.connect() as conn:
            lines = {r.ledger_id: (r.d, r.c) for r in conn.execute(text(sums), {"b": self.book})}
            ledgers = {
                r.ledger_id: (r.debits_posted, r.credits_posted)
                for r in conn.execute(
                    text("SELECT ledger_id, debits_posted, credits_posted FROM ledgers "
                         "WHERE book_id = :b AND (debits_posted > 0 OR credits_posted > 0)"),
                    {"b": self.book},
                )
            }  # fmt: skip
            days, months = (
                {
                    r.ledger_id: (r.d, r.c)
                    for r in conn.execute(text(period.format(t=t)), {"b": self.book})
                }
                for t in ("ledger_daily_totals", "ledger_monthly_totals")
            )
        return [
            (name, lid)
            for name, stored in (("ledgers", ledgers), ("daily", days), ("monthly", months))
            for lid in set(stored) | set(lines)
            if tuple(map(int, stored.get(lid, (0, 0)))) != tuple(map(int, lines.get(lid, (0, 0))))
        ]

    def teardown(self) -> None:
        self.admin.close()


def test_the_journal_holds_under_any_sequence_of_calls(
    app: FastAPI, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    run_state_machine_as_test(
        lambda: Journal(app, engine, db_url, tmp_path),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=10, deadline=None),
    )
