"""Failed authentication, throttled per client address.

Each address has a bucket of `failures` tries that refills evenly over `seconds`; only a failed
authentication (a wrong key, token or client secret) takes from it. An empty bucket answers
429 `TOO_MANY_REQUESTS` with `Retry-After` before the credential is even looked at, so guessing
goes no faster than the refill. A valid request costs one dictionary read and never waits: no
request is ever delayed, only refused. A credential verified moments ago (`auth.VERIFIED`) is
let through even from an address that is being throttled, so a client sharing an address with
a guesser keeps working.

The buckets live in the process (each worker throttles on its own, so N workers allow N times
the rate), hold at most MAX_ADDRESSES addresses and forget an address once its bucket is full.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from folio.api.settings import Throttle
from folio.domain.errors import TooManyRequests, Unauthenticated

MAX_ADDRESSES = 100_000


class FailureThrottle:
    def __init__(self, limit: Throttle, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(limit.failures)
        self.rate = limit.failures / limit.seconds  # tries regained per second
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # address -> (tries left, when)

    def _left(self, address: str, now: float) -> float:
        found = self._buckets.get(address)
        if found is None:
            return self.capacity
        left, since = found
        return min(self.capacity, left + (now - since) * self.rate)

    def check(self, address: str) -> None:
        """TOO_MANY_REQUESTS while the address has no tries left."""
        if address not in self._buckets:  # the common case: no failure on record
            return
        left = self._left(address, self.clock())
        if left < 1:
            wait = math.ceil((1 - left) / self.rate)
            raise TooManyRequests(
                f"Too many failed authentications from this address; retry in {wait} s.",
                {"retry_after": wait},
            )

    @contextmanager
    def guard(self, address: str) -> Iterator[None]:
        """Refuse the address while it is throttled; count an authentication failing inside."""
        self.check(address)
        try:
            yield
        except Unauthenticated:
            self.failed(address)
            raise

    def failed(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            left = self._left(address, now) - 1
            self._buckets[address] = (left, now)
            if len(self._buckets) > MAX_ADDRESSES:
                self._forget_full(now)

    def _forget_full(self, now: float) -> None:
        self._buckets = {
            address: (left, since)
            for address, (left, since) in self._buckets.items()
            if left + (now - since) * self.rate < self.capacity
        }
        if len(self._buckets) > MAX_ADDRESSES:  # a flood of addresses: start over
            self._buckets.clear()


class NoThrottle(FailureThrottle):
    """FOLIO_AUTH_THROTTLE=off."""

    def __init__(self) -> None:
        super().__init__(Throttle(1, 1.0))

    def check(self, address: str) -> None:
        return None

    def failed(self, address: str) -> None:
        return None


def for_settings(limit: Throttle | None) -> FailureThrottle:
    return FailureThrottle(limit) if limit is not None else NoThrottle()
