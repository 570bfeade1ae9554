"""kill -9 of the server under an idempotent posting load (both engines).

Four clients post entries, each with its own Idempotency-Key, until the server is killed in the
middle of the load. After a restart every key is sent again: every acknowledged write is there
with the id the client was given, nothing is posted twice, nothing is half-posted, and
`verify` passes.
"""

from __future__ import annotations

import threading
import time

from tests.faults.harness import Outcome, Server, journal, load, posting_book, settle

WORKERS = 4
PER_WORKER = 400
KILL_AFTER_ACKS = 120


def test_killing_the_server_loses_no_acknowledged_write_and_duplicates_none(db_url: str) -> None:
    book = posting_book(db_url)
    server = Server(db_url).start()
    outcome, stop = Outcome(), threading.Event()
    workers = [
        threading.Thread(
            target=load,
            args=(server.base, book, outcome),
            kwargs={"worker": n, "requests": PER_WORKER, "seconds": 60, "stop": stop},
        )
        for n in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while len(outcome.acked) < KILL_AFTER_ACKS and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(outcome.acked) >= KILL_AFTER_ACKS, "the load never got going"
    server.kill9()  # mid-load: requests are in flight
    stop.set()
    for worker in workers:
        worker.join(30)
    assert set(outcome.statuses) <= {201}, outcome.statuses
    in_flight = set(outcome.sent) - set(outcome.acked)
    assert in_flight, "the kill should land while requests are in flight"

    with_restart = Server(db_url).start()
    try:
        every_key = sorted(set(outcome.sent))
        again = settle(with_restart.base, book, every_key)
        # acknowledged writes: present, and the retry replays the very same entry
        for key, entry_id in outcome.acked.items():
            assert again[key] == (entry_id, True), key
        entries = journal(with_restart.base, book)
        assert sorted(entry["description"] for entry in entries) == every_key  # once each
        assert {entry["id"] for entry in entries} == {entry_id for entry_id, _ in again.values()}
        for entry in entries:  # nothing half-posted
            assert len(entry["lines"]) == 2
        numbers = sorted(entry["journal_number"] for entry in entries)
        assert numbers == list(range(1, len(entries) + 1))
    finally:
        with_restart.stop()
