"""`flask surveys invite` (idempotent, cron-safe) and `flask surveys anonymise`."""

from datetime import timedelta

from core.contacts import ContactRecord, record_contact
from core.models import OutboxMessage
from core.timesource import now
from surveys import invitations
from surveys.models import OptOut
from tests.surveys.factories import make_survey


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
