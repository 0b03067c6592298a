"""A policy officer imports a month of call statistics in a real browser: a bad file refused with its row
errors, then a good one; every page accessible."""

from datetime import date

from sqlalchemy import func, select

from channel_stats.models import ChannelMonth
from core.extensions import db
from core.models import Role
from core.standards import Standard
from core.timesource import set_today
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.helpers import make_charter

BAD = b"month,channel,service,calls_offered,calls_answered,answered_within_20s\n2026-04,phone,,1000,1200,850\n"
GOOD = b"month,channel,service,calls_offered,calls_answered,answered_within_20s\n2026-04,phone,,1000,950,850\n"


def test_a_policy_officer_imports_call_statistics(page, live_server, sign_in):
    set_today(date(2026, 5, 15))
    make_charter(seconds_per_ring=5, commitments=[
        {"code": "B-01", "wording": "We will answer your call within 4 rings.", "channel": "phone",
         "standards": [Standard("answer", 4, "rings", 0.85)]}])
    sign_in(Role.POLICY_OFFICER)
    page.goto(f"{live_server}/reviews/")
    page.click("a:has-text('channel statistics')")
    assert_accessible(page)
    page.click("a:has-text('Import channel statistics')")
    assert_accessible(page)
    page.set_input_files("#file", files=[{"name": "april.csv", "mimeType": "text/csv", "buffer": BAD}])
    page.click("button:has-text('Import')")
    assert_title_starts(page, "Error: Import channel statistics")
    assert "1,200 is more than calls_offered (1,000)" in page.locator("#problems").inner_text()
    assert_accessible(page)
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 0
    page.set_input_files("#file", files=[{"name": "april.csv", "mimeType": "text/csv", "buffer": GOOD}])
    page.click("button:has-text('Import')")
    page.wait_for_url(f"{live_server}/channel-statistics/")
    assert "Imported 1 row for April 2026 (0 replaced)" in page.locator(".govuk-notification-banner").inner_text()
    page.click("a:has-text('See the imported figures')")
    assert "1,000" in page.locator("#rows").inner_text()
    assert_accessible(page)
