"""What the Asset and Teal adapters share: exact JSON numbers out, vendor dates in.

Amounts leave as JSON numbers, as both vendors document them, but never through a float: the
body is rendered by orjson with each amount a `Fragment` holding Folio's exact decimal text.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema
from starlette.responses import Response

from folio.domain.dates import day_problem
from folio.domain.errors import InvalidInput
from folio.domain.ledgers import Side
from folio.domain.money import format_minor


class JsonBody(BaseModel):
    """A response body already rendered by orjson; `Call.write` stores and sends it as is."""

    text: str

    def model_dump_json(self, *args: Any, **kwargs: Any) -> str:
        return self.text


def number(minor: int, exponent: int) -> orjson.Fragment:
    """An amount as an exact JSON number: 123450 minor units of EUR -> 1234.50."""
    return orjson.Fragment(format_minor(minor, exponent))


def dumps(payload: Any) -> JsonBody:
    return JsonBody(text=orjson.dumps(payload).decode())


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def timestamp(moment: datetime) -> str:
    """A UTC instant as ISO 8601 with a Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def day_start(day: date) -> str:
    """An accounting date as the date-time the vendors use: midnight UTC."""
    return f"{day.isoformat()}T00:00:00Z"


def utc_date(value: object, field: str) -> date:
    """A vendor date-time (or plain date) as Folio's accounting date: its day in UTC.

    A date-time without an offset is taken as UTC; the time of day is dropped. The day must
    be one Folio computes with (`folio.domain.dates`).
    """
    day = _utc_day(value, field)
    problem = day_problem(day)
    if problem:
        raise ValueError(f"{field}: {problem}")
    return day


def _utc_day(value: object, field: str) -> date:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                return date.fromisoformat(text)
            moment = datetime.fromisoformat(text)
        except ValueError as exc:
            raise ValueError(
                f"{field}: expected an ISO 8601 date-time such as 2025-01-01T00:00:00Z"
            ) from exc
    else:
        raise ValueError(f"{field}: expected an ISO 8601 date-time such as 2025-01-01T00:00:00Z")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC).date()
    except OverflowError:  # an offset that moves year 1 or 9999 off the calendar
        raise ValueError(f"{field}: {moment.isoformat()} has no day in UTC") from None


def _date_time(value: object) -> date:
    return utc_date(value, "datetime")


DateTimeIn = Annotated[
    date,
    PlainValidator(_date_time),
    WithJsonSchema({"type": "string", "format": "date-time", "examples": ["2025-01-01T00:00:00Z"]}),
]
Number = Annotated[Decimal, WithJsonSchema({"type": "number", "examples": [1000]})]


def refuse_unsupported(fields: dict[str, object]) -> None:
    """Vendor fields Folio has nowhere to keep are refused rather than silently dropped."""
    for name, value in fields.items():
        if value is not None and value is not False:
            raise InvalidInput(
                f"{name} is not supported by Folio's Asset and Teal adapters; leave it out.",
                {"field": name},
            )


class VendorLedgerFields(BaseModel):
    """Ledger fields Asset and Teal share; unknown fields are ignored, as both vendors do."""

    model_config = ConfigDict(extra="ignore")

    debit_credit: Side | None = Field(
        None, description="The normal side; from the type if left out."
    )
    sort_code: str | None = Field(None, max_length=20, description="Folio's ledger number: digits.")
    parent_id: str | None = Field(None, max_length=32)
    description: str | None = Field(None, max_length=512)
    financial_account_type: str | None = None
    report_cash_flow: bool | None = None

    def unsupported(self) -> dict[str, object]:
        return {
            "financial_account_type": self.financial_account_type,
            "report_cash_flow": self.report_cash_flow,
        }
