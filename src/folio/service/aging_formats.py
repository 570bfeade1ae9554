"""The aged receivables and payables as JSON-able data and as a table (CSV, XLSX): one row per
open item under its party, a total row per party, and the totals; five bucket columns."""

from __future__ import annotations

from typing import Any

from folio.domain.money import format_minor
from folio.service.aging import BUCKETS, AgedReport, ItemState

BUCKET_TITLES = {
    "current": "current",
    "1_30": "1-30 days",
    "31_60": "31-60 days",
    "61_90": "61-90 days",
    "over_90": "over 90 days",
}


def item_dict(state: ItemState, exp: int) -> dict[str, Any]:
    return {
        "id": state.item_id,
        "party_id": state.party.id if state.party else None,
        "party_number": state.party.number if state.party else None,
        "document": state.document,
        "date": state.document_date.isoformat(),
        "due_date": state.due_date.isoformat(),
        "amount": format_minor(state.original, exp),
        "open": format_minor(state.open, exp),
        "days_overdue": max(state.days_overdue, 0),
        "bucket": state.bucket.value,
        "recorded": state.explicit,
    }


def aged_dict(report: AgedReport) -> dict[str, Any]:
    exp = report.exponent

    def buckets(values: dict[Any, int]) -> dict[str, str]:
        return {bucket.value: format_minor(values[bucket], exp) for bucket in BUCKETS}

    return {
        "book_id": report.book_id,
        "currency": report.currency,
        "kind": report.kind.value,
        "as_of": report.as_of.isoformat(),
        "ledger": {
            "ledger_id": report.ledger.id,
            "number": report.ledger.number,
            "name": report.ledger.name,
        },  # fmt: skip
        "data": [
            {
                "party": None
                if row.party is None
                else {
                    "id": row.party.id,
                    "number": row.party.number,
                    "name": row.party.name,
                },
                "buckets": buckets(row.buckets),
                "total": format_minor(row.total, exp),
                "items": [item_dict(state, exp) for state in row.items],
            }
            for row in report.parties
        ],  # fmt: skip
        "buckets": buckets(report.buckets),
        "total": format_minor(report.total, exp),
        "ledger_balance": format_minor(report.ledger_balance, exp),
    }


AGED_HEADERS = ("party", "name", "document", "date", "due_date", "days_overdue",
                *BUCKET_TITLES.values(), "total", "row_type")  # fmt: skip


def aged_rows(report: AgedReport) -> list[list[str | int | None]]:
    rows: list[list[str | int | None]] = []
    for row in report.parties:
        number = row.party.number if row.party else None
        name = row.party.name if row.party else "(no customer or supplier)"
        for state in row.items:
            cells = [state.open if state.bucket is bucket else None for bucket in BUCKETS]
            rows.append([number, name, state.document, state.document_date.isoformat(),
                         state.due_date.isoformat(), max(state.days_overdue, 0), *cells,
                         state.open, "item"])  # fmt: skip
        rows.append([number, f"Total {name}", None, None, None, None,
                     *(row.buckets[b] for b in BUCKETS), row.total, "party"])  # fmt: skip
    rows.append([None, "Total", None, None, None, None,
                 *(report.buckets[b] for b in BUCKETS), report.total, "total"])  # fmt: skip
    return rows
