"""Packaging: pyproject.toml in the form setuptools reads without deprecation warnings."""

from __future__ import annotations

import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_licence_is_an_spdx_expression() -> None:
    # A table ({text = ...}) makes setuptools >= 77 warn three times on every install.
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    assert project["project"]["license"] == "Apache-2.0"
    assert project["build-system"]["requires"] == ["setuptools>=77"]
