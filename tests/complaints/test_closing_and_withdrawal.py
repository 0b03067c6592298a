"""Closing, reopening and withdrawing a complaint: what is announced, and who is surveyed once about it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from complaints import services
from complaints.services import ComplaintRuleError
from core.contacts import ContactRecord, ContactSource
from core.events import (
    complaint_closed,
    complaint_escalated,
    complaint_withdrawn,
)
from core.extensions import db
from core.timesource import now, set_today, uk_date
from feedback import services as feedback_services
from surveys.invitations import create_rule, send_due_invitations
from surveys.models import Invitation, InvitationRule
from tests.complaints.conftest import ACKNOWLEDGED, acknowledge, respond
from tests.helpers import make_complaint
from tests.surveys.factories import make_survey


def refused(message_part: str):
    return pytest.raises(ComplaintRuleError, match=message_part)


def test_closing_after_stage_1_and_reopening_at_stage_2(case, people):
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    assert case.state == "closed"
    services.escalate(case, on=date(2026, 3, 20), via="resident")
    assert (case.stage, case.state, case.closed_on) == (2, "received", None)


def test_a_case_closed_at_each_stage_announces_both_closures_but_is_surveyed_once(case, people):
    # The complaint-handling survey listens for closures; one complaint must give one contact and one invitation.
    create_rule(survey=make_survey(), trigger="complaint_closed", channel=None, service_area=None, delay_hours=0,
                by=None)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs["stage"])

    complaint_closed.connect(listener)
    try:
        acknowledge(case, people["first"])
        respond(case, people["first"], date(2026, 3, 12))
        services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
        services.escalate(case, on=date(2026, 3, 16), via="resident")
        services.assign_handler(case, 2, people["second"], by=people["officer"])
        acknowledge(case, people["second"], on=date(2026, 3, 18))
        respond(case, people["second"], date(2026, 4, 1), outcome="not_upheld")
    finally:
        complaint_closed.disconnect(listener)
    assert (case.stage, case.state) == (2, "closed")
    assert heard == [1, 2]
    contacts = db.session.scalars(select(ContactRecord).where(ContactRecord.source == ContactSource.COMPLAINT)).all()
    assert [c.related_id for c in contacts] == [case.feedback.id]
    invitations = db.session.scalars(select(Invitation)).all()
    assert [(i.contact_id, i.status) for i in invitations] == [(contacts[0].id, "sent")]


def _complaint_survey_rule(delay_hours: int) -> None:
    create_rule(survey=make_survey(), trigger="complaint_closed", channel=None, service_area=None,
                delay_hours=delay_hours, by=None)


def _close_stage1_and_escalate(case, people) -> None:
    """Stage 1 responded on 12 March, closed on 13 March; the resident asks for stage 2 on 16 March."""
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    set_today(date(2026, 3, 13))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    set_today(date(2026, 3, 16))
    services.escalate(case, on=date(2026, 3, 16), via="resident")


def _complaint_contacts() -> list[ContactRecord]:
    return list(db.session.scalars(select(ContactRecord).where(ContactRecord.source == ContactSource.COMPLAINT)))


def _invitations() -> list[tuple[int, str]]:
    return [(i.contact_id, i.status) for i in db.session.scalars(select(Invitation))]


def test_a_survey_waiting_on_its_delay_waits_for_stage_2_when_the_resident_escalates(case, people):
    # Complaint Handling Code 6.10: a case reopened at stage 2 is not finished, so its survey is not due yet.
    _complaint_survey_rule(48)
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    set_today(date(2026, 3, 13))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs))

    complaint_escalated.connect(listener)
    try:
        set_today(date(2026, 3, 16))
        services.escalate(case, on=date(2026, 3, 16), via="resident")
    finally:
        complaint_escalated.disconnect(listener)
    assert heard == [(case, {"feedback": case.feedback})]
    [held] = _complaint_contacts()
    assert held.held_at is not None  # kept as a contact, held until the case ends
    assert send_due_invitations(at=now() + timedelta(hours=49)).sent == 0  # stage 2 is open: nobody is asked yet
    services.assign_handler(case, 2, people["second"], by=people["officer"])
    acknowledge(case, people["second"], on=date(2026, 3, 18))
    set_today(date(2026, 4, 1))
    respond(case, people["second"], date(2026, 4, 1), outcome="not_upheld")
    assert send_due_invitations(at=now() + timedelta(hours=47)).sent == 0  # the delay runs from the final closure
    assert send_due_invitations(at=now() + timedelta(hours=49)).sent == 1
    assert send_due_invitations(at=now() + timedelta(hours=50)).sent == 0
    contacts = _complaint_contacts()
    assert [(c.related_id, c.held_at, uk_date(c.occurred_at)) for c in contacts] == [
        (case.feedback.id, None, date(2026, 4, 1))]
    assert _invitations() == [(contacts[0].id, "sent")]


def test_withdrawal(case, people):
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs, sender.state, bool(db.session.dirty)))

    complaint_withdrawn.connect(listener)
    try:
        services.withdraw(case, reason="Sorted out", by=people["first"], on=ACKNOWLEDGED)
        assert case.state == "withdrawn" and case.feedback.status == "withdrawn"
        with refused("already finished"):
            services.withdraw(case, reason=None, by=people["first"], on=ACKNOWLEDGED)
    finally:
        complaint_withdrawn.disconnect(listener)
    # Announced once, after the withdrawal was committed.
    assert heard == [(case, {"feedback": case.feedback, "stage": 1}, "withdrawn", False)]


def test_the_resident_withdrawing_on_the_tracking_page_withdraws_the_case_and_announces_it(case, people):
    _close_stage1_and_escalate(case, people)
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs))

    complaint_withdrawn.connect(listener)
    try:
        feedback_services.withdraw(case.feedback, reason="I have had enough")
    finally:
        complaint_withdrawn.disconnect(listener)
    assert (case.stage, case.state, case.withdrawal_reason) == (2, "withdrawn", "Withdrawn by the resident")
    assert heard == [(case, {"feedback": case.feedback, "stage": 2})]


def test_a_resident_who_escalates_and_then_withdraws_is_surveyed_once_about_the_handling(case, people):
    _complaint_survey_rule(48)
    _close_stage1_and_escalate(case, people)
    services.assign_handler(case, 2, people["second"], by=people["officer"])
    assert send_due_invitations(at=now() + timedelta(hours=49)).sent == 0  # held while stage 2 is open
    set_today(date(2026, 3, 20))
    feedback_services.withdraw(case.feedback, reason=None)  # on the tracking page
    assert case.state == "withdrawn"
    assert send_due_invitations(at=now() + timedelta(hours=47)).sent == 0  # the delay runs from the withdrawal
    assert send_due_invitations(at=now() + timedelta(hours=49)).sent == 1
    assert send_due_invitations(at=now() + timedelta(days=5)).sent == 0
    contacts = _complaint_contacts()
    assert [(c.related_id, c.held_at, uk_date(c.occurred_at)) for c in contacts] == [
        (case.feedback.id, None, date(2026, 3, 20))]
    assert _invitations() == [(contacts[0].id, "sent")]


def test_a_stage_2_case_withdrawn_by_staff_is_surveyed_once(case, people):
    _complaint_survey_rule(0)
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    invited_at_closure = _invitations()
    assert len(invited_at_closure) == 1  # no delay: invited when stage 1 closed
    services.escalate(case, on=date(2026, 3, 16), via="resident")
    services.withdraw(case, reason="Resident phoned to withdraw", by=people["officer"], on=date(2026, 3, 17))
    assert send_due_invitations(at=now() + timedelta(days=5)).sent == 0
    assert _invitations() == invited_at_closure  # the invitation already sent stands; no second one


def test_an_escalated_case_with_no_delay_is_invited_as_soon_as_it_is_withdrawn(case, people):
    _complaint_survey_rule(48)
    _close_stage1_and_escalate(case, people)
    db.session.execute(db.update(InvitationRule).values(delay_hours=0))  # the council shortened the delay meanwhile
    db.session.commit()
    services.withdraw(case, reason=None, by=people["officer"], on=date(2026, 3, 16))
    [contact] = _complaint_contacts()
    assert _invitations() == [(contact.id, "sent")]


def test_a_complaint_withdrawn_without_ever_closing_is_not_surveyed(case, people):
    _complaint_survey_rule(0)
    acknowledge(case, people["first"])
    services.withdraw(case, reason="Sorted out", by=people["first"], on=ACKNOWLEDGED)
    other = make_complaint(handler=people["first"])
    acknowledge(other, people["first"])
    respond(other, people["first"], date(2026, 3, 12))
    services.escalate(other, on=date(2026, 3, 16), via="resident")  # asked for stage 2 without closing at stage 1
    feedback_services.withdraw(other.feedback, reason=None)
    assert (case.state, other.state) == ("withdrawn", "withdrawn")
    assert send_due_invitations(at=now() + timedelta(days=5)).sent == 0
    assert _complaint_contacts() == [] and _invitations() == []
