"""The home page in a browser carries the council's identity: its logo and colour, system fonts, no crown.

The test saves a screenshot of the page to docs/screenshots/home.png for the documentation.
"""

from pathlib import Path

from core.charters import load_charter_file
from tests.browser.conftest import assert_accessible

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs" / "screenshots" / "home.png"
HARROW = ROOT / "charters" / "harrow.toml"


def test_home_page_has_the_councils_identity_and_is_accessible(page, live_server):
    load_charter_file(HARROW)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server + "/")
    page.wait_for_load_state("networkidle")

    logo = page.locator(".govuk-generic-header img.app-council-logo")
    assert logo.get_attribute("alt") == "Example Council logo"
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator(".govuk-generic-header .app-council-name").inner_text() == "Example Council"
    header_background = page.locator(".govuk-generic-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_background == "rgb(0, 98, 94)"  # #00625e, the demo council's colour
    footer_border = page.locator(".govuk-footer").evaluate("e => getComputedStyle(e).borderTopColor")
    assert footer_border == "rgb(0, 98, 94)"
    font = page.locator("h1").evaluate("e => getComputedStyle(e).fontFamily")
    assert font.startswith("system-ui") and "GDS Transport" not in font
    assert page.evaluate("document.fonts.size") == 0  # no web fonts at all
    assert not [url for url in requested if "/fonts/" in url or "govuk-" in url.rsplit("/", 1)[-1]
                and not url.endswith("govuk-frontend.min.js")]
    assert page.locator("header svg, footer svg").count() == 0  # no crown, no licence logo

    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert_accessible(page)
