"""A complaint driven through every path in a browser, with axe-core checking each complaints page on the way."""

import hashlib
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from complaints.models import Complaint
from core.extensions import db
from core.models import Resident, Role
from core.timesource import set_today
from tests.browser.conftest import assert_accessible
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_charter, make_complaint, make_service_area, make_staff

TOKEN = "browser-tracking-token"


@pytest.fixture
def cast():
    set_today(date(2026, 3, 18))
    people = {"officer": make_staff(role=Role.COMPLAINTS_OFFICER, name="Olu Officer", password=TEST_PASSWORD),
              "first": make_staff(role=Role.CASE_HANDLER, name="Fay First", password=TEST_PASSWORD),
              "second": make_staff(role=Role.CASE_HANDLER, name="Sam Second", password=TEST_PASSWORD)}
    commitment = make_charter().commitments[0]
    resident = Resident(name="Tess Track", email="tess@example.com", address="1 High Street", postcode="HA1 1AA",
                        reply_by="letter", adjustments=["large_print"])
    people["case"] = make_complaint(
        received_on=date(2026, 3, 16), resident=resident, service_area=make_service_area(regime="ho", name="Repairs"),
        tracking_token_hash=hashlib.sha256(TOKEN.encode()).hexdigest(), commitments=[commitment],
        description="The bathroom leak was booked three times and nobody came.")
    people["other"] = make_complaint(received_on=date(2026, 3, 17), happened_on=date(2024, 1, 10))
    return people


def _sign_out(page) -> None:
    # Signing out is a form (POST with its token), shown on every page while someone is signed in.
    if page.locator("button:has-text('Sign out')").count():
        page.click("button:has-text('Sign out')")


def _as(page, live_server, person) -> None:
    _sign_out(page)
    page.goto(f"{live_server}/sign-in")
    page.fill("#email", person.email)
    page.fill("#password", TEST_PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{live_server}/staff")


def _check(page, heading: str | None = None) -> None:
    if heading:
        assert heading in page.locator("h1").inner_text()
    assert_accessible(page)


def _send_letter(page, kind: str) -> None:
    _check(page, f"{kind} letter")
    page.click("button:has-text('Send letter')")
    assert "What was sent is kept on the case" in page.locator(".govuk-notification-banner").inner_text()


def _error(page, message: str) -> None:
    assert message in page.locator(".govuk-error-summary").inner_text()
    _check(page)


def test_a_complaint_through_every_path(page, live_server, cast):
    case, other = cast["case"], cast["other"]
    base = f"{live_server}/complaints"

    # The complaints officer sees the dashboard and assigns the stage 1 handler.
    _as(page, live_server, cast["officer"])
    page.goto(f"{base}/")
    _check(page, "Complaints")
    page.select_option("#filter-due", "due_soon")
    page.click("button:has-text('Apply filters')")
    _check(page)
    page.goto(f"{base}/{case.id}")
    _check(page, case.feedback.reference)
    page.click("a:has-text('Assign the stage 1 handler')")
    _check(page, "Assign the stage 1 handler")
    page.select_option("#handler", str(cast["first"].id))
    page.click("button:has-text('Assign handler')")
    assert "Fay First is the stage 1 handler" in page.locator(".govuk-notification-banner").inner_text()

    # The handler acknowledges and defines the complaint; the letter is edited and sent (large print, by post).
    _as(page, live_server, cast["first"])
    page.goto(f"{base}/mine")
    _check(page, "My cases")
    page.click(f"a:has-text('{case.feedback.reference}')")
    page.click("a:has-text('Acknowledge and define')")
    page.click("button:has-text('Continue')")
    _error(page, "Enter at least one point to be answered")
    page.fill("#points", "Repair appointments were missed three times\nNobody told me they were cancelled")
    page.click("button:has-text('Continue')")
    body = page.input_value("#body")
    assert "2. Nobody told me they were cancelled" in body
    page.fill("#body", body.replace("Thank you for your complaint", "Thank you for telling us about this"))
    page.click("a:has-text('Printable version (large print)')")
    _check(page)
    page.go_back()
    _send_letter(page, "Acknowledgement")

    # An extension over the cap is refused for a handler, with the rule named; one within it is sent.
    page.click("a:has-text('Extend the deadline')")
    _check(page, "Extend the response deadline")
    page.fill("#days", "15")
    page.fill("#reason", "We are waiting for a specialist damp survey")
    page.fill("#good_reason", "The only surveyor is booked up")
    page.click("button:has-text('Continue to the letter')")
    _error(page, "needs a good reason recorded and a complaints officer's approval (Complaint Handling Code 6.4)")
    page.fill("#days", "5")
    page.fill("#good_reason", "")
    page.click("button:has-text('Continue to the letter')")
    assert "0300 111 3000" in page.input_value("#body")  # the Housing Ombudsman's details (Code 6.5)
    _send_letter(page, "Extension")

    # Findings on each point, a remedy, and the stage 1 response.
    page.click("a:has-text('Record findings')")
    _check(page, "Stage 1 findings")
    for n, label in ((0, "Upheld"), (1, "Partly upheld")):
        page.locator("fieldset").nth(n).get_by_label(label, exact=True).check()
    for textarea in page.locator("textarea").all():
        textarea.fill("The appointments were not kept and we did not tell you.")
    page.click("button:has-text('Save findings')")
    page.click("a:has-text('Add a remedy')")
    _check(page, "Add a remedy")
    page.get_by_label("Financial remedy", exact=True).check()
    page.fill("#description", "Payment for the time and trouble")
    page.fill("#responsible", "Finance team")
    page.fill("#due_on-day", "3")
    page.fill("#due_on-month", "4")
    page.fill("#due_on-year", "2026")
    page.fill("#amount", "75")
    page.click("button:has-text('Add remedy')")
    page.click("button:has-text('Prepare the response letter')")
    assert "ask us to review your complaint at stage 2" in page.input_value("#body")
    _send_letter(page, "Stage 1 response")

    # The resident asks for stage 2 from the tracking link, without giving a reason.
    _sign_out(page)
    page.goto(f"{base}/track/{TOKEN}/escalate")
    _check(page, "Ask for a review of your complaint (stage 2)")
    page.click("button:has-text('Ask for a review (stage 2)')")
    _check(page, "You have asked for a review")

    # Stage 2 cannot go to the stage 1 handler (Code 6.13).
    _as(page, live_server, cast["officer"])
    page.goto(f"{base}/{case.id}/assign/2")
    page.select_option("#handler", str(cast["first"].id))
    page.click("button:has-text('Assign handler')")
    _error(page, "The stage 2 response must be written by someone other than the stage 1 handler "
                 "(Complaint Handling Code 6.13)")
    page.select_option("#handler", str(cast["second"].id))
    page.click("button:has-text('Assign handler')")

    # The stage 2 handler acknowledges, decides and sends the final response; the case closes.
    _as(page, live_server, cast["second"])
    page.goto(f"{base}/{case.id}")
    page.click("a:has-text('Acknowledge and define')")
    assert "Repair appointments were missed" in page.input_value("#points")
    page.click("button:has-text('Continue')")
    _send_letter(page, "Acknowledgement")
    page.click("a:has-text('Record findings')")
    for n in range(2):
        page.locator("fieldset").nth(n).get_by_label("Not upheld", exact=True).check()
    for textarea in page.locator("textarea").all():
        textarea.fill("The stage 1 remedy put this right.")
    page.click("button:has-text('Save findings')")
    page.click("button:has-text('Prepare the response letter')")
    assert "www.housing-ombudsman.org.uk" in page.input_value("#body")
    _send_letter(page, "Stage 2 final response")
    assert "Closed" in page.locator(".govuk-caption-l").inner_text()

    # The complaints officer records the Ombudsman's investigation, learning and a restriction.
    _as(page, live_server, cast["officer"])
    page.goto(f"{base}/{case.id}")
    page.click("a:has-text('Record an Ombudsman referral')")
    _check(page, "Record an Ombudsman enquiry or investigation")
    page.fill("#reference", "202601234")
    page.get_by_label("Investigation").check()
    for part, value in (("day", "18"), ("month", "3"), ("year", "2026")):
        page.fill(f"#received_on-{part}", value)
    page.click("button:has-text('Record the referral')")
    page.click("a:has-text('Record the decision')")
    _check(page, "Ombudsman decision on 202601234")
    page.get_by_label("Upheld: fault found").check()
    for part, value in (("day", "18"), ("month", "3"), ("year", "2026")):
        page.fill(f"#decided_on-{part}", value)
    page.click("button:has-text('Save decision')")
    page.click("a:has-text('Add a learning action')")
    _check(page, "Add a learning action")
    page.fill("#description", "Text residents the day before each repair visit")
    page.fill("#owner", "Repairs manager")
    for part, value in (("day", "1"), ("month", "6"), ("year", "2026")):
        page.fill(f"#due_on-{part}", value)
    page.locator("input[name=commitments]").first.check()
    page.click("button:has-text('Add learning action')")
    page.click("a:has-text('Restrict contact')")
    _check(page, "Restrict how the resident contacts us")
    page.fill("#reason", "Forty calls a week to different officers about the same matter.")
    page.fill("#restrictions", "Contact in writing only, to one named officer.")
    page.get_by_label("Reporting repairs").check()
    page.click("button:has-text('Continue to the letter')")
    _send_letter(page, "Restriction decision")
    expect(page.locator(".app-restriction-flag")).to_be_visible()
    _check(page)  # the closed case, with its letters, referral, remedies, learning and the restriction flag
    for path, heading in (("restrictions", "Restrictions register"), ("learning", "Learning from complaints")):
        page.goto(f"{base}/{path}")
        _check(page, heading)
    page.goto(f"{base}/restrictions")
    page.click("a:has-text('Tess Track')")
    _check(page, "Restriction on contact")
    page.click("a:has-text('Review the restriction')")
    _check(page, "Review the restriction")

    # Another complaint is refused as too old, and the letter gives the right to go to the Ombudsman.
    page.goto(f"{base}/{other.id}/assign/1")
    page.select_option("#handler", str(cast["officer"].id))
    page.click("button:has-text('Assign handler')")
    page.click("a:has-text('Refuse')")
    _check(page, "Refuse the complaint")
    page.get_by_label("The matter arose more than 12 months ago").check()
    page.fill("#reason", "The leak was fixed in January 2024 and you told us then.")
    page.click("button:has-text('Continue to the letter')")
    assert "You have the right to ask the Ombudsman" in page.input_value("#body")
    _send_letter(page, "Refusal")

    db.session.expire_all()
    assert (db.session.get(Complaint, case.id).state, db.session.get(Complaint, other.id).state) == \
        ("closed", "refused")
    page.goto(f"{base}/?state=all")
    assert re.search(r"Closed after the final response\s+1", page.locator(".app-counts").inner_text())


def test_every_other_complaints_page_is_accessible(page, live_server, cast):
    from complaints import services
    from tests.complaints.conftest import acknowledge, respond

    officer, case = cast["officer"], cast["case"]
    services.assign_handler(case, 1, officer, by=officer)
    acknowledge(case, officer, on=date(2026, 3, 18))
    remedy = services.add_remedy(case, kind="apology", description="Apologise", responsible="Repairs manager",
                                 due_on=date(2026, 3, 20), by=officer)
    respond(case, officer, date(2026, 3, 18))
    referral = services.add_referral(case, ombudsman="ho", reference="2026-1", kind="enquiry",
                                     received_on=date(2026, 3, 18), by=officer, on=date(2026, 3, 18))
    action = services.add_learning_action(case, description="Check bookings", owner="Repairs", due_on=date(2026, 5, 1),
                                          commitment_ids=[], by=officer)
    _as(page, live_server, officer)
    base = f"{live_server}/complaints/{case.id}"
    paths = ["escalate", "close", f"learning/{action.id}", f"referrals/{referral.id}",
             f"referrals/{referral.id}/remedies/new", "assign/2"]
    for path in paths:
        page.goto(f"{base}/{path}")
        _check(page)
    page.goto(f"{base}/close")
    page.click("button:has-text('Close the case')")
    _check(page)
    other = cast["other"]
    services.assign_handler(other, 1, officer, by=officer)
    acknowledge(other, officer, on=date(2026, 3, 18))
    for path in ("withdraw", "points", "remedies/new"):
        page.goto(f"{live_server}/complaints/{other.id}/{path}")
        _check(page)
    for path in ("pause", "findings"):  # an empty submission is refused with a clear, accessible error
        page.goto(f"{live_server}/complaints/{other.id}/{path}")
        page.click("main button[type=submit]")
        _check(page)
    page.goto(f"{base}/remedies/{remedy.id}/done")
    _check(page)
    page.goto(f"{live_server}/complaints/track/{TOKEN}/escalate")
    _check(page, "Ask for a review of your complaint (stage 2)")
