"""Issue 13, items 1, 2, 4, 5 and 6: no request can hurt the server (both engines).

Dates out of range or not written YYYY-MM-DD, reports too long or too fine, period listings
near the end of the calendar, guessed credentials, huge bodies and OPTIONS all get a clear
answer in the error envelope, and quickly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import httpx
import orjson
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from folio.api.app import create_app
from folio.api.settings import Settings, Throttle
from tests.api.conftest import client_for, create_book, make_client, make_key, post_entry
from tests.api.test_auth import token

WATCHDOG_SECONDS = 20


def answered(call: Callable[[], httpx.Response]) -> httpx.Response:
    """The response, failing (not hanging) if there is none within WATCHDOG_SECONDS: on main
    these requests spun forever."""
    found: list[httpx.Response] = []
    worker = threading.Thread(target=lambda: found.append(call()), daemon=True)
    worker.start()
    worker.join(WATCHDOG_SECONDS)
    assert found, f"no answer within {WATCHDOG_SECONDS} s"
    return found[0]


def refused(response: httpx.Response, field: str, status: int = 422) -> None:
    body = response.json()
    assert (response.status_code, body["code"]) == (status, "INVALID_INPUT"), response.text
    assert body["data"]["field"] == field, body


# ------------------------------------------------------------------------------ item 1, 2, 6


def test_reports_at_the_end_of_the_calendar_answer_at_once(admin: httpx.Client) -> None:
    book = create_book(admin)
    path = f"/v1/books/{book['id']}/reports/income-statement"
    late = {"from": "9999-01-01", "to": "9999-12-31", "interval": "month"}
    refused(answered(lambda: admin.get(path, params=late)), "from")
    last = answered(
        lambda: admin.get(
            path, params={"from": "9998-01-01", "to": "9998-12-31", "interval": "month"}
        )
    )
    assert last.status_code == 200, last.text
    assert [c["label"] for c in last.json()["columns"]][-1] == "9998-12"
    assert len(last.json()["columns"]) == 12


def test_report_ranges_and_intervals_are_capped(admin: httpx.Client) -> None:
    book = create_book(admin)
    base = f"/v1/books/{book['id']}/reports"
    monthly = {"from": "1990-01-01", "to": "2025-12-31", "interval": "month"}
    refused(admin.get(f"{base}/income-statement", params=monthly), "interval")
    yearly = admin.get(f"{base}/income-statement", params={**monthly, "interval": "year"})
    assert yearly.status_code == 200 and len(yearly.json()["columns"]) == 36
    century = {"from": "1900-01-01", "to": "2000-01-01"}
    for report in ("trial-balance", "income-statement"):
        refused(admin.get(f"{base}/{report}", params=century), "to")


def test_periods_through_the_last_month_page_without_building_a_million(
    admin: httpx.Client,
) -> None:
    book = create_book(admin, entries_start="9990-01-01")
    path = f"/v1/books/{book['id']}/periods"
    refused(answered(lambda: admin.get(path, params={"through": "9999-12-31"})), "through")
    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"through": "9998-12-31", "limit": 50}
        if cursor:
            params["cursor"] = cursor
        page = answered(lambda params=params: admin.get(path, params=params))  # type: ignore[misc]
        assert page.status_code == 200, page.text
        seen += [period["period"] for period in page.json()["data"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == 9 * 12 and seen[0] == "9990-01" and seen[-1] == "9998-12"
    assert seen == sorted(seen)
    locked = admin.post(f"{path}/9999-01/soft-lock")
    assert (locked.status_code, locked.json()["code"]) == (422, "INVALID_PERIOD")


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/ledgers/{ledger}/balance?as_of=0", "as_of"),
        ("/periods?through=0", "through"),
        ("/reports/trial-balance?to=0", "to"),
        ("/reports/balance-sheet?as_of=0", "as_of"),
        ("/journal-entries?from=0", "from"),
        ("/reports/trial-balance?to=2025-01-31T00:00:00", "to"),
        ("/reports/balance-sheet?as_of=1899-12-31", "as_of"),
    ],
)
def test_a_number_or_a_date_time_is_not_a_date(admin: httpx.Client, path: str, field: str) -> None:
    book = create_book(admin)
    ledger = admin.get(f"/v1/books/{book['id']}/ledgers").json()["data"][0]["id"]
    refused(admin.get(f"/v1/books/{book['id']}" + path.format(ledger=ledger)), field)


def test_dates_in_bodies_are_bounded(admin: httpx.Client) -> None:
    for start in ("0001-01-01", 0):
        made = admin.post(
            "/v1/books", json={"name": "Old", "currency": "EUR", "entries_start": start}
        )
        refused(made, "entries_start")
    book = create_book(admin)
    late = post_entry(admin, book["id"], "1000 D 1.00; 4000 C 1.00", on="9999-06-01")
    refused(late, "date")
    entries = admin.get(f"/v1/books/{book['id']}/journal-entries").json()["data"]
    assert entries == []


def test_options_lists_every_method_of_the_path(admin: httpx.Client) -> None:
    book = create_book(admin)
    ledger = admin.get(f"/v1/books/{book['id']}/ledgers").json()["data"][0]["id"]
    for path, methods in (
        (f"/v1/books/{book['id']}/ledgers/{ledger}", "DELETE, GET, OPTIONS, PATCH"),
        (f"/v1/books/{book['id']}/ledgers", "GET, OPTIONS, POST"),
        ("/v1/books", "GET, OPTIONS, POST"),
        ("/v1/auth/token", "OPTIONS, POST"),
        (f"/v1/books/{book['id']}/ledgers/{ledger}/opening-balance", "GET, OPTIONS, PUT"),
    ):
        answer = admin.options(path)
        assert (answer.status_code, answer.headers["allow"]) == (204, methods), path
        wrong = admin.request("PURGE" if "token" in path else "PUT", path)
        if "opening-balance" not in path:
            assert wrong.status_code == 405, path
            assert wrong.headers["allow"] == methods, path
            assert wrong.json()["code"] == "METHOD_NOT_ALLOWED"
    missing = admin.options("/v1/nothing-here")
    assert missing.status_code == 404


# ------------------------------------------------------------------------------------ item 5


def test_a_body_over_the_limit_is_413_and_stores_nothing(admin: httpx.Client) -> None:
    book = create_book(admin)
    ten_mb = {"blob": "x" * (10 * 1024 * 1024)}
    response = post_entry(admin, book["id"], "1000 D 1.00; 4000 C 1.00", metadata=ten_mb)
    body = response.json()
    assert (response.status_code, body["code"]) == (413, "PAYLOAD_TOO_LARGE")
    assert body["error"] == "The request body is larger than 8388608 bytes."
    assert admin.get(f"/v1/books/{book['id']}/journal-entries").json()["data"] == []


async def streamed_post(
    app: FastAPI, path: str, key: str, chunks: list[bytes]
) -> tuple[int, bytes]:
    """POST `chunks` as a body without Content-Length, straight through ASGI."""
    pending = [{"type": "http.request", "body": chunk, "more_body": True} for chunk in chunks]
    pending[-1]["more_body"] = False
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "client": ("127.0.0.1", 5000), "server": ("folio.test", 80),
        "headers": [(b"authorization", f"Bearer {key}".encode()),
                    (b"content-type", b"application/json"), (b"host", b"folio.test")],
    }  # fmt: skip
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


def test_a_streamed_body_is_cut_off_at_the_configured_limit(engine: Engine) -> None:
    app = create_app(engine, Settings(max_body_bytes=4096))
    with client_for(app, make_key(engine)) as admin:
        book = create_book(admin)

        key = admin.headers["authorization"].split()[1]
        chunks = [b'{"date": "2025-01-10", "metadata": {"blob": "', *[b"y" * 1024] * 10, b'"}}']
        status, body = asyncio.run(
            streamed_post(app, f"/v1/books/{book['id']}/journal-entries", key, chunks)
        )
        assert (status, orjson.loads(body)["code"]) == (413, "PAYLOAD_TOO_LARGE")
        small = post_entry(admin, book["id"], "1000 D 1.00; 4000 C 1.00", metadata={"n": 1})
        assert small.status_code == 201


# ------------------------------------------------------------------------------------ item 4


def client_from(app: FastAPI, address: str, token_: str | None = None) -> httpx.Client:
    inner = httpx.ASGITransport(app=app, client=(address, 50000))

    class Transport(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            async def call() -> httpx.Response:
                response = await inner.handle_async_request(request)
                content = await response.aread()
                return httpx.Response(
                    response.status_code, headers=response.headers, content=content
                )

            return asyncio.run(call())

    headers = {"Authorization": f"Bearer {token_}"} if token_ else {}
    return httpx.Client(transport=Transport(), base_url="http://folio.test", headers=headers)


def test_guessing_keys_is_throttled_per_address(engine: Engine) -> None:
    app = create_app(engine, Settings(auth_throttle=Throttle(5, 60.0)))
    clock = [1000.0]
    app.state.auth_throttle.clock = lambda: clock[0]
    key = make_key(engine, "books:read")
    with client_from(app, "203.0.113.7", key) as known:
        assert known.get("/v1/books").status_code == 200  # verified before the guessing
    statuses = []
    for attempt in range(8):
        with client_from(app, "203.0.113.7", f"fol_{'x' * 22}_{attempt}") as guesser:
            statuses.append(guesser.get("/v1/books"))
    assert [r.status_code for r in statuses] == [401] * 5 + [429] * 3
    last = statuses[-1]
    assert last.json()["code"] == "TOO_MANY_REQUESTS"
    assert last.headers["retry-after"] == "12"  # one try back every 60/5 s
    with client_from(app, "203.0.113.7", key) as known:
        assert known.get("/v1/books").status_code == 200  # verified moments ago: not slowed
    with client_from(app, "198.51.100.1", key) as elsewhere:
        assert elsewhere.get("/v1/books").status_code == 200  # other addresses are untouched
    with client_from(app, "198.51.100.1", "fol_" + "y" * 22 + "_z") as other_guesser:
        assert other_guesser.get("/v1/books").status_code == 401
    clock[0] += 12
    with client_from(app, "203.0.113.7", "fol_" + "x" * 22 + "_again") as guesser:
        assert guesser.get("/v1/books").status_code == 401  # one try regained, one used
        assert guesser.get("/v1/books").status_code == 429


def test_guessing_client_secrets_is_throttled(engine: Engine) -> None:
    app = create_app(engine)  # the default: 20 failures a minute
    client_id = make_client(engine, "books:read").split()[0]
    codes = [token(app, f"{client_id} wrong-{i}").status_code for i in range(22)]
    assert codes == [401] * 20 + [429] * 2


def test_throttling_can_be_turned_off(engine: Engine) -> None:
    app = create_app(engine, Settings.from_env({"FOLIO_AUTH_THROTTLE": "off"}))
    with client_for(app, "fol_" + "x" * 22 + "_nope") as guesser:
        assert {guesser.get("/v1/books").status_code for _ in range(30)} == {401}
