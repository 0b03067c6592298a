"""axe-core finds no WCAG 2.2 AA violations on any page, for residents and for staff."""

from pathlib import Path

from core.charters import load_charter_file
from core.extensions import db
from core.models import Charter, Role
from core.outbox import queue_message
from tests.browser.conftest import assert_accessible
from tests.helpers import make_staff

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
    assert page.title().startswith("Error: Sign in")
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
