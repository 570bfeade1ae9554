"""Web interface fixtures: a signed-in httpx client for the handlers, and for the browser tests
a uvicorn server in a thread with headless Chromium driven by Playwright.

Chromium comes from Debian (`chromium`, `chromium-driver`), installed here when missing and we
are root; Playwright never downloads a browser. In CI (CI=true) a failed install fails the
browser tests, elsewhere it skips them.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from folio.api.app import create_app
from folio.web.session import SESSION_COOKIE, csrf_token_for
from tests.api.conftest import client_for, make_key

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SEED_002 = [
    ("0400", "50000", ""),
    ("1200", "10000", ""),
    ("2000", "", "25000"),
    ("2900", "", "35000"),
]
_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


class Ui:
    """An httpx client on the app that signs in and posts forms with the CSRF token."""

    def __init__(self, app: FastAPI, base_url: str = "http://folio.test") -> None:
        self.client = client_for(app)
        self.client.base_url = httpx.URL(base_url)
        self.key: str | None = None

    def sign_in(self, key: str) -> httpx.Response:
        page = self.client.get("/ui/sign-in")
        match = _CSRF.search(page.text)
        assert match is not None
        response = self.client.post(
            "/ui/sign-in", data={"key": key, "csrf_token": match.group(1), "next": ""}
        )
        self.key = key
        return response

    @property
    def csrf(self) -> str:
        assert self.key is not None
        return csrf_token_for(self.key)

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.client.get(url, **kwargs)

    def post(
        self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any
    ) -> httpx.Response:
        body = dict(data or {})
        if csrf:
            body.setdefault("csrf_token", self.csrf)
        return self.client.post(url, data=body, **kwargs)

    def create_book(self, chart: str = "skr04", **fields: str) -> str:
        values = {
            "name": "Muster GmbH",
            "currency": "EUR",
            "entries_start": "2025-01-01",
            "fiscal_year_start": "01-01",
            "chart": chart,
            **fields,
        }
        response = self.post("/ui/books", values)
        assert response.status_code == 303, response.text
        return str(response.headers["location"]).split("/")[3]

    def close(self) -> None:
        self.client.close()


@pytest.fixture
def app(engine: Engine) -> FastAPI:
    return create_app(engine)


@pytest.fixture
def admin_key(engine: Engine) -> str:
    return make_key(engine)


@pytest.fixture
def ui(app: FastAPI, admin_key: str) -> Iterator[Ui]:
    client = Ui(app)
    response = client.sign_in(admin_key)
    assert response.status_code == 303
    assert SESSION_COOKIE in client.client.cookies
    yield client
    client.close()


# ------------------------------------------------------------------------------ the browser


def _install_chromium() -> str | None:
    """None when Chromium is there (or was installed), else why not."""
    if Path(CHROMIUM).exists():
        return None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return f"{CHROMIUM} is missing and we cannot install it (not root, or no apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "chromium", "chromium-driver"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
        if done.returncode != 0:
            return f"{' '.join(command)} failed: {done.stderr[-2000:]}"
    return None if Path(CHROMIUM).exists() else f"{CHROMIUM} still missing after apt-get"


@pytest.fixture(scope="session")
def chromium() -> str:
    problem = _install_chromium()
    if problem is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(problem)
        pytest.skip(problem)
    return CHROMIUM


@pytest.fixture
def browser(chromium: str) -> Iterator[Any]:
    """Per test: Playwright's sync API keeps an event loop running in this thread while it is
    open, which the httpx-based tests (asyncio.run) cannot share."""
    os.environ["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        import uvicorn

        self.port = _free_port()
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def page(browser: Any, live: LiveServer) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live.url)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on("dialog", lambda dialog: dialog.accept())
    yield tab
    context.close()


def screenshot(page: Any, name: str, *, phone: bool = True, focus: str | None = None) -> None:
    """Save the page at 1280 px and, unless told not to, at phone width (390 px).

    Whole pages, except with `focus`: then the window around that element (long pages).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    sizes = [(1280, 900), (390, 844)] if phone else [(1280, 900)]
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        if focus is not None:
            page.locator(focus).scroll_into_view_if_needed()
        path = str(ARTIFACTS / f"{name}-{width}.png")
        page.screenshot(path=path, full_page=focus is None)
        if width != 1280:
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (
                f"{name} is wider than {width} px"
            )
    page.set_viewport_size({"width": 1280, "height": 900})
