"""The console in a real browser: Debian's chromium driven by Playwright, against the app served over HTTP on
loopback, on PostgreSQL + Redis with a real `ingest worker` process."""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Playwright, Request, Response, sync_playwright
from werkzeug.serving import make_server

from service.access.keys import create_key, create_tenant, get_tenant
from tests import services
from tests.e2e.conftest import Stack, _stack, production_services

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
# Seconds to wait for the worker or the page; generous because other checkouts' suites share the two cores.
PATIENCE_MS = 120_000
# `INGEST_CONSOLE_SCREENSHOTS=docs/console pytest tests/console` writes the screenshots docs/console.md shows.
SCREENSHOTS = os.environ.get("INGEST_CONSOLE_SCREENSHOTS")


class Workers:
    """The stack's worker process, started when a test needs it (and stopped by one that must see work wait)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self.process: services.ServiceProcess | None = None

    def start(self) -> None:
        if self.process is None:
            self.process = self.stack.start_worker("--queues", "ingest,webhooks")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


@dataclass
class Console:
    stack: Stack
    base_url: str
    workers: Workers
    keys: dict[str, str] = field(default_factory=dict)

    @property
    def app(self) -> Flask:
        return self.stack.app

    def url(self, path: str) -> str:
        return self.base_url + path

    def key(self, tenant: str, scopes: tuple[str, ...] = ("read", "ingest", "admin")) -> str:
        """A fresh key of this tenant (the tenant is created when needed)."""
        with self.app.app_context():
            session = self.app.extensions["db"].session
            if get_tenant(session, tenant) is None:
                create_tenant(session, tenant)
            return create_key(session, tenant, list(scopes), name="console test").secret


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Console]:
    config = {
        "SECRET_KEY": secrets.token_urlsafe(32),
        # The pages poll; the limit has tests of its own.
        "RATE_LIMIT": "100000/minute",
        # Lets the worker deliver to the receivers on 127.0.0.1 and nowhere else.
        "WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.1/32"]',
        "WEBHOOK_TIMEOUT_SECONDS": "5",
    }
    with production_services("ingest_console") as databases:
        stacks = _stack("console", {**databases, **config}, tmp_path_factory.mktemp("console"))
        stack = next(stacks)
        server = make_server("127.0.0.1", 0, stack.app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name="console-http", daemon=True)
        thread.start()
        workers = Workers(stack)
        try:
            yield Console(stack, f"http://127.0.0.1:{server.server_port}", workers)
        finally:
            workers.stop()
            server.shutdown()
            server.server_close()
            next(stacks, None)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


class Watch:
    """Every request the browser makes: each must go to the console's own host and succeed, and no page may log
    an error (a Content-Security-Policy violation is one)."""

    def __init__(self, base_url: str) -> None:
        self.origin = urlsplit(base_url).netloc
        self.problems: list[str] = []
        self.hosts: set[str] = set()
        self.expected: set[tuple[int, str]] = set()

    def expect(self, status: int, path: str) -> None:
        """A response a test provokes on purpose (a refused page) is not a problem."""
        self.expected.add((status, path))

    def on_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        self.hosts.add(parts.netloc)
        if parts.netloc != self.origin:
            self.problems.append(f"request to another host: {request.url}")

    def on_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A poll still in flight when the page navigates away is cancelled by the browser, not failed by us.
        if request.resource_type == "fetch" and "ERR_ABORTED" in failure:
            return
        self.problems.append(f"failed request: {request.method} {request.url}: {failure}")

    def on_response(self, response: Response) -> None:
        path = urlsplit(response.url).path
        if response.status >= 400 and (response.status, path) not in self.expected:
            self.problems.append(f"{response.status} for {response.request.method} {response.url}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and not any(str(status) in message.text for status, _path in self.expected):
            self.problems.append(f"page error: {message.text}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@dataclass
class Browser:
    context: BrowserContext
    page: Page
    watch: Watch
    console: Console

    def goto(self, path: str) -> Any:
        # The page being left finishes loading first: leaving it mid-load makes the browser cancel its scripts
        # (ERR_ABORTED), which is the test's doing, not a failed request.
        self.page.wait_for_load_state("load")
        return self.page.goto(self.console.url(path))

    def sign_in(self, key: str) -> None:
        self.goto("/console/sign-in")
        self.page.fill("#key", key)
        self.page.click("form button[type=submit]")
        self.page.wait_for_url("**/console/articles**")

    def snap(self, name: str, *, height: int | None = None, full_page: bool = True) -> None:
        """A screenshot for docs/console.md, when asked for: the page, its top `height` pixels, or what is in view."""
        if not SCREENSHOTS:
            return
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        path = str(Path(SCREENSHOTS) / f"{name}.png")
        if height:
            self.page.screenshot(path=path, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": height})
        else:
            self.page.screenshot(path=path, full_page=full_page)


@pytest.fixture
def browser(playwright: Playwright, console: Console, tmp_path: Path) -> Iterator[Browser]:
    """A fresh chromium profile per test, its traffic watched; the test fails if any request went wrong."""
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        viewport={"width": 1280, "height": 860},
    )
    context.set_default_timeout(30_000)
    watch = Watch(console.base_url)
    context.on("request", watch.on_request)
    context.on("requestfailed", watch.on_failed)
    context.on("response", watch.on_response)
    context.on("console", watch.on_console)
    page = context.pages[0] if context.pages else context.new_page()
    try:
        yield Browser(context, page, watch, console)
        watch.assert_clean()
    finally:
        context.close()


@pytest.fixture
def wait_until() -> Callable[..., Any]:
    return services.wait_until
