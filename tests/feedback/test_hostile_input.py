"""Hostile input on the feedback API and the resident's form: every answer is recorded or refused field by field
(422, or the form's error), never a server error."""

from datetime import date

import pytest
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from core.clocks.calendar import FIRST_YEAR, LAST_YEAR
from core.models import Role
from core.timesource import set_today
from feedback.models import FeedbackItem
from feedback.services import issue_api_key
from tests.feedback.journey import walk
from tests.helpers import make_staff
from tests.hostile_strings import NO_WORDS, UNSTORABLE

CASES = [pytest.param(text, id=name) for name, text in NO_WORDS]


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 3, 6))


@pytest.fixture
def key(db):
    _key, raw = issue_api_key(name="Council website", per_minute=1000, by=make_staff(role=Role.ADMIN))
    return raw


def post(client, key, body):
    return client.post("/api/v1/feedback", json=body, headers={"Authorization": f"Bearer {key}"})


def _problems(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)[:2000]
    return {problem["field"]: problem["message"] for problem in response.get_json()["errors"]}


# Text with no words

@pytest.mark.parametrize("text", CASES)
def test_api_records_text_without_words(client, db, key, text):
    response = post(client, key, {"kind": "comment", "description": text, "outcome_wanted": text})
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    item = db.session.scalar(select(FeedbackItem))
    assert item.description == text.strip() and item.sentiment_label in ("positive", "neutral", "negative")
    assert item.themes == []


@pytest.mark.parametrize("text", CASES)
def test_resident_can_send_text_without_words(client, db, charter, text):
    response = walk(client, kind="comment", description=text, outcome=text)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = db.session.scalar(select(FeedbackItem))
    assert item is not None and item.sentiment_label in ("positive", "neutral", "negative")


# Text no database can store

@pytest.mark.parametrize("field", ["description", "outcome_wanted", "resident.name", "commitments",
                                   "service_area", "unknown\ud800"])
@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in UNSTORABLE])
def test_api_refuses_text_the_database_cannot_store(client, db, key, field, text):
    body = {"kind": "comment", "description": "Hello"}
    if field == "commitments":
        body["commitments"] = [text]
    elif field.startswith("resident."):
        body["resident"] = {"name": text}
    else:
        body[field] = text
    response = post(client, key, body)
    assert response.status_code == 422, response.get_data(as_text=True)[:2000]
    assert db.session.scalar(select(FeedbackItem)) is None


def test_resident_answers_lose_nul_characters_rather_than_failing(client, db, charter):
    response = walk(client, kind="complaint", description="The bin\x00 was missed", outcome="Empty\x00 it",
                    contact={"name": "Ada\x00 Lovelace", "email": "ada@example.com"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    item = db.session.scalar(select(FeedbackItem))
    assert (item.description, item.outcome_wanted, item.resident.name) == (
        "The bin was missed", "Empty it", "Ada Lovelace")


def test_a_nul_only_answer_is_no_answer(client, charter):
    client.post("/feedback/type", data={"kind": "comment"})
    response = client.post("/feedback/details", data={"description": "\x00", "happened_on": ["", "", ""],
                                                      "outcome_wanted": ""})
    assert response.status_code == 200 and "Enter your comment or suggestion" in response.get_data(as_text=True)


def test_staff_search_with_a_nul_character_is_answered(client, login_as, db):
    login_as(Role.VIEWER)
    assert client.get("/staff/feedback?search=bin%00").status_code in (200, 302)


# Dates outside the working-day calendar

@pytest.mark.parametrize("field", ["received_on", "happened_on"])
@pytest.mark.parametrize("value", ["0001-01-01", "1066-10-14", f"{FIRST_YEAR - 1}-12-31"])
def test_api_dates_before_the_calendar_are_refused_naming_the_range(client, db, key, field, value):
    problems = _problems(post(client, key, {"kind": "comment", "description": "Hello", field: value}))
    assert problems == {field: f"Must be a date from {FIRST_YEAR}-01-01 to today"}
    assert db.session.scalar(select(FeedbackItem)) is None


@pytest.mark.parametrize("value", ["9999-12-31", f"{LAST_YEAR + 1}-01-01"])
def test_api_dates_after_today_are_refused(client, key, value):
    assert _problems(post(client, key, {"kind": "comment", "description": "Hi", "received_on": value})) == {
        "received_on": "Must be today or in the past"}


def test_api_first_day_of_the_calendar_is_accepted(client, db, key):
    response = post(client, key, {"kind": "complaint", "description": "Old letter found in a drawer",
                                  "received_on": f"{FIRST_YEAR}-01-01", "resident": {
                                      "name": "Ed Nash", "email": "ed@example.com", "reply_by": "email"}})
    assert response.status_code == 201, response.get_data(as_text=True)[:2000]
    assert response.get_json()["received_on"] == f"{FIRST_YEAR}-01-01"


def _staff_form(**overrides) -> dict:
    data = {"channel": "phone", "received_on": ["2", "3", "2026"], "kind": "comment",
            "service_area": "waste-recycling", "description": "Called about the bins.", "happened_on": ["", "", ""]}
    return data | overrides


@pytest.mark.parametrize(("field", "thing"), [("received_on", "The date it was received"),
                                              ("happened_on", "The date it happened")])
@pytest.mark.parametrize("year", ["0001", "1899"])
def test_staff_record_form_refuses_dates_before_the_calendar(client, login_as, db, charter, field, thing, year):
    login_as(Role.CASE_HANDLER)
    response = client.post("/staff/feedback/new", data=_staff_form(**{field: ["1", "1", year]}))
    assert response.status_code == 200
    assert f"{thing} must be the same as or after 1 January {FIRST_YEAR}" in response.get_data(as_text=True)
    assert db.session.scalar(select(FeedbackItem)) is None


def test_resident_form_refuses_a_date_before_the_calendar(client, db, charter):
    client.post("/feedback/type", data={"kind": "comment"})
    response = client.post("/feedback/details", data={"description": "Hi", "happened_on": ["1", "1", "0999"],
                                                      "outcome_wanted": ""})
    assert response.status_code == 200
    assert f"The date it happened must be the same as or after 1 January {FIRST_YEAR}" in response.get_data(
        as_text=True)


# Equality answers of the wrong type

@pytest.mark.parametrize("value", [["female"], {"answer": "female"}, 1, True])
@pytest.mark.parametrize("question", ["sex", "age_band"])
def test_api_equality_answer_that_is_not_text_is_refused(client, db, key, question, value):
    problems = _problems(post(client, key, {"kind": "comment", "description": "Hi", "equality": {question: value}}))
    assert list(problems) == [f"equality.{question}"]
    assert db.session.scalar(select(FeedbackItem)) is None


@pytest.mark.parametrize("path", ["/api/v1/feedback/CMP-2026-00001\x00", "/track/abc\x00def"])
def test_a_nul_character_in_the_address_is_not_found_without_a_database_lookup(app, client, key, path):
    # PostgreSQL would refuse the lookup; no route matches, so none is made.
    with pytest.raises(NotFound):
        app.url_map.bind("localhost").match(path)
    assert client.get(path.replace("\x00", "%00"), headers={"Authorization": f"Bearer {key}"}).status_code == 404
