"""Browser fixtures: the app served on a loopback port, Debian's Chromium driven by Playwright, axe-core injected."""

from __future__ import annotations

import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import TEST_PASSWORD
from tests.helpers import make_staff

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Without these, Chromium tries to reach the internet at start-up, which a closed network refuses.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


def buffered(wsgi_app):
    """Read each response in full, and close it, before the server writes a byte.

    The development server skips closing a response when the browser drops the connection part way
    (Chromium cancels favicon and asset requests as it navigates), which would leave a static file
    open until garbage collection and turn into a ResourceWarning in whichever test runs next.
    """

    def application(environ, start_response):
        chunks = wsgi_app(environ, start_response)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        return [body]

    return application


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    # bypass_csp lets the test inject axe-core; the pages themselves keep their policy.
    context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(java_script_enabled=False, bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def axe_violations(tab) -> list[dict]:
    """Run axe-core against the page for WCAG 2.2 A and AA; returns the violations."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `make test`, which fetches it with npm")
    tab.add_script_tag(path=str(AXE))
    return tab.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations", WCAG_TAGS
    )


def assert_title_starts(tab, text: str) -> None:
    """The page's title starts with ``text``, waiting for the page a click asked for to arrive."""
    from playwright.sync_api import expect

    expect(tab).to_have_title(re.compile("^" + re.escape(text)))


def assert_accessible(tab) -> None:
    violations = axe_violations(tab)
    summary = [f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']}" for v in violations]
    assert violations == [], f"{tab.url}: {summary}"


@pytest.fixture
def sign_in(page, live_server):
    def as_role(role: str, **overrides):
        user = make_staff(role=role, password=TEST_PASSWORD, **overrides)
        page.goto(f"{live_server}/sign-in")
        page.fill("#email", user.email)
        page.fill("#password", TEST_PASSWORD)
        page.click("button:has-text('Sign in')")
        page.wait_for_url(f"{live_server}/staff")
        return user

    return as_role
