"""Staff forms that take free text answer any input with a redirect or an error summary, never a server error, and
store at most one record for one sending: recording feedback, complaint points, extensions, refusals, pauses,
learning actions, quotes for the annual review, closure dates and staff accounts."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from hypothesis import event, example, given, note
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.clocks.models import ClosureDate
from core.extensions import db
from core.models import Role, StaffUser
from core.timesource import set_today
from feedback.models import FeedbackItem, FeedbackQuote
from tests.helpers import make_complaint, make_feedback
from tests.property.conftest import answered
from tests.property.strategies import any_text, hostile, hostile_text, mixed_text

_numbers = itertools.count(1)
#: Digits that str.isdigit() accepts but int() may not: superscripts, other scripts' digits, fullwidth.
ODD_DIGITS = ["\u00b2", "\u0663", "\uff13", "\u2460", "\U0001d7d1", "5\u00b2", "10", "60", "61", "0", "007"]


@dataclass
class Form:
    """One staff form: who may use it, how to reach it (a new record where it needs one) and its fields' good
    values; `counts` is the table that one sending adds at most one row to."""

    name: str
    role: str
    url: object  # () -> str
    fields: dict[str, list]
    counts: object = None


def _complaint_url(action: str):
    def url() -> str:
        complaint = make_complaint(received_on=date(2026, 3, 2))
        return f"/complaints/{complaint.id}/{action}"

    return url


FORMS = [
    Form("record feedback", Role.CASE_HANDLER, lambda: "/staff/feedback/new", {
        "channel": ["phone", "letter"], "received_on": [["2", "3", "2026"]], "kind": ["complaint", "comment"],
        "service_area": ["waste-recycling", ""], "commitments": [["HAR-03"], []],
        "description": ["The bin was missed."], "happened_on": [["", "", ""]], "outcome_wanted": [""],
        "name": ["Ada Lovelace"], "email": ["ada@example.com"], "phone": [""], "address": [""], "postcode": [""],
        "reply_by": ["email"], "adjustments": [[]], "language": [""], "adjustments_other": [""]},
        counts=FeedbackItem),
    Form("acknowledgement points", Role.COMPLAINTS_OFFICER, _complaint_url("acknowledge"),
         {"points": ["The bin was missed\nNobody called back"], "version": ["1", ""]}),
    Form("redefine points", Role.COMPLAINTS_OFFICER, _complaint_url("points"),
         {"points": ["The bin was missed"], "version": ["1", ""]}),
    Form("extension", Role.COMPLAINTS_OFFICER, _complaint_url("extend"),
         {"days": ["5", *ODD_DIGITS], "reason": ["Waiting for the contractor's report."], "good_reason": [""],
          "version": ["1", ""]}),
    Form("refusal", Role.COMPLAINTS_OFFICER, _complaint_url("refuse"),
         {"exclusion": ["over_12_months", "legal_proceedings"], "reason": ["It happened in 2019."],
          "version": ["1"]}),
    Form("pause", Role.COMPLAINTS_OFFICER, _complaint_url("pause"), {"reason": ["Waiting to hear back."],
                                                                    "version": ["1"]}),
    Form("withdrawal", Role.COMPLAINTS_OFFICER, _complaint_url("withdraw"), {"reason": ["By phone."],
                                                                           "version": ["1"]}),
    Form("learning action", Role.COMPLAINTS_OFFICER, _complaint_url("learning/new"), {
        "description": ["Check crews' rounds."], "owner": ["Waste manager"], "due_on": [["1", "6", "2026"]],
        "commitments": [[]]}),
    Form("quote for the annual review", Role.POLICY_OFFICER,
         lambda: f"/staff/feedback/{make_feedback().reference}/quote",
         {"text": ["The bin was missed three weeks running.", "Call me on 01632 960123"]}, counts=FeedbackQuote),
    Form("closure date", Role.ADMIN, lambda: "/admin/closures/new", {
        "day": [["24", "12", "2026"], ["29", "12", "2026"]], "name": ["Christmas closure"]}, counts=ClosureDate),
    Form("new staff account", Role.ADMIN, lambda: "/admin/users/new", {
        "email": ["new.person@example.gov.uk"], "name": ["New Person"], "role": ["viewer", "case_handler"]},
        counts=StaffUser),
]
FORMS_BY_NAME = {form.name: form for form in FORMS}


def _value(good: list):
    """A field's value: a good one (mostly), any text, a list of texts, or nothing."""
    other = st.one_of(mixed_text, hostile_text, st.lists(mixed_text, max_size=3), st.just([]))
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(good) if n < 6 else other)


@st.composite
def sendings(draw):
    form = draw(st.sampled_from(FORMS))
    data = {name: draw(_value(good)) for name, good in form.fields.items() if draw(st.integers(0, 9))}
    if draw(st.integers(0, 4)) == 0:
        data[draw(any_text)] = draw(hostile_text)
    return form.name, data


@pytest.fixture
def staff(client, login_as, charter):
    """One signed-in administrator (who may use every form); each example adds the records it needs."""
    set_today(date(2026, 3, 16))
    login_as(Role.ADMIN)
    return client


@hostile
@example(sending=("extension", {"days": "\u00b2", "reason": "Waiting for a report.", "version": "1"}))
@given(sending=sendings())
def test_staff_forms_answer_any_input(staff, sending):
    name, data = sending
    form = FORMS_BY_NAME[name]
    note(f"{name}: {data!r}")
    db.session.rollback()
    url = form.url()
    before = db.session.scalar(select(func.count()).select_from(form.counts)) if form.counts else 0
    responses = [staff.post(url, data=data) for _ in range(2 if form.counts else 1)]  # sent twice: stored once
    for response in responses:
        answered(response)
    event(f"{name}: {responses[0].status_code}")
    if form.counts is not None:
        added = db.session.scalar(select(func.count()).select_from(form.counts)) - before
        assert added <= 1, f"{name}: {added} stored"
