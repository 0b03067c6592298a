"""The staff home for each role, and the queue of items on no commitment, in a browser; axe-core on each page.

The test saves a screenshot of each role's staff home (docs/screenshots/staff-home-<role>.png) and of the queue
(docs/screenshots/items-on-no-commitment.png) for the documentation.
"""

from datetime import date
from pathlib import Path

from playwright.sync_api import expect

from core.charters import load_charter_file
from core.extensions import db
from core.models import OutboxMessage
from core.timesource import set_today
from feedback.models import FeedbackItem
from tests.browser.conftest import assert_accessible
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_complaint, make_feedback, make_staff

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
HARROW = ROOT / "charters" / "harrow.toml"
TODAY = date(2026, 6, 15)


def _council():
    """A little of everything each role's figures count."""
    charter, _ = load_charter_file(HARROW)
    handler = make_staff(role="case_handler", name="Hana Osei")
    for due_on, who in ((date(2026, 6, 10), handler), (TODAY, handler), (date(2026, 6, 17), handler),
                        (date(2026, 6, 30), None)):
        complaint = make_complaint(handler=who, received_on=date(2026, 6, 1))
        complaint.due_on = due_on
    texts = ("I waited 20 minutes on the phone before anyone answered.", "Nobody replied to my email for two weeks.",
             "Thank you for explaining my council tax bill so clearly.")
    for n, text in enumerate(texts):
        make_feedback(kind="comment", received_on=date(2026, 6, 2 + n), description=text,
                      channel=("phone", "email", "letter")[n])
    make_feedback(kind="comment", received_on=date(2026, 5, 4), commitments=[charter.commitments[0]])
    db.session.add(OutboxMessage(channel="letter", to_address="1 High Street", subject="Your complaint",
                                 body="Dear resident", status="to_print"))
    db.session.add(OutboxMessage(to_address="a@example.com", subject="Hello", body="Hi", status="failed"))
    db.session.commit()
    return handler


def _sign_in(browser, live_server, user):
    context = browser.new_context(viewport={"width": 1024, "height": 800}, bypass_csp=True)
    tab = context.new_page()
    tab.goto(f"{live_server}/sign-in")
    tab.fill("#email", user.email)
    tab.fill("#password", TEST_PASSWORD)
    tab.click("button:has-text('Sign in')")
    tab.wait_for_url(f"{live_server}/staff")
    return context, tab


def test_each_role_sees_what_needs_doing_and_tags_items_to_a_promise(browser, live_server):
    set_today(TODAY)
    handler = _council()
    people = {"case_handler": handler,
              **{role: make_staff(role=role, password=TEST_PASSWORD)
                 for role in ("complaints_officer", "policy_officer", "admin")}}
    handler.password_hash = people["admin"].password_hash
    db.session.commit()
    expected = {"case_handler": ["Your cases"], "complaints_officer": ["Your cases", "Complaints"],
                "policy_officer": ["Charter and review"],
                "admin": ["Your cases", "Complaints", "Charter and review", "Administration"]}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for role, person in people.items():
        context, tab = _sign_in(browser, live_server, person)
        assert tab.locator("section h2").all_inner_texts() == expected[role]
        assert_accessible(tab)
        tab.screenshot(path=str(SCREENSHOTS / f"staff-home-{role.replace('_', '-')}.png"), full_page=True)
        if role == "case_handler":
            assert tab.locator(".app-figure--urgent .app-figure__label").all_inner_texts() == ["Overdue"]
            tab.get_by_role("link", name="Due in the next 2 working days").click()
            expect(tab.locator("tbody tr")).to_have_count(2)
        if role == "policy_officer":
            tab.get_by_role("link", name="Items on no commitment").click()
            expect(tab.locator("h1")).to_have_text("Items on no commitment")
            assert_accessible(tab)
            tab.screenshot(path=str(SCREENSHOTS / "items-on-no-commitment.png"), full_page=True)
            # The phone call is suggested the phone promise first; accept it, then tag the rest in bulk.
            phone_row = tab.locator("tbody tr", has_text="on the phone")
            first = phone_row.locator("button[name=accept]").first
            assert first.inner_text().startswith("Tag to HAR-01")
            first.click()
            assert "1 item tagged" in tab.locator(".govuk-notification-banner").inner_text()
            for row in tab.locator("tbody tr", has_text="Comment,").all():
                row.locator("input[type=checkbox]").check()
            tab.locator("#commitment").select_option(label=next(
                o for o in tab.locator("#commitment option").all_inner_texts() if o.startswith("HAR-04")))
            tab.get_by_role("button", name="Tag the selected items").click()
            assert "2 items tagged" in tab.locator(".govuk-notification-banner").inner_text()
            assert_accessible(tab)
        context.close()
    untagged = db.session.query(FeedbackItem).filter(~FeedbackItem.commitments.any()).count()
    assert untagged == 4  # the complaints, which the policy officer left alone
