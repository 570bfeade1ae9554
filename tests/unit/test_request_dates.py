"""Dates read from request bodies: remembered once read (a batch's entries share a few), the
memory bounded, and a refused text refused every time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from folio.api.schemas import common


def test_dates_read_are_remembered_within_a_bound() -> None:
    common._DAYS.clear()
    first = date(2000, 1, 1)
    texts = [(first + timedelta(days=n)).isoformat() for n in range(common._DAYS_KEPT + 500)]
    assert [common._day(text) for text in texts] == [
        first + timedelta(days=n) for n in range(len(texts))
    ]
    assert 0 < len(common._DAYS) <= common._DAYS_KEPT
    assert common._day(texts[-1]) is common._DAYS[texts[-1]]  # the same object, not read again


@pytest.mark.parametrize("text", ["2025-02-30", "2025-1-5", "31.01.2025", "10000-01-01"])
def test_a_refused_date_is_refused_again_and_not_remembered(text: str) -> None:
    for _ in range(2):
        with pytest.raises(ValueError):
            common._day(text)
    assert text not in common._DAYS
