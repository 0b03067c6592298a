"""Closure-date pages in a real browser: accessible with and without errors, and usable end to end."""

from datetime import date

from core.clocks.models import ClosureDate
from core.extensions import db
from core.models import Role
from tests.browser.conftest import assert_accessible, assert_title_starts


def test_closure_pages_are_accessible_and_work(page, live_server, sign_in):
    sign_in(Role.ADMIN)
    page.goto(f"{live_server}/admin/closures")
    assert_accessible(page)
    page.click("a:has-text('Add a closure date')")
    page.click("button:has-text('Add closure date')")
    assert_title_starts(page, "Error: Add a closure date")
    assert_accessible(page)
    page.fill("#day-day", "24")
    page.fill("#day-month", "12")
    page.fill("#day-year", "2026")
    page.fill("#name", "Christmas Eve closure")
    page.click("button:has-text('Add closure date')")
    page.wait_for_url(f"{live_server}/admin/closures")
    assert "is now a closure date" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    closure = db.session.scalar(db.select(ClosureDate))
    assert closure.day == date(2026, 12, 24)
    page.click("a:has-text('Remove')")
    assert_accessible(page)
    page.click("button:has-text('Remove closure date')")
    page.wait_for_url(f"{live_server}/admin/closures")
    assert "is no longer a closure date" in page.locator(".govuk-notification-banner").inner_text()
