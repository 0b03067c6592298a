"""axe-core finds no WCAG 2.2 AA violations on any page, for residents and for staff."""

from datetime import date
from pathlib import Path

from complaints.services import close_after_stage1
from core.charters import load_charter_file
from core.extensions import db
from core.models import Charter, Role
from core.outbox import queue_message
from core.timesource import set_today
from feedback.retention import anonymise_past_retention, cutoffs
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.complaints.conftest import acknowledge, respond
from tests.helpers import make_complaint, make_feedback, make_staff

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"

PUBLIC_PAGES = ["/", "/our-charter", "/accessibility", "/privacy", "/cookies", "/sign-in", "/no-such-page"]


def test_public_pages_are_accessible(page, live_server):
    load_charter_file(HARROW)
    for path in PUBLIC_PAGES:
        page.goto(live_server + path)
        assert page.locator("h1").count() == 1
        assert_accessible(page)


def test_form_errors_are_accessible_and_focused(page, live_server):
    page.goto(f"{live_server}/sign-in")
    page.click("button:has-text('Sign in')")
    summary = page.locator(".govuk-error-summary")
    summary.wait_for(state="visible", timeout=10000)
    assert_title_starts(page, "Error: Sign in")
    # GOV.UK Frontend moves focus to the error summary so screen readers announce it.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')", timeout=5000)
    assert_accessible(page)


def test_staff_pages_are_accessible(page, live_server, sign_in):
    charter, _ = load_charter_file(HARROW)
    person = make_staff(role=Role.VIEWER)
    message = queue_message(to="1 High Street", subject="Your complaint", body="Dear resident", channel="letter")
    db.session.commit()
    sign_in(Role.ADMIN)
    commitment = charter.commitments[0]
    pages = ["/staff", "/admin/users", "/admin/users/new", f"/admin/users/{person.id}",
             f"/admin/users/{person.id}/role", f"/admin/users/{person.id}/password", "/charters",
             f"/charters/{charter.id}", "/outbox", f"/outbox/{message.id}", "/reviews/"]
    for path in pages:
        page.goto(live_server + path)
        assert_accessible(page)
    page.goto(f"{live_server}/charters/{charter.id}")
    page.click("button:has-text('Start a new draft version')")
    draft = db.session.scalar(db.select(Charter).where(Charter.status == "draft"))
    page.goto(f"{live_server}/charters/{draft.id}/commitments/{draft.commitments[0].id}")
    assert_accessible(page)
    page.goto(f"{live_server}/charters/{draft.id}/publish")
    page.click("button:has-text('Publish this version')")
    assert_accessible(page)
    assert commitment.code == draft.commitments[0].code


def test_pages_work_without_javascript(no_js_page, live_server):
    make_staff(email="nojs@example.gov.uk", password="correct horse battery staple")
    no_js_page.goto(f"{live_server}/sign-in")
    no_js_page.fill("#email", "nojs@example.gov.uk")
    no_js_page.fill("#password", "correct horse battery staple")
    no_js_page.click("button:has-text('Sign in')")
    no_js_page.wait_for_url(f"{live_server}/staff")
    assert no_js_page.locator("h1").inner_text() == "Staff home"


def test_anonymised_pages_are_accessible(page, live_server, sign_in):
    set_today(date(2026, 3, 4))
    handler = make_staff(role=Role.CASE_HANDLER)
    complaint = make_complaint(handler=handler, received_on=date(2026, 3, 2))
    acknowledge(complaint, handler)
    respond(complaint, handler, date(2026, 3, 12))
    close_after_stage1(complaint, by=make_staff(role=Role.COMPLAINTS_OFFICER), on=date(2026, 3, 13))
    comment = make_feedback(kind="comment", received_on=date(2026, 3, 2), token="an-anonymised-token-" + "x" * 30)
    set_today(date(2032, 6, 1))
    anonymise_past_retention(cutoffs())
    page.goto(f"{live_server}/track/an-anonymised-token-{'x' * 30}")
    assert page.locator("h1").inner_text() == f"Your comment {comment.reference}"
    assert_accessible(page)
    sign_in(Role.COMPLAINTS_OFFICER)
    for path in (f"/staff/feedback/{comment.reference}", f"/complaints/{complaint.id}", "/staff/feedback"):
        page.goto(live_server + path)
        assert_accessible(page)
