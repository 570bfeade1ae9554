"""The garbage collector during bulk bookings: frozen while any runs, restored after."""

from __future__ import annotations

import gc

import pytest

from folio.service.collector import bulk_booking


def test_objects_alive_at_the_start_are_left_out_of_collections_until_the_end() -> None:
    assert gc.get_freeze_count() == 0
    rows = [[i] for i in range(1000)]
    with bulk_booking():
        assert gc.get_freeze_count() >= len(rows)
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_nested_bookings_unfreeze_only_when_the_last_ends() -> None:
    with bulk_booking():
        frozen = gc.get_freeze_count()
        with bulk_booking():
            assert gc.get_freeze_count() == frozen  # not frozen again: nothing new moved
        assert gc.get_freeze_count() == frozen
    assert gc.get_freeze_count() == 0


def test_a_failing_booking_unfreezes_too() -> None:
    with pytest.raises(RuntimeError), bulk_booking():
        raise RuntimeError("refused")
    assert gc.get_freeze_count() == 0
