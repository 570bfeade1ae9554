"""Issue 16: a DATEV Buchungsstapel of 10,000 and of 100,000 bookings imported into a fresh
SKR04 book (each into its own fresh database), in-process through the service; the figure is
the time per booking, and the ratio 100k / 10k per booking shows whether it stays linear.

    .venv/bin/python -m bench datev
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

from bench.env import Databases, load, log
from folio.domain import datev
from folio.service.books import BookCreate, update_book
from folio.service.datev_import import import_datev
from folio.service.facade import Folio
from folio.service.runner import SYSTEM

START = date(2025, 1, 1)
PAIRS = (("1800", "4400"), ("6300", "1800"), ("1800", "3806"), ("4980", "1800"))


def stapel(rows: int) -> bytes:
    """`rows` two-account bookings spread over 2025, each its own document (entry)."""
    header = datev.Header(
        category=datev.BOOKINGS, created=datetime(2026, 1, 1), consultant_number=1001,
        client_number=1, fiscal_year_start=START, account_length=4, description="Bench",
        chart="skr04", date_from=START, date_to=date(2025, 12, 31),
    )  # fmt: skip
    lines = [header.line(), datev.column_line(datev.BOOKINGS)]
    for i in range(rows):
        account, contra = PAIRS[i % len(PAIRS)]
        day = START + timedelta(days=(i * 365) // rows)
        lines.append(datev.booking_line(
            datev.Booking(1000 + i % 9000, "S", account, contra, day, f"B{i}", f"Buchung {i}"), 2
        ))  # fmt: skip
    return datev.encode("".join(line + datev.CRLF for line in lines))


def _import(url: str, data: bytes) -> float:
    fo = Folio(url)
    book = fo.create_book(
        BookCreate(name="Bench GmbH", currency="EUR", entries_start=START, chart="skr04")
    )
    fo.write(lambda uow: update_book(uow, book.id, SYSTEM, datev_consultant_number=1001,
                                     datev_client_number=1))  # fmt: skip
    started = time.perf_counter()
    done = fo.write(lambda uow: import_datev(uow, book.id, data, SYSTEM))
    elapsed = time.perf_counter() - started
    assert done.entries == data.count(b"\r\n") - 2
    fo.engine.dispose()
    return elapsed


def run(dbs: Databases, kind: str, sizes: tuple[int, int]) -> dict[str, object]:
    figures: dict[str, object] = {}
    for rows in sizes:
        data = stapel(rows)
        url = dbs.new(kind, f"datev{rows}")
        log(f"{kind}: importing a Buchungsstapel of {rows:,} bookings ({len(data) / 1e6:.1f} MB)")
        seconds = _import(url, data)
        figures[str(rows)] = {
            "seconds": round(seconds, 2),
            "us_per_booking": round(seconds / rows * 1e6, 1),
            "load": load(),
        }
        dbs.drop(url)
    small, large = (figures[str(n)] for n in sizes)
    assert isinstance(small, dict) and isinstance(large, dict)
    figures["ratio_per_booking"] = round(large["us_per_booking"] / small["us_per_booking"], 3)
    return figures
