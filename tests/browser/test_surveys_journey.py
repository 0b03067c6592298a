"""Surveys in a real browser: a contact logged by staff becomes an invitation, the resident answers it without
JavaScript, and the answer shows in the results; axe-core checks every survey page on the way."""

import re
from pathlib import Path

import pytest

from core.charters import load_charter_file
from core.extensions import db
from core.models import OutboxMessage, Role
from core.timesource import today
from surveys import invitations
from surveys.models import ContactImport, Survey
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.helpers import make_service_area
from tests.surveys.factories import make_response, make_survey

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"
PLOTLY = Path(__file__).resolve().parents[2] / "static" / "vendor" / "plotly.min.js"


def _phone_survey(charter) -> Survey:
    respect = next(c for c in charter.commitments if c.channel == "any")
    survey = make_survey([
        {"type": "good_average_poor", "text": "How would you rate our service on the phone?", "commitments": [respect]},
        {"type": "yes_no", "text": "Did we sort out what you called about?"},
        {"type": "free_text", "text": "What could we have done better?", "section": 2, "condition": (1, "no"),
         "required": False},
        {"type": "nps", "text": "How likely are you to recommend calling us?", "section": 2},
    ], sections=2, title="How did we do on the phone?", description="It takes about two minutes.")
    for _ in range(9):
        make_response(survey, ["good", "yes", None, "9"])
    return survey


def test_a_logged_contact_is_invited_answered_and_counted(page, no_js_page, live_server, sign_in):
    charter, _ = load_charter_file(HARROW)
    make_service_area(code="council-tax-desk", name="Council tax desk")
    survey = _phone_survey(charter)
    invitations.create_rule(survey=survey, trigger="contact", channel="phone", service_area=None, delay_hours=0,
                            by=None)

    sign_in(Role.POLICY_OFFICER)
    page.goto(f"{live_server}/surveys/contacts/new")
    assert_accessible(page)
    page.select_option("#channel", "phone")
    day = today()
    page.fill("#day-day", str(day.day))
    page.fill("#day-month", str(day.month))
    page.fill("#day-year", str(day.year))
    page.fill("#email", "resident@example.com")
    page.click("button:has-text('Log contact')")
    assert "Contact logged." in page.locator(".govuk-notification-banner").inner_text()
    assert_accessible(page)

    invitations.send_due_invitations()  # what cron's `flask surveys invite` does
    body = db.session.scalar(db.select(OutboxMessage)).body
    token = re.search(r"/surveys/i/([A-Za-z0-9_-]+)\n", body).group(1)

    resident = no_js_page
    resident.goto(f"{live_server}/surveys/i/{token}")
    assert resident.locator("h1").inner_text() == "How did we do on the phone?"
    resident.click("button:has-text('Start now')")
    resident.click("button:has-text('Continue')")  # nothing chosen: GOV.UK errors, no JavaScript needed
    assert_title_starts(resident, "Error: Page 1")
    resident.check("input[value=good]")
    resident.check("input[value=no]")
    resident.click("button:has-text('Continue')")
    resident.fill("textarea", "Tell me who I am speaking to.")
    resident.check("input[value='7']")
    resident.click("button:has-text('Continue')")
    assert resident.locator("h1").inner_text() == "Check your answers before sending them"
    resident.click("button:has-text('Send your answers')")
    assert resident.locator("h1").inner_text() == "Thank you for your answers"
    resident.goto(f"{live_server}/surveys/i/{token}")
    assert resident.locator("h1").inner_text() == "You have already answered this survey"

    page.goto(f"{live_server}/surveys/{survey.id}/results")
    assert "10 responses" in page.locator("main").inner_text()
    first_table = page.locator("table").first
    assert first_table.locator("tbody tr").first.locator("td").first.inner_text() == "10"  # 9 before, plus ours
    if PLOTLY.exists():
        page.wait_for_selector(".app-chart .main-svg")
    assert_accessible(page)
    page.goto(f"{live_server}/surveys/{survey.id}/results/questions/{survey.all_questions[2].id}")
    assert "Tell me who I am speaking to." in page.locator("main").inner_text()
    assert_accessible(page)


@pytest.fixture
def resident_pages(live_server):
    charter, _ = load_charter_file(HARROW)
    return _phone_survey(charter)


def test_resident_survey_pages_are_accessible(page, live_server, resident_pages):
    survey = resident_pages
    page.goto(f"{live_server}/surveys/s/{survey.slug}/visit")
    assert_accessible(page)
    page.click("button:has-text('Start now')")
    assert_accessible(page)
    page.click("button:has-text('Continue')")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5000)
    assert_accessible(page)
    page.check("input[value=average]")
    page.check("input[value=yes]")
    page.click("button:has-text('Continue')")
    page.check("input[value='10']")
    page.click("button:has-text('Continue')")
    assert_accessible(page)
    page.click("button:has-text('Send your answers')")
    assert_accessible(page)
    for path in ("/surveys/i/not-a-real-token", "/surveys/i/not-a-real-token/stop"):
        page.goto(live_server + path)
        assert_accessible(page)


def test_staff_survey_pages_are_accessible(page, live_server, sign_in, resident_pages):
    survey = resident_pages
    draft = make_survey([{"type": "yes_no", "text": "First?"},
                         {"type": "free_text", "text": "Why not?", "section": 2, "condition": (0, "no")}],
                        state="draft", sections=2)
    batch = ContactImport(filename="calls.csv", rows=[], problems=[{"line": 3, "field": "channel",
                                                                    "message": "Channel must be one of phone"}])
    db.session.add(batch)
    db.session.commit()
    sign_in(Role.POLICY_OFFICER)
    paths = ["/surveys/", f"/surveys/{survey.id}", f"/surveys/{draft.id}", f"/surveys/{draft.id}/details",
             f"/surveys/{draft.id}/sections/new", f"/surveys/{draft.id}/questions/new",
             f"/surveys/{draft.id}/questions/{draft.all_questions[1].id}", "/surveys/results", "/surveys/rules",
             "/surveys/contacts", "/surveys/contacts/import", f"/surveys/contacts/imports/{batch.id}",
             "/surveys/opt-outs"]
    for path in paths:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)
    page.goto(f"{live_server}/surveys/{draft.id}/questions/new")
    page.click("button:has-text('Save question')")
    assert_accessible(page)
