"""The garbage collector during bulk bookings (trial-balance and DATEV imports).

A full collection walks every object the process holds. An import holds its parsed rows (six
objects a row) for its whole length while each chunk it books leaves a few thousand objects
behind long enough to reach the oldest generation, and CPython starts a full collection
whenever that generation has grown by a quarter: 3 full collections booking 10,000 rows, 22
booking 100,000, each over all the rows, so the import grew faster than its size
(BENCHMARKS.md). `bulk_booking` moves everything alive when it starts into the collector's
permanent generation (`gc.freeze`) and back when the last concurrent one ends: collections
during the import then walk only what the import made since, and no object is kept alive.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_open = 0  # bulk bookings running in this process (threads of one server)


@contextmanager
def bulk_booking() -> Iterator[None]:
    """Freeze what is alive for the duration; unfreeze when the last one in the process ends."""
    global _open
    with _lock:
        if _open == 0:
            gc.freeze()
        _open += 1
    try:
        yield
    finally:
        with _lock:
            _open -= 1
            if _open == 0:
                gc.unfreeze()
