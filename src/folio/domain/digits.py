"""Digits as machines, files and forms write them: ASCII 0-9 only.

`str.isdigit` also takes the digits of every other script and superscripts, which `int()`
then reads as other numbers ("١٢" is 12) or refuses (`int("²")` raises): a check before an
`int()` of input, or of a number that must look the same everywhere, is `is_digits`.
"""

from __future__ import annotations


def is_digits(text: str) -> bool:
    """A non-empty run of ASCII digits."""
    return text.isascii() and text.isdigit()


MAX_DIGITS = 18  # no number Folio reads has more; 18 digits always fit a 64-bit column


def digits_value(text: str) -> int | None:
    """The number `text` writes in ASCII digits, or None when it is no such run or is longer
    than MAX_DIGITS: Python's `int()` refuses more than 4,300 digits (a 500 where a form took
    them)."""
    if len(text) > MAX_DIGITS or not is_digits(text):
        return None
    return int(text)
