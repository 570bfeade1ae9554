"""Reports and exports (DESIGN §6), all under `reports:read`.

JSON by default; `Accept: text/csv` or the XLSX media type returns the same report as a file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import Query, Request, Response
from fastapi.responses import StreamingResponse

from folio.api.deps import Call, reads
from folio.api.downloads import as_text, spooled_download
from folio.api.routes.common import BOOK, ID_PATTERN, BookId, router
from folio.api.schemas.common import Day
from folio.domain.errors import InvalidInput
from folio.service import datev_export, exports, reports
from folio.service.report_formats import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Report,
    as_dict,
    render_csv,
    render_xlsx,
)
from folio.store.uow import UnitOfWork

api = router(BOOK, "reports")

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The report: JSON, or CSV / XLSX when the Accept header asks for it.",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            CSV_MEDIA_TYPE: {"schema": {"type": "string"}},
            XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
DateFrom = Annotated[Day | None, Query(alias="from", description="First day (inclusive).")]
DateTo = Annotated[Day | None, Query(alias="to", description="Last day (inclusive).")]
IncludeEmpty = Annotated[bool, Query(description="Also ledgers without postings.")]
Year = Annotated[
    int | None,
    Query(
        ge=1900,
        le=9998,
        description="A fiscal year (named by the calendar year it starts in) instead of a range.",
    ),
]
CompareWith = Annotated[
    reports.Compare | None,
    Query(description="`previous_year`: each amount a fiscal year earlier beside it (Vorjahr)."),
]


def _respond(request: Request, report: Report, name: str) -> Response:
    accept = request.headers.get("accept", "")
    if XLSX_MEDIA_TYPE in accept:
        return Response(
            render_xlsx(report),
            media_type=XLSX_MEDIA_TYPE,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    if CSV_MEDIA_TYPE in accept:
        return Response(
            render_csv(report),
            media_type=f"{CSV_MEDIA_TYPE}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(_json(as_dict(report)), media_type="application/json")


def _json(value: Any) -> bytes:
    return orjson.dumps(value, default=str)


def _report(
    call: Call, request: Request, name: str, fn: Callable[[UnitOfWork], Report]
) -> Response:
    return _respond(request, call.read(fn), name)


@api.get("/reports/trial-balance", responses=FILE_RESPONSES, summary="Trial balance (SuSa)")
def trial_balance(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    include_empty: IncludeEmpty = False,
    year: Year = None,
) -> Response:
    """Per ledger: opening_balance (the opening value of the fiscal year holding `from`: the
    balance carried from the year before, revenue and expense at zero, earlier results in the
    retained-earnings ledger; in the first year the opening balances), carried_forward (the
    year's postings before `from`), debit and credit (postings in the range), closing. The range
    lies in one fiscal year; default: the fiscal year containing `to` (default today)."""
    return _report(
        call,
        request,
        "trial-balance",
        lambda uow: reports.trial_balance(
            uow,
            book_id,
            date_from=date_from,
            date_to=date_to,
            include_empty=include_empty,
            year=year,
        ),
    )


@api.get("/reports/balance-sheet", responses=FILE_RESPONSES, summary="Balance sheet")
def balance_sheet(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    as_of: Annotated[Day | None, Query(description="Through this day (default today).")] = None,
    include_empty: IncludeEmpty = False,
    compare: CompareWith = None,
    year: Year = None,
) -> Response:
    return _report(
        call,
        request,
        "balance-sheet",
        lambda uow: reports.balance_sheet(
            uow, book_id, as_of=as_of, include_empty=include_empty, compare=compare, year=year
        ),
    )


@api.get("/reports/income-statement", responses=FILE_RESPONSES, summary="Income statement")
def income_statement(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    date_from: DateFrom = None,
    date_to: DateTo = None,
    interval: reports.Interval | None = None,
    include_empty: IncludeEmpty = False,
    compare: CompareWith = None,
    year: Year = None,
) -> Response:
    return _report(
        call,
        request,
        "income-statement",
        lambda uow: reports.income_statement(
            uow,
            book_id,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            include_empty=include_empty,
            compare=compare,
            year=year,
        ),
    )


@api.get("/reports/ledger-statement", responses=FILE_RESPONSES, summary="Ledger statement")
def ledger_statement(
    call: Annotated[Call, reads("reports:read")],
    request: Request,
    book_id: BookId,
    ledger_id: Annotated[str, Query(pattern=ID_PATTERN)],
    date_from: DateFrom = None,
    date_to: DateTo = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=reports.MAX_STATEMENT_LIMIT)] = 100,
) -> Response:
    """Opening balance, the lines with a running balance, closing; `next_cursor` pages on."""
    return _report(
        call,
        request,
        "ledger-statement",
        lambda uow: reports.ledger_statement(
            uow,
            book_id,
            ledger_id,
            date_from=date_from,
            date_to=date_to,
            cursor=cursor,
            limit=limit,
        ),
    )


EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The journal as text (hledger, beancount), or a ZIP of DATEV EXTF files.",
        "content": {
            "text/plain": {"schema": {"type": "string"}},
            "application/zip": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
ExportYear = Annotated[
    int | None,
    Query(
        ge=1900,
        le=9998,
        description="DATEV only, required: the fiscal year (named by the year it starts in).",
    ),
]


@api.get("/export", responses=EXPORT_RESPONSES, summary="The book for hledger, beancount or DATEV")
def export(
    call: Annotated[Call, reads("reports:read")],
    book_id: BookId,
    export_format: Annotated[exports.ExportFormat, Query(alias="format")],
    year: ExportYear = None,
) -> StreamingResponse:
    """The whole journal, each account named after the ledger's type, number and name; or,
    with `format=datev&year=2025`, that fiscal year as a ZIP of DATEV EXTF files
    (Buchungsstapel, Kontenbeschriftungen, Debitoren/Kreditoren: docs/datev.md).

    Written inside one read transaction to a spooled file (memory up to 8 MB, disk beyond),
    then streamed, so a large book neither holds a transaction open during the download nor
    sits in memory."""
    if export_format is exports.ExportFormat.DATEV:
        if year is None:
            raise InvalidInput(
                "A DATEV export is one fiscal year: add ?year=2025.", {"field": "year"}
            )
        return spooled_download(
            call.read,
            lambda uow, out: datev_export.export_year(uow, book_id, year, out),
            "application/zip",
            f"DATEV_{book_id}_{year}.zip",
        )
    suffix = "journal" if export_format is exports.ExportFormat.HLEDGER else "beancount"
    return spooled_download(
        call.read,
        as_text(lambda uow, out: exports.write_export(uow, book_id, export_format, out)),
        "text/plain; charset=utf-8",
        f"{book_id}.{suffix}",
    )
