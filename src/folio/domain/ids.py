"""Prefixed random ids (`bk_`, `ldg_`, `je_`, `le_`, `int_`, `fyc_` for a year-end close, ...)
followed by 22 base58 characters."""

from __future__ import annotations

import re
import secrets

BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
ID_LENGTH = 22
PREFIXES = ("bk", "ldg", "je", "le", "int", "aud", "key", "cli", "fyc")
_SPACE = 58**ID_LENGTH
_PATTERN = re.compile(rf"^({'|'.join(PREFIXES)})_[{BASE58}]{{{ID_LENGTH}}}$")


# Two base58 digits at a time, least significant first: half the divisions (a trial-balance
# import makes three ids a row).
_PAIRS = [BASE58[n % 58] + BASE58[n // 58] for n in range(58 * 58)]


def new_id(prefix: str) -> str:
    if prefix not in PREFIXES:
        raise ValueError(f"unknown id prefix {prefix!r}")
    n = secrets.randbelow(_SPACE)
    chars = []
    for _ in range(ID_LENGTH // 2):
        n, pair = divmod(n, 58 * 58)
        chars.append(_PAIRS[pair])
    return f"{prefix}_" + "".join(chars)


def is_id(value: str, prefix: str) -> bool:
    match = _PATTERN.match(value)
    return bool(match) and match is not None and match.group(1) == prefix
