"""`flask surveys invite` (idempotent, cron-safe) and `flask surveys anonymise`."""

from datetime import timedelta

from core.contacts import ContactRecord, record_contact
from core.models import OutboxMessage
from core.outbox import REMOVED, deliver
from core.timesource import now
from surveys import invitations
from surveys.models import Invitation, OptOut
from surveys.queries import survey_results
from tests.surveys.factories import make_response, make_survey


def test_invite_sends_what_is_due_and_is_safe_to_run_twice(runner, db):
    invitations.create_rule(survey=make_survey(), trigger="contact", channel=None, service_area=None, delay_hours=1,
                            by=None)
    record_contact(channel="phone", occurred_at=now() - timedelta(hours=3), source="form", email="a@example.com")
    record_contact(channel="phone", occurred_at=now() - timedelta(hours=3), source="form", phone="01632 960001")
    record_contact(channel="phone", occurred_at=now() - timedelta(minutes=5), source="form", email="b@example.com")
    db.session.commit()
    first = runner.invoke(args=["surveys", "invite"])
    assert first.exit_code == 0, first.output
    assert first.stdout.strip() == "Sent 1 invitation, skipped 1 (no email address: 1), 1 waiting."
    second = runner.invoke(args=["surveys", "invite"])
    assert second.stdout.strip() == "Sent 0 invitations, skipped 0, 1 waiting."
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 1


def test_anonymise_clears_old_contact_details_but_keeps_opt_outs(runner, db):
    old = record_contact(channel="phone", occurred_at=now() - timedelta(days=400), source="form",
                         email="old@example.com", phone="01632 960002")
    recent = record_contact(channel="phone", occurred_at=now() - timedelta(days=2), source="form",
                            email="new@example.com")
    db.session.commit()
    invitations.opt_out("old@example.com")
    result = runner.invoke(args=["surveys", "anonymise"])
    assert result.exit_code == 0
    assert result.output.strip() == "Cleared the contact details of 1 contact older than 365 days."
    db.session.expire_all()
    assert (db.session.get(ContactRecord, old.id).email, db.session.get(ContactRecord, old.id).phone) == (None, None)
    assert db.session.get(ContactRecord, recent.id).email == "new@example.com"
    assert db.session.scalar(db.select(db.func.count()).select_from(OptOut)) == 1
    assert invitations.is_opted_out("old@example.com")
    assert runner.invoke(args=["surveys", "anonymise", "--days", "0"]).exit_code == 2


def test_anonymise_clears_the_invitation_emails_of_old_contacts_and_keeps_the_figures(runner, db):
    survey = make_survey()
    invitations.create_rule(survey=survey, trigger="contact", channel=None, service_area=None, delay_hours=0,
                            by=None)
    long_ago = now() - timedelta(days=400)
    answered = record_contact(channel="phone", occurred_at=long_ago, source="form", email="answered@example.com")
    waiting = record_contact(channel="phone", occurred_at=long_ago, source="form", email="waiting@example.com")
    db.session.commit()
    invitations.send_due_invitations(at=long_ago + timedelta(hours=1))
    recent = record_contact(channel="phone", occurred_at=now() - timedelta(days=2), source="form",
                            email="recent@example.com")
    db.session.commit()
    invitations.send_due_invitations()
    emails = {m.to_address: m for m in db.session.scalars(db.select(OutboxMessage))}
    assert set(emails) == {"answered@example.com", "waiting@example.com", "recent@example.com"}
    emails["answered@example.com"].status = "sent"  # delivered long ago; the other old one is still queued
    by_contact = {i.contact_id: i for i in db.session.scalars(db.select(Invitation))}
    make_response(survey, ["good"], invitation=by_contact[answered.id])
    db.session.commit()
    before = survey_results(survey)
    assert before.responses == 1

    assert runner.invoke(args=["surveys", "anonymise"]).exit_code == 0
    db.session.expire_all()
    sent, queued, kept = (emails[a] for a in ("answered@example.com", "waiting@example.com", "recent@example.com"))
    assert (sent.to_address, sent.body, sent.status) == (REMOVED, REMOVED, "sent")
    assert (queued.to_address, queued.body, queued.status) == (REMOVED, REMOVED, "failed")
    assert (kept.to_address, kept.status) == ("recent@example.com", "queued") and "/surveys/i/" in kept.body
    assert deliver().sent == 1  # the recent one; the old queued one is never sent
    assert queued.status == "failed" and queued.sent_at is None
    assert by_contact[waiting.id].recipient_hash == invitations.address_hash("waiting@example.com")  # re-invite rule
    assert db.session.get(ContactRecord, recent.id).email == "recent@example.com"
    after = survey_results(survey)
    assert (after.responses, after.overall, after.by_channel) == (before.responses, before.overall, before.by_channel)
