"""Invitations: rules and delays, single use, expiry, opt-out forever, nobody invited twice, complaint closure."""

import re
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from core.contacts import ContactRecord, ContactSource, anonymise_contacts, record_contact
from core.errors import RuleError
from core.events import complaint_closed, complaint_escalated, complaint_withdrawn
from core.models import OutboxMessage
from core.once import token_hash
from core.timesource import now
from surveys import answering, invitations, services
from surveys.models import Invitation, OptOut, SurveyState
from tests.helpers import make_service_area
from tests.surveys.factories import make_survey

NOON = datetime(2026, 11, 20, 12, 0)


def _contact(db, *, email="resident@example.com", channel="phone", hours_ago=48, **kwargs) -> ContactRecord:
    contact = record_contact(channel=channel, occurred_at=NOON - timedelta(hours=hours_ago), source="form",
                             email=email, **kwargs)
    db.session.commit()
    return contact


def _rule(survey, *, delay=24, **kwargs):
    defaults = {"trigger": "contact", "channel": None, "service_area": None}
    defaults.update(kwargs)
    return invitations.create_rule(survey=survey, delay_hours=delay, by=None, **defaults)


def _token_from_outbox(db) -> str:
    message = db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"/surveys/i/([A-Za-z0-9_-]+)\n", message.body).group(1)


def test_an_invitation_is_sent_after_the_rules_delay_with_a_single_use_link(db, app):
    survey = make_survey()
    _rule(survey, delay=24)
    contact = _contact(db, hours_ago=2)
    assert invitations.send_due_invitations(at=NOON).sent == 0  # 24 hours have not passed
    report = invitations.send_due_invitations(at=NOON + timedelta(hours=23))
    assert (report.sent, report.waiting) == (1, 0)
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.contact_id == contact.id and invitation.status == "sent"
    message = db.session.scalar(db.select(OutboxMessage))
    assert message.to_address == "resident@example.com"
    assert message.related_type == "survey_invitation"
    token = _token_from_outbox(db)
    assert invitation.token_hash == token_hash(token) and token not in invitation.token_hash
    assert f"{app.config['CHARTERLINE_BASE_URL']}/surveys/i/{token}/stop" in message.body


def test_running_the_invitations_job_twice_invites_nobody_twice(db):
    survey = make_survey()
    _rule(survey, delay=0)
    _contact(db)
    first = invitations.send_due_invitations(at=NOON)
    second = invitations.send_due_invitations(at=NOON)
    assert (first.sent, second.sent) == (1, 0)
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_nobody_is_invited_twice_within_the_reinvite_period(db, app):
    survey = make_survey()
    _rule(survey, delay=0)
    _contact(db, email="Resident@Example.com", hours_ago=72)
    invitations.send_due_invitations(at=NOON - timedelta(hours=48))
    _contact(db, email="resident@example.com ", hours_ago=1)
    report = invitations.send_due_invitations(at=NOON)
    assert report.skipped == {"recently_invited": 1}
    days = app.config["CHARTERLINE_SURVEY_REINVITE_DAYS"]
    later = NOON + timedelta(days=days)
    record_contact(channel="phone", occurred_at=later - timedelta(hours=1), source="form",
                   email="resident@example.com")
    db.session.commit()
    assert invitations.send_due_invitations(at=later).sent == 1


def test_contacts_without_an_email_address_are_not_invited(db):
    _rule(make_survey(), delay=0)
    _contact(db, email=None, phone="01632 960001")
    assert invitations.send_due_invitations(at=NOON).skipped == {"no_email": 1}


def test_opting_out_is_respected_forever_even_after_anonymisation(db):
    survey = make_survey()
    _rule(survey, delay=0)
    _contact(db, phone="07700 900123", hours_ago=400 * 24)
    old = db.session.scalar(db.select(ContactRecord))
    invitation = Invitation(survey_id=survey.id, contact=old, status="sent", channel="phone",
                            token_hash=token_hash("old-token"),
                            recipient_hash=invitations.address_hash("resident@example.com"))
    db.session.add(invitation)
    db.session.commit()
    assert anonymise_contacts(occurred_before=NOON - timedelta(days=365)) == 1
    assert old.email is None
    invitations.opt_out_by_invitation(invitation)  # the link in an old email still works
    stored = db.session.scalars(db.select(OptOut.address_hash)).all()
    assert stored == [invitations.address_hash("resident@example.com")]
    assert "resident" not in stored[0]
    _contact(db, email="RESIDENT@example.com")
    assert invitations.send_due_invitations(at=NOON).skipped == {"opted_out": 1}


def test_opting_out_by_phone_number_covers_every_way_of_writing_it(db):
    _rule(make_survey(), delay=0)
    invitations.opt_out("+44 7700 900123", source="staff")
    assert invitations.opt_out("07700900123") == 0  # the same person, already opted out
    _contact(db, email="someone@example.com", phone="07700 900 123")
    assert invitations.send_due_invitations(at=NOON).skipped == {"opted_out": 1}


def test_the_most_specific_rule_wins(db):
    housing = make_service_area(code="housing-repairs", regime="ho")
    general, phone, housing_phone = make_survey(), make_survey(), make_survey()
    _rule(general, delay=0)
    _rule(phone, delay=0, channel="phone")
    _rule(housing_phone, delay=0, channel="phone", service_area=housing)
    _contact(db, email="a@example.com", channel="email")
    _contact(db, email="b@example.com", channel="phone")
    _contact(db, email="c@example.com", channel="phone", service_area=housing)
    invitations.send_due_invitations(at=NOON)
    chosen = {i.contact.email: i.survey_id for i in db.session.scalars(db.select(Invitation))}
    assert chosen == {"a@example.com": general.id, "b@example.com": phone.id, "c@example.com": housing_phone.id}


def test_stopped_rules_and_surveys_that_are_not_live_send_nothing(db):
    survey = make_survey()
    rule = _rule(survey, delay=0)
    rule.active = False
    db.session.commit()
    _contact(db)
    assert invitations.send_due_invitations(at=NOON).sent == 0
    rule.active = True
    survey.state = SurveyState.CLOSED
    db.session.commit()
    report = invitations.send_due_invitations(at=NOON)
    assert (report.sent, report.waiting) == (0, 1)


def test_old_contacts_are_never_invited_about(db, app):
    _rule(make_survey(), delay=0)
    _contact(db, hours_ago=24 * (app.config["CHARTERLINE_SURVEY_INVITE_WITHIN_DAYS"] + 1))
    assert invitations.send_due_invitations(at=NOON).sent == 0


def test_invitations_go_to_the_live_version_of_the_survey(db):
    from tests.helpers import make_staff

    survey = make_survey()
    _rule(survey, delay=0)
    copy = services.new_version(survey, by=make_staff(role="policy_officer"))
    services.make_live(copy, by=make_staff(role="policy_officer"))
    _contact(db)
    invitations.send_due_invitations(at=NOON)
    assert db.session.scalar(db.select(Invitation)).survey_id == copy.id


def _invite(db, survey=None) -> tuple[Invitation, str]:
    _rule(survey or make_survey(), delay=0)
    _contact(db)
    invitations.send_due_invitations(at=NOON)
    return db.session.scalar(db.select(Invitation)), _token_from_outbox(db)


def test_an_invitation_link_works_once(db):
    invitation, token = _invite(db)
    response = answering.start_invited_response(answering.invitation_for_token(token))
    assert answering.start_invited_response(invitation) is response  # coming back resumes the same response
    answering.save_section(response, response.survey.sections[0], {response.survey.all_questions[0].id: "good"})
    answering.submit_response(response)
    assert invitation.used_at is not None
    with pytest.raises(answering.LinkProblem) as problem:
        answering.invitation_for_token(token)
    assert problem.value.kind == "used"


def test_an_invitation_link_expires(db, app):
    invitation, token = _invite(db)
    invitation.expires_at = datetime(2000, 1, 1)
    db.session.commit()
    with pytest.raises(answering.LinkProblem) as problem:
        answering.invitation_for_token(token)
    assert problem.value.kind == "expired"


def test_an_invitation_to_a_closed_survey_says_so(db):
    invitation, token = _invite(db)
    invitation.survey.state = SurveyState.CLOSED
    db.session.commit()
    with pytest.raises(answering.LinkProblem) as problem:
        answering.invitation_for_token(token)
    assert problem.value.kind == "closed"
    with pytest.raises(answering.LinkProblem) as unknown:
        answering.invitation_for_token("not-a-token")
    assert unknown.value.kind == "unknown"


def _closed_complaint(db, *, regime: str, email: str = "tenant@example.com"):
    area = make_service_area(regime=regime)
    feedback = SimpleNamespace(id=42, channel="phone", service_area=area, commitments=[],
                               resident=SimpleNamespace(email=email, phone=None))
    return SimpleNamespace(id=7), feedback


def test_closing_a_housing_complaint_invites_to_the_complaint_survey_with_tp09(db):
    survey = make_survey([{"type": "good_average_poor", "text": "How did we handle it?"},
                          {"type": "rating", "text": "TP09", "tsm_code": "TP09"}])
    _rule(survey, delay=0, trigger="complaint_closed")
    _rule(make_survey(), delay=0)  # the ordinary contact survey must not be chosen
    complaint, feedback = _closed_complaint(db, regime="ho")
    complaint_closed.send(complaint, feedback=feedback, regime="ho")
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.status == "sent" and invitation.survey_id == survey.id
    assert invitation.contact.source == ContactSource.COMPLAINT
    assert (invitation.contact.related_type, invitation.contact.related_id) == ("feedback_item", 42)
    message = db.session.scalar(db.select(OutboxMessage))
    assert "closed your complaint" in message.body
    response = answering.start_invited_response(answering.invitation_for_token(_token_from_outbox(db)))
    assert [q.text for q in answering.visible_questions(survey, {}, response.regime)] == [
        "How did we handle it?", "TP09"]
    complaint_closed.send(complaint, feedback=feedback, regime="ho")  # closed again: still one invitation
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 1


def test_other_complaints_are_not_asked_tp09(db):
    survey = make_survey([{"type": "good_average_poor", "text": "How did we handle it?"},
                          {"type": "rating", "text": "TP09", "tsm_code": "TP09"}])
    _rule(survey, delay=0, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco")
    response = answering.start_invited_response(answering.invitation_for_token(_token_from_outbox(db)))
    assert [q.text for q in answering.visible_questions(survey, {}, response.regime)] == ["How did we handle it?"]


def test_a_complaint_rule_with_a_delay_leaves_the_invitation_to_the_job(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco")
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 1


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def _closed_days_ago(db, complaint, feedback, days: int) -> ContactRecord:
    """Close the complaint after stage 1, as if `days` ago."""
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)
    contact = db.session.scalar(db.select(ContactRecord).where(ContactRecord.source == ContactSource.COMPLAINT))
    contact.occurred_at = now() - timedelta(days=days)
    db.session.commit()
    return contact


def test_a_complaint_reopened_before_its_survey_is_due_is_held_and_surveyed_once_after_it_closes_again(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    _closed_days_ago(db, complaint, feedback, 3)
    complaint_escalated.send(complaint, feedback=feedback)
    contact = db.session.scalar(db.select(ContactRecord))
    assert contact.held_at is not None and _count(db, ContactRecord) == 1  # held, still a contact that happened
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=2)
    contact = db.session.scalar(db.select(ContactRecord))
    assert contact.held_at is None and (contact.source, contact.related_id) == (ContactSource.COMPLAINT, 42)
    assert _count(db, ContactRecord) == 1
    assert invitations.send_due_invitations(at=now() + timedelta(hours=47)).sent == 0  # delay from the final closure
    assert invitations.send_due_invitations(at=now() + timedelta(hours=49)).sent == 1
    assert invitations.send_due_invitations(at=now() + timedelta(hours=50)).sent == 0
    assert _count(db, Invitation) == 1


def test_a_held_contact_is_never_invited_nor_counted_as_waiting_while_held(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    _rule(make_survey(), delay=48)
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    other = record_contact(channel="phone", occurred_at=now() - timedelta(hours=1), source="form",
                           email="other@example.com")  # an ordinary contact, waiting on its rule's delay
    _closed_days_ago(db, complaint, feedback, 3)  # as if `flask surveys invite` had not run since
    complaint_escalated.send(complaint, feedback=feedback)
    held = db.session.scalar(db.select(ContactRecord).where(ContactRecord.source == ContactSource.COMPLAINT))
    assert invitations.pending_contacts(now()) == [other.id]
    report = invitations.send_due_invitations(at=now())
    assert (report.sent, report.skipped, report.waiting) == (0, {}, 1)  # the held contact is not waiting
    report = invitations.send_due_invitations(at=now() + timedelta(days=10))
    assert (report.sent, report.skipped, report.waiting) == (1, {}, 0)
    assert invitations.pending_contacts(now() + timedelta(days=10)) == []
    assert db.session.scalars(db.select(Invitation.contact_id)).all() == [other.id]
    assert db.session.get(ContactRecord, held.id).held_at is not None
    assert not invitations.hold_while_reopened(complaint, feedback=feedback)  # escalating again changes nothing


def test_a_complaint_escalated_and_then_withdrawn_is_surveyed_once_about_its_handling(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    _closed_days_ago(db, complaint, feedback, 3)
    complaint_escalated.send(complaint, feedback=feedback)
    assert invitations.send_due_invitations(at=now()).sent == 0
    complaint_withdrawn.send(complaint, feedback=feedback, stage=2)
    contact = db.session.scalar(db.select(ContactRecord))
    assert contact.held_at is None and _count(db, ContactRecord) == 1
    assert invitations.send_due_invitations(at=now() + timedelta(hours=47)).sent == 0  # delay from the withdrawal
    assert invitations.send_due_invitations(at=now() + timedelta(hours=49)).sent == 1
    assert invitations.send_due_invitations(at=now() + timedelta(hours=50)).sent == 0
    complaint_withdrawn.send(complaint, feedback=feedback, stage=2)  # told twice: still one invitation
    assert _count(db, Invitation) == 1
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.status == "sent" and invitation.contact_id == contact.id


def test_a_complaint_withdrawn_without_ever_closing_is_not_surveyed(db):
    _rule(make_survey(), delay=0, trigger="complaint_closed")
    other = _contact(db)
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_withdrawn.send(complaint, feedback=feedback, stage=1)
    assert not invitations.release_after_withdrawal(complaint, feedback=feedback)
    assert db.session.scalars(db.select(ContactRecord.id)).all() == [other.id]
    assert invitations.send_due_invitations(at=now() + timedelta(hours=49)).sent == 0
    assert _count(db, Invitation) == 0


def test_a_complaint_already_surveyed_keeps_its_survey_when_it_is_reopened(db):
    _rule(make_survey(), delay=0, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)
    complaint_escalated.send(complaint, feedback=feedback)
    assert db.session.scalar(db.select(ContactRecord)).held_at is None  # decided already: nothing to hold
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=2)
    invitation = db.session.scalar(db.select(Invitation))
    assert invitation.status == "sent" and _count(db, Invitation) == 1
    assert _count(db, ContactRecord) == 1


def test_a_complaint_already_surveyed_gets_no_second_survey_when_it_is_withdrawn_at_stage_2(db):
    _rule(make_survey(), delay=0, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)
    complaint_escalated.send(complaint, feedback=feedback)
    complaint_withdrawn.send(complaint, feedback=feedback, stage=2)
    assert invitations.send_due_invitations(at=now() + timedelta(hours=49)).sent == 0
    assert _count(db, Invitation) == 1 and _count(db, OutboxMessage) == 1


def test_a_complaint_reopened_while_the_invitations_job_runs_is_passed_over(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)

    def reopened_meanwhile(ids):
        complaint_escalated.send(complaint, feedback=feedback)
        return ids

    report = invitations.send_due_invitations(at=now() + timedelta(hours=49), progress=reopened_meanwhile)
    assert (report.sent, report.skipped, report.waiting) == (0, {}, 0)
    assert db.session.scalar(db.select(ContactRecord)).held_at is not None


def test_a_hold_committed_while_the_job_decides_stops_the_invitation(db, monkeypatch):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)
    decide = invitations.decide

    def reopened_while_deciding(contact, *args):
        complaint_escalated.send(complaint, feedback=feedback)  # commits the hold before the job's own commit
        return decide(contact, *args)

    monkeypatch.setattr(invitations, "decide", reopened_while_deciding)
    report = invitations.send_due_invitations(at=now() + timedelta(hours=49))
    assert (report.sent, report.skipped) == (0, {})
    assert (_count(db, Invitation), _count(db, OutboxMessage)) == (0, 0)
    assert db.session.scalar(db.select(ContactRecord)).held_at is not None


def test_an_invitation_decided_before_the_hold_stands(db):
    _rule(make_survey(), delay=48, trigger="complaint_closed")
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=1)
    assert invitations.send_due_invitations(at=now() + timedelta(hours=49)).sent == 1
    assert not invitations.hold_while_reopened(complaint, feedback=feedback)
    assert db.session.scalar(db.select(ContactRecord)).held_at is None
    complaint_closed.send(complaint, feedback=feedback, regime="lgsco", stage=2)
    assert _count(db, Invitation) == 1


def test_escalating_a_complaint_that_never_closed_changes_nothing(db):
    _contact(db)
    complaint, feedback = _closed_complaint(db, regime="lgsco")
    complaint_escalated.send(complaint, feedback=feedback)
    assert _count(db, ContactRecord) == 1
    assert db.session.scalar(db.select(ContactRecord)).held_at is None


def test_invite_report_summary_reads_well():
    report = invitations.InviteReport(sent=3, skipped={"opted_out": 1, "no_email": 2}, waiting=4)
    assert report.summary() == ("Sent 3 invitations, skipped 3 (no email address: 2, opted out of surveys: 1), "
                                "4 waiting.")


def test_a_link_that_cannot_be_answered_is_a_refusal_with_words_for_the_resident(db):
    invitation, token = _invite(db)
    invitation.expires_at = datetime(2000, 1, 1)
    db.session.commit()
    with pytest.raises(RuleError) as problem:
        answering.invitation_for_token(token)
    assert (problem.value.message, problem.value.field) == ("This survey link has expired", None)
    assert answering.AlreadySubmitted().message == "These answers have already been sent"
