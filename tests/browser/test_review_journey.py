"""A policy officer opens a charter review in a real browser, imports a month of call statistics (a bad file
refused with its row errors, then a good one) and reads the evidence: accessible at every step."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from core.models import Role
from core.timesource import set_today
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.helpers import make_charter, make_feedback
from tests.reviews.conftest import COMMITMENTS, MONDAY, at

BAD = b"month,channel,service,calls_offered,calls_answered,answered_within_150s\n2025-06,phone,,1000,950,twelve\n"
GOOD = b"month,channel,service,calls_offered,calls_answered,answered_within_150s\n2025-06,phone,,1000,950,920\n"


def test_a_policy_officer_opens_a_review_and_reads_the_evidence(page, live_server, sign_in):
    set_today(date(2026, 4, 20))
    make_charter(commitments=COMMITMENTS, effective_from=date(2024, 4, 1))
    for acknowledged in (date(2025, 6, 3), date(2025, 6, 3), date(2025, 6, 9)):
        make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(acknowledged))
    sign_in(Role.POLICY_OFFICER)
    page.goto(f"{live_server}/reviews/")
    assert_accessible(page)
    page.fill("#year", "twenty")
    page.click("button:has-text('Open the review')")
    assert_title_starts(page, "Error: Charter reviews")
    assert_accessible(page)
    page.fill("#year", "2025")
    page.click("button:has-text('Open the review')")
    page.wait_for_url(f"{live_server}/reviews/*")
    assert "Review opened for April 2025 to March 2026" in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)
    review_home = page.url
    page.goto(f"{live_server}/reviews/")
    page.click("a:has-text('channel statistics')")
    page.click("a:has-text('Import channel statistics')")
    page.set_input_files("#file", files=[{"name": "june.csv", "mimeType": "text/csv", "buffer": BAD}])
    page.click("button:has-text('Import')")
    assert_title_starts(page, "Error: Import channel statistics")
    cells = page.locator("#problems tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["2", "answered_within_150s", "Enter a whole number, like 120"]
    assert_accessible(page)
    page.set_input_files("#file", files=[{"name": "june.csv", "mimeType": "text/csv", "buffer": GOOD}])
    page.click("button:has-text('Import')")
    page.wait_for_url(f"{live_server}/channel-statistics/")
    page.goto(review_home)
    page.click("a:has-text('read the evidence for every commitment')")
    calls = page.locator("#evidence tbody tr", has_text="P-01").inner_text()
    assert "Met" in calls and "92%" in calls
    row = page.locator("#evidence tbody tr", has_text="E-01")
    assert "Not met" in row.inner_text() and "67%" in row.inner_text()
    assert_accessible(page)
    page.click("#evidence a:has-text('E-01')")
    expect(page.locator("h1")).to_contain_text("E-01: evidence for April 2025 to March 2026")
    assert_accessible(page)
    page.click("#measure-1 + dl a:has-text('3')")
    expect(page.locator("main tbody tr")).to_have_count(3)
    # The list filtered to every channel the standard covers: email and the web form, both ticked.
    expect(page.locator("input[name=channel]:checked")).to_have_count(2)
    assert_accessible(page)
