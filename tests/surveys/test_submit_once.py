"""Every response once: the check page sent again, or several times at once, stores one answer row per question
(one per option ticked) and every sending is thanked."""

from __future__ import annotations

import re
import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.timesource import set_today
from surveys import answering
from surveys.models import Answer, Response, ResponseStatus
from tests.helpers import page
from tests.surveys.factories import make_survey

AT_ONCE = 4


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 11, 20))


def _answered(client):
    """An open-link response with every question answered, ready to send from its check page."""
    survey = make_survey([
        {"type": "rating", "text": "How satisfied are you?"},
        {"type": "multiple_choice", "text": "What did you contact us about?", "options": ["Bins", "Parking", "Tax"]},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])
    q1, q2, q3 = (f"q{q.id}" for q in survey.all_questions)
    location = client.post(f"/surveys/s/{survey.slug}/visit").headers["Location"]
    token = re.search(r"/surveys/r/([^/]+)/1", location).group(1)
    response = client.post(f"/surveys/r/{token}/1", data={q1: "4", q2: ["Bins", "Tax"], q3: "Thank you"})
    assert response.headers["Location"] == f"/surveys/r/{token}/check"
    return survey, token


def stored(db) -> list[tuple]:
    return sorted(db.session.execute(select(Answer.question_id, Answer.part, Answer.choice, Answer.text)).all(),
                  key=lambda row: (row[0], row[1]))


def test_sending_the_check_page_again_stores_the_answers_once_and_thanks_again(client, db):
    survey, token = _answered(client)
    thanks = f"/surveys/thank-you/{survey.slug}?channel=visit"
    assert client.post(f"/surveys/r/{token}/check").headers["Location"] == thanks
    assert client.post(f"/surveys/r/{token}/check").headers["Location"] == thanks
    rating, ticked, text = survey.all_questions
    assert stored(db) == [(rating.id, 0, "4", None), (ticked.id, 0, "Bins", None), (ticked.id, 1, "Tax", None),
                          (text.id, 0, None, "Thank you")]
    # Looking at the page again (not sending it) still says the link has been used.
    assert page(client.get(f"/surveys/r/{token}/check"), status=410).h1.text == "You have already answered this survey"


def test_the_check_page_sent_at_once_stores_one_answer_per_question(app, client, db, monkeypatch):
    survey, token = _answered(client)
    ready = threading.Barrier(AT_ONCE, timeout=30)
    refused = []
    real = answering.submit_response

    def submitting(response):
        ready.wait()  # every sending is past the page's own checks before any of them writes
        try:
            return real(response)
        except answering.AlreadySubmitted as exc:
            refused.append(exc)
            raise

    monkeypatch.setattr(answering, "submit_response", submitting)
    db.session.rollback()
    start = threading.Barrier(AT_ONCE)
    answers: list = [None] * AT_ONCE

    def send(index: int) -> None:
        start.wait()
        try:
            answers[index] = app.test_client().post(f"/surveys/r/{token}/check")
        except Exception as exc:  # noqa: BLE001  reported below
            answers[index] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [(a.status_code, a.headers["Location"]) for a in answers] == [
        (302, f"/surveys/thank-you/{survey.slug}?channel=visit")] * AT_ONCE
    assert len(refused) == AT_ONCE - 1
    assert len(stored(db)) == 4
    assert db.session.scalar(select(func.count()).select_from(Response).where(
        Response.status == ResponseStatus.SUBMITTED)) == 1


def test_the_database_refuses_a_second_answer_to_the_same_question_in_a_response(client, db):
    survey, token = _answered(client)
    client.post(f"/surveys/r/{token}/check")
    first = db.session.scalar(select(Answer).where(Answer.part == 0).order_by(Answer.id))
    db.session.add(Answer(response_id=first.response_id, question_id=first.question_id, part=0,
                          survey_id=first.survey_id, month=first.month, channel=first.channel, choice="5"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
