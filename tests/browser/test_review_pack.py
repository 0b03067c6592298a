"""A viewer reads a review's annual pack in a real browser: plotly draws its charts, every section is reached from
the contents, and the page is accessible; the published pack residents read is accessible too."""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from core.extensions import db
from core.models import Role
from core.timesource import set_today
from reviews.models import Review
from tests.browser.conftest import assert_accessible
from tests.helpers import make_charter, make_feedback
from tests.reviews.conftest import COMMITMENTS, MONDAY, YEAR, at


def test_a_viewer_reads_the_pack_and_residents_read_the_published_one(page, live_server, sign_in):
    set_today(date(2026, 4, 20))
    make_charter(commitments=COMMITMENTS, effective_from=date(2024, 4, 1))
    for acknowledged in (date(2025, 6, 3), date(2025, 6, 3), date(2025, 6, 9)):
        make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(acknowledged))
    review = Review(council_slug="harrow", title=YEAR.title, starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)
    db.session.add(review)
    db.session.commit()
    sign_in(Role.VIEWER)
    page.goto(f"{live_server}/reviews/{review.id}")
    page.click("#pack-link")
    page.wait_for_selector(".app-chart .main-svg")  # plotly.js, served from static/vendor, drew the chart
    page.click("nav.app-pack-contents a:has-text('Complaints')")
    expect(page).to_have_url(re.compile("#section-complaints$"))
    assert_accessible(page)
    review.stage = "adopted"
    db.session.commit()
    page.goto(f"{live_server}/our-charter")
    page.click("#how-we-did")
    assert page.locator("h1").inner_text() == "How we did: April 2025 to March 2026"
    assert_accessible(page)
