import os

import pytest

from folio.domain.errors import (
    InvalidEntry,
    InvalidInput,
    InvalidPeriod,
    InvalidPeriodTransition,
    UnbalancedEntry,
)
from folio.domain.ids import is_id, new_id, new_ids, random_hex
from folio.domain.journal import Line, LineDraft, entry_hash, mirror, validate_lines
from folio.domain.ledgers import Side
from folio.domain.periods import PeriodAction, PeriodStatus, parse_period, transition

D, C = Side.DEBIT, Side.CREDIT


def lines(*spec: tuple[str, Side, int]) -> list[LineDraft]:
    return [LineDraft(ledger, side, amount) for ledger, side, amount in spec]


def test_balanced_entry_passes() -> None:
    validate_lines(lines(("a", D, 30), ("b", C, 10), ("c", C, 20)))


@pytest.mark.parametrize(
    ("spec", "error", "code"),
    [
        ([("a", D, 10)], InvalidEntry, "INVALID_ENTRY"),
        ([("a", D, 10), ("b", D, 10)], InvalidEntry, "INVALID_ENTRY"),
        ([("a", D, 10), ("b", C, 9)], UnbalancedEntry, "UNBALANCED_ENTRY"),
        ([("a", D, 0), ("b", C, 0)], InvalidEntry, "INVALID_ENTRY"),
        ([("a", D, -5), ("b", C, -5)], InvalidEntry, "INVALID_ENTRY"),
    ],
)
def test_rules(spec: list[tuple[str, Side, int]], error: type[Exception], code: str) -> None:
    with pytest.raises(error) as info:
        validate_lines(lines(*spec))
    assert info.value.code == code  # type: ignore[attr-defined]


def test_unbalanced_reports_both_totals() -> None:
    with pytest.raises(UnbalancedEntry) as info:
        validate_lines(lines(("a", D, 10), ("b", C, 9)))
    assert info.value.data == {"total_debit": 10, "total_credit": 9}


def test_mirror_swaps_sides_and_keeps_amounts() -> None:
    original = [Line("le_1", "a", D, 5, None, ()), Line("le_2", "b", C, 5, "x", ("t",))]
    assert mirror(original) == [LineDraft("a", C, 5, None, ()), LineDraft("b", D, 5, "x", ("t",))]


def test_hash_depends_on_previous_hash_and_content() -> None:
    header = {"id": "je_x", "amount": 1}
    base = entry_hash("0" * 64, header, [])
    assert base == entry_hash("0" * 64, dict(header), [])
    assert base != entry_hash("1" * 64, header, [])
    assert base != entry_hash("0" * 64, {**header, "amount": 2}, [])


def test_ids_have_prefix_and_22_base58_characters() -> None:
    for prefix in ("bk", "ldg", "je", "le", "int"):
        value = new_id(prefix)
        assert is_id(value, prefix)
        assert len(value) == len(prefix) + 1 + 22
        assert not set(value[len(prefix) + 1 :]) & set("0OIl")
    assert len({new_id("je") for _ in range(1000)}) == 1000
    assert not is_id("je_short", "je")


def test_ids_made_at_once_are_ids_like_the_others_and_all_distinct() -> None:
    many = new_ids("le", 2000)  # more random digits than one draw of 4 KB gives
    assert len(set(many)) == 2000 and all(is_id(value, "le") for value in many)
    assert new_ids("je", 0) == []
    # one by one and at once, they draw on the same pool without handing out digits twice
    mixed = [new_id("le") for _ in range(100)] + new_ids("le", 100)
    mixed += [new_id("le") for _ in range(100)] + new_ids("le", 1)
    assert len({value[-14:] for value in mixed}) == 301
    assert sorted([new_id("je"), *new_ids("je", 3)])[0][:11] <= new_id("je")[:11]  # time first
    with pytest.raises(ValueError, match="unknown id prefix"):
        new_ids("xx", 1)


def test_random_hex_is_hex_and_never_handed_out_twice() -> None:
    drawn = [random_hex(24) for _ in range(1000)]  # 24,000 digits: several refills of 4 KB
    assert all(len(value) == 24 and int(value, 16) >= 0 for value in drawn)
    assert len(set(drawn)) == 1000
    assert random_hex(0) == "" and len(random_hex(10_000)) == 10_000


def test_a_forked_child_does_not_hand_out_its_parents_digits() -> None:
    new_id("je"), random_hex(1)  # both pools of this thread hold digits now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id and request id, to the parent
        os.write(write, f"{new_id('je')[-14:]} {random_hex(24)}".encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 100).decode().split()
    os.waitpid(pid, 0)
    assert child != [new_id("je")[-14:], random_hex(24)]  # the parent's next ones differ
    assert len(child[0]) == 14 and len(child[1]) == 24


def test_period_transitions() -> None:
    assert (
        transition("2025-01", PeriodStatus.OPEN, PeriodAction.SOFT_LOCK) is PeriodStatus.SOFT_LOCKED
    )
    assert transition("2025-01", PeriodStatus.SOFT_LOCKED, PeriodAction.REOPEN) is PeriodStatus.OPEN
    assert transition("2025-01", PeriodStatus.SOFT_LOCKED, PeriodAction.LOCK) is PeriodStatus.LOCKED
    for action in PeriodAction:
        with pytest.raises(InvalidPeriodTransition):
            transition("2025-01", PeriodStatus.LOCKED, action)
    with pytest.raises(InvalidPeriodTransition):
        transition("2025-01", PeriodStatus.OPEN, PeriodAction.REOPEN)


@pytest.mark.parametrize("text", ["2025-13", "2025-1", "25-01", "2025/01", ""])
def test_bad_periods(text: str) -> None:
    with pytest.raises(InvalidPeriod):
        parse_period(text)


def test_description_limit_is_input_error() -> None:
    from folio.domain.journal import check_description

    with pytest.raises(InvalidInput):
        check_description("x" * 513)


def test_line_problems_are_reported_in_line_order() -> None:
    """The first line's problem first, whether its amount or its description; the field names
    the line (validate_lines checks each line in one pass)."""
    long = "x" * 513
    with pytest.raises(InvalidInput) as first:
        validate_lines(
            [LineDraft("a", D, 10, description=long), LineDraft("b", C, 0), LineDraft("c", C, 10)]
        )
    assert first.value.data["field"] == "lines[0].description"  # type: ignore[attr-defined]
    with pytest.raises(InvalidEntry) as second:
        validate_lines(
            [LineDraft("a", D, 10), LineDraft("b", C, 0, description=long), LineDraft("c", C, 10)]
        )
    assert second.value.data == {"field": "lines[1]", "index": 1}  # type: ignore[attr-defined]
    validate_lines([LineDraft("a", D, 10, description="x" * 512), LineDraft("b", C, 10)])
    with pytest.raises(UnbalancedEntry) as totals:
        validate_lines([LineDraft("a", D, 7), LineDraft("b", C, 3), LineDraft("c", D, 1)])
    assert totals.value.data == {"total_debit": 8, "total_credit": 3}  # type: ignore[attr-defined]


def test_a_line_cannot_change_between_its_check_and_its_write() -> None:
    """Lines to post are checked, then hashed and written: neither a draft nor a caller's line
    can be changed in between (named tuples since session 12, frozen dataclasses before)."""
    from folio.service.journal import LineInput

    draft = LineDraft("a", D, 10)
    line = LineInput(D, 10, ledger_id="a")
    for value, field in ((draft, "amount"), (line, "amount"), (draft, "ledger_id")):
        with pytest.raises(AttributeError):
            setattr(value, field, 11)
    assert draft.amount == 10 and line.amount == 10 and draft.ledger_id == "a"
