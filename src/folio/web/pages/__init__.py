"""The pages, one module per area; each handler reads or writes through the services only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from folio.domain.books import Book
from folio.service.books import get_book
from folio.web.session import Viewer, posted_form, viewer

Signed = Annotated[Viewer, Depends(viewer)]
Posted = Annotated[FormData, Depends(posted_form)]


@dataclass(frozen=True, slots=True)
class Tab:
    slug: str
    title: str
    scope: str


BOOK_TABS = (
    Tab("ledgers", "Accounts", "ledgers:read"),
    Tab("opening-balances", "Opening balances", "ledgers:read"),
    Tab("parties", "Customers & suppliers", "ledgers:read"),
    Tab("journal", "Journal", "journal:read"),
    Tab("reports", "Reports", "reports:read"),
    Tab("periods", "Periods", "periods:read"),
    Tab("years", "Fiscal years", "periods:read"),
    Tab("datev", "DATEV", "reports:read"),
)


def first_tab(me: Viewer) -> Tab | None:
    """The first of the book's pages this viewer may open (the landing page of a book)."""
    return next((tab for tab in BOOK_TABS if me.can(tab.scope)), None)


def router() -> APIRouter:
    return APIRouter(include_in_schema=False)


def load_book(me: Viewer, book_id: str) -> Book:
    return me.read(lambda uow: get_book(uow, book_id))


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def book_url(book_id: str, slug: str = "") -> str:
    return f"/ui/books/{book_id}/{slug}".rstrip("/")
