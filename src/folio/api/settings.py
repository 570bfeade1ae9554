"""What an operator can tune on a running server, read from the environment once at start.

    FOLIO_MAX_BODY_BYTES      largest request body, default 8 MiB (a 100,000-row trial
                              balance as JSON is about 6 MB); larger is 413
    FOLIO_AUTH_THROTTLE       failed authentications allowed per client address, as
                              "N/SECONDS" (default "20/60"); "off" turns throttling off
    FOLIO_SECRET_KEY(_FILE)   the token signing key (`folio.store.signing_keys`)
    FOLIO_TELEMETRY           "on": FastAPI's OpenTelemetry spans, metrics and logs for each
                              request, through the globally configured providers; default
                              "off" (asking whether a provider is configured cost every
                              request several microseconds)
    FOLIO_CPU                 "off" (default): the scheduler places the server's threads; a
                              CPU's number, or "auto" (the one it starts on): every thread
                              of the process on that one CPU (`folio.api.affinity`)

docs/operations.md explains each.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from folio.api import affinity

DEFAULT_MAX_BODY_BYTES = 8 * 1024 * 1024
DEFAULT_AUTH_THROTTLE = "20/60"


class SettingError(ValueError):
    """A setting in the environment that cannot be read; the server refuses to start."""


@dataclass(frozen=True, slots=True)
class Throttle:
    failures: int  # failed authentications an address may make at once ...
    seconds: float  # ... regained evenly over this many seconds


@dataclass(frozen=True, slots=True)
class Settings:
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    auth_throttle: Throttle | None = Throttle(20, 60.0)
    telemetry: bool = False
    cpu: int | str | None = None  # a CPU, affinity.AUTO, or None: wherever the scheduler puts it

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            max_body_bytes=_max_body(env.get("FOLIO_MAX_BODY_BYTES", "")),
            auth_throttle=parse_throttle(env.get("FOLIO_AUTH_THROTTLE", DEFAULT_AUTH_THROTTLE)),
            telemetry=_switch("FOLIO_TELEMETRY", env.get("FOLIO_TELEMETRY", "off")),
            cpu=parse_cpu(env.get("FOLIO_CPU", "off")),
        )


def _max_body(text: str) -> int:
    if not text.strip():
        return DEFAULT_MAX_BODY_BYTES
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1024:
        raise SettingError(f"FOLIO_MAX_BODY_BYTES must be a whole number ≥ 1024, not {text!r}")
    return value


def _switch(name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in ("on", "off"):
        return value == "on"
    raise SettingError(f'{name} must be "on" or "off", not {text!r}')


def parse_throttle(text: str) -> Throttle | None:
    """ "N/SECONDS", or "off"."""
    if text.strip().lower() in ("off", "0", "none"):
        return None
    failures, _, seconds = text.partition("/")
    try:
        throttle = Throttle(int(failures), float(seconds))
    except ValueError:
        throttle = Throttle(0, 0)
    if throttle.failures < 1 or not 0 < throttle.seconds <= 86_400:
        raise SettingError(
            f'FOLIO_AUTH_THROTTLE must be "failures/seconds" such as 20/60, or off; not {text!r}'
        )
    return throttle


def parse_cpu(text: str) -> int | str | None:
    """ "off", "auto" or the number of a CPU this process may run on."""
    value = text.strip().lower()
    if value in ("", "off"):
        return None
    if not affinity.supported():
        raise SettingError("FOLIO_CPU needs Linux (sched_setaffinity); leave it off here")
    if value == affinity.AUTO:
        return affinity.AUTO
    cpus = affinity.allowed()
    if not (value.isdigit() and int(value) in cpus):
        raise SettingError(
            f'FOLIO_CPU must be "off", "auto" or a CPU this process may run on '
            f"({', '.join(map(str, sorted(cpus)))}); not {text!r}"
        )
    return int(value)
