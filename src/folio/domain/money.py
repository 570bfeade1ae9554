"""Exact money: integer minor units with the currency's exponent, parsed without floats."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from folio.domain.digits import is_digits
from folio.domain.errors import CurrencyMismatch, InvalidAmount, InvalidInput

# ISO 4217 minor-unit exponents; anything not listed here has 2.
_EXPONENT_EXCEPTIONS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
KNOWN_CURRENCIES = frozenset(
    "AED AUD BGN BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF IDR ILS INR MXN MYR NOK NZD PHP PLN "
    "RON SEK SGD THB TRY TWD USD ZAR".split()
) | frozenset(_EXPONENT_EXCEPTIONS)

# 18 significant digits of minor units: well inside a signed 64-bit integer.
MAX_MINOR = 10**18 - 1
_DECIMAL_STRING = re.compile(r"^[+-]?([0-9]+)(\.([0-9]+))?\Z")
# What nearly every client sends: unsigned ASCII digits, at most 15 before the point (so the
# amount cannot be too large for any exponent up to 3), and a fraction of at most 3 digits.
_PLAIN = re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,3}))?")
_POWERS = (1, 10, 100, 1000)


def currency_exponent(currency: str) -> int:
    code = normalize_currency(currency)
    return _EXPONENT_EXCEPTIONS.get(code, 2)


def normalize_currency(currency: str) -> str:
    code = currency.strip().upper() if isinstance(currency, str) else ""
    if code not in KNOWN_CURRENCIES:
        raise InvalidInput(
            f"Unknown currency {currency!r}; use an ISO 4217 code such as EUR or USD.",
            {"field": "currency", "value": currency},
        )
    return code


def plain_minor(value: object, exponent: int) -> int | None:
    """`parse_minor` of a plain decimal string ("1234.5", "12") that fits the exponent, in
    integer arithmetic; None for anything else (`parse_minor` decides it, or says why not)."""
    if type(value) is not str or not 0 <= exponent <= 3:
        return None
    match = _PLAIN.fullmatch(value)
    if match is None:
        return None
    whole, fraction = match.groups()
    if fraction is None:
        return int(whole) * _POWERS[exponent]
    if len(fraction) > exponent:
        return None  # "1.230" may still fit, "1.234" does not: the general path says which
    return int(whole) * _POWERS[exponent] + int(fraction) * _POWERS[exponent - len(fraction)]


def check_minor(value: object, field: str = "amount") -> None:
    """An amount a program hands the library: an `int` of minor units (1050 for 10.50 EUR).
    Not a float (inexact; SQLite would store 1.5 as it is), not a `bool` (an int to Python: True
    would book 1), not a `Decimal` or text (written amounts are `parse_minor`'s)."""
    if type(value) is not int:
        raise InvalidAmount(
            f"{field} must be an int of minor units (1050 for 10.50), not {value!r} "
            f"({type(value).__name__}); read written amounts with folio.domain.money.parse_minor.",
            {"field": field, "value": repr(value)},
        )


def parse_minor(value: object, exponent: int, *, field: str = "amount") -> int:
    """Parse a JSON number or decimal string into exact minor units.

    Accepts int, Decimal and strings like "1000.00" or "-5". Floats are refused outright:
    they have already lost the exact value the caller meant.
    """
    plain = plain_minor(value, exponent)
    if plain is not None:
        return plain
    if isinstance(value, bool) or isinstance(value, float):
        raise InvalidAmount(
            f"{field}: pass amounts as decimal strings or exact numbers, not floats.",
            {"field": field, "value": repr(value)},
        )
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = value.strip()
        if not _DECIMAL_STRING.match(text):
            raise InvalidAmount(
                f"{field}: {value!r} is not a decimal number like 1000.00 or -5.",
                {"field": field, "value": value},
            )
        number = Decimal(text)
    else:
        raise InvalidAmount(f"{field}: expected a number or a decimal string.", {"field": field})
    if not number.is_finite():
        raise InvalidAmount(f"{field}: must be a finite number.", {"field": field})
    if number != 0 and number.adjusted() >= 18:
        raise InvalidAmount(f"{field}: the amount is too large.", {"field": field})
    with localcontext() as ctx:
        ctx.prec = 60
        try:
            scaled = number.scaleb(exponent)
        except InvalidOperation as exc:  # pragma: no cover - guarded by the checks above
            raise InvalidAmount(f"{field}: not a valid amount.", {"field": field}) from exc
        if scaled != scaled.to_integral_value():
            raise InvalidAmount(
                f"{field}: at most {exponent} decimal places are allowed.",
                {"field": field, "value": str(value), "decimals": exponent},
            )
        minor = int(scaled)
    if abs(minor) > MAX_MINOR:
        raise InvalidAmount(f"{field}: the amount is too large.", {"field": field})
    return minor


def format_minor(minor: int, exponent: int) -> str:
    """Decimal string with exactly the currency's decimals: 123456 -> "1234.56"."""
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor))
    if exponent == 0:
        return sign + digits
    digits = digits.rjust(exponent + 1, "0")
    return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"


def to_decimal(minor: int, exponent: int) -> Decimal:
    return Decimal(minor).scaleb(-exponent)


@dataclass(frozen=True, slots=True)
class Money:
    minor: int
    currency: str

    @classmethod
    def parse(cls, value: object, currency: str, *, field: str = "amount") -> Money:
        code = normalize_currency(currency)
        return cls(parse_minor(value, currency_exponent(code), field=field), code)

    @property
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise CurrencyMismatch(
                f"Cannot combine {self.currency} with {other.currency}.",
                {"currencies": [self.currency, other.currency]},
            )

    def __str__(self) -> str:
        return format_minor(self.minor, self.exponent)

    def to_decimal(self) -> Decimal:
        return to_decimal(self.minor, self.exponent)


# Amounts as people write them (web forms, uploaded files): German `1.234,56` and English
# `1,234.56`, grouped by `.`, `,`, spaces or `'`. Machines keep the strict `parse_minor`.
_MARKS = {",": ".", ".": ","}  # decimal mark -> its grouping mark: German, then English
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2212": "-"})
_CURRENCY = re.compile(r"^(?:[€$£¥]|[A-Z]{3})\s*|\s*(?:[€$£¥]|[A-Z]{3})$")
_GROUP = re.compile(r"^[1-9][0-9]{0,2}$")  # a grouped number does not start with 0


def parse_written_amount(
    text: object,
    exponent: int,
    *,
    field: str = "amount",
    blank: int | None = None,
    decimal_mark: str | None = None,
) -> int:
    """Minor units from an amount a person wrote, in German or English notation.

    Groups must be whole (`1.234.567`, never `1.2.3`), a decimal mark appears once, decimals fit
    the currency. Without `decimal_mark` (a form field) the text is read both ways and refused
    when the two readings differ: `1.234` is 1234 in Germany and 1.234 in England, so it must be
    written `1234`, `1.234,00` or `1,234.00`. A file that shows its notation (`decimal_mark` ","
    or ".") is read that way only. Negative: `-5` or `(5)`. `blank`: what an empty text means;
    None refuses it.
    """
    written = text.strip() if isinstance(text, str) else ""
    if not written:
        if blank is not None:
            return blank
        raise InvalidAmount(f"Enter an amount for {field}.", {"field": field, "value": text})
    body = written.translate(_SPACES)
    negative = body.startswith("(") and body.endswith(")")
    if negative:
        body = body[1:-1].strip()
    body = _CURRENCY.sub("", body).strip()
    if body[:1] in "+-" and not negative:
        negative = body[0] == "-"
        body = body[1:].lstrip()
    marks = [decimal_mark] if decimal_mark else list(_MARKS)
    readings = {value for mark in marks if (value := _reading(body, mark)) is not None}
    places = "no decimals" if exponent == 0 else f"at most {exponent} decimals"
    if len(readings) > 1:
        low, high = sorted(readings)
        raise InvalidAmount(
            f"“{written}” is ambiguous: it can be read as {low} or as {high}. Write the decimals "
            "(1.234,00 or 1,234.00) or leave out the thousands separator (1234).",
            {"field": field, "value": text},
        )
    if not readings:
        raise InvalidAmount(
            f"“{written}” is not an amount; write it like 1234.56, 1,234.56 or 1.234,56 "
            f"({places}).",
            {"field": field, "value": text},
        )
    scaled = readings.pop().scaleb(exponent)
    if scaled != scaled.to_integral_value():
        raise InvalidAmount(
            f"“{written}” has too many decimals: the currency has "
            f"{exponent or 'no'} decimal{'' if exponent == 1 else 's'}.",
            {"field": field, "value": text},
        )
    minor = int(scaled)
    if minor > MAX_MINOR:
        raise InvalidAmount(f"“{written}” is too large.", {"field": field, "value": text})
    return -minor if negative else minor


def _reading(body: str, decimal_mark: str) -> Decimal | None:
    """What `body` stands for with this decimal mark, or None if it is not written so."""
    whole, mark, fraction = body.partition(decimal_mark)
    if mark and not (is_digits(fraction) and len(fraction) <= 18):
        return None
    separators = {char for char in whole if not char.isdigit()}
    if len(separators) > 1 or not separators <= {_MARKS[decimal_mark], " ", "'"}:
        return None
    if separators:
        groups = whole.split(separators.pop())
        if not _GROUP.match(groups[0]) or not all(
            len(group) == 3 and is_digits(group) for group in groups[1:]
        ):
            return None
        whole = "".join(groups)
    if not is_digits(whole) and not (whole == "" and fraction):
        return None
    if len(whole) > 19:
        return Decimal(10) ** 19  # too large, whatever it is
    return Decimal(f"{whole or '0'}.{fraction}") if fraction else Decimal(whole)
