"""The resident's feedback form, tracking page and stage 2 request take any input: each page answers with a
redirect or with itself and a GOV.UK error summary, never a server error, and one sending stores one item."""

from __future__ import annotations

import hashlib
import itertools
from datetime import date

import pytest
from hypothesis import event, example, given, note
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role
from core.timesource import set_today
from feedback.models import FeedbackItem
from tests.complaints.conftest import acknowledge, respond
from tests.feedback.journey import walk
from tests.helpers import make_complaint, make_feedback, make_staff
from tests.property.conftest import answered
from tests.property.strategies import any_text, hostile, hostile_text, mixed_text

#: Each question page and the names its form posts, with the values a browser would send.
QUESTIONS = {
    "/feedback/type": {"kind": ["complaint", "comment", "compliment", "service_request"]},
    "/feedback/service": {"service_area": ["waste-recycling", "not-sure", "parking"]},
    "/feedback/promises": {"commitments": ["HAR-03", "not-sure"]},
    "/feedback/details": {"description": ["My bin was missed."], "outcome_wanted": ["Empty it."],
                          "happened_on": ["2", "3", "2026"]},
    "/feedback/contact": {"name": ["Ada Lovelace"], "email": ["ada@example.com"], "phone": ["01632 960001"],
                          "address": ["1 High Street"], "postcode": ["HA1 2AA"]},
    "/feedback/reply": {"reply_by": ["email", "phone", "letter"]},
    "/feedback/adjustments": {"adjustments": ["none", "interpreter", "other", "large_print"],
                              "language": ["Polish"], "adjustments_other": ["Call after 3pm"]},
    "/feedback/about-you": {"age_band": ["25_34"], "sex": ["female"], "disability": ["no"],
                            "ethnicity": ["white"], "religion": ["none"], "sexual_orientation": ["prefer_not_to_say"],
                            "skip": [""]},
    "/feedback/check": {"website": [""]},
}

#: A field's value: what a browser sends, any text, several values where one is expected, or none at all.
def field_values(choices: list[str]):
    return st.one_of(st.sampled_from(choices).map(lambda v: [v]), st.lists(mixed_text, max_size=4),
                     st.lists(st.sampled_from(choices), max_size=3), st.just([]))


@st.composite
def submissions(draw, url: str) -> dict:
    fields = QUESTIONS[url]
    data = {name: draw(field_values(choices)) for name, choices in fields.items() if draw(st.integers(0, 4))}
    if draw(st.integers(0, 3)) == 0:
        data[draw(any_text)] = draw(st.lists(hostile_text, max_size=2))  # a field no form has
    return data


_markers = itertools.count(1)


@pytest.fixture
def resident(client, charter):
    set_today(date(2026, 3, 6))
    return client


def _stored() -> int:
    return db.session.scalar(select(func.count(FeedbackItem.id)))


@hostile
@given(st.sampled_from(list(QUESTIONS)).flatmap(lambda url: st.tuples(st.just(url), submissions(url))))
def test_every_question_answers_any_input(resident, page_and_data):
    url, data = page_and_data
    note(f"POST {url} {data!r}")
    walk(resident, send=False)  # a draft with every answer, so each page is reachable
    before = _stored()
    response = resident.post(url, data=data)
    event(f"{url} {response.status_code}")
    answered(response)
    assert _stored() - before <= 1


def mostly(good: str):
    """Usually a good answer, so the walk gets to the end; otherwise anything."""
    return st.one_of(*[st.just(good)] * 4, mixed_text)


@hostile
# Text with no words at all: scoring it failed (known; fixed on another branch).
@example(description="\U0001f600", outcome="", name="Ada Lovelace", email="ada@example.com", phone="", address="",
         language="Polish", other="", happened_on=["", "", ""])
@given(description=mixed_text, outcome=mixed_text, name=mostly("Ada Lovelace"), email=mostly("ada@example.com"),
       phone=mostly(""), address=mostly(""), language=mostly("Polish"), other=mixed_text,
       happened_on=st.one_of(st.just(["", "", ""]), st.just(["2", "3", "2026"]), st.lists(
           st.one_of(any_text, st.sampled_from(["2", "3", "2026", "0", "99999", "\u0662", "0001"])), max_size=4)))
def test_a_resident_who_writes_anything_sends_it_once(resident, description, outcome, name, email, phone, address,
                                                      language, other, happened_on):
    """Answer every question with generated text; when the answers are good the check page stores the item once,
    however many times it is posted; when not, a page says what is wrong."""
    note(repr(dict(description=description, outcome=outcome, name=name, email=email, phone=phone, address=address,
                   language=language, other=other, happened_on=happened_on)))
    answers = {
        "/feedback/type": {"kind": "complaint"},
        "/feedback/service": {"service_area": "waste-recycling"},
        "/feedback/promises": {"commitments": ["HAR-03"]},
        "/feedback/details": {"description": description, "outcome_wanted": outcome,
                              "happened_on": happened_on},
        "/feedback/evidence/continue": {},
        "/feedback/contact": {"name": name, "email": email, "phone": phone, "address": address, "postcode": ""},
        "/feedback/reply": {"reply_by": "email"},
        "/feedback/adjustments": {"adjustments": ["interpreter", "other"], "language": language,
                                  "adjustments_other": other},
        "/feedback/about-you": {"skip": "Skip these questions"},
    }
    for url, data in answers.items():
        response = resident.post(url, data=data)
        answered(response)
        if response.status_code != 302:
            event(f"stopped at {url}")
            return
    before = _stored()
    first = resident.post("/feedback/check", data={"website": ""})
    second = resident.post("/feedback/check", data={"website": ""})
    answered(first)
    answered(second)
    event(f"sent: {first.headers.get('Location', '')}")
    if first.headers.get("Location", "").endswith("/feedback/confirmation"):
        assert _stored() - before == 1, "one sending stored more than once"
        assert resident.get("/feedback/confirmation").status_code == 200
    else:
        assert _stored() == before


# The tracking page and what a resident can do there

@pytest.fixture
def tracked(db, charter):
    set_today(date(2026, 3, 6))
    token = f"hostile-token-{'x' * 30}"
    make_feedback(token=token, kind="service_request")
    return token


def _service_request() -> str:
    token = f"hostile-token-{next(_markers)}-{'x' * 30}"
    make_feedback(token=token, kind="service_request")
    return token


@hostile
@example(action="complaint", data={"description": ["\U0001f600"]})  # wordless text (known; fixed on another branch)
@example(action="message", data={"body": ["-"]})
@given(st.sampled_from(["message", "withdraw", "complaint"]), st.dictionaries(
    st.sampled_from(["body", "reason", "description", "submit"]).map(str) | any_text,
    st.lists(hostile_text | mixed_text, max_size=2), max_size=3))
def test_the_tracking_pages_answer_any_input(client, charter, action, data):
    set_today(date(2026, 3, 6))
    note(f"POST /track/<token>/{action} {data!r}")
    response = client.post(f"/track/{_service_request()}/{action}", data=data)
    event(f"{action} {response.status_code}")
    answered(response)


@hostile
@given(st.text(st.characters(codec="utf-8"), max_size=80) | hostile_text)
def test_a_tracking_address_with_any_token_answers(client, tracked, token):
    note(repr(token))
    for suffix in ("", "/message", "/escalate"):
        response = client.get(f"/track/{token}{suffix}") if token else client.get(f"/track/x{suffix}")
        assert response.status_code < 500


def _responded_complaint(number: int):
    """A complaint with its stage 1 response sent, so the resident may ask for stage 2; and its tracking token."""
    token = f"escalation-token-{number}-{'y' * 30}"
    handler = make_staff(role=Role.CASE_HANDLER)
    complaint = make_complaint(handler=handler, received_on=date(2026, 3, 2),
                               tracking_token_hash=hashlib.sha256(token.encode()).hexdigest())
    acknowledge(complaint, handler)
    respond(complaint, handler, date(2026, 3, 12))
    return complaint, token


@hostile
@given(st.dictionaries(st.sampled_from(["note", "submit"]) | any_text, st.lists(hostile_text | mixed_text,
                                                                                  max_size=2), max_size=3))
def test_the_stage_2_request_answers_any_input(client, charter, data):
    set_today(date(2026, 3, 16))
    complaint, token = _responded_complaint(next(_markers))
    note(f"POST /complaints/track/<token>/escalate {data!r}")
    for _ in range(2):  # asking twice moves the complaint on once
        response = client.post(f"/complaints/track/{token}/escalate", data=data)
        answered(response, success=(200, 302))
    db.session.refresh(complaint)
    event(f"stage {complaint.stage}")
    assert complaint.stage in {1, 2}
