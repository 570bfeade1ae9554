"""What a machine sends as digits is ASCII: amounts, ledger and party numbers, dates, periods,
fiscal-year starts. Python's `\\d` and `int()` also take the digits of other scripts ("١٢٠٠" is
1200 to them), so a ledger could be numbered in Arabic-Indic or full-width digits beside its
ASCII twin, and a DATEV file would carry them. A trailing newline is not part of a number
either (a regex's `$` lets one through)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain.books import parse_fiscal_year_start
from folio.domain.dates import read_day
from folio.domain.digits import digits_value
from folio.domain.errors import FolioError
from folio.domain.ledgers import check_number
from folio.domain.money import parse_minor
from folio.domain.parties import check_party_number
from folio.domain.periods import parse_period

# A digit of another script (Arabic-Indic, Devanagari, full-width, ...), never ASCII.
_FOREIGN = st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9")


def _refused(parse: object, text: str) -> bool:
    try:
        parse(text)  # type: ignore[operator]
    except (FolioError, ValueError):
        return True
    return False


PARSERS = {
    "amount": (lambda text: parse_minor(text, 2), "1200.50"),
    "ledger number": (check_number, "1200"),
    "party number": (check_party_number, "10001"),
    "date": (read_day, "2025-01-31"),
    "period": (parse_period, "2025-01"),
    "fiscal-year start": (parse_fiscal_year_start, "07-01"),
}


@pytest.mark.parametrize("what", sorted(PARSERS))
@given(digit=_FOREIGN, at=st.integers(min_value=0, max_value=3))
def test_a_digit_of_another_script_is_refused(what: str, digit: str, at: int) -> None:
    parse, good = PARSERS[what]
    assert not _refused(parse, good)
    positions = [i for i, c in enumerate(good) if c.isdigit()]
    i = positions[at % len(positions)]
    assert _refused(parse, good[:i] + digit + good[i + 1 :])


@pytest.mark.parametrize("what", sorted(set(PARSERS) - {"amount"}))  # amounts: below
def test_a_trailing_newline_is_refused(what: str) -> None:
    parse, good = PARSERS[what]
    assert _refused(parse, good + "\n")


def test_an_amount_keeps_its_surrounding_spaces_and_refuses_a_foreign_digit() -> None:
    """The machine parser has always stripped spaces round an amount (a newline included):
    that stays; only the digits must be ASCII."""
    assert parse_minor(" 12.00\n", 2) == 1200
    assert _refused(lambda text: parse_minor(text, 2), "١٢.00")
    assert _refused(lambda text: parse_minor(text, 2), "12.٠٠")


def test_a_datev_header_and_an_id_take_ascii_only() -> None:
    from folio.domain.datev_reader import category_of
    from folio.domain.ids import is_id, new_id

    header = '"EXTF";700;{};"Buchungsstapel";13\r\n'
    assert category_of(header.format("21")) == 21
    assert category_of(header.format("٢١")) is None  # not a category (int() read it as 21)
    made = new_id("je")
    assert is_id(made, "je") and not is_id(made + "\n", "je")


@pytest.mark.parametrize(
    ("text", "value"),
    [("0", 0), ("007", 7), ("9" * 18, 10**18 - 1), ("9" * 19, None), ("1" * 5000, None),
     ("", None), ("²", None), ("١٢", None), ("12 ", None), ("-1", None)],
)  # fmt: skip
def test_digits_value_reads_ascii_runs_of_at_most_18_digits(text: str, value: int | None) -> None:
    assert digits_value(text) == value
