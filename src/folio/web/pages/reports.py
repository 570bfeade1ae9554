"""Reports: trial balance with the opening-balance column, balance sheet with a composition
chart, income statement with a bar chart by month; CSV and XLSX downloads.

The arithmetic is the report services'; the downloads are the report renderers' bytes.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from starlette.responses import Response

from folio.domain.digits import digits_value
from folio.domain.errors import FolioError, InvalidInput, NotFound
from folio.domain.fiscal_years import fiscal_year
from folio.domain.ledgers import subtype_label, total_label, type_label
from folio.domain.parties import PartyKind
from folio.service import aging, fiscal_years, report_formats, reports
from folio.service.books import get_book
from folio.web.app import render
from folio.web.charts import Bar, Segment, composition, income_bars
from folio.web.forms import Problems, field_of, parse_optional_day
from folio.web.pages import BOOK_TABS, Signed, load_book, router
from folio.web.session import Viewer

pages = router()
KINDS = {
    "trial-balance": "Trial balance",
    "balance-sheet": "Balance sheet",
    "income-statement": "Income statement",
    "aged-receivables": "Aged receivables",
    "aged-payables": "Aged payables",
}
AGED = {"aged-receivables": PartyKind.CUSTOMER, "aged-payables": PartyKind.SUPPLIER}
INTERVALS = ("month", "quarter", "year", "")
Report = reports.TrialBalance | reports.BalanceSheet | reports.IncomeStatement | aging.AgedReport


def _params(request: Request) -> dict[str, str]:
    query = request.query_params
    found = {name: query.get(name, "").strip() for name in ("from", "to", "as_of", "year")}
    interval = query.get("interval", "month").strip()
    found["interval"] = interval if interval in INTERVALS else "month"
    found["previous"] = "1" if query.get("previous") else ""
    return found


def _year(text: str) -> int | None:
    if not text:
        return None
    year = digits_value(text)
    if year is None:
        raise InvalidInput(f"“{text}” is not a fiscal year.", {"field": "year"})
    return year


def _build(me: Viewer, book_id: str, kind: str, params: dict[str, str]) -> Report:
    """The report; a chosen fiscal year wins over the dates typed beside it."""
    year = _year(params["year"])
    dated = year is None
    date_from = parse_optional_day(params["from"], field_name="from") if dated else None
    date_to = parse_optional_day(params["to"], field_name="to") if dated else None
    as_of = parse_optional_day(params["as_of"], field_name="as_of") if dated else None
    compare = reports.Compare.PREVIOUS_YEAR if params["previous"] else None
    if kind in AGED:
        day = as_of or (fiscal_year_end(me, book_id, year) if year else date.today())
        return me.read(lambda uow: aging.aged_report(uow, book_id, AGED[kind], day))
    if kind == "trial-balance":
        return me.read(
            lambda uow: reports.trial_balance(
                uow, book_id, date_from=date_from, date_to=date_to, year=year
            )
        )
    if kind == "balance-sheet":
        return me.read(
            lambda uow: reports.balance_sheet(uow, book_id, as_of=as_of, compare=compare, year=year)
        )
    interval = reports.Interval(params["interval"]) if params["interval"] else None
    return me.read(
        lambda uow: reports.income_statement(
            uow,
            book_id,
            date_from=date_from,
            date_to=date_to,
            interval=interval,
            compare=compare,
            year=year,
        )
    )


def fiscal_year_end(me: Viewer, book_id: str, year: int) -> date:
    return me.read(lambda uow: fiscal_year(get_book(uow, book_id), year).end)


def _balance_chart(sheet: reports.BalanceSheet) -> Any:
    assets = [Segment(subtype_label(g.subtype), g.total) for g in sheet.assets.groups]
    claims = [
        Segment(f"{type_label(section.type)}: {subtype_label(g.subtype)}", g.total)
        for section in (sheet.liabilities, sheet.equity)
        for g in section.groups
    ]
    return composition(assets, claims, sheet.exponent, sheet.currency)


def _income_chart(statement: reports.IncomeStatement) -> Any:
    bars = [
        Bar(column.label, statement.revenue.amounts[i], statement.expense.amounts[i])
        for i, column in enumerate(statement.columns)
    ]
    return income_bars(bars, statement.exponent, statement.currency)


@pages.get("/books/{book_id}/reports")
def show(request: Request, book_id: str, me: Signed, report: str = "trial-balance") -> Response:
    me.need("reports:read")
    book = load_book(me, book_id)
    kind = report if report in KINDS else "trial-balance"
    params = _params(request)
    problems = Problems()
    built: Report | None = None
    try:
        built = _build(me, book_id, kind, params)
    except FolioError as exc:
        problems.fields[field_of(exc) or "from"] = exc.message
    chart = None
    if isinstance(built, reports.BalanceSheet):
        chart = _balance_chart(built)
    elif isinstance(built, reports.IncomeStatement):
        chart = _income_chart(built)
    query = urlencode({k: v for k, v in params.items() if v or k == "interval"})
    years = me.read(lambda uow: fiscal_years.list_years(uow, book_id))
    context: dict[str, Any] = {
        "years": [info.year for info in reversed(years)],
        "book": book,
        "tabs": BOOK_TABS,
        "active": "reports",
        "kind": kind,
        "kinds": KINDS,
        "params": params,
        "report": built,
        "chart": chart,
        "label": subtype_label,
        "total_label": lambda kind: total_label(type_label(kind)),
        "problems": problems,
        "query": query,
        "today": date.today().isoformat(),
        "buckets": aging.BUCKETS,
    }
    return render(request, "reports.html", context, viewer=me, status=422 if problems else 200)


@pages.get("/books/{book_id}/reports/{kind}.{extension}")
def download(request: Request, book_id: str, kind: str, extension: str, me: Signed) -> Response:
    me.need("reports:read")
    if kind not in KINDS or extension not in ("csv", "xlsx"):
        raise NotFound("No such report.", {"report": kind})
    built = _build(me, book_id, kind, _params(request))
    if extension == "csv":
        body, media = report_formats.render_csv(built), report_formats.CSV_MEDIA_TYPE
    else:
        body, media = report_formats.render_xlsx(built), report_formats.XLSX_MEDIA_TYPE
    filename = f"{kind}-{book_id}.{extension}"
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
