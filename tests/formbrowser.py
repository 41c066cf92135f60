"""A real browser on the web form (tests only): the application served by uvicorn on a
free loopback port, Debian's headless Chromium driven by Playwright (its own executable:
no browser download), and axe-core's script for the accessibility checks.

    with served() as base, browser() as chromium:
        page = chromium.new_page(java_script_enabled=False)   # the walks: no JavaScript
        ...
        violations = axe(chromium, base, page.content())      # serious or critical ones

Tests call :func:`require_browser` first: it skips them with the reason when Chromium or
axe-core is missing, unless ``BACKTRIAGE_REQUIRE_BROWSER=1`` (``.ci/run`` sets it after
installing Chromium and axe-core), where a missing one fails instead. axe-core comes
from npm (``npm install axe-core@4``); ``AXE_CORE_JS`` names its ``axe.min.js``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser import OUTPUT, chromium

SCREENSHOTS = OUTPUT / "web"  # git-ignored, like tests/output/handout
AXE_ENV = "AXE_CORE_JS"
_AXE_GUESSES = ("/usr/share/javascript/axe-core/axe.min.js",
                "/usr/lib/node_modules/axe-core/axe.min.js",
                "/usr/local/lib/node_modules/axe-core/axe.min.js")
SERIOUS = ("serious", "critical")


def axe_script() -> Path | None:
    """axe-core's ``axe.min.js``: $AXE_CORE_JS, or a global npm/Debian install."""
    named = os.environ.get(AXE_ENV)
    candidates = [named] if named else list(_AXE_GUESSES)
    return next((Path(path) for path in candidates if path and Path(path).is_file()), None)


def require_browser() -> tuple[str, Path]:
    """Chromium's path and axe-core's script; skip (or fail, when they are required)."""
    executable, script = chromium(), axe_script()
    missing = []
    if executable is None:
        missing.append("headless Chromium is not installed (Debian: apt-get install chromium)")
    if script is None:
        missing.append(f"axe-core is not found (npm install axe-core@4, and set {AXE_ENV} to "
                       "its axe.min.js)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("Playwright is not installed (pip install playwright)")
    if missing:
        reason = "; ".join(missing) + " (.ci/run installs them)"
        if os.environ.get("BACKTRIAGE_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    assert executable is not None and script is not None
    return executable, script


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served() -> Iterator[str]:
    """The application on the shipped rules, served by uvicorn in a background thread on
    a free loopback port; yields its base URL and stops it afterwards."""
    import uvicorn

    from triage.web import create_app

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning", access_log=False,
                                           server_header=False, lifespan="off"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def browser() -> Iterator[Any]:
    """Headless Chromium (Debian's, through Playwright)."""
    from playwright.sync_api import sync_playwright

    executable, _ = require_browser()
    with sync_playwright() as playwright:
        chromium_browser = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run"])
        try:
            yield chromium_browser
        finally:
            chromium_browser.close()


def axe_check(chromium_browser: Any, base: str, html: str, name: str,
              width: int = 640) -> tuple[list[str], bool]:
    """Show ``html`` (a page the walk reached) as the application's own page, with its
    stylesheet and scripts, ``width`` CSS pixels wide (1280 at 200% zoom); run axe-core on
    it, save a screenshot as ``SCREENSHOTS/name.png``; return the serious or critical
    violations, written readably, and whether the page scrolls sideways."""
    _, script = require_browser()
    context = chromium_browser.new_context(viewport={"width": width, "height": 900},
                                           bypass_csp=True)  # to inject axe-core only
    try:
        page = context.new_page()
        address = f"{base}/__page/{name}"
        page.route(address, lambda route: route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body=html))
        page.goto(address)
        page.wait_for_load_state("load")
        page.evaluate(script.read_text(encoding="utf-8"))
        results = page.evaluate("""async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
        }""")
        scrolls = page.evaluate(
            "document.documentElement.scrollWidth > document.documentElement.clientWidth")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    finally:
        context.close()
    serious = [f"{name}: {v['impact']} {v['id']}: {v['help']}\n    "
               + "\n    ".join(v["nodes"]) for v in results if v["impact"] in SERIOUS]
    return serious, scrolls
