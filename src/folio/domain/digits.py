"""Digits as machines, files and forms write them: ASCII 0-9 only.

`str.isdigit` also takes the digits of every other script and superscripts, which `int()`
then reads as other numbers ("١٢" is 12) or refuses (`int("²")` raises): a check before an
`int()` of input, or of a number that must look the same everywhere, is `is_digits`.
"""

from __future__ import annotations


def is_digits(text: str) -> bool:
    """A non-empty run of ASCII digits."""
    return text.isascii() and text.isdigit()
