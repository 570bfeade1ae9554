"""JSON as clients send it, read exactly: the API's request bodies and the CLI's batch files.

Numbers with a fraction or an exponent become `Decimal`, so `12.10` reaches the money parser as
the exact `Decimal("12.10")` and never as a binary float. NaN and Infinity are malformed JSON.
Text Folio does not store (`domain.text`) is refused before anything is read, naming where it
stands.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from folio.domain.text import check_text, check_tree


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every body: `json.loads` with options builds a decoder per call, which cost
# more than decoding a posting's body.
_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_refuse_constant)
# JSON carries NUL and surrogates only escaped. `\ud` also finds a proper pair (an emoji
# written as two escapes), which decodes to one character and passes. One pass: three
# substring tests took 435 us on a 1,000-entry batch's body, this 103 (decoding it, 1.2 ms).
_UNSTORABLE_ESCAPE = re.compile(r"\\u(?:0000|[dD])")


def loads(body: bytes) -> Any:
    """Parse JSON exactly; every failure is a `json.JSONDecodeError` (a 400 MALFORMED_JSON)."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise json.JSONDecodeError("the body is not UTF-8", "", exc.start) from exc
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError:
        raise
    except (ValueError, RecursionError) as exc:
        raise json.JSONDecodeError(str(exc) or "unparseable", text, 0) from exc
    if _UNSTORABLE_ESCAPE.search(text):
        try:
            _refuse_unstorable(value)
        except RecursionError as exc:
            raise json.JSONDecodeError("nested too deeply", text, 0) from exc
    return value


def _refuse_unstorable(value: Any) -> None:
    """Text that Folio does not store (`domain.text`), refused before anything is read, named
    by where it stands in the body (`metadata.k`, `entries[1].description`, `body key`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "body key")
            check_tree(item, str(key))
    else:
        check_tree(value, "body")
