"""Text Folio stores: Unicode without NUL, the same on every engine and through every interface.

PostgreSQL stores no NUL character (U+0000) and SQLite does, so NUL is refused on both alike:
a book moves between them unchanged. Half of a surrogate pair (U+D800 to U+DFFF on its own) is
no Unicode character at all (RFC 8259 8.2): neither database could store it, nor the journal
hash encode it. The API's JSON reader, the web's forms, the CLI's files and the library all end
here, so each refusal says the same thing and names the field.
"""

from __future__ import annotations

import re
from typing import Any

from folio.domain.errors import InvalidInput

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def check_text(value: str | None, field: str) -> None:
    """Refuse `value` if Folio cannot store it, naming `field` and the `character` (`U+0000`),
    or if it is no text at all (a library caller's number)."""
    if value is None:
        return
    if not isinstance(value, str):
        raise InvalidInput(
            f"{field} must be text (str), not {value!r} ({type(value).__name__}).",
            {"field": field, "value": repr(value)},
        )
    if not value:
        return
    found = _UNSTORABLE.search(value)
    if found is None:
        return
    code = f"U+{ord(found.group()):04X}"
    if code == "U+0000":
        raise InvalidInput(
            f"{field} contains a NUL character (U+0000), which Folio does not store.",
            {"field": field, "character": code},
        )
    raise InvalidInput(
        f"{field} contains {code}, half of a surrogate pair, which is no character: Folio "
        "stores Unicode text.",
        {"field": field, "character": code},
    )


def check_tree(value: Any, path: str) -> None:
    """`check_text` of every string in a JSON value, keys included, each named by its path
    under `path` (`metadata.k`, `metadata key`, `tags[2]`)."""
    if isinstance(value, str):
        check_text(value, path)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, f"{path} key")
            check_tree(item, f"{path}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_tree(item, f"{path}[{index}]")
