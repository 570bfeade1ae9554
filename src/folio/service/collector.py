"""The garbage collector during bulk bookings (trial-balance and DATEV imports).

A full collection walks every object the process holds. An import holds its parsed rows (six
objects a row) for its whole length while each chunk it books leaves a few thousand objects
behind long enough to reach the oldest generation, and CPython starts a full collection
whenever that generation has grown by a quarter: 3 full collections booking 10,000 rows, 22
booking 100,000, each over all the rows, so the import grew faster than its size
(BENCHMARKS.md). `bulk_booking` holds full collections off while any import of the process
runs (the oldest generation's threshold raised out of reach); the young generations are still
collected, and the thresholds come back when the last concurrent import ends.

Not `gc.freeze()`: the API server freezes what it holds at startup (`for_server`), and a
`gc.unfreeze()` after an import would undo that for good.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_open = 0  # bulk bookings running in this process (threads of one server)
_saved: tuple[int, int, int] | None = None
NO_FULL_COLLECTIONS = 2**30
# The server's youngest generation is collected every this many new container objects, not
# CPython's 700: a 1,000-entry batch made some 60 young collections (7-10 ms of CPU); at
# 20,000 the process took 77.5-79 ms of CPU per batch at best against 88-91 ms (in process,
# three interleaved pairs), and a single posting no more than before.
SERVER_YOUNG_THRESHOLD = 20_000


def for_server() -> None:
    """The API server's process at startup. What exists now (modules, the app, its schemas,
    some 160,000 objects) lives as long as the process: frozen, no full collection walks it
    again (a 1,000-entry batch triggered one every batch or two, 50-70 ms each: BENCHMARKS.md).
    The youngest generation is collected less often (SERVER_YOUNG_THRESHOLD)."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(SERVER_YOUNG_THRESHOLD, middle, oldest)


@contextmanager
def bulk_booking() -> Iterator[None]:
    """Full collections held off for the duration; restored when the last one ends."""
    global _open, _saved
    with _lock:
        if _open == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], NO_FULL_COLLECTIONS)
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
