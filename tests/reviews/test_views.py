"""The charter review page: per-commitment feedback and whether each standard was kept."""

from datetime import date

from core.models import Role
from core.timesource import set_today
from tests.helpers import make_charter, make_feedback, page


def test_review_counts_feedback_per_commitment_and_says_if_a_standard_was_kept(client, login_as, db):
    set_today(date(2026, 11, 24))
    charter = make_charter(council_slug="harrow")
    reply = charter.commitments[0]
    make_feedback(kind="compliment", received_on=date(2026, 6, 1), commitments=[reply],
                  acknowledgement_commitment=reply, acknowledgement_met=True)
    make_feedback(kind="complaint", received_on=date(2026, 6, 2), commitments=[reply],
                  acknowledgement_commitment=reply, acknowledgement_met=False,
                  description="Nobody called me back about my missed bin.")
    make_feedback(kind="complaint", received_on=date(2025, 1, 2), commitments=[reply])  # outside the period
    login_as(Role.VIEWER)
    soup = page(client.get("/reviews/"))
    cells = [td.get_text(" ", strip=True) for td in soup.select("#commitments tbody tr")[0].select("td")]
    assert cells[:4] == ["1", "0", "1", "0"]
    assert cells[6].startswith("50% of 2 on time") and "Not kept" in cells[6]
    assert "(1)" in cells[5]  # the complaint's themes, counted once


def test_a_bad_period_is_explained_not_an_error(client, login_as):
    set_today(date(2026, 11, 24))
    make_charter(council_slug="harrow")
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get("/reviews/?start=2026-13-01&end=2026-01-01"))
    assert "Enter the start date as a real date" in soup.select_one(".govuk-error-summary").get_text()


def test_case_handlers_cannot_see_the_review(client, login_as):
    login_as(Role.CASE_HANDLER)
    assert client.get("/reviews/").status_code == 403
