"""Survey pages take any answers: each page moves on or shows an error summary, never a server error; a response
is submitted once however often it is sent; and the staff results and exports still work with whatever came in."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import event, given, note
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role
from core.text import storable
from core.timesource import set_today
from surveys.models import Response, ResponseStatus
from tests.property.conftest import answered
from tests.property.strategies import any_text, hostile, hostile_text, mixed_text
from tests.surveys.factories import make_survey

QUESTIONS = [
    {"type": "rating", "text": "How satisfied are you?"},
    {"type": "good_average_poor", "text": "How was your call?"},
    {"type": "yes_no", "text": "Did we explain things clearly?"},
    {"type": "single_choice", "text": "How did you contact us?", "options": ["Phone", "Email", "\u202eRTL"],
     "section": 2},
    {"type": "multiple_choice", "text": "What went well?", "options": ["Speed", "Manner", "\U0001f600"],
     "section": 2, "required": False},
    {"type": "free_text", "text": "Anything else?", "section": 2, "required": False},
    {"type": "nps", "text": "How likely are you to recommend us?", "section": 2},
]
GOOD = {"rating": ["4"], "good_average_poor": ["good"], "yes_no": ["yes"], "single_choice": ["Phone"],
        "multiple_choice": ["Speed", "\U0001f600"], "free_text": ["Thank you"], "nps": ["9"]}


@pytest.fixture
def survey(db):
    set_today(date(2026, 11, 20))
    return make_survey(QUESTIONS, sections=2)


def answers_for(survey, section: int):
    """Each question on the page: the good answer, any text, several values, or nothing; and a stray field."""
    fields = {}
    for question in survey.all_questions:
        if question.section.position != section:
            continue
        other = st.one_of(st.lists(mixed_text, max_size=3), st.just([]))
        fields[f"q{question.id}"] = st.integers(0, 9).flatmap(
            lambda n, good=GOOD[question.type], other=other: st.just(good) if n < 7 else other)
    return st.fixed_dictionaries(fields, optional={"submit": st.lists(hostile_text, max_size=1)}).flatmap(
        lambda data: st.dictionaries(any_text, st.lists(hostile_text, max_size=2), max_size=1).map(
            lambda extra: {**extra, **data}))


def _submitted() -> int:
    return db.session.scalar(select(func.count(Response.id)).where(Response.status == ResponseStatus.SUBMITTED))


@hostile
@given(st.data())
def test_any_answers_are_checked_and_a_response_is_sent_once(client, survey, data):
    location = client.post(f"/surveys/s/{survey.slug}/visit").headers["Location"]
    token = re.search(r"/surveys/r/([^/]+)/1", location).group(1)
    for section in (1, 2):
        answers = data.draw(answers_for(survey, section), label=f"page {section}")
        response = client.post(f"/surveys/r/{token}/{section}", data=answers)
        soup = answered(response)
        if response.status_code != 302:
            event(f"stopped at page {section}: " + " / ".join(
                a.get_text(strip=True)[:30] for a in soup.select(".govuk-error-summary a")))
            return
    before = _submitted()
    first = client.post(f"/surveys/r/{token}/check")
    again = client.post(f"/surveys/r/{token}/check")
    answered(first)
    assert again.status_code < 500
    sent = "/thank-you/" in first.headers.get("Location", "")
    event(f"sent: {sent}")
    assert _submitted() - before == (1 if sent else 0), "one response submitted more than once"


@hostile
@given(st.sampled_from(["visit", "phone", "any", "nonsense"]) | any_text, any_text, st.integers(-2, 5) | st.just(99))
def test_survey_links_with_any_parts_answer(client, survey, channel, token, page_number):
    note(f"{channel=} {token=} {page_number=}")
    paths = [f"/surveys/s/{survey.slug}/{channel}", f"/surveys/r/{token}/{page_number}", f"/surveys/r/{token}/check",
             f"/surveys/i/{token}", f"/surveys/i/{token}/stop", f"/surveys/thank-you/{survey.slug}?channel={channel}"]
    for path in paths:
        for method in (client.get, client.post):
            assert method(path).status_code < 500, path


@hostile
@given(st.lists(st.lists(mixed_text | hostile_text, min_size=1, max_size=2), min_size=1, max_size=3))
def test_staff_results_and_exports_take_whatever_residents_wrote(client, login_as, survey, free_texts):
    """Results pages and CSV exports after residents answered with any text (the export streams: read it all)."""
    from tests.surveys.factories import make_response

    note(repr(free_texts))
    db.session.rollback()  # an example that failed part way leaves nothing behind for the next
    free_text = next(q for q in survey.all_questions if q.type == "free_text")
    for texts in free_texts:
        # Stored as answering stores them: forms lose what no database can keep (core.text.storable).
        values = [("4" if q.type == "rating" else GOOD[q.type][0] if q.type != "free_text"
                   else [storable(text) for text in texts]) for q in survey.all_questions]
        make_response(survey, values)
    assert free_text
    login_as(Role.POLICY_OFFICER)
    for path in (f"/surveys/{survey.id}/export/answers.csv", f"/surveys/{survey.id}/export/figures.csv",
                 f"/surveys/{survey.id}", "/surveys/results", "/surveys/results/figures.csv"):
        response = client.get(path)
        body = response.get_data()
        assert response.status_code == 200, f"{path}: {response.status_code} {body[:300]!r}"
