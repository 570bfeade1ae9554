"""The web interface at /ui: server-rendered pages over the same services as the API.

Jinja2 templates, htmx (vendored in static/, 2.0.11, BSD Zero Clause licence) for boosted
navigation and forms, plain CSS, SVG charts drawn in Python. See docs/web.md.
"""

from __future__ import annotations

from fastapi import FastAPI

PREFIX = "/ui"


def mount(app: FastAPI) -> None:
    """Attach the /ui pages and static files to the app, as a mounted sub-application."""
    from folio.web.app import create_ui

    app.mount(PREFIX, create_ui(app), name="ui")
