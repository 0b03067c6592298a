"""Quotes for the annual review: staff choose an item's words, anonymised; one per item, edited, removed (audited),
refused for anonymised items and for staff who may not; read back for a period with what they are about."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from core.models import AuditEvent, Role
from core.timesource import set_today
from feedback import quote_views
from feedback import quotes as quotes_module
from feedback.models import FeedbackQuote, FeedbackStatus
from feedback.quotes import QuoteRow, QuoteRuleError, choose_quote, quotes_received
from feedback.retention import REMOVED, anonymise_past_retention, cutoffs
from tests.feedback.test_submit_once import AT_ONCE, at_once, hold_at_once, same_browser
from tests.helpers import make_charter, make_feedback, make_service_area, make_staff, page

WORDS = "My name is Jo Bloggs. Ring me on 01632 960123: the bins at 14 Acacia Avenue were missed three weeks running."
REDACTED = "My name is [name]. Ring me on [phone number]: the bins at [address] were missed three weeks running."


def quotes(db) -> list[FeedbackQuote]:
    return list(db.session.scalars(select(FeedbackQuote)))


def quote_events(db) -> list[tuple[str, dict | None, dict | None]]:
    return [(e.action, e.before, e.after) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.startswith("feedback.quote")).order_by(AuditEvent.id))]


def errors(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 3, 6))


def test_the_form_starts_with_the_words_anonymised(client, login_as):
    item = make_feedback(description=WORDS)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select_one(f"a[href='/staff/feedback/{item.reference}/quote']") is not None
    soup = page(client.get(f"/staff/feedback/{item.reference}/quote"))
    assert soup.select_one("textarea#text").get_text().strip() == REDACTED
    assert "Jo Bloggs" not in str(soup.select_one("form"))


def test_an_officer_chooses_edits_and_removes_a_quote_each_audited(client, login_as, db):
    item = make_feedback(description=WORDS)
    officer = login_as(Role.COMPLAINTS_OFFICER)
    response = client.post(f"/staff/feedback/{item.reference}/quote", data={"text": WORDS})
    assert response.status_code == 302 and response.location == f"/staff/feedback/{item.reference}"
    # Whatever staff send is anonymised again before it is kept.
    [kept] = quotes(db)
    assert (kept.feedback_id, kept.text, kept.chosen_by_id) == (item.id, REDACTED, officer.id)
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select_one("#quote-text").get_text(strip=True) == REDACTED

    # A second save edits the one quote.
    client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "  The bins were missed three weeks running."})
    db.session.expire_all()
    assert [q.text for q in quotes(db)] == ["The bins were missed three weeks running."]
    # Saving the same words again changes nothing and records nothing.
    client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "The bins were missed three weeks running."})

    response = client.post(f"/staff/feedback/{item.reference}/quote/remove")
    assert response.status_code == 302
    assert quotes(db) == []
    # Removing again (a second click) is harmless.
    assert client.post(f"/staff/feedback/{item.reference}/quote/remove").status_code == 302
    assert quote_events(db) == [
        ("feedback.quote_chosen", None, {"quote": REDACTED}),
        ("feedback.quote_edited", {"quote": REDACTED}, {"quote": "The bins were missed three weeks running."}),
        ("feedback.quote_removed", {"quote": "The bins were missed three weeks running."}, None),
    ]
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select_one("#quote-text") is None
    assert "Quote removed from the annual review" in soup.get_text()


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter the quote as it should appear in the annual review"),
    ("   ", "Enter the quote as it should appear in the annual review"),
    ("a" * 601, "The quote must be 600 characters or less, counting any personal details replaced by a "
                "description such as [phone number]"),
    # 597 characters as typed, 606 once the email address is replaced by its description.
    ("a" * 590 + " a@b.co", "The quote must be 600 characters or less, counting any personal details "
                                    "replaced by a description such as [phone number]"),
])
def test_an_empty_or_long_quote_is_refused_the_govuk_way(client, login_as, db, text, message):
    item = make_feedback()
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post(f"/staff/feedback/{item.reference}/quote", data={"text": text}))
    assert errors(soup) == [message]
    assert soup.select_one("#text-error").get_text(" ", strip=True) == f"Error: {message}"
    assert quotes(db) == []


def test_600_characters_is_allowed(client, login_as, db):
    item = make_feedback()
    login_as(Role.POLICY_OFFICER)
    assert client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "a" * 600}).status_code == 302
    assert len(quotes(db)[0].text) == 600


def test_the_same_form_sent_twice_keeps_one_quote(client, login_as, db):
    item = make_feedback()
    login_as(Role.POLICY_OFFICER)
    for _ in range(2):
        assert client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "Missed again"}).status_code == 302
    assert [q.text for q in quotes(db)] == ["Missed again"]
    assert [event[0] for event in quote_events(db)] == ["feedback.quote_chosen"]


def test_the_form_sent_at_once_keeps_one_quote(app, client, login_as, db, monkeypatch):
    reference = make_feedback().reference
    login_as(Role.POLICY_OFFICER)
    # Every sending looks for the item's quote, finds none, and only then goes on, so all of them try to insert.
    looked = threading.Barrier(AT_ONCE, timeout=30)
    real = quotes_module.quote_of

    def held(item):
        found = real(item)
        looked.wait()
        return found

    monkeypatch.setattr(quotes_module, "quote_of", held)
    refused = hold_at_once(monkeypatch, quote_views, "choose_quote")
    db.session.rollback()
    answers = at_once(lambda browser: browser.post(f"/staff/feedback/{reference}/quote", data={"text": "Missed again"}),
                      same_browser(app, client, AT_ONCE))
    assert [(a.status_code, a.location) for a in answers] == [(302, f"/staff/feedback/{reference}")] * AT_ONCE
    assert len(refused) == AT_ONCE - 1
    db.session.expire_all()
    assert [q.text for q in quotes(db)] == ["Missed again"]
    assert [event[0] for event in quote_events(db)] == ["feedback.quote_chosen"]


@pytest.mark.parametrize("role", [Role.CASE_HANDLER, Role.VIEWER])
def test_staff_who_may_not_choose_quotes_are_refused_and_not_offered(client, login_as, db, role):
    item = make_feedback()
    choose_quote(item, "Missed again", by=make_staff(role=Role.POLICY_OFFICER))
    login_as(role)
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select_one("#quote-text").get_text(strip=True) == "Missed again"  # they may read it
    assert soup.select("a[href$='/quote'], form[action$='/quote/remove']") == []
    assert client.get(f"/staff/feedback/{item.reference}/quote").status_code == 403
    assert client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "Other"}).status_code == 403
    assert client.post(f"/staff/feedback/{item.reference}/quote/remove").status_code == 403
    assert [q.text for q in quotes(db)] == ["Missed again"]
    with pytest.raises(QuoteRuleError):
        choose_quote(item, "Other", by=make_staff(role=role))


def test_an_anonymised_item_cannot_be_quoted(client, login_as, db):
    item = make_feedback(anonymised_at=datetime(2026, 3, 5, 10), description="[removed]")
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select("a[href$='/quote'], #quote") == []
    response = client.get(f"/staff/feedback/{item.reference}/quote")
    assert response.status_code == 302 and response.location == f"/staff/feedback/{item.reference}"
    client.post(f"/staff/feedback/{item.reference}/quote", data={"text": "Missed again"})
    assert quotes(db) == []
    with pytest.raises(QuoteRuleError) as refused:
        choose_quote(item, "Missed again", by=make_staff(role=Role.ADMIN))
    assert refused.value.field == "text" and "removed under the retention policy" in refused.value.message


def test_anonymising_an_item_removes_its_quote_and_the_words_in_its_history(db):
    set_today(date(2024, 1, 8))
    old = make_feedback(kind="comment", received_on=date(2024, 1, 8))
    kept = make_feedback(kind="comment", received_on=date(2024, 1, 8))
    officer = make_staff(role=Role.POLICY_OFFICER)
    choose_quote(old, "Missed again", by=officer)
    choose_quote(old, "Missed again and again", by=officer)
    choose_quote(kept, "Thank you", by=officer)
    # Two years and more later, only the first is past retention.
    set_today(date(2026, 3, 6))
    kept.received_on = date(2025, 1, 8)
    db.session.commit()
    anonymise_past_retention(cutoffs())
    assert [(q.feedback_id, q.text) for q in quotes(db)] == [(kept.id, "Thank you")]
    events = [(e.before, e.after) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.target_id == old.id, AuditEvent.action.startswith("feedback.quote"))
        .order_by(AuditEvent.id))]
    assert events == [(None, {"quote": REMOVED}), ({"quote": REMOVED}, {"quote": REMOVED})]
    cleared = db.session.scalar(select(AuditEvent.after).where(AuditEvent.target_id == old.id,
                                                               AuditEvent.action == "feedback.anonymised"))
    assert "the quote for the annual review" in cleared["cleared"]


def test_deleting_an_item_deletes_its_quote(db):
    item = make_feedback()
    choose_quote(item, "Missed again", by=make_staff(role=Role.POLICY_OFFICER))
    db.session.delete(item)
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(FeedbackQuote)) == 0


def test_the_quotes_of_a_period_say_what_they_are_about(db):
    charter = make_charter()
    first, second = charter.commitments[0], charter.commitments[1]
    parks = make_service_area(name="Parks")
    officer = make_staff(role=Role.POLICY_OFFICER)
    items = [
        make_feedback(kind="compliment", channel="phone", received_on=date(2025, 4, 1), service_area=parks,
                      commitments=[second, first]),
        make_feedback(kind="complaint", received_on=date(2026, 3, 31)),
        make_feedback(kind="comment", received_on=date(2025, 3, 31)),  # the year before
        make_feedback(kind="comment", received_on=date(2026, 4, 1)),  # the year after
        make_feedback(kind="comment", received_on=date(2025, 6, 1)),  # not quoted
    ]
    for n, item in enumerate(items[:4]):
        choose_quote(item, f"Quote {n}", by=officer)
    assert quotes_received(date(2025, 4, 1), date(2026, 3, 31)) == [
        QuoteRow("Quote 0", "Compliment", "Phone", "Parks", (first.code, second.code), date(2025, 4, 1)),
        QuoteRow("Quote 1", "Complaint", "Web form", None, (), date(2026, 3, 1)),
    ]


def test_the_quote_of_a_withdrawn_item_stays_in_the_review(db):
    officer = make_staff(role=Role.POLICY_OFFICER)
    item = make_feedback(kind="complaint", received_on=date(2025, 6, 2))
    choose_quote(item, "Nobody rang back", by=officer)
    item.status, item.withdrawn_at = FeedbackStatus.WITHDRAWN, datetime(2025, 6, 20, 9, 0)
    db.session.commit()
    assert [row.text for row in quotes_received(date(2025, 4, 1), date(2026, 3, 31))] == ["Nobody rang back"]
