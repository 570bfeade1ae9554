from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from folio.api.schemas.common import Day, Input
from folio.domain.books import Book

Chart = Literal["skr04", "skr03", "us_small_business", "empty"]


class BookCreate(Input):
    name: str = Field(min_length=1, max_length=200, examples=["Acme GmbH"])
    currency: str = Field(min_length=3, max_length=3, examples=["EUR"])
    entries_start: Day = Field(description="The first day that may carry entries.")
    fiscal_year_start: str = Field("01-01", pattern=r"^[0-9][0-9]-[0-9][0-9]$", examples=["01-01"])
    chart: Chart = "empty"


class BookUpdate(Input):
    name: str | None = Field(None, min_length=1, max_length=200)
    datev_consultant_number: int | None = Field(
        None,
        description="DATEV Beraternummer, 1001-9999999 (4 to 7 digits); null clears it. "
        "Every DATEV export carries it.",
        examples=[29098],
    )
    datev_client_number: int | None = Field(
        None,
        description="DATEV Mandantennummer, 1-99999 (1 to 5 digits); null clears it.",
        examples=[55003],
    )


class BookRead(BaseModel):
    id: str
    name: str
    currency: str
    decimals: int = Field(description="The currency's decimals; amounts carry exactly these.")
    entries_start: date
    fiscal_year_start: str
    chart: str
    datev_consultant_number: int | None = Field(description="DATEV Beraternummer, if set.")
    datev_client_number: int | None = Field(description="DATEV Mandantennummer, if set.")

    @classmethod
    def of(cls, book: Book) -> BookRead:
        return cls(
            id=book.id,
            name=book.name,
            currency=book.currency,
            decimals=book.exponent,
            entries_start=book.entries_start,
            fiscal_year_start=book.fiscal_year_start,
            chart=book.chart,
            datev_consultant_number=book.datev_consultant_number,
            datev_client_number=book.datev_client_number,
        )
