"""The cache of verified tokens (`auth.VerifiedTokens`) over random sequences of calls: tokens
put for several engines, with and without their own expiry, the clock moving on, the cache
cleared (a revocation), an engine dropped; past VERIFIED_MAX an engine's expired tokens go
first, then all of them. After every step each (engine, token) is known exactly when a model
of those rules says so, and no engine holds more than VERIFIED_MAX."""

from __future__ import annotations

import gc
from types import SimpleNamespace
from typing import Any

from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import Engine, create_engine

from folio.service import auth

ENGINES, TOKENS, MAX = 2, 4, 2
SECONDS = 5.0
WALL = 1_000_000  # the wall clock at monotonic 0 (access tokens expire in Unix time)


class VerifiedTokensMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        # `drop_engine` collects garbage so that the dropped engine (held in reference cycles)
        # leaves the cache's weak references. Everything alive before this example is frozen
        # out of those collections: in a whole suite's process each full collection took about
        # a quarter of a second, and this test 118 s instead of 9 s.
        gc.freeze()
        self.now = 0.0
        self.saved = (auth.time, auth.VERIFIED_MAX)
        auth.time = SimpleNamespace(  # type: ignore[assignment]
            monotonic=lambda: self.now, time=lambda: WALL + self.now
        )
        auth.VERIFIED_MAX = MAX
        self.cache = auth.VerifiedTokens(seconds=SECONDS)
        self.engines: list[Engine] = [create_engine("sqlite://") for _ in range(ENGINES)]
        # per engine: token -> (valid until, the principal put)
        self.model: list[dict[str, tuple[float, auth.Principal]]] = [{} for _ in range(ENGINES)]

    def teardown(self) -> None:
        auth.time, auth.VERIFIED_MAX = self.saved  # type: ignore[assignment]
        for engine in self.engines:
            engine.dispose()
        gc.unfreeze()

    @rule(
        engine=st.integers(0, ENGINES - 1),
        token=st.integers(0, TOKENS - 1),
        expires_in=st.none() | st.integers(1, 8),
    )
    def put(self, engine: int, token: int, expires_in: int | None) -> None:
        expires_at = None if expires_in is None else int(WALL + self.now) + expires_in
        text = f"fol_{token}"
        principal = auth.Principal(id=text, scopes=frozenset(), expires_at=expires_at)
        self.cache.put(self.engines[engine], text, principal)
        until = self.now + SECONDS
        if expires_at is not None:
            until = min(until, self.now + expires_at - (WALL + self.now))
        known = self.model[engine]
        if len(known) >= MAX:
            live = {t: kept for t, kept in known.items() if kept[0] > self.now}
            known = self.model[engine] = live if len(live) < MAX else {}
        known[text] = (until, principal)

    @rule(seconds=st.sampled_from([0.5, 1.0, 2.5, 4.0, 6.0]))
    def wait(self, seconds: float) -> None:
        self.now += seconds

    @rule()
    def revoke(self) -> None:
        self.cache.clear()
        self.model = [{} for _ in range(ENGINES)]

    @rule(engine=st.integers(0, ENGINES - 1))
    def drop_engine(self, engine: int) -> None:
        self.engines[engine].dispose()
        self.engines[engine] = create_engine("sqlite://")
        gc.collect()
        self.model[engine] = {}

    @invariant()
    def known_exactly_as_the_model_says(self) -> None:
        for engine, known in zip(self.engines, self.model, strict=True):
            for token in range(TOKENS):
                text = f"fol_{token}"
                expected = text in known and known[text][0] > self.now
                found: Any = self.cache.get(engine, text)
                assert (found is not None) == expected, (text, known, self.now)
                if expected:
                    assert found is known[text][1]

    @invariant()
    def bounded_and_no_dropped_engine_kept(self) -> None:
        assert len(self.cache._found) <= ENGINES
        for engine in self.engines:
            assert len(self.cache._found.get(engine) or {}) <= MAX


TestVerifiedTokens = VerifiedTokensMachine.TestCase
TestVerifiedTokens.settings = settings(
    max_examples=100,
    stateful_step_count=25,
    deadline=None,
    phases=[p for p in Phase if p is not Phase.explain],
)
