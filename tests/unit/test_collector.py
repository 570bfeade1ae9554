"""The garbage collector during bulk bookings: no full collection while any runs, the
thresholds restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

import pytest

from folio.service.collector import (
    NO_FULL_COLLECTIONS,
    SERVER_YOUNG_THRESHOLD,
    bulk_booking,
    for_server,
)


@pytest.fixture
def full_collections() -> Iterator[list[int]]:
    counted: list[int] = []

    def count(phase: str, info: dict[str, Any]) -> None:
        if phase == "start" and info["generation"] == 2:
            counted.append(1)

    gc.callbacks.append(count)
    yield counted
    gc.callbacks.remove(count)


def _hold_many_objects() -> list[list[int]]:
    return [[i] for i in range(400_000)]  # enough to start full collections on the defaults


def test_no_full_collection_runs_while_a_bulk_booking_holds_many_objects(
    full_collections: list[int],
) -> None:
    _hold_many_objects()
    assert full_collections  # the defaults collect fully
    full_collections.clear()
    with bulk_booking():
        held = _hold_many_objects()
        assert gc.isenabled() and gc.get_threshold()[2] == NO_FULL_COLLECTIONS
    assert full_collections == []
    assert len(held) == 400_000


def test_nested_bookings_restore_the_thresholds_only_when_the_last_ends() -> None:
    before = gc.get_threshold()
    with bulk_booking():
        with bulk_booking():
            assert gc.get_threshold()[2] == NO_FULL_COLLECTIONS
        assert gc.get_threshold()[2] == NO_FULL_COLLECTIONS
    assert gc.get_threshold() == before


def test_a_failing_booking_restores_the_thresholds_too() -> None:
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), bulk_booking():
        raise RuntimeError("refused")
    assert gc.get_threshold() == before


def test_the_servers_startup_freeze_survives_a_booking() -> None:
    before = gc.get_threshold()
    for_server()
    try:
        assert gc.get_threshold() == (SERVER_YOUNG_THRESHOLD, *before[1:])
        frozen = gc.get_freeze_count()
        with bulk_booking():
            pass
        # gc.unfreeze() would empty the permanent generation; a frozen object that another
        # thread of the test process frees meanwhile leaves it (a few dozen in a full run)
        assert gc.get_freeze_count() > frozen // 2
        assert gc.get_threshold() == (SERVER_YOUNG_THRESHOLD, *before[1:])  # the server's again
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
