"""Import a DATEV Debitoren/Kreditoren file (EXTF category 16) as the book's customers and
suppliers, so that a Buchungsstapel naming their personal accounts can follow.

A number in the book's customer range becomes a customer, one in its supplier range a
supplier (SKR03/SKR04 books: 10000-69999 and 70000-99999 unless the book sets its own); a
number in neither is a problem of its row. A number the book already has is updated (name,
USt-IdNr., address: the file is DATEV's master data) if it is of the same kind, and a problem
otherwise. Every row is checked before anything is written; one bad row imports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from folio.domain import datev_reader as reader
from folio.domain.errors import InvalidInput
from folio.domain.parties import (
    Party,
    PartyKind,
    check_party_fields,
    check_party_number,
    in_range,
)
from folio.service.changes import KEEP
from folio.service.parties import (
    PartyCreate,
    PartyUpdate,
    create_party,
    number_ranges,
    update_party,
)
from folio.service.runner import Actor
from folio.store.uow import UnitOfWork

KIND_NAMES = {PartyKind.CUSTOMER: "customers", PartyKind.SUPPLIER: "suppliers"}


def import_parties(
    uow: UnitOfWork, book_id: str, rows: Iterator[tuple[int, list[str]]], actor: Actor
) -> tuple[int, int]:
    """The rows after the header line: (rows read, parties created or updated)."""
    columns_row = next(rows, None)
    if columns_row is None:
        raise InvalidInput("The file has no column headings after its header.", {"field": "file"})
    columns = reader.party_columns(columns_row[1])
    ranges = number_ranges(uow, book_id)
    known = {p.number: p for p in uow.parties.search(book_id, limit=10_000_000)}
    problems: list[reader.Problem] = []
    wanted: list[tuple[PartyKind, reader.PartyRow]] = []
    seen: dict[str, int] = {}
    count = 0
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        row = reader.read_party(cells, columns, line)
        if isinstance(row, reader.Problem):
            problems.append(row)
            continue
        kind = _check(row, ranges, known, seen)
        if isinstance(kind, reader.Problem):
            problems.append(kind)
            continue
        seen[row.number] = line
        wanted.append((kind, row))
    reader.refuse(problems, "Debitoren/Kreditoren")
    for kind, row in wanted:
        party = known.get(row.number)
        if party is None:
            command = PartyCreate(kind, row.name, row.number, row.tax_id, row.address)
            create_party(uow, book_id, command, actor)
        else:
            # A file without a tax id or an address leaves the book's as they are.
            change = PartyUpdate(
                name=row.name,
                tax_id=KEEP if row.tax_id is None else row.tax_id,
                address=KEEP if row.address is None else row.address,
            )
            update_party(uow, book_id, party.id, change, actor)
    return count, len(wanted)


def _check(
    row: reader.PartyRow,
    ranges: dict[PartyKind, tuple[int, int]],
    known: dict[str, Party],
    seen: dict[str, int],
) -> PartyKind | reader.Problem:
    """The kind the row's number gives it, or why the row cannot be imported."""
    line = row.line
    try:
        check_party_number(row.number, field="Konto")
        check_party_fields(row.name, row.tax_id, row.address, 0)
    except InvalidInput as error:
        field = str(error.data.get("field", "Konto"))
        return reader.Problem(line, field, f"line {line}: {error.message}")
    if row.number in seen:
        return reader.Problem(
            line,
            "Konto",
            f"line {line}: {row.number} is already in the file, line {seen[row.number]}",
        )
    kinds = [kind for kind, bounds in ranges.items() if in_range(row.number, bounds)]
    if len(kinds) != 1:
        spans = ", ".join(f"{KIND_NAMES[k]} {a}-{b}" for k, (a, b) in ranges.items())
        return reader.Problem(
            line, "Konto", f"line {line}: {row.number} is in neither or both of the book's "
            f"ranges of personal accounts ({spans})"
        )  # fmt: skip
    party = known.get(row.number)
    kind = kinds[0]
    if party is not None and party.kind is not kind:
        return reader.Problem(
            line, "Konto", f"line {line}: {row.number} is a {party.kind.value} of "
            f"the book, the file makes it a {kind.value}"
        )  # fmt: skip
    return kind
