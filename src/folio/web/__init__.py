"""The web interface at /ui: server-rendered pages over the same services as the API."""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    """Attach the /ui routes and static files to the app."""
