from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from folio.domain.errors import CurrencyMismatch, InvalidAmount, InvalidInput
from folio.domain.money import (
    MAX_MINOR,
    Money,
    currency_exponent,
    format_minor,
    parse_minor,
    plain_minor,
)


@pytest.mark.parametrize(
    ("value", "exponent", "minor"),
    [
        ("1000.00", 2, 100000),
        ("-5", 2, -500),
        ("0.1", 2, 10),
        (12, 2, 1200),
        (Decimal("12.5"), 2, 1250),
        ("7", 0, 7),
        ("+3.25", 2, 325),
        ("1.250", 2, 125),  # trailing zeros are exact
        ("0.001", 3, 1),
    ],
)
def test_parses_exact_values(value: object, exponent: int, minor: int) -> None:
    assert parse_minor(value, exponent) == minor


@pytest.mark.parametrize(
    "value",
    [
        "1.001",
        "NaN",
        "Infinity",
        "-inf",
        "1e5",
        "",
        " ",
        "1,00",
        "abc",
        "1.2.3",
        0.1,
        True,
        None,
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("0.001"),
        "1" + "0" * 18,
        Decimal("1E+30"),
    ],
)
def test_refuses_inexact_or_malformed_amounts(value: object) -> None:
    with pytest.raises(InvalidAmount) as info:
        parse_minor(value, 2)
    assert info.value.code == "INVALID_AMOUNT"


def test_three_decimals_in_eur_names_the_limit() -> None:
    with pytest.raises(InvalidAmount) as info:
        Money.parse("10.005", "EUR")
    assert info.value.data["decimals"] == 2


def test_point_one_plus_point_two_is_exactly_point_three() -> None:
    total = Money.parse("0.1", "EUR") + Money.parse("0.2", "EUR")
    assert total == Money.parse("0.3", "EUR")
    assert str(total) == "0.30"


def test_largest_amount_round_trips() -> None:
    assert parse_minor(format_minor(MAX_MINOR, 2), 2) == MAX_MINOR


def test_currency_exponents_and_unknown_currency() -> None:
    assert currency_exponent("JPY") == 0
    assert currency_exponent("eur") == 2
    assert currency_exponent("KWD") == 3
    with pytest.raises(InvalidInput):
        currency_exponent("XXX1")


def test_mixed_currencies_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        _ = Money.parse("1", "EUR") + Money.parse("1", "USD")


@pytest.mark.parametrize(
    ("minor", "exponent", "text"),
    [
        (0, 2, "0.00"),
        (5, 2, "0.05"),
        (-5, 2, "-0.05"),
        (123456, 2, "1234.56"),
        (7, 0, "7"),
        (1, 3, "0.001"),
    ],
)
def test_format(minor: int, exponent: int, text: str) -> None:
    assert format_minor(minor, exponent) == text


@given(st.integers(min_value=-MAX_MINOR, max_value=MAX_MINOR), st.sampled_from([0, 2, 3]))
def test_format_then_parse_is_identity(minor: int, exponent: int) -> None:
    assert parse_minor(format_minor(minor, exponent), exponent) == minor


@given(
    st.from_regex(r"\A[0-9]{1,19}(\.[0-9]{1,5})?\Z") | st.text("0123456789.-+ e", max_size=22),
    st.sampled_from([0, 2, 3]),
)
def test_the_plain_path_answers_as_decimal_arithmetic(text: str, exponent: int) -> None:
    """Plain strings take integer arithmetic, with the same minor units as the exact decimal
    value; what it cannot decide (too many decimals, too long, signed, not a number) it leaves
    to the general path, which is unchanged."""
    plain = plain_minor(text, exponent)
    if plain is None:
        return
    scaled = Decimal(text).scaleb(exponent)
    assert scaled == scaled.to_integral_value() and abs(scaled) <= MAX_MINOR
    assert plain == int(scaled) == parse_minor(f" {text} ", exponent)


@pytest.mark.parametrize(
    ("text", "exponent", "minor"),
    [("12", 2, 1200), ("0.5", 2, 50), ("007.10", 2, 710), ("999999999999999.999", 3, MAX_MINOR)],
)
def test_plain_amounts(text: str, exponent: int, minor: int) -> None:
    assert plain_minor(text, exponent) == minor


@pytest.mark.parametrize("value", ["1.234", "-1", "+1", " 1", "1e3", "1234567890123456", 5, None])
def test_what_the_plain_path_leaves_to_the_general_one(value: object) -> None:
    assert plain_minor(value, 2) is None
