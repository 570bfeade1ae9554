"""Folio's benchmarks (issue 7): `make bench` runs them all; never part of the test run."""
