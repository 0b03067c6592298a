"""Opening a review for a charter and a year, once, and moving it through its stages."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.models import AuditEvent, Role
from core.timesource import set_today
from reviews.cycles import ReviewRuleError, open_review, review_year, year_title
from reviews.models import Review
from reviews.stages import move_stage
from tests.helpers import make_charter, make_staff, page


def test_the_review_year_is_the_financial_year_by_default_and_can_be_configured(app):
    year = review_year("harrow", 2025)
    assert (year.starts_on, year.ends_on, year.title) == (date(2025, 4, 1), date(2026, 3, 31),
                                                          "April 2025 to March 2026")
    assert year.previous().starts_on == date(2024, 4, 1) and year.previous().ends_on == date(2025, 3, 31)
    app.config["CHARTERLINE_REVIEW_YEAR_STARTS"] = "01-01"
    try:
        calendar_year = review_year("harrow", 2026)
    finally:
        app.config["CHARTERLINE_REVIEW_YEAR_STARTS"] = "04-01"
    assert (calendar_year.starts_on, calendar_year.ends_on, calendar_year.title) == (
        date(2026, 1, 1), date(2026, 12, 31), "2026")
    assert year_title(date(2025, 7, 1), date(2026, 6, 30)) == "July 2025 to June 2026"


def test_a_review_cannot_be_opened_twice_for_the_same_charter_and_year(client, login_as):
    make_charter()
    login_as(Role.POLICY_OFFICER)
    response = client.post("/reviews/", data={"council": "harrow", "year": "2025"})
    assert response.status_code == 302
    review = Review.query.one()
    assert (review.title, review.stage) == ("April 2025 to March 2026", "evidence")
    soup = page(client.post("/reviews/", data={"council": "harrow", "year": "2025"}))
    assert "already open" in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one(".govuk-error-summary a")["href"] == "#year"
    assert Review.query.count() == 1


@pytest.mark.parametrize(("year", "message"), [("", "Enter the year the review starts in"),
                                               ("twenty", "Enter the year as 4 numbers"),
                                               ("1999", "Enter a year from 2000 to 2098")])
def test_a_bad_year_is_explained(client, login_as, year, message):
    make_charter()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/reviews/", data={"council": "harrow", "year": year}))
    assert message in soup.select_one(".govuk-error-summary").get_text()


def test_an_unknown_council_is_refused_on_the_form(client, login_as):
    make_charter()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/reviews/", data={"council": "atlantis", "year": "2025"}))
    assert "Select a council whose charter is loaded" in soup.select_one(".govuk-error-summary").get_text()


def test_only_this_councils_charter_can_be_reviewed(client, login_as):
    """The records held here are this council's: another loaded charter (an example file) is not offered."""
    from tests.helpers import make_charter

    make_charter()  # this council's
    make_charter(council_slug="barnet", council_name="Barnet Council")
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get("/reviews/"))
    assert "Barnet Council" not in soup.get_text()
    soup = page(client.post("/reviews/", data={"council": "barnet", "year": "2025"}))
    assert "Select a council whose charter is loaded" in soup.select_one(".govuk-error-summary").get_text()


def test_only_policy_officers_open_reviews(client, login_as):
    make_charter()
    login_as(Role.VIEWER)
    soup = page(client.get("/reviews/"))
    assert soup.select_one("form[action='/reviews/']") is None
    assert client.post("/reviews/", data={"council": "harrow", "year": "2025"}).status_code == 403


def test_stages_move_forward_and_back_one_step_with_audit(client, login_as):
    set_today(date(2026, 4, 20))
    make_charter(effective_from=date(2025, 4, 1))
    officer = login_as(Role.POLICY_OFFICER)
    review = open_review("harrow", 2025, by=officer)
    assert client.post(f"/reviews/{review.id}/stage", data={"direction": "forward"}).status_code == 302
    assert client.post(f"/reviews/{review.id}/stage", data={"direction": "forward"}).status_code == 302
    assert client.post(f"/reviews/{review.id}/stage", data={"direction": "back"}).status_code == 302
    assert Review.query.one().stage == "proposals"
    events = AuditEvent.query.filter(AuditEvent.target_id == review.id, AuditEvent.action.like("review.%"))
    summaries = [e.summary for e in events.order_by(AuditEvent.id)]
    assert summaries == ["Review opened for April 2025 to March 2026", "Stage changed from Evidence to Proposals",
                         "Stage changed from Proposals to Consultation", "Stage changed from Consultation to Proposals"]
    soup = page(client.get(f"/reviews/{review.id}"))
    assert "Proposals" in soup.select_one("#stages [aria-current=step]").find_parent("li").get_text()
    assert [td.get_text(strip=True) for td in soup.select("#versions tbody td")][:1] == ["1"]


def test_a_review_cannot_move_past_its_last_stage_or_before_its_first(db):
    make_charter()
    officer = make_staff(role=Role.POLICY_OFFICER)
    review = open_review("harrow", 2025, by=officer)
    with pytest.raises(ReviewRuleError, match="first stage"):
        move_stage(review, "back", by=officer)
    for _ in range(4):
        move_stage(review, "forward", by=officer)
    with pytest.raises(ReviewRuleError, match="no further stage"):
        move_stage(review, "forward", by=officer)
    assert db.session.scalar(select(Review.stage)) == "adopted"


def test_a_version_whose_file_gave_no_date_is_in_force_from_the_day_it_was_published(db):
    from datetime import datetime

    from reviews.cycles import ReviewYear, versions_in_force
    from tests.helpers import make_charter

    charter = make_charter(effective_from=None, published_at=datetime(2025, 9, 1, 10, 0))
    [span] = versions_in_force(ReviewYear("harrow", date(2025, 4, 1), date(2026, 3, 31)))
    assert (span.charter, span.starts_on, span.ends_on) == (charter, date(2025, 9, 1), date(2026, 3, 31))
