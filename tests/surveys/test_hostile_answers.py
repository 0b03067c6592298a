"""A survey's free-text answer with no words the scorer reads (emoji, symbols, other scripts, control characters)
is sent and stored, scored neutral or otherwise, never a server error."""

import re
from datetime import date

import pytest

from core.timesource import set_today
from surveys.models import Answer
from tests.hostile_strings import NO_WORDS
from tests.surveys.factories import make_survey


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 11, 20))


@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in NO_WORDS])
def test_a_free_text_answer_without_words_is_sent(client, db, text):
    survey = make_survey([{"type": "free_text", "text": "Anything else?"}])
    location = client.post(f"/surveys/s/{survey.slug}/visit").headers["Location"]
    token = re.search(r"/surveys/r/([^/]+)/1", location).group(1)
    question = f"q{survey.all_questions[0].id}"
    assert client.post(f"/surveys/r/{token}/1", data={question: text}).status_code == 302
    done = client.post(f"/surveys/r/{token}/check")
    assert done.status_code == 302, done.get_data(as_text=True)[:2000]
    answer = db.session.scalar(db.select(Answer))
    assert answer.sentiment_label in ("positive", "neutral", "negative")
