"""Shared by the browser tests: Debian's chromium driven by Playwright (one browser per test
file: Playwright's sync API keeps an event loop, which no other file should meet), a tab that
records console errors, uncaught exceptions and dialogs, the server on a free loopback port in
a background thread, and the folder of test artifacts (screenshots). The browser tests skip,
saying why, when chromium or Playwright is missing."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from observatory.api import Observatory
from observatory.web.live import Live
from observatory.web.server import create_app
from tests.conftest import REPO

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Error, Page

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
DRAWN_TIMEOUT_MS = 30_000  # Vega draws in well under a second; a slow CI machine gets slack
# Every chart of the page drawn or failed: site.js marks each div.vega with one or the other.
ALL_DRAWN = ("() => [...document.querySelectorAll('div.vega[data-spec]')]"
             ".every(d => d.dataset.rendered === 'true' || d.dataset.error === 'true')")
# Per chart (div.vega, by id): whether it was drawn, and how many data marks (symbols, lines,
# areas, rules, bars, text marks: Vega's role-mark groups, not the axes) its SVG holds.
CHART_STATE = """() => [...document.querySelectorAll('div.vega[data-spec]')].map(d => ({
    id: d.id, rendered: d.dataset.rendered === 'true', error: d.dataset.error === 'true',
    svg: d.querySelectorAll('svg').length,
    marks: d.querySelectorAll('svg g.role-mark > *').length,
    kinds: [...new Set([...d.querySelectorAll('svg g.role-mark')]
        .filter(g => g.childElementCount > 0)
        .map(g => [...g.classList].find(c => c.startsWith('mark-'))))]}))"""


# Recorded in every document before its scripts run: what the page's Content-Security-Policy
# refused (an eval, an inline script, a foreign source), read back by ``Watched.violations``.
WATCH_POLICY = """window.__violations = [];
document.addEventListener('securitypolicyviolation', e => window.__violations.push(
    e.effectiveDirective + ' refused ' + (e.blockedURI || '') + ' ' + (e.sample || '')));"""


def artifacts_dir() -> Path:
    """Where the tests leave what a person may want to look at: $OBSERVATORY_TEST_ARTIFACTS, or
    test-artifacts/ in the repository (ignored by git)."""
    folder = Path(os.environ.get("OBSERVATORY_TEST_ARTIFACTS") or REPO / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Chart:
    id: str
    rendered: bool
    error: bool
    svg: int
    marks: int
    kinds: list[str]


@dataclass
class Watched:
    """A browser tab and what it reported: console errors, uncaught exceptions, dialogs."""

    page: Page
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def open(self, url: str) -> list[Chart]:
        """Load ``url``, wait until every chart on it is drawn (or failed), and return them."""
        response = self.page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        return self.charts()

    def violations(self) -> list[str]:
        """What the page's policy refused so far (none without a policy: a file:// page)."""
        return list(self.page.evaluate("() => window.__violations || []"))

    def charts(self) -> list[Chart]:
        self.page.wait_for_load_state("load")
        self.page.wait_for_function(ALL_DRAWN, timeout=DRAWN_TIMEOUT_MS)
        return [Chart(**state) for state in self.page.evaluate(CHART_STATE)]


def assert_drawn(charts: list[Chart], where: str) -> None:
    """Every chart drawn by Vega as SVG, with data marks in it."""
    for chart in charts:
        assert chart.rendered and not chart.error, f"{where}: chart {chart.id} was not drawn"
        assert chart.svg == 1, f"{where}: chart {chart.id} has {chart.svg} SVG elements"
        assert chart.marks > 0 and chart.kinds, f"{where}: chart {chart.id} has no marks"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api",
                                   reason="Playwright is not installed (pip install -e '.[dev]')")
    with sync_api.sync_playwright() as playwright:
        found = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield found
        finally:
            found.close()


@pytest.fixture(scope="module")
def browser_context(browser: Browser) -> Iterator[BrowserContext]:
    """One context for a file's tabs (its sites are read-only: nothing a tab stores changes
    what the next one sees), saving a context's start-up per test."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def tab(browser_context: BrowserContext) -> Iterator[Watched]:
    """A fresh tab. Dialogs are recorded and dismissed, so a script that ran cannot block the
    test."""
    page = browser_context.new_page()
    page.set_default_timeout(DRAWN_TIMEOUT_MS)
    page.add_init_script(WATCH_POLICY)
    watched = Watched(page)

    def console(message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = str(message.location.get("url"))
        watched.errors.append(f"console: {message.text} ({where})")

    def page_error(error: Error) -> None:
        watched.errors.append(f"uncaught: {error}")

    def dialog(found: Dialog) -> None:
        watched.dialogs.append(f"{found.type}: {found.message}")
        found.dismiss()

    page.on("console", console)
    page.on("pageerror", page_error)
    page.on("dialog", dialog)
    try:
        yield watched
    finally:
        page.close()


@contextmanager
def env_for(tmp: Path) -> Iterator[None]:
    """While a module's store or site is built: the data home and the registry's overrides in
    ``tmp`` (the per-test ``isolated_home`` is not set yet at module scope)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OBSERVATORY_HOME", str(tmp / "home"))
        patch.setenv("OBSERVATORY_REGISTRY", str(tmp / "no-overrides"))
        yield


@contextmanager
def serving(obs: Observatory, site_dir: Path) -> Iterator[str]:
    """``observatory serve`` of ``obs`` (assets in ``site_dir``) on a free port in a background
    thread; yields its base URL, stops it on leaving. A library the module's static site was
    built from serves faster: its catalog keeps what it computed (the pages are rendered anew)."""
    import uvicorn

    app = create_app(Live(obs=obs), site_dir)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start within 30 s"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
