"""Every submission once: the check page and the tracking page's message, sent again or sent several times at once,
store one item (one acknowledgement) or one message, and every sending sees the same confirmation."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.models import AuditEvent, OutboxMessage, Role
from core.timesource import set_today
from feedback import staff_views, tracking_views, views
from feedback.models import FeedbackDraft, FeedbackItem, FeedbackMessage
from tests.feedback.journey import walk
from tests.helpers import make_feedback, page

#: Identical posts sent at the same moment: each from its own client, in its own thread and app context.
AT_ONCE = 4
TOKEN = "a-private-token-for-tests-0123456789abcdefghij"


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def acknowledgements(db) -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.subject.startswith("We have received your")))


def check_page_token(client) -> str:
    return page(client.get("/feedback/check")).select_one("input[name=submission]")["value"]


def confirmation(client, response) -> tuple[str, str]:
    """The reference and private tracking link a confirmation page shows."""
    assert response.status_code == 302 and response.location.endswith("/feedback/confirmation"), response.location
    soup = page(client.get(response.location))
    return soup.select_one(".govuk-panel").get_text(" ", strip=True), \
        soup.select_one("a[href^='/track/']")["href"]


def same_browser(app, client, copies: int) -> list:
    """Test clients sending the session cookie `client` has, as the tabs or retries of one browser would."""
    cookie = client.get_cookie("session")
    clients = []
    for _ in range(copies):
        other = app.test_client()
        other.set_cookie("session", cookie.value)
        clients.append(other)
    return clients


def at_once(send, clients) -> list:
    """Call send(client) for every client in its own thread, all released together; the answers in order."""
    start = threading.Barrier(len(clients))
    answers: list = [None] * len(clients)

    def run(index: int, client) -> None:
        start.wait()
        try:
            answers[index] = send(client)
        except Exception as exc:  # noqa: BLE001  reported below, with the thread it came from
            answers[index] = exc

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for answer in answers:
        if isinstance(answer, Exception):
            raise answer
    return answers


def hold_at_once(monkeypatch, module, name: str) -> list[IntegrityError]:
    """Hold every call of ``module.name`` until all AT_ONCE sendings have got that far, so they really write at the
    same moment (past every check the page makes first); returns the refusals the database gives, as they come."""
    refused: list[IntegrityError] = []
    ready = threading.Barrier(AT_ONCE, timeout=30)
    real = getattr(module, name)

    def held(*args, **kwargs):
        ready.wait()
        try:
            return real(*args, **kwargs)
        except IntegrityError as exc:
            refused.append(exc)
            raise

    monkeypatch.setattr(module, name, held)
    return refused


@pytest.fixture
def recordings(monkeypatch):
    """The resident's form held at submit_feedback until every sending has got there; the refusals noted."""
    return hold_at_once(monkeypatch, views, "submit_feedback")


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 3, 6))


def test_the_check_page_carries_the_journeys_one_time_token(client, charter):
    walk(client, send=False)
    token = check_page_token(client)
    assert len(token) >= 43
    assert check_page_token(client) == token  # the same journey, the same token


def test_sending_the_check_page_again_stores_nothing_more_and_shows_the_same_confirmation(client, db, charter):
    walk(client, send=False)
    form = {"website": "", "submission": check_page_token(client)}
    first = confirmation(client, client.post("/feedback/check", data=form))
    # Sent again (back, then Send; or a retry after a lost answer): the draft is gone, the token is not.
    again = confirmation(client, client.post("/feedback/check", data=form))
    assert again == first
    assert (count(db, FeedbackItem), acknowledgements(db), count(db, FeedbackDraft)) == (1, 1, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "feedback.recorded")) == 1


def test_a_resent_page_from_another_journey_is_checked_again_and_stores_nothing(client, db, charter):
    walk(client, send=False)
    response = client.post("/feedback/check", data={"website": "", "submission": "not-this-journeys-token"})
    assert response.status_code == 302 and response.location.endswith("/feedback/check")
    assert count(db, FeedbackItem) == 0


def test_the_same_answers_sent_at_once_are_stored_once_and_every_sending_is_confirmed(app, client, db, charter,
                                                                                      recordings):
    walk(client, send=False)
    form = {"website": "", "submission": check_page_token(client)}
    db.session.rollback()  # this thread holds nothing while the others write
    browsers = same_browser(app, client, AT_ONCE)
    answers = at_once(lambda browser: browser.post("/feedback/check", data=form), browsers)
    assert [a.status_code for a in answers] == [302] * AT_ONCE
    # The database refused all but one: no check before writing can be what stopped them.
    assert len(recordings) == AT_ONCE - 1
    assert (count(db, FeedbackItem), acknowledgements(db), count(db, FeedbackDraft)) == (1, 1, 0)
    shown = {confirmation(browser, answer) for browser, answer in zip(browsers, answers, strict=True)}
    item = db.session.scalar(select(FeedbackItem))
    assert len(shown) == 1 and item.reference in next(iter(shown))[0]
    # The tracking link every sending showed is the item's.
    assert page(client.get(next(iter(shown))[1])).h1.get_text(strip=True) == f"Your complaint {item.reference}"


def test_the_same_answers_sent_at_once_without_holding_them_back_are_stored_once(app, client, db, charter):
    walk(client, send=False)
    db.session.rollback()
    browsers = same_browser(app, client, AT_ONCE)
    # Without the hidden field too: the token comes from the journey the session names.
    answers = at_once(lambda browser: browser.post("/feedback/check", data={"website": ""}), browsers)
    assert len({confirmation(b, a) for b, a in zip(browsers, answers, strict=True)}) == 1
    assert (count(db, FeedbackItem), acknowledgements(db)) == (1, 1)


# The tracking page's message

def message_form(client, body: str) -> dict:
    token = page(client.get(f"/track/{TOKEN}/message")).select_one("input[name=submission]")["value"]
    return {"body": body, "submission": token}


def test_a_message_sent_again_is_added_once(client, db):
    make_feedback(token=TOKEN)
    form = message_form(client, "The bin was missed again.")
    for _ in range(2):
        response = client.post(f"/track/{TOKEN}/message", data=form)
        assert response.status_code == 302 and response.location.endswith(f"/track/{TOKEN}")
        assert "We have added your information." in page(client.get(response.location)).get_text()
    assert count(db, FeedbackMessage) == 1
    # A new visit to the page is a new message, even with the same words.
    client.post(f"/track/{TOKEN}/message", data=message_form(client, "The bin was missed again."))
    assert count(db, FeedbackMessage) == 2


def test_a_message_sent_at_once_is_added_once(app, client, db, monkeypatch):
    make_feedback(token=TOKEN)
    form = message_form(client, "It happened again today.")
    refused = hold_at_once(monkeypatch, tracking_views, "add_resident_message")
    db.session.rollback()
    answers = at_once(lambda browser: browser.post(f"/track/{TOKEN}/message", data=form),
                      [app.test_client() for _ in range(AT_ONCE)])
    assert [(a.status_code, a.location) for a in answers] == [(302, f"/track/{TOKEN}")] * AT_ONCE
    assert len(refused) == AT_ONCE - 1
    assert count(db, FeedbackMessage) == 1
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "feedback.resident_message")) == 1


def test_a_message_token_only_works_on_the_page_it_was_issued_for(client, db):
    make_feedback(token=TOKEN)
    other = "another-private-token-for-tests-0123456789abcdef"
    make_feedback(token=other)
    form = message_form(client, "Meant for the first one.")
    soup = page(client.post(f"/track/{other}/message", data=form))
    assert "Your information has not been sent yet" in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("textarea[name=body]").get_text(strip=True) == "Meant for the first one."
    assert count(db, FeedbackMessage) == 0
    resent = {**form, "submission": soup.select_one("input[name=submission]")["value"]}
    assert client.post(f"/track/{other}/message", data=resent).status_code == 302
    assert count(db, FeedbackMessage) == 1


# A complaint about a service request, from its tracking page

def complaint_form(client, description: str) -> dict:
    token = page(client.get(f"/track/{TOKEN}/complaint")).select_one("input[name=submission]")["value"]
    return {"description": description, "submission": token}


def complaints(db) -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackItem).where(FeedbackItem.kind == "complaint"))


def test_a_complaint_from_the_tracking_page_sent_again_is_recorded_once(client, db):
    make_feedback(token=TOKEN, kind="service_request")
    form = complaint_form(client, "Nobody has come after 3 weeks.")
    first = client.post(f"/track/{TOKEN}/complaint", data=form)
    again = client.post(f"/track/{TOKEN}/complaint", data=form)
    assert first.status_code == again.status_code == 302 and first.location == again.location
    complaint = db.session.scalar(select(FeedbackItem).where(FeedbackItem.kind == "complaint"))
    shown = page(client.get(again.location))
    assert shown.h1.get_text(strip=True) == f"Your complaint {complaint.reference}"
    assert f"Your reference is {complaint.reference}" in shown.get_text()
    assert complaints(db) == 1


def test_a_complaint_from_the_tracking_page_sent_at_once_is_recorded_once(app, client, db, monkeypatch):
    make_feedback(token=TOKEN, kind="service_request")
    form = complaint_form(client, "Nobody has come after 3 weeks.")
    refused = hold_at_once(monkeypatch, tracking_views, "complain_about")
    db.session.rollback()
    answers = at_once(lambda browser: browser.post(f"/track/{TOKEN}/complaint", data=form),
                      [app.test_client() for _ in range(AT_ONCE)])
    assert len({(a.status_code, a.location) for a in answers}) == 1 and answers[0].status_code == 302
    assert len(refused) == AT_ONCE - 1
    assert complaints(db) == 1


def test_another_browsers_token_never_shows_its_confirmation(app, client, db, charter):
    walk(client, send=False)
    form = {"website": "", "submission": check_page_token(client)}
    reference, link = confirmation(client, client.post("/feedback/check", data=form))
    # Someone else learns the hidden value (a cached page) and posts it, with or without a journey of their own.
    for answered in (False, True):
        stranger = app.test_client()
        if answered:
            walk(stranger, send=False)
        response = stranger.post("/feedback/check", data=form)
        assert response.status_code == 302 and response.location.endswith("/feedback/check")
        shown = stranger.get("/feedback/confirmation")
        assert shown.status_code == 302 and shown.location.endswith("/feedback")
        following = stranger.get(response.location, follow_redirects=True).get_data(as_text=True)
        assert link not in following and reference.split()[-1] not in following
    assert count(db, FeedbackItem) == 1
    # The browser that sent it still sees its own confirmation when it sends the page again.
    assert confirmation(client, client.post("/feedback/check", data=form)) == (reference, link)


# Recording on a resident's behalf (staff)

def staff_form(client) -> dict:
    token = page(client.get("/staff/feedback/new")).select_one("input[name=submission]")["value"]
    return {"channel": "phone", "received_on": ["2", "3", "2026"], "kind": "complaint",
            "service_area": "waste-recycling", "commitments": ["HAR-20"], "description": "Called about missed bins.",
            "happened_on": ["", "", ""], "name": "Ed Nash", "email": "ed@example.com", "reply_by": "email",
            "submission": token}


def recorded_banner(client, response) -> str:
    assert response.status_code == 302 and "/staff/feedback/" in response.location, response.location
    return page(client.get(response.location)).select_one(".govuk-notification-banner").get_text(" ", strip=True)


def test_the_recording_form_sent_again_records_one_item(client, db, login_as, charter):
    login_as(Role.CASE_HANDLER)
    form = staff_form(client)
    banners = {recorded_banner(client, client.post("/staff/feedback/new", data=form)) for _ in range(2)}
    item = db.session.scalar(select(FeedbackItem))
    assert len(banners) == 1 and item.reference in next(iter(banners)) and "/track/" in next(iter(banners))
    assert (count(db, FeedbackItem), acknowledgements(db)) == (1, 1)
    # A new visit to the page records a new item, even with the same words.
    client.post("/staff/feedback/new", data=staff_form(client))
    assert (count(db, FeedbackItem), acknowledgements(db)) == (2, 2)


def test_the_recording_form_sent_at_once_records_one_item(app, client, db, login_as, charter, monkeypatch):
    login_as(Role.CASE_HANDLER)
    form = staff_form(client)
    refused = hold_at_once(monkeypatch, staff_views, "submit_feedback")
    db.session.rollback()
    browsers = same_browser(app, client, AT_ONCE)
    answers = at_once(lambda browser: browser.post("/staff/feedback/new", data=form), browsers)
    assert len(refused) == AT_ONCE - 1
    assert (count(db, FeedbackItem), acknowledgements(db)) == (1, 1)
    item = db.session.scalar(select(FeedbackItem))
    assert {a.location for a in answers} == {f"/staff/feedback/{item.reference}"}
    assert len({recorded_banner(b, a) for b, a in zip(browsers, answers, strict=True)}) == 1


def test_the_recording_form_needs_a_token_issued_to_this_officer(client, db, login_as, charter):
    login_as(Role.CASE_HANDLER)
    form = staff_form(client)
    login_as(Role.COMPLAINTS_OFFICER)  # another officer, in the same browser
    for sent in ({**form, "submission": ""}, form):
        soup = page(client.post("/staff/feedback/new", data=sent))
        assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")] == [
            "This has not been recorded yet. Check it and select Record feedback"]
        assert soup.select_one("#description").get_text() == "Called about missed bins."
        assert count(db, FeedbackItem) == 0
    resent = {**form, "submission": soup.select_one("input[name=submission]")["value"]}
    assert client.post("/staff/feedback/new", data=resent).status_code == 302
    assert count(db, FeedbackItem) == 1
