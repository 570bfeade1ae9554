"""Metadata nested deeper than `METADATA_LEVELS`, sent to the API (both engines): 422 naming the
field, nothing booked (a batch refused whole, as any body that does not fit the schema).
Before, pydantic's recursion error named every key on the way down as `dict` (from about 250
levels)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from folio.domain.metadata import METADATA_LEVELS
from tests.api.conftest import post_entry
from tests.integration.test_metadata_depth import MESSAGE


def _body(levels: int) -> bytes:
    """A posting whose metadata nests `levels` deep, written out (json.dumps would recurse)."""
    metadata = '{"k": ' * (levels - 1) + "{}" + "}" * (levels - 1)
    return (
        '{"date": "2025-01-10", "lines": [{"ledger_number": "1000", "debit": "1.00"}, '
        '{"ledger_number": "4000", "credit": "1.00"}], "metadata": ' + metadata + "}"
    ).encode()


@pytest.mark.parametrize("levels", [METADATA_LEVELS + 1, 300, 900])
def test_the_api_refuses_it_by_field_and_books_nothing(
    admin: httpx.Client, book: dict[str, Any], levels: int
) -> None:
    url = f"/v1/books/{book['id']}/journal-entries"
    headers = {"Content-Type": "application/json"}
    fits = admin.post(url, content=_body(METADATA_LEVELS), headers=headers)
    assert fits.status_code == 201, fits.text
    refused = admin.post(url, content=_body(levels), headers=headers)
    assert refused.status_code == 422, refused.text
    error = refused.json()
    assert (error["code"], error["data"]["field"]) == ("INVALID_INPUT", "metadata")
    assert error["error"] == f"metadata: {MESSAGE}"
    batch = b'{"atomic": false, "entries": [' + _body(2) + b", " + _body(levels) + b"]}"
    whole = admin.post(f"{url}/batch", content=batch, headers=headers)
    assert whole.status_code == 422, whole.text  # a schema's refusal: the batch, whatever atomic
    assert whole.json()["data"]["field"] == "entries[1].metadata"
    assert whole.json()["error"] == f"entries[1].metadata: {MESSAGE}"
    listed = admin.get(url).json()["data"]
    assert [entry["journal_number"] for entry in listed] == [1]
    assert post_entry(admin, book["id"], "1000 D 1.00; 4000 C 1.00").status_code == 201
