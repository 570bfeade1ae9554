"""Opening balances under any sequence of calls, through every interface that changes them.

A hypothesis state machine drives random sequences on both engines: one ledger's balance set
through the native API, Asset, Teal, the library and the CLI (`set-many`); several ledgers'
in one call through the native API, Teal and the library; trial-balance sets
booked through the native API (rows naming ledgers by id or by number), LedgerLou, the library
and the CLI (a CSV file); reversals of entries and intents, reversals of reversals included
(native, LedgerLou and the library); the opening month soft-locked and reopened; ordinary
postings beside them; and the library handed a value of the wrong kind (a float amount, a date
as text, a mode as text), which must be refused with its code and change nothing. A model
predicts every answer (status and code, the library's code, the CLI's exit and code) and every
ledger's opening balance from the rules of DESIGN §3; after every step each interface's
reading must equal the sum of the opening-balance postings and the model, each ledger must
have at most one live owner, the offset ledger must hold minus all opening balances, the trial
balance's opening column must equal `GET .../opening-balances`, and `verify` must pass.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text
from typer.testing import CliRunner

from folio.cli.main import app as cli
from folio.domain.errors import FolioError
from folio.domain.opening_balances import SetRow
from folio.domain.periods import PeriodAction
from folio.service.facade import Folio
from tests.api.conftest import client_for, make_key

LOU_SCOPES = "journal:read journal:write perioden:read perioden:write"
# (number, kind): kind "bs" takes opening balances, "pl" only mid-year, "system" never.
LEDGERS = {
    "1800": "bs",
    "1200": "bs",
    "0400": "bs",
    "3300": "bs",
    "2000": "bs",
    "4400": "pl",
    "9008": "system",
}
NUMBERS = sorted(LEDGERS)
CREDIT_NORMAL = {"3300", "2000", "4400"}
# 60 a engine in CI (120 sequences of 8 steps in all, about a minute of the suite's two
# workers), fewer on a developer's machine; the variable overrides (a nightly run can ask 1000).
EXAMPLES = int(os.environ.get("FOLIO_STATE_EXAMPLES", "60" if os.environ.get("CI") else "30"))

amounts = st.integers(min_value=-900, max_value=900).map(lambda cents: cents * 25)


def decimal(minor: int) -> str:
    return str(Decimal(minor).scaleb(-2).quantize(Decimal("0.01")))


@dataclass
class Model:
    """What the rules say the book holds: per ledger number, its opening balance (minor units,
    signed on its normal side) and who owns it ("ledger", "set" or None)."""

    mid_year: bool
    locked: bool = False
    amount: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NUMBERS, 0))
    owner: dict[str, str | None] = field(default_factory=lambda: dict.fromkeys(NUMBERS))

    def takes(self, number: str) -> tuple[int, str] | None:
        """Why `number` takes no opening balance (status, code), or None."""
        kind = LEDGERS[number]
        if kind == "system":
            return 422, "INVALID_BALANCE_ENTRY"
        if kind == "pl" and not self.mid_year:
            return 422, "ACCOUNT_TYPE_NOT_ALLOWED"
        return None


class OpeningBalances(RuleBasedStateMachine):
    def __init__(self, app: FastAPI, engine: Engine, db_url: str, files: Path) -> None:
        super().__init__()
        self.app, self.engine, self.db_url, self.files = app, engine, db_url, files
        self.admin = client_for(app, make_key(engine))
        self.fo = Folio(engine, migrate=False)

    # ------------------------------------------------------------------------ the book

    @initialize(mid_year=st.booleans())
    def open_book(self, mid_year: bool) -> None:
        self.start = "2025-04-01" if mid_year else "2025-01-01"
        self.month = self.start[:7]
        made = self.admin.post(
            "/v1/books",
            json={
                "name": "Muster",
                "currency": "EUR",
                "entries_start": self.start,
                "chart": "skr04",
            },
        )
        assert made.status_code == 201, made.text
        self.book = made.json()["id"]
        listed = self.admin.get(f"/v1/books/{self.book}/ledgers", params={"limit": 500}).json()
        by_number = {item["number"]: item["id"] for item in listed["data"] if item["number"]}
        self.ids = {number: by_number[number] for number in [*NUMBERS, "9000"]}
        self.lou = client_for(self.app, make_key(self.engine, LOU_SCOPES, self.book))
        self.teal = client_for(self.app, make_key(self.engine, "admin", self.book))
        self.teal.headers["teal-instance-id"] = self.book
        self.model = Model(mid_year)
        self.turn = 0

    def path(self, rest: str) -> str:
        return f"/v1/books/{self.book}{rest}"

    # ------------------------------------------------------------------- one ledger's

    @rule(
        number=st.sampled_from(NUMBERS),
        amount=amounts,
        via=st.sampled_from(["native", "asset", "teal", "library", "cli"]),
    )
    def set_one_ledger(self, number: str, amount: int, via: str) -> None:
        model, ledger = self.model, self.ids[number]
        if via == "native":
            response = self.admin.put(
                self.path(f"/ledgers/{ledger}/opening-balance"), json={"amount": decimal(amount)}
            )
        elif via == "asset":
            response = self.admin.put(
                f"/compat/asset/v0/business/{self.book}/ledger/{ledger}/opening-balance",
                json={"amount": decimal(amount)},
            )
        elif via == "teal":
            response = self.teal.post(
                f"/compat/teal/v0/ledgers/{ledger}/opening-balance",
                json={"balance": decimal(amount)},
            )
        expected = self._ledger_outcome(number, amount)
        if via == "asset" and expected is not None:  # Asset documents no 409: sent as 422
            expected = (422, expected[1])
        if via == "library":
            self.expect_call(
                lambda: self.fo.set_opening_balance(self.book, ledger, amount), expected
            )
        elif via == "cli":
            body = {"balances": [{"ledger_id": ledger, "balance": decimal(amount)}]}
            self.expect_cli(["set-many", self.book, self.file("set.json", json.dumps(body))],
                            expected)  # fmt: skip
        else:
            self.expect(response, expected, 200)
        if expected is None:
            model.amount[number] = amount
            model.owner[number] = "ledger" if amount else None

    @rule(
        items=st.lists(
            st.tuples(st.sampled_from(NUMBERS), amounts),
            min_size=1,
            max_size=4,
            unique_by=lambda item: item[0],
        ),
        via=st.sampled_from(["native", "teal", "library"]),
    )
    def set_many_ledgers(self, items: list[tuple[str, int]], via: str) -> None:
        """Several ledgers in one call, which reads what they need once and sets them in order:
        each item answers as if set alone, and the refused ones change nothing."""
        expected = [self._ledger_outcome(number, amount) for number, amount in items]
        if via == "library":
            balances = {self.ids[number]: amount for number, amount in items}
            got = [
                outcome.code if isinstance(outcome, FolioError) else None
                for outcome in self.fo.set_opening_balances(self.book, balances)
            ]
        else:
            body = {"balances": [{"ledger_id": self.ids[number], "balance": decimal(amount)}
                                 for number, amount in items]}  # fmt: skip
            if via == "native":
                response = self.admin.post(self.path("/ledgers/opening-balances"), json=body)
            else:
                response = self.teal.post("/compat/teal/v0/ledgers/opening-balances", json=body)
            assert response.status_code == 200, response.text
            got = [(item.get("error") or {}).get("code") for item in response.json()["results"]]
        assert got == [None if e is None else e[1] for e in expected]
        for (number, amount), refused in zip(items, expected, strict=True):
            if refused is None:
                self.model.amount[number] = amount
                self.model.owner[number] = "ledger" if amount else None

    def _ledger_outcome(self, number: str, amount: int) -> tuple[int, str] | None:
        """Why setting `number`'s opening balance on its own is refused (status, code), or None."""
        model = self.model
        refused = model.takes(number)
        if refused is None and model.owner[number] == "set":
            refused = (409, "OPENING_BALANCES_EXIST")
        if refused is None and model.amount[number] != amount and model.locked:
            refused = (422, "PERIOD_LOCKED")
        return refused

    # ---------------------------------------------------------------------------- sets

    @rule(
        rows=st.lists(
            st.tuples(st.sampled_from(NUMBERS), amounts, st.booleans()), min_size=1, max_size=5
        ),
        balance=st.booleans(),
        via=st.sampled_from(["native", "lou", "library", "cli"]),
        other_date=st.booleans(),
    )
    def book_a_set(
        self, rows: list[tuple[str, int, bool]], balance: bool, via: str, other_date: bool
    ) -> None:
        model = self.model
        if balance:  # let 0400 take the difference, most sets then balance
            net = sum(self._debit(number, amount) for number, amount, _ in rows)
            rows = [*rows, ("0400", -net, False)]
        body_rows = []
        for number, amount, by_id in rows:
            debit = self._debit(number, amount)
            sides = {"debit": decimal(max(debit, 0)), "credit": decimal(max(-debit, 0))}
            if via == "lou":
                body_rows.append({"account_number": number, "account_name": number, **sides})
            elif by_id:
                body_rows.append({"ledger_id": self.ids[number], **sides})
            else:
                body_rows.append({"ledger_number": number, **sides})
        day = "2026-01-01" if other_date else self.start
        expected = self._set_outcome(rows, other_date)
        if via == "library":
            set_rows = [
                SetRow(index, max(self._debit(number, amount), 0),
                       max(-self._debit(number, amount), 0), ledger_number=number)
                for index, (number, amount, _) in enumerate(rows, start=1)
            ]  # fmt: skip
            self.expect_call(
                lambda: self.fo.book_opening_balances(self.book, date.fromisoformat(day), set_rows),
                expected,
            )
        elif via == "cli":
            csv = "number,name,debit,credit\n" + "".join(
                f"{number},{number},{row['debit']},{row['credit']}\n"
                for (number, _, _), row in zip(rows, body_rows, strict=True)
            )
            path = self.file("set.csv", csv)
            self.expect_cli(["import", self.book, path, "--date", day], expected)
        else:
            if via == "lou":
                response = self.lou.post(
                    "/compat/ledgerlou/v1/bookings/opening-balances",
                    json={"booking_date": day, "balances": body_rows},
                )
            else:
                response = self.admin.post(
                    self.path("/opening-balances"), json={"date": day, "balances": body_rows}
                )
            if via == "lou" and expected is not None and expected[0] == 422:
                expected = (400, expected[1])
            self.expect(response, expected, 200 if via == "lou" else 201)
        if expected is None:
            for number, amount, _ in rows:
                if amount:
                    model.amount[number] = amount
                    model.owner[number] = "set"

    def _debit(self, number: str, amount: int) -> int:
        return -amount if number in CREDIT_NORMAL else amount

    def _set_outcome(
        self, rows: list[tuple[str, int, bool]], other_date: bool
    ) -> tuple[int, str] | None:
        model = self.model
        booked = [(number, amount) for number, amount, _ in rows if amount]
        if not booked:
            return 422, "INVALID_INPUT"
        refusals = [model.takes(number) for number, _ in booked]
        takers = [number for (number, _), why in zip(booked, refusals, strict=True) if not why]
        codes = {why[1] for why in refusals if why}
        if len(set(takers)) < len(takers):
            codes.add("INVALID_BALANCE_ENTRY")
        for code in ("INVALID_BALANCE_ENTRY", "ACCOUNTS_NOT_FOUND", "ACCOUNT_TYPE_NOT_ALLOWED"):
            if code in codes:
                return 422, code
        if other_date:
            return 422, "INVALID_INPUT"
        if sum(self._debit(number, amount) for number, amount in booked) != 0:
            return 422, "BALANCE_MISMATCH"
        if "set" in model.owner.values():
            return 409, "OPENING_BALANCES_EXIST"
        if any(model.owner[number] == "ledger" for number, _ in booked):
            return 409, "OPENING_BALANCES_EXIST"
        if model.locked:
            return 422, "PERIOD_LOCKED"
        return None

    # ----------------------------------------------------------------------- reversals

    def _entries(self, **params: Any) -> list[dict[str, Any]]:
        found = self.admin.get(self.path("/journal-entries"), params={"limit": 500, **params})
        assert found.status_code == 200, found.text
        entries: list[dict[str, Any]] = found.json()["data"]
        return entries

    def _undo(self, entry: dict[str, Any]) -> None:
        """The model after `entry`, an opening balance that owned its ledger, is reversed."""
        for line in entry["lines"]:
            number = next(n for n, lid in self.ids.items() if lid == line["ledger_id"])
            if number != "9000":
                self.model.amount[number] = 0
                self.model.owner[number] = None

    @rule(pick=st.integers(min_value=0, max_value=10_000), opening=st.booleans())
    def reverse_an_entry(self, pick: int, opening: bool) -> None:
        entries = self._entries(opening_balance=opening)
        if not entries:
            return
        entry = entries[pick % len(entries)]
        response = self.admin.post(self.path(f"/journal-entries/{entry['id']}/reverse"), json={})
        expected = self._reversal_outcome([entry])
        self.expect(response, expected, 201)
        if expected is None and entry["is_opening_balance"]:
            self._undo(entry)

    @rule(
        pick=st.integers(min_value=0, max_value=10_000),
        via=st.sampled_from(["native", "lou", "library"]),
    )
    def reverse_an_intent(self, pick: int, via: str) -> None:
        intents = sorted({entry["intent_id"] for entry in self._entries()})
        if not intents:
            return
        intent = intents[pick % len(intents)]
        entries = self._entries(intent_id=intent)
        pending = [entry for entry in entries if entry["reversed_by_id"] is None]
        expected = self._reversal_outcome(pending, intent=intent)
        if via == "library":
            self.expect_call(lambda: self.fo.reverse_intent(self.book, intent), expected)
        else:
            if via == "lou":
                response = self.lou.post(
                    "/compat/ledgerlou/v1/journal/reverse",
                    json={"intent_id": intent, "reason": "test", "posting_mode": "current_period"},
                )
            else:
                response = self.admin.post(self.path(f"/intents/{intent}/reverse"), json={})
            if via == "lou" and expected is not None and expected[0] == 422:
                expected = (400, expected[1])
            self.expect(response, expected, 200 if via == "lou" else 201)
        if expected is None:
            for entry in pending:
                if entry["is_opening_balance"]:
                    self._undo(entry)

    def _reversal_outcome(
        self, pending: list[dict[str, Any]], intent: str | None = None
    ) -> tuple[int, str] | None:
        if any(e["is_opening_balance"] and e["kind"] == "reversal" for e in pending):
            return 422, "REVERSAL_NOT_ALLOWED"
        reversed_intent = intent is not None and self._intent_reversed(intent)
        if not pending or reversed_intent or any(e["reversed_by_id"] for e in pending):
            return 409, "ALREADY_REVERSED"
        if self.model.locked and any(e["is_opening_balance"] for e in pending):
            return 422, "PERIOD_LOCKED"
        return None

    def _intent_reversed(self, intent: str) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    text("SELECT 1 FROM intent_reversals WHERE book_id = :b AND intent_id = :i"),
                    {"b": self.book, "i": intent},
                ).first()
                is not None
            )

    # ------------------------------------------------------------------ periods, posts

    @rule(via=st.sampled_from(["native", "lou", "library"]))
    def lock_or_reopen(self, via: str) -> None:
        action = "reopen" if self.model.locked else "soft-lock"
        if via == "library":
            self.fo.change_period(self.book, self.month, PeriodAction(action))
        else:
            if via == "lou":
                response = self.lou.post(f"/compat/ledgerlou/v1/periods/{self.month}/{action}")
            else:
                response = self.admin.post(self.path(f"/periods/{self.month}/{action}"))
            assert response.status_code == 200, response.text
        self.model.locked = not self.model.locked

    @rule(amount=st.integers(min_value=1, max_value=5000))
    def post_an_ordinary_entry(self, amount: int) -> None:
        day = "2025-06-15"
        response = self.admin.post(
            self.path("/journal-entries"),
            json={
                "date": day,
                "lines": [
                    {"ledger_number": "1800", "debit": decimal(amount)},
                    {"ledger_number": "4400", "credit": decimal(amount)},
                ],
            },
        )
        assert response.status_code == 201, response.text

    # ------------------------------------------------------- the library, given wrong kinds

    @rule(which=st.integers(min_value=0, max_value=10_000))
    def hand_the_library_a_wrong_value(self, which: int) -> None:
        """A program's mistake: one value of the wrong kind. Refused with its code before
        anything is read, so the same code whatever the book holds; nothing changes (the
        invariant checks every reading against the unchanged model)."""
        fo, book, ledger = self.fo, self.book, self.ids["1800"]
        start = date.fromisoformat(self.start)
        row = SetRow(1, 100, 0, ledger_number="1800")
        intents = sorted({entry["intent_id"] for entry in self._entries()}) or ["none"]
        calls: list[tuple[Callable[[], object], str]] = [
            (lambda: fo.set_opening_balance(book, ledger, 12.5), "INVALID_AMOUNT"),  # type: ignore[arg-type]
            (lambda: fo.set_opening_balance(book, ledger, True), "INVALID_AMOUNT"),
            (lambda: fo.set_opening_balance(book, 1800, 100), "INVALID_INPUT"),  # type: ignore[arg-type]
            (lambda: fo.book_opening_balances(book, self.start, [row]), "INVALID_INPUT"),  # type: ignore[arg-type]
            (lambda: fo.book_opening_balances(book, datetime(2025, 1, 1), [row]), "INVALID_INPUT"),
            (
                lambda: fo.book_opening_balances(book, start, [SetRow(1, Decimal("1"), 0, "1800")]),  # type: ignore[arg-type]
                "INVALID_BALANCE_ENTRY",
            ),  # fmt: skip
            (
                lambda: fo.book_opening_balances(book, start, [SetRow(1, 1, 0, 1800)]),  # type: ignore[arg-type]
                "INVALID_BALANCE_ENTRY",
            ),  # fmt: skip
            (lambda: fo.reverse_intent(book, intents[0], mode="current_period"), "INVALID_INPUT"),  # type: ignore[arg-type]
            (lambda: fo.reverse_intent(book, intents[0], on="2025-06-01"), "INVALID_INPUT"),  # type: ignore[arg-type]
            (lambda: fo.change_period(book, self.month, "soft-lock"), "INVALID_INPUT"),  # type: ignore[arg-type]
        ]
        call, code = calls[which % len(calls)]
        self.expect_call(call, (0, code))
        [item] = fo.set_opening_balances(book, {ledger: 0.5})  # type: ignore[dict-item]
        assert isinstance(item, FolioError) and item.code == "INVALID_AMOUNT", item

    # ----------------------------------------------------------------------- checking

    def file(self, name: str, content: str) -> str:
        path = self.files / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    @staticmethod
    def expect_call(call: Callable[[], object], expected: tuple[int, str] | None) -> None:
        """The library's answer: the result, or the FolioError of the expected code."""
        try:
            call()
        except FolioError as exc:
            assert expected is not None and exc.code == expected[1], (exc.code, exc.message)
        else:
            assert expected is None, f"booked, expected {expected}"

    def expect_cli(self, args: list[str], expected: tuple[int, str] | None) -> None:
        """The CLI's answer: exit 0, or exit 1 with the expected code on the screen."""
        result = CliRunner().invoke(cli, ["opening-balances", *args, "--database", self.db_url])
        if expected is None:
            assert result.exit_code == 0, result.output
        else:
            assert result.exit_code == 1 and expected[1] in result.output, result.output

    def expect(
        self, response: httpx.Response, expected: tuple[int, str] | None, success: int
    ) -> None:
        if expected is None:
            assert response.status_code == success, response.text
        else:
            assert (response.status_code, response.json()["code"]) == expected, response.text

    @invariant()
    def every_reading_agrees(self) -> None:
        if not hasattr(self, "book"):
            return
        model = self.model
        postings = dict.fromkeys([*NUMBERS, "9000"], 0)  # net debit of opening postings
        for entry in self._entries(opening_balance=True):
            for line in entry["lines"]:
                number = next(n for n, lid in self.ids.items() if lid == line["ledger_id"])
                sign = 1 if line["side"] == "debit" else -1
                postings[number] += sign * int(Decimal(line["amount"]) * 100)
        expected = {n: self._debit(n, model.amount[n]) for n in NUMBERS}
        assert {n: postings[n] for n in NUMBERS} == expected
        assert postings["9000"] == -sum(expected.values())

        native = self.admin.get(self.path("/opening-balances")).json()
        rows = {row["number"]: row for row in native["data"]}
        assert {n: self._cents(rows[n]["amount"]) for n in rows} == {
            n: a for n, a in model.amount.items() if a
        }
        offset = native["offset"]
        assert self._cents(offset["debit"]) - self._cents(offset["credit"]) == postings["9000"]
        owners = {row["number"]: row["owner"] for row in native["data"]}
        assert owners == {n: o for n, o in model.owner.items() if o}

        # One ledger's own reading: two ledgers a step, in turn, so every ledger is read
        # within four steps (all seven every step doubled the test's time).
        self.turn += 1
        for number in (NUMBERS[self.turn % 7], NUMBERS[(self.turn + 3) % 7]):
            one = self.admin.get(self.path(f"/ledgers/{self.ids[number]}/opening-balance"))
            assert self._cents(one.json()["amount"]) == model.amount[number]

        view = self.teal.get(
            "/compat/teal/v0/ledgers/opening-balance", params={"expand": "line_entries"}
        ).json()
        teal = dict.fromkeys(NUMBERS, 0)
        for line in view["line_entries"] or []:
            number = next(n for n, lid in self.ids.items() if lid == line["ledger_id"])
            if number != "9000":
                sign = 1 if line["debit_credit"] == "debit" else -1
                teal[number] += sign * int(Decimal(str(line["amount"])) * 100)
        assert teal == expected

        balance = self.admin.get(self.path(f"/ledgers/{self.ids['9000']}/balance")).json()
        assert -self._cents(balance["balance"]) == postings["9000"]  # 9000 is credit-normal

        report = self.admin.get(
            self.path("/reports/trial-balance"),
            params={"from": self.start, "to": "2025-12-31"},
        ).json()
        opening_column = dict.fromkeys(NUMBERS, 0) | {
            row["number"]: self._cents(row["opening_balance"])
            for row in report["data"]
            if row["number"] in LEDGERS
        }
        assert opening_column == model.amount

        with self.engine.connect() as conn:
            live = conn.execute(
                text(
                    "SELECT ledger_id, COUNT(*) FROM opening_balance_owners WHERE book_id = :b "
                    "AND released_by IS NULL GROUP BY ledger_id HAVING COUNT(*) > 1"
                ),
                {"b": self.book},
            ).all()
        assert live == []

        verified = self.admin.get(self.path("/verify")).json()
        assert verified["ok"], verified

    @staticmethod
    def _cents(value: str) -> int:
        return int(Decimal(value) * 100)

    def teardown(self) -> None:
        for client in ("admin", "lou", "teal"):
            if hasattr(self, client):
                getattr(self, client).close()


def test_opening_balances_hold_under_any_sequence_of_calls(
    app: FastAPI, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    run_state_machine_as_test(
        lambda: OpeningBalances(app, engine, db_url, tmp_path),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None),
    )
