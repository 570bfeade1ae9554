"""Server settings read from the environment (`folio.api.settings`)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine

from folio.api import affinity
from folio.api.app import create_app
from folio.api.settings import SettingError, Settings


def test_telemetry_is_off_unless_asked_for() -> None:
    assert Settings.from_env({}).telemetry is False
    assert Settings.from_env({"FOLIO_TELEMETRY": " ON "}).telemetry is True
    assert Settings.from_env({"FOLIO_TELEMETRY": "off"}).telemetry is False
    with pytest.raises(SettingError, match='FOLIO_TELEMETRY must be "on" or "off", not \'yes\''):
        Settings.from_env({"FOLIO_TELEMETRY": "yes"})


@pytest.mark.parametrize("on", [False, True])
def test_the_app_instruments_requests_only_when_telemetry_is_on(on: bool) -> None:
    app = create_app(create_engine("sqlite://"), Settings(telemetry=on))
    config = app._telemetry
    assert (config["tracing"], config["metrics"], config["logs"]) == (on, on, on)


def test_the_cpu_is_left_to_the_scheduler_unless_named() -> None:
    cpus = sorted(affinity.allowed())
    assert Settings.from_env({}).cpu is None
    assert Settings.from_env({"FOLIO_CPU": " Off "}).cpu is None
    assert Settings.from_env({"FOLIO_CPU": "auto"}).cpu == affinity.AUTO
    assert Settings.from_env({"FOLIO_CPU": str(cpus[-1])}).cpu == cpus[-1]
    listed = ", ".join(map(str, cpus))
    for wrong in ("-1", "1.5", "all", str(cpus[-1] + 1)):
        with pytest.raises(SettingError) as refused:
            Settings.from_env({"FOLIO_CPU": wrong})
        assert str(refused.value) == (
            f'FOLIO_CPU must be "off", "auto" or a CPU this process may run on ({listed}); '
            f"not {wrong!r}"
        )
