"""Co-design in a real browser: a resident answers the consultation with and without JavaScript, and a policy officer
runs a whole cycle from a proposal to the adopted charter version; axe-core checks every co-design page."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from codesign.models import Consultation, Proposal
from core.extensions import db
from core.models import Role
from core.timesource import set_today
from surveys.models import Response
from tests.browser.conftest import assert_accessible, assert_title_starts
from tests.codesign.factories import charter_of_three, make_review, published_consultation


def _fill_date(tab, name: str, day: date) -> None:
    tab.fill(f"#{name}-day", str(day.day))
    tab.fill(f"#{name}-month", str(day.month))
    tab.fill(f"#{name}-year", str(day.year))


def test_a_resident_answers_the_consultation_with_and_without_javascript(page, no_js_page, live_server):
    consultation, proposals, _officer = published_consultation()
    for tab, scale, comment in ((page, "Strongly support", "Please do"),
                                (no_js_page, "Oppose", "Keep the old promise")):
        # axe-core needs JavaScript: the same pages are checked in the first browser.
        check = assert_accessible if tab is page else (lambda _tab: None)
        tab.goto(f"{live_server}/")
        tab.click("a:has-text('Tell us what you think')")
        assert tab.locator("h1").inner_text() == "Our promises for 2026"
        check(tab)
        tab.click("summary:has-text('Easy read version')")
        assert "We want to change our promises." in tab.locator(".govuk-details__text").first.inner_text()
        first = proposals[0]
        tab.check(f"input[name=q{first.scale_question_id}][value='{scale}']")
        tab.fill(f"textarea[name=q{first.comment_question_id}]", comment)
        tab.check("input[value='Prefer not to say'][name^=q] >> nth=0")
        tab.fill("#email", "not-an-email")
        tab.click("button:has-text('Send my response')")
        assert_title_starts(tab, "Error: Our promises for 2026")  # GOV.UK errors, with or without JavaScript
        check(tab)
        tab.fill("#email", "")
        tab.click("button:has-text('Send my response')")
        assert tab.locator("h1").inner_text() == "Response sent"
        check(tab)
        tab.goto(f"{live_server}/have-your-say/{consultation.id}")
        assert "You have already responded" in tab.locator("main").inner_text()
    assert db.session.query(Response).count() == 2
    page.goto(f"{live_server}/have-your-say")
    assert_accessible(page)


def test_a_policy_officer_runs_a_whole_cycle(page, live_server, sign_in):
    set_today(date(2026, 5, 20))
    charter_of_three()
    review = make_review()
    sign_in(Role.POLICY_OFFICER)
    page.goto(f"{live_server}/co-design")
    assert_accessible(page)
    page.click(f"a:has-text('{review.title}')")
    assert_accessible(page)
    page.click("a:has-text('Add a group member')")
    assert_accessible(page)
    page.fill("#name", "Ann Resident")
    page.check("input[name=kind][value=resident]")
    page.click("button:has-text('Add member')")
    page.click("a:has-text('Record a group meeting')")
    assert_accessible(page)
    _fill_date(page, "held_on", date(2026, 5, 2))
    page.fill("#attendance", "6")
    page.click("button:has-text('Record meeting')")

    page.click("a:has-text('Propose a change to the charter')")
    page.check("input[name=kind][value=reworded]")
    page.select_option("#commitment_code", "T-02")
    page.fill("#proposed_text", "We will treat you with courtesy and respect.")
    page.click("button:has-text('Save proposal')")
    assert_title_starts(page, "Error: ")  # no reason given
    assert_accessible(page)
    page.fill("#reason", "The group asked for courtesy as well as respect.")
    page.check("input[name=author][value=group]")
    page.click("button:has-text('Save proposal')")
    assert "Proposal saved." in page.locator(".govuk-notification-banner").inner_text()

    page.click("a:has-text('Set up the consultation')")
    assert_accessible(page)
    page.fill("#title", "Courtesy and respect")
    _fill_date(page, "opens_on", date(2026, 6, 1))
    _fill_date(page, "closes_on", date(2026, 6, 30))
    page.fill("#summary", "We propose to add courtesy to a promise.")
    page.fill("#easy_read", "We want to be polite.")
    page.click("button:has-text('Save consultation')")
    page.click("button:has-text('Publish the consultation')")
    consultation = db.session.query(Consultation).one()
    proposal = db.session.query(Proposal).one()

    set_today(date(2026, 6, 12))
    page.click("a:has-text('Key in a paper response')")
    assert_accessible(page)
    _fill_date(page, "received_on", date(2026, 6, 11))
    page.check(f"input[name=q{proposal.scale_question_id}][value='Support']")
    page.fill(f"textarea[name=q{proposal.comment_question_id}]", "Good manners matter. My name is Jo Bloggs.")
    page.click("button:has-text('Save paper response')")
    assert "Paper response saved." in page.locator(".govuk-notification-banner").inner_text()
    page.goto(f"{live_server}/co-design/consultations/{consultation.id}/events/new")
    assert_accessible(page)
    page.check("input[name=kind][value=drop_in]")
    _fill_date(page, "held_on", date(2026, 6, 10))
    page.fill("#place", "Market hall")
    page.fill("#attendance", "9")
    page.fill(f"#p{proposal.id}_in_favour", "7")
    page.fill(f"#p{proposal.id}_against", "1")
    page.click("button:has-text('Record event')")
    assert "Event recorded." in page.locator(".govuk-notification-banner").inner_text()
    page.click("a:has-text('Results')")
    assert "Events" in page.locator("main").inner_text()
    page.click("summary:has-text('Read the comments on proposal 1')")
    assert_accessible(page)
    page.click("button:has-text('Quote this comment')")
    assert "My name is [name]" in page.locator(".govuk-inset-text").last.inner_text()

    set_today(date(2026, 7, 2))
    page.goto(f"{live_server}/co-design/reviews/{review.id}")
    page.click("a:has-text('Decide')")
    assert_accessible(page)
    page.check("input[name=decision][value=adopt]")
    page.fill("#decision_reason", "Nearly everyone agreed.")
    page.click("button:has-text('Save decision')")
    page.click("a:has-text('Adopt the decisions')")
    assert_accessible(page)
    _fill_date(page, "effective_from", date(2026, 7, 2))
    page.click("button:has-text('Adopt the decisions')")
    assert "version 2 of the charter is in force" in page.locator(".govuk-notification-banner").inner_text()

    page.click("a:has-text('We asked, you said, we did')")
    assert "Nearly everyone agreed." in page.locator("main").inner_text()
    assert_accessible(page)
    page.click("a:has-text('See how the charter changed')")
    expect(page.locator("main")).to_contain_text("Reworded")
    assert_accessible(page)
    page.goto(f"{live_server}/")
    assert page.locator("a:has-text('Tell us what you think')").count() == 0
