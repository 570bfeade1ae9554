"""A PostgreSQL restart under a posting load: Folio answers only 201 or 503 while the database
is away and recovers by itself, without being restarted.

The cluster is the test's own (`PrivateCluster`: initdb in a temporary folder, a free port,
removed afterwards). The shared server on 127.0.0.1:5432 is never stopped: other engineers'
test runs use it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests.databases import REQUIRE_POSTGRES
from tests.faults.harness import (
    Outcome,
    PrivateCluster,
    Server,
    journal,
    load,
    posting_book,
    private_cluster_problem,
    settle,
)

WORKERS = 4


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    problem = private_cluster_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(problem)
        pytest.skip(problem)
    made = PrivateCluster().init()
    try:
        made.start()
        yield made
    finally:
        made.remove()


def test_a_postgres_restart_is_503_then_folio_recovers_alone(cluster: PrivateCluster) -> None:
    url = cluster.create_database("folio")
    book = posting_book(url)
    server = Server(url).start()
    pid = server.pid
    try:
        outcome, stop = Outcome(), threading.Event()
        workers = [
            threading.Thread(
                target=load,
                args=(server.base, book, outcome),
                kwargs={"worker": n, "requests": 5_000, "seconds": 60, "stop": stop},
            )
            for n in range(WORKERS)
        ]
        for worker in workers:
            worker.start()
        time.sleep(2)  # under load
        served_before = len(outcome.acked)
        cluster.stop("fast")  # every connection of Folio's pool is cut
        time.sleep(2)  # requests meanwhile find no database
        cluster.start()
        deadline = time.monotonic() + 30
        recovered_at = len(outcome.statuses)
        while time.monotonic() < deadline:  # until writes succeed again, without a restart
            with outcome.lock:
                recent = outcome.statuses[recovered_at:]
            if recent.count(201) >= 20:
                break
            time.sleep(0.1)
        stop.set()
        for worker in workers:
            worker.join(30)

        statuses = set(outcome.statuses)
        assert statuses <= {201, 503}, sorted(statuses)
        assert 503 in statuses, "no request met the restart"
        assert served_before > 0 and outcome.statuses[-20:].count(201) == 20
        assert (
            server.pid == pid and server.process and server.process.poll() is None
        )  # not restarted
        # every request refused with 503 wrote nothing: its retry posts it once
        again = settle(server.base, book, sorted(set(outcome.sent)))
        for key, entry_id in outcome.acked.items():
            assert again[key] == (entry_id, True), key
        entries = journal(server.base, book)
        assert len(entries) == len(set(outcome.sent))
    finally:
        server.stop()
