"""Amounts as people write them (web grid, upload preview, CLI files): German and English
formats, and a refusal, naming the field, for anything that is not exactly one amount."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain.errors import InvalidAmount
from folio.domain.money import format_minor, parse_written_amount


@pytest.mark.parametrize(
    ("text", "minor"),
    [
        ("1234", 123400),
        ("1234.56", 123456),
        ("1234,56", 123456),
        ("1,234.56", 123456),
        ("1.234,56", 123456),
        ("1.234.567,89", 123456789),
        ("1,234,567.89", 123456789),
        ("50.000,00", 5000000),
        ("50,000.00", 5000000),
        ("12,5", 1250),
        ("12.5", 1250),
        ("0,05", 5),
        ("-1.234,56", -123456),
        ("(1,234.56)", -123456),
        ("1 234,56", 123456),
        ("1\u00a0234,56", 123456),
        ("1'234.56", 123456),
        ("€ 1.234,56", 123456),
        ("1.234,56 €", 123456),
        ("1234.56 EUR", 123456),
        ("+7", 700),
        ("\u22127,50", -750),
        ("  0  ", 0),
    ],
)
def test_german_and_english_amounts(text: str, minor: int) -> None:
    assert parse_written_amount(text, 2) == minor


@pytest.mark.parametrize(
    "text",
    [
        "12,5,0",  # issue 12: read as 1,250.00
        "1.2.3",  # read as 123.00
        "1.234.5",  # read as 12,345.00
        "1,2345",  # read as 12,345.00
        "1,234,5",
        "12.34.56",
        "1.23,45",
        "1,234.5.6",
        "1.,5",
        "1,",
        ".5.",
        "12a",
        "1e5",
        "--5",
        "(5",
        "1 23,45",
        "1.234,567",
        "abc",
        "1.234.56",
        "1,2.3",
    ],
)
def test_typos_are_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(InvalidAmount) as info:
        parse_written_amount(text, 2, field="balances[3].debit")
    assert info.value.data["field"] == "balances[3].debit"
    assert info.value.data["value"] == text
    assert text.strip() in info.value.message


@pytest.mark.parametrize(
    ("text", "exponent"), [("1.234", 2), ("50,000", 2), ("1.234", 3), ("12.345", 0)]
)
def test_a_reading_that_depends_on_the_country_is_refused(text: str, exponent: int) -> None:
    """1.234 is 1234 in Germany and 1.234 in England, whatever the currency's decimals."""
    with pytest.raises(InvalidAmount) as info:
        parse_written_amount(text, exponent)
    assert "ambiguous" in info.value.message
    assert parse_written_amount("1.234,000", 3) == 1_234_000
    assert parse_written_amount("1,234.000", 3) == 1_234_000
    assert parse_written_amount("1.5", 3) == 1_500


def test_a_file_that_shows_its_notation_is_read_that_way_only() -> None:
    assert parse_written_amount("50.000", 2, decimal_mark=",") == 5_000_000
    assert parse_written_amount("50,000", 2, decimal_mark=".") == 5_000_000
    for text, mark in (("10.005", "."), ("1,234.56", ","), ("1.234,56", ".")):
        with pytest.raises(InvalidAmount):
            parse_written_amount(text, 2, decimal_mark=mark)


def test_too_many_decimals_for_the_currency() -> None:
    for text, exponent in (("12,5", 0), ("0,001", 2), ("1,2345", 2)):
        with pytest.raises(InvalidAmount) as info:
            parse_written_amount(text, exponent)
        assert "too many decimals" in info.value.message


def test_empty_is_refused_unless_the_caller_allows_it() -> None:
    with pytest.raises(InvalidAmount):
        parse_written_amount("", 2)
    assert parse_written_amount("", 2, blank=0) == 0


@given(
    minor=st.integers(min_value=-(10**15), max_value=10**15),
    german=st.booleans(),
    grouped=st.booleans(),
)
def test_what_folio_writes_reads_back(minor: int, german: bool, grouped: bool) -> None:
    """Every way a person writes an amount with both decimals reads back to the same value."""
    whole, _, cents = format_minor(abs(minor), 2).partition(".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", "." if german else ",")
    text = f"{'-' if minor < 0 else ''}{whole}{',' if german else '.'}{cents}"
    assert parse_written_amount(text, 2) == minor
