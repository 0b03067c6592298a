"""Residents send each kind of feedback in a real browser, with and without JavaScript; axe checks every page."""

from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from core.charters import load_charter_file
from core.extensions import db
from feedback.models import Attachment, FeedbackItem
from tests.browser.conftest import assert_accessible, assert_title_starts

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def setting_up(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_UPLOAD_DIR", str(tmp_path / "uploads"))
    load_charter_file(HARROW)


def continue_(tab) -> None:
    tab.get_by_role("button", name="Continue", exact=True).click()


#: Pages axe has already passed in this run: each page is checked once, in each state it can be in.
CHECKED: set[tuple[str, str, int]] = set()


def check_once(tab) -> None:
    path = urlparse(tab.url).path
    path = "/track/<token>" if path.startswith("/track/") else path
    state = (path, tab.locator("h1").inner_text().strip().split(" ")[0],
             tab.locator(".govuk-error-summary, .govuk-summary-list__row, .govuk-notification-banner").count())
    if state not in CHECKED:
        assert_accessible(tab)
        CHECKED.add(state)


class Walk:
    """One resident's way through the form, checking accessibility on each page when asked."""

    def __init__(self, tab, base: str, check: bool):
        self.tab, self.base, self.check = tab, base, check

    def arrive(self, heading: str) -> None:
        assert self.tab.locator("h1").inner_text().strip().startswith(heading), self.tab.locator("h1").inner_text()
        if self.check:
            check_once(self.tab)

    def run(self, kind_label: str, *, contact: dict, upload: bool, promise: str) -> str:
        tab = self.tab
        tab.goto(self.base + "/feedback")
        self.arrive("Give feedback or make a complaint")
        tab.get_by_role("button", name="Start now").click()
        self.arrive("What would you like to do?")
        tab.get_by_label(kind_label, exact=True).check()
        continue_(tab)
        self.arrive("Which service is it about?")
        tab.get_by_label("Waste and recycling").check()
        continue_(tab)
        self.arrive("Which of our promises is it about?")
        tab.get_by_label(promise).check()
        continue_(tab)
        self.arrive("Tell us")
        tab.locator("#description").fill("The crew left litter all along Mill Street.")
        continue_(tab)
        self.arrive("Add photos or documents")
        if upload:
            tab.set_input_files("#files", files=[{"name": "street.png", "mimeType": "image/png", "buffer": PNG}])
            tab.get_by_role("button", name="Upload files").click()
            self.arrive("Add photos or documents")
            assert "street.png" in tab.locator("main").inner_text()
        continue_(tab)
        self.arrive("Your contact details")
        for field, value in contact.items():
            tab.locator(f"#{field}").fill(value)
        continue_(tab)
        if contact.get("email"):
            self.arrive("How would you like us to reply?")
            tab.get_by_label("Email", exact=True).check()
            continue_(tab)
            self.arrive("Do you need us to do anything differently")
            tab.get_by_label("An interpreter").check()
            tab.locator("#language").fill("Polish")
            continue_(tab)
        self.arrive("About you")
        tab.locator("input[name=age_band][value=prefer_not_to_say]").check()
        continue_(tab)
        self.arrive("Check your answers before sending")
        tab.get_by_role("button", name="Send").click()
        self.arrive("We have received your")
        reference = tab.locator(".govuk-panel strong").inner_text().strip()
        tab.locator("main a[href^='/track/']").click()
        self.arrive("Your ")
        return reference


JOURNEYS = [
    ("Pay a compliment", {}, False, "We will give you an excellent service."),
    ("Make a comment or suggestion", {"name": "Cal Dee"}, False, "None of these, or I'm not sure"),
    ("Report something that needs putting right", {"name": "Sam Ray", "email": "sam@example.com"}, False,
     "We will deal with your enquiry quickly."),
    ("Make a complaint", {"name": "Ada Vale", "email": "ada@example.com", "phone": "07700 900123"}, True,
     "We aim to acknowledge your email or web form within 24 hours of receipt."),
]


@pytest.mark.parametrize("kind_label, contact, upload, promise", JOURNEYS, ids=["compliment", "comment",
                                                                               "service_request", "complaint"])
def test_journey_with_javascript(page, live_server, kind_label, contact, upload, promise):
    reference = Walk(page, live_server, check=True).run(kind_label, contact=contact, upload=upload, promise=promise)
    item = db.session.scalar(select(FeedbackItem).where(FeedbackItem.reference == reference))
    assert item.channel == "web_form" and item.description.startswith("The crew left litter")
    if upload:
        assert db.session.scalar(select(Attachment.original_name)) == "street.png"


@pytest.mark.parametrize("kind_label, contact, upload, promise", JOURNEYS, ids=["compliment", "comment",
                                                                               "service_request", "complaint"])
def test_journey_without_javascript(no_js_page, live_server, kind_label, contact, upload, promise):
    reference = Walk(no_js_page, live_server, check=False).run(kind_label, contact=contact, upload=upload,
                                                               promise=promise)
    assert db.session.scalar(select(FeedbackItem).where(FeedbackItem.reference == reference)) is not None


def test_errors_are_announced_and_accessible(page, live_server):
    page.goto(live_server + "/feedback/type")
    continue_(page)
    assert_title_starts(page, "Error: What would you like to do?")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5000)
    assert_accessible(page)
    page.get_by_label("Make a complaint").check()
    continue_(page)
    page.get_by_label("Parking").check()
    continue_(page)
    page.get_by_label("None of these, or I'm not sure").check()
    continue_(page)
    page.locator("#description").fill("x" * 5001)
    continue_(page)
    page.locator(".govuk-error-summary").wait_for()
    assert page.locator("#description").input_value() == "x" * 5001
    assert_accessible(page)
