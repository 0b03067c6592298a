"""Staff feedback pages in a real browser: inbox, recording, an item and its changes, API keys; axe on each."""

from datetime import date
from pathlib import Path

from sqlalchemy import select

from core.charters import load_charter_file
from core.extensions import db
from core.models import Role
from feedback.models import FeedbackItem
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.helpers import make_feedback

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"


def test_officer_records_phone_feedback_and_works_on_it(page, live_server, sign_in):
    charter, _ = load_charter_file(HARROW)
    make_feedback(commitments=[charter.commitments[0]], sentiment_label="negative")
    sign_in(Role.COMPLAINTS_OFFICER)
    page.goto(f"{live_server}/staff/feedback")
    assert_accessible(page)
    page.get_by_role("link", name="Record feedback for a resident").click()
    page.get_by_role("button", name="Record feedback").click()
    assert_title_starts(page, "Error: Record feedback for a resident")
    assert_accessible(page)
    page.locator("input[name=channel][value=phone]").check()
    page.locator("#received_on-day").fill("2")
    page.locator("#received_on-month").fill("3")
    page.locator("#received_on-year").fill("2026")
    page.locator("input[name=kind][value=complaint]").check()
    page.locator("#service_area").select_option("waste-recycling")
    page.locator("#description").fill("Resident phoned: bins missed three weeks running.")
    page.locator("#name").fill("Noor Haddad")
    page.locator("#email").fill("noor@example.com")
    page.locator("input[name=reply_by][value=email]").check()
    page.get_by_role("button", name="Record feedback").click()
    item = db.session.scalar(select(FeedbackItem).where(FeedbackItem.channel == "phone"))
    assert item.received_on == date(2026, 3, 2)
    assert page.locator("h1").inner_text() == f"Complaint {item.reference}"
    assert_accessible(page)
    for path in ("tags", "reclassify", "status", "message", "files"):
        page.goto(f"{live_server}/staff/feedback/{item.reference}/{path}")
        assert_accessible(page)
    page.goto(f"{live_server}/staff/feedback/{item.reference}/reclassify")
    page.get_by_label("Service request", exact=True).check()
    page.locator("#reason").fill("First report of a missed collection.")
    page.get_by_role("button", name="Reclassify").click()
    assert "Now handled as a service request" in page.locator(".govuk-notification-banner").inner_text()


def test_admin_issues_and_revokes_an_api_key(page, live_server, sign_in):
    sign_in(Role.ADMIN)
    page.goto(f"{live_server}/admin/api-keys")
    assert_accessible(page)
    page.get_by_role("link", name="Issue a new key").click()
    assert_accessible(page)
    page.locator("#name").fill("Library kiosk")
    page.get_by_role("button", name="Issue key").click()
    assert page.locator("#api-key").inner_text().startswith("chl_")
    assert_accessible(page)
    page.goto(f"{live_server}/admin/api-keys")
    page.get_by_role("button", name="Revoke").click()
    assert "no longer works" in page.locator(".govuk-notification-banner").inner_text()


def test_policy_officer_quotes_an_item_in_the_annual_review(page, live_server, sign_in):
    item = make_feedback(kind="comment", description="My name is Jo Bloggs. The new bins are much better.")
    sign_in(Role.POLICY_OFFICER)
    page.goto(f"{live_server}/staff/feedback/{item.reference}")
    page.get_by_role("link", name="Quote it in the annual review").click()
    assert_title_starts(page, "Quote this in the annual review")
    assert page.locator("#text").input_value() == "My name is [name]. The new bins are much better."
    assert_accessible(page)
    page.locator("#text").fill("")
    page.get_by_role("button", name="Save quote").click()
    assert_title_starts(page, "Error: Quote this in the annual review")
    assert_accessible(page)
    page.locator("#text").fill("The new bins are much better.")
    page.get_by_role("button", name="Save quote").click()
    assert "Quote saved" in page.locator(".govuk-notification-banner").inner_text()
    assert page.locator("#quote-text").inner_text() == "The new bins are much better."
    assert_accessible(page)
    page.get_by_role("button", name="Remove the quote").click()
    assert "no longer in the annual review" in page.locator(".govuk-notification-banner").inner_text()
