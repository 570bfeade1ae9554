"""Prefixed ids (`bk_`, `ldg_`, `je_`, `le_`, `int_`, `fyc_` for a year-end close, ...)
followed by 22 base58 characters.

The first 8 characters are the time of creation in milliseconds (base58, most significant
first, so ids sort by creation time), the other 14 are random (about 82 bits). Made in time
order, ids are appended to the end of every index that holds them: random ids put each new
row on a different page of the primary key and of `ix_lines_book_entry`, so a 1,000-entry
batch dirtied thousands of pages, and an import slowed as its indexes outgrew the page cache
(BENCHMARKS.md).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 22
TIME_LENGTH = 8  # 58**8 ms: until the year 6000
PREFIXES = ("bk", "ldg", "je", "le", "int", "aud", "key", "cli", "fyc", "pty", "itm")
_PATTERN = re.compile(rf"^({'|'.join(PREFIXES)})_[{BASE58}]{{{ID_LENGTH}}}\Z")
_RANDOM_LENGTH = ID_LENGTH - TIME_LENGTH
# Random bytes below 232 (= 4 x 58) map evenly onto the 58 digits; the rest are dropped.
_DIGITS = bytes(ord(BASE58[b % 58]) for b in range(232)) + bytes(24)
_DROP = bytes(range(232, 256))


_last_ms: tuple[int, str] = (-1, "")


class _Pool(threading.local):
    """Per thread: random digits made from `os.urandom` 4 KB (or more) at a time, handed out
    once each. `make(n)` turns n random bytes into digits (it may drop some)."""

    def __init__(self, make: Callable[[int], str]) -> None:
        self.make, self.digits, self.at = make, "", 0

    def draw(self, need: int) -> str:
        digits, at = self.digits, self.at
        if at + need > len(digits):
            digits, at = "", 0
            while len(digits) < need:
                digits += self.make(max(4096, 2 * need))
            self.digits = digits
        self.at = at + need
        return digits[at : at + need]

    def forget(self) -> None:
        """A forked child must not hand out its parent's remaining digits."""
        self.digits, self.at = "", 0


# Base58: about a tenth of the bytes are dropped (those at or above 232).
_BASE58_POOL = _Pool(lambda n: os.urandom(n).translate(_DIGITS, _DROP).decode())
_HEX_POOL = _Pool(lambda n: os.urandom(n).hex())
for _made in (_BASE58_POOL, _HEX_POOL):
    os.register_at_fork(after_in_child=_made.forget)  # the forking thread's own digits


def _time_digits(ms: int) -> str:
    global _last_ms
    last = _last_ms
    if last[0] == ms:  # ids come in bursts: a batch makes thousands within a millisecond
        return last[1]
    digits, rest = [], ms
    for _ in range(TIME_LENGTH):
        rest, digit = divmod(rest, 58)
        digits.append(BASE58[digit])
    text = "".join(reversed(digits))
    _last_ms = (ms, text)
    return text


def new_id(prefix: str) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    return (
        f"{prefix}_{_time_digits(time.time_ns() // 1_000_000)}{_BASE58_POOL.draw(_RANDOM_LENGTH)}"
    )


def new_ids(prefix: str, count: int) -> list[str]:
    """`count` ids at once (a chunk's entries or lines): one reading of the clock and one
    draw of random digits, where `new_id` costs a few microseconds each."""
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    head = f"{prefix}_{_time_digits(time.time_ns() // 1_000_000)}"
    need = count * _RANDOM_LENGTH
    drawn = _BASE58_POOL.draw(need)
    return [head + drawn[at : at + _RANDOM_LENGTH] for at in range(0, need, _RANDOM_LENGTH)]


def is_id(value: str, prefix: str) -> bool:
    match = _PATTERN.match(value)
    return bool(match) and match is not None and match.group(1) == prefix


def random_hex(length: int) -> str:
    """`length` random hex digits from this thread's pool: a request id per request, where a
    read of os.urandom each time released the event loop's GIL for a system call and waited
    to take it back from the writer thread (py-spy: a tenth of the loop's samples)."""
    return _HEX_POOL.draw(length)
