"""Answers that were fine when given and are not when sent: the resident goes back to the question that asks for
them and is told what is wrong there, the GOV.UK way, rather than to the start with no word."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from core.timesource import set_today
from feedback import views
from feedback.models import FeedbackDraft, FeedbackItem
from feedback.rules import Problem
from feedback.services import Submitted
from tests.feedback.journey import walk
from tests.helpers import page


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 3, 6))


def errors(soup) -> list[tuple[str, str]]:
    return [(a["href"], a.get_text(strip=True)) for a in soup.select(".govuk-error-summary a")]


def items(db) -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackItem))


def test_an_equality_answer_no_longer_on_the_list_is_asked_again_with_the_problem(client, db, charter):
    walk(client, send=False, equality={"sex": "female", "age_band": "25_34"})
    draft = db.session.scalar(select(FeedbackDraft))
    draft.answers = {**draft.answers, "equality": {"sex": "martian", "age_band": "25_34"}}
    db.session.commit()
    response = client.post("/feedback/check", data={"website": ""})
    assert response.status_code == 302 and response.location.endswith("/feedback/about-you?change=1")
    soup = page(client.get(response.location))
    assert errors(soup) == [("#sex", "Select an answer from the list, or prefer not to say")]
    assert "Select an answer from the list" in soup.select_one(".govuk-error-message").get_text()
    assert soup.select_one("form")["action"].endswith("/feedback/about-you?change=1")
    # Shown once: coming back to the question later shows it afresh.
    assert not page(client.get("/feedback/about-you?change=1")).select(".govuk-error-summary")
    assert items(db) == 0


def test_a_description_refused_when_sent_goes_back_to_that_question(client, db, charter, monkeypatch):
    walk(client, send=False)
    # The rules changed between the question and "Send" (a new limit, say).
    monkeypatch.setattr(views, "submit_feedback", lambda *a, **k: Submitted(problems=(
        Problem("description", "Your answer must be 10 characters or fewer"),
        Problem("sex", "Select an answer from the list, or prefer not to say"))))
    response = client.post("/feedback/check", data={"website": ""})
    assert response.status_code == 302 and response.location.endswith("/feedback/details?change=1")
    soup = page(client.get(response.location))
    assert errors(soup) == [("#description", "Your answer must be 10 characters or fewer")]
    assert soup.select_one("#description").get_text() == "My bin was missed."
    assert items(db) == 0


def test_a_problem_no_question_asks_about_is_shown_on_the_check_page(client, db, charter, monkeypatch):
    walk(client, send=False)
    monkeypatch.setattr(views, "submit_feedback", lambda *a, **k: Submitted(problems=(
        Problem("received_on", "The date it was received must be between 2000 and 2100"),)))
    soup = page(client.post("/feedback/check", data={"website": ""}))
    assert [text for _href, text in errors(soup)] == ["The date it was received must be between 2000 and 2100"]
    assert soup.select_one("input[name=submission]")["value"]
    assert items(db) == 0
