"""Co-design forms take any input: the public consultation, the proposal form and the event form answer with a
redirect or an error summary, never a server error, and one sending stores at most one record."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from codesign.models import SUPPORT_LABELS, Event, Proposal
from core.extensions import db
from core.models import Role
from surveys.models import Response
from tests.codesign.factories import charter_of_three, make_review, published_consultation
from tests.conftest import TEST_PASSWORD
from tests.helpers import make_staff
from tests.property.conftest import answered
from tests.property.strategies import hostile, hostile_text, mixed_text

SCALE = st.one_of(st.sampled_from([*SUPPORT_LABELS, "", "5"]), hostile_text)
NUMBER = st.one_of(st.sampled_from(["0", "3", "12", "-1", "1e3", "\u00b2", "\u0663", "999999999999"]), hostile_text)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def open_consultation(db):
    return published_consultation()


@hostile
@given(st.data())
def test_any_consultation_response_is_checked_and_stored_once(app, open_consultation, data):
    consultation, proposals, _officer = open_consultation
    fields = {}
    for proposal in proposals:
        fields[f"q{proposal.scale_question_id}"] = data.draw(st.lists(SCALE, max_size=2))
        fields[f"q{proposal.comment_question_id}"] = data.draw(st.lists(mixed_text, max_size=1))
    fields["email"] = data.draw(st.lists(mixed_text, max_size=1))
    resident = app.test_client()
    before = _count(Response)
    first = resident.post(f"/have-your-say/{consultation.id}", data=fields)
    again = resident.post(f"/have-your-say/{consultation.id}", data=fields)
    answered(first)
    answered(again)
    assert _count(Response) - before <= 1


@pytest.fixture
def officer_client(app, db):
    officer = make_staff(role=Role.POLICY_OFFICER, password=TEST_PASSWORD)
    client = app.test_client()
    client.post("/sign-in", data={"email": officer.email, "password": TEST_PASSWORD})
    charter_of_three()
    return client, make_review()


@hostile
@given(st.data())
def test_any_proposal_is_checked_and_stored_once(officer_client, data):
    client, review = officer_client
    fields = {
        "kind": data.draw(st.lists(st.one_of(st.sampled_from(["new", "reworded", "retargeted", "retired"]),
                                             hostile_text), max_size=1)),
        "commitment_code": data.draw(st.lists(st.one_of(st.sampled_from(["T-01", "T-02", ""]), hostile_text),
                                              max_size=1)),
        "new_code": data.draw(st.lists(mixed_text, max_size=1)),
        "proposed_text": data.draw(st.lists(mixed_text, max_size=1)),
        "metric": data.draw(st.lists(st.one_of(st.sampled_from(["reply", ""]), hostile_text), max_size=1)),
        "target": data.draw(st.lists(st.one_of(st.sampled_from(["5", "nan", "inf", "-2"]), hostile_text),
                                     max_size=1)),
        "unit": data.draw(st.lists(st.one_of(st.just("working_days"), hostile_text), max_size=1)),
        "share": data.draw(st.lists(st.one_of(st.sampled_from(["90", "nan", ""]), hostile_text), max_size=1)),
        "reason": data.draw(st.lists(mixed_text, max_size=1)),
        "evidence_codes": data.draw(st.lists(st.one_of(st.just("T-01"), hostile_text), max_size=2)),
        "author": data.draw(st.lists(st.one_of(st.just("staff"), hostile_text), max_size=1)),
        "channel": data.draw(st.lists(st.one_of(st.just("any"), hostile_text), max_size=1)),
    }
    before = _count(Proposal)
    answered(client.post(f"/co-design/reviews/{review.id}/proposals/new", data=fields))
    assert _count(Proposal) - before <= 1


@hostile
@given(st.data())
def test_any_event_is_checked_and_stored_once(app, open_consultation, data):
    consultation, proposals, officer = open_consultation
    officer.password_hash = make_staff(password=TEST_PASSWORD).password_hash
    db.session.commit()
    client = app.test_client()
    client.post("/sign-in", data={"email": officer.email, "password": TEST_PASSWORD})
    fields = {"kind": data.draw(st.lists(st.one_of(st.just("workshop"), hostile_text), max_size=1)),
              "held_on": data.draw(st.lists(st.one_of(st.sampled_from(["5", "6", "2026"]), hostile_text),
                                            min_size=3, max_size=3)),
              "place": data.draw(st.lists(mixed_text, max_size=1)),
              "attendance": data.draw(st.lists(NUMBER, max_size=1))}
    for proposal in proposals[:2]:
        for part in ("in_favour", "against", "neutral"):
            fields[f"p{proposal.id}_{part}"] = data.draw(st.lists(NUMBER, max_size=1))
        fields[f"p{proposal.id}_notes"] = data.draw(st.lists(mixed_text, max_size=1))
    before = _count(Event)
    answered(client.post(f"/co-design/consultations/{consultation.id}/events/new", data=fields))
    assert _count(Event) - before <= 1
