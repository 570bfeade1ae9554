"""Chart-of-accounts templates shipped with Folio.

Each template is a UTF-8 CSV file in this package with the header
``number,name,type,subtype,role,normal_balance``:

- ``number``: digits, unique in the chart (leading zeros are kept: ``0400``);
- ``name``: the ledger's display name;
- ``type``: a :class:`LedgerType` value;
- ``subtype``: one of ``SUBTYPES[type]``;
- ``role``: empty or a :class:`Role` value, each role at most once per chart;
- ``normal_balance``: empty (derived from the type) or ``debit``/``credit`` for contra accounts.
"""

from __future__ import annotations

import csv
import functools
import io
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from folio.domain.digits import is_digits
from folio.domain.ledgers import SUBTYPES, LedgerType, Role, Side

__all__ = ["CHART_NAMES", "HEADER", "ChartAccount", "load_chart", "parse_chart"]

CHART_NAMES: tuple[str, ...] = ("skr04", "skr03", "us_small_business", "empty")

HEADER: tuple[str, ...] = ("number", "name", "type", "subtype", "role", "normal_balance")

_TYPES = {member.value: member for member in LedgerType}
_ROLES = {member.value: member for member in Role}
_SIDES = {member.value: member for member in Side}


@dataclass(frozen=True, slots=True)
class ChartAccount:
    number: str
    name: str
    type: LedgerType
    subtype: str
    role: Role | None
    normal_balance: Side


def _choices(values: Iterable[str]) -> str:
    return ", ".join(values)


def _parse_row(row: list[str], where: str) -> ChartAccount:
    if len(row) != len(HEADER):
        raise ValueError(f"{where}: expected {len(HEADER)} fields, found {len(row)}")
    number, name, type_text, subtype, role_text, side_text = (field.strip() for field in row)
    if not is_digits(number):
        raise ValueError(f"{where}: number {number!r} must be a non-empty string of digits")
    if not name:
        raise ValueError(f"{where}: account {number} has an empty name")
    ledger_type = _TYPES.get(type_text)
    if ledger_type is None:
        raise ValueError(f"{where}: type {type_text!r} is not one of {_choices(_TYPES)}")
    if subtype not in SUBTYPES[ledger_type]:
        allowed = ", ".join(SUBTYPES[ledger_type])
        raise ValueError(f"{where}: subtype {subtype!r} is not valid for {type_text}: {allowed}")
    role: Role | None = None
    if role_text:
        role = _ROLES.get(role_text)
        if role is None:
            raise ValueError(f"{where}: role {role_text!r} is not one of {_choices(_ROLES)}")
    if side_text:
        side = _SIDES.get(side_text)
        if side is None:
            raise ValueError(
                f"{where}: normal_balance {side_text!r} must be empty, 'debit' or 'credit'"
            )
    else:
        side = ledger_type.default_normal_balance
    return ChartAccount(
        number=number,
        name=name,
        type=ledger_type,
        subtype=subtype,
        role=role,
        normal_balance=side,
    )


def parse_chart(text: str, source: str) -> tuple[ChartAccount, ...]:
    """Parse and validate a chart CSV; a bad row raises ValueError naming ``source`` and line."""
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or tuple(field.strip() for field in header) != HEADER:
            raise ValueError(f"{source}, line 1: header must be {','.join(HEADER)}, got {header!r}")
        accounts: list[ChartAccount] = []
        numbers: dict[str, int] = {}
        roles: dict[Role, int] = {}
        line_after = reader.line_num
        for row in reader:
            # A quoted field may span lines: report the line on which the record starts.
            line, line_after = line_after + 1, reader.line_num
            if not any(field.strip() for field in row):
                continue  # blank line
            where = f"{source}, line {line}"
            account = _parse_row(row, where)
            if account.number in numbers:
                raise ValueError(
                    f"{where}: number {account.number} already used on line "
                    f"{numbers[account.number]}"
                )
            numbers[account.number] = line
            if account.role is not None:
                if account.role in roles:
                    raise ValueError(
                        f"{where}: role {account.role.value} already given to the account on "
                        f"line {roles[account.role]}"
                    )
                roles[account.role] = line
            accounts.append(account)
    except csv.Error as exc:
        raise ValueError(f"{source}, line {reader.line_num}: malformed CSV: {exc}") from exc
    return tuple(accounts)


@functools.lru_cache(maxsize=len(CHART_NAMES))
def load_chart(name: str) -> tuple[ChartAccount, ...]:
    """The accounts of the chart template ``name`` (one of CHART_NAMES), validated."""
    if name not in CHART_NAMES:
        raise ValueError(f"Unknown chart {name!r}; choose one of {', '.join(CHART_NAMES)}")
    filename = f"{name}.csv"
    text = resources.files(__name__).joinpath(filename).read_text(encoding="utf-8")
    return parse_chart(text, filename)
