"""Feedback rules and writes: acknowledgement standards and due dates, references, scoring, staff changes, keys."""

import os
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, OutboxMessage, Role, ServiceArea
from core.once import token_hash
from core.standards import Standard
from core.timesource import now, set_today
from feedback import acknowledgement, integrations, services
from feedback.commands import purge_abandoned
from feedback.models import ApiKey, FeedbackDraft, FeedbackItem, FeedbackMessage
from feedback.rules import ContactDetails, Submission
from tests.helpers import make_charter, make_feedback, make_resident, make_service_area, make_staff


def submission(**overrides) -> Submission:
    fields = {"kind": "complaint", "description": "The bin was missed.",
              "contact": ContactDetails(name="Ada", email="ada@example.com", reply_by="email")}
    fields.update(overrides)
    return Submission(**fields)


# Due dates on the council's calendar (England and Wales by default); dates chosen clear of bank holidays.

@pytest.mark.parametrize("rule, start, due", [
    ("working-days:5", date(2026, 3, 6), date(2026, 3, 13)),  # Friday: the next Friday
    ("lgsco-stage1-ack", date(2026, 3, 7), date(2026, 3, 13)),  # received on a Saturday
    ("ho-stage1-ack", date(2026, 3, 2), date(2026, 3, 9)),
    ("working-days:3", date(2026, 3, 4), date(2026, 3, 9)),
    ("calendar-days:1", date(2026, 3, 6), date(2026, 3, 9)),  # Saturday rolls forward to Monday
])
def test_due_dates(rule, start, due):
    result = integrations.due_date(rule, start)
    assert result.due == due
    assert result.explanation


# Which acknowledgement standard applies

def test_web_form_uses_the_charter_promise_for_emails_and_web_forms(charter):
    assert acknowledgement.acknowledgement_standard("web_form").code == "HAR-03"
    assert acknowledgement.acknowledgement_standard("email").code == "HAR-03"


def test_information_request_promises_are_not_feedback_standards(charter):
    # Harrow's only letter acknowledgement promise is for Freedom of Information requests.
    assert acknowledgement.acknowledgement_standard("letter") is None


def test_promises_without_a_day_based_standard_are_ignored():
    make_charter(commitments=[
        {"code": "X-01", "wording": "We acknowledge calls within 30 seconds.", "channel": "phone",
         "standards": [Standard("acknowledge", 30, "seconds")]},
        {"code": "X-02", "wording": "We acknowledge anything within 2 working days.", "channel": "any",
         "standards": [Standard("acknowledge", 2, "working_days", rule="working-days:2")]}])
    assert acknowledgement.acknowledgement_standard("phone").code == "X-02"


def test_a_complaint_stage_standard_is_not_the_standard_for_every_contact():
    make_charter(commitments=[
        {"code": "X-01", "wording": "We acknowledge complaints within 2 working days.", "channel": "any",
         "standards": [Standard("acknowledge", 2, "working_days", rule="working-days:2",
                                subject="complaint-stage-1")]},
        {"code": "X-02", "wording": "We acknowledge anything within 3 working days.", "channel": "any",
         "standards": [Standard("acknowledge", 3, "working_days", rule="working-days:3")]}])
    assert acknowledgement.acknowledgement_standard("email").code == "X-02"


def plan(item) -> tuple:
    acknowledgement.plan_acknowledgement(item)
    code = item.acknowledgement_commitment.code if item.acknowledgement_commitment else None
    return code, item.acknowledgement_rule, item.acknowledgement_due_on


def test_complaint_meets_the_earlier_of_the_charter_and_the_code(charter):
    web = FeedbackItem(kind="complaint", channel="web_form", received_on=date(2026, 3, 6))
    assert plan(web) == ("HAR-03", "calendar-days:1", date(2026, 3, 9))
    phone = FeedbackItem(kind="complaint", channel="phone", received_on=date(2026, 3, 6))
    assert plan(phone) == (None, "lgsco-stage1-ack", date(2026, 3, 13))


def test_housing_complaints_follow_the_housing_ombudsman_code(charter):
    area = ServiceArea(code="x-housing", name="Housing", regime="ho")
    item = FeedbackItem(kind="complaint", channel="letter", received_on=date(2026, 3, 6), service_area=area)
    assert plan(item) == (None, "ho-stage1-ack", date(2026, 3, 13))


def test_other_feedback_without_a_charter_standard_gets_five_working_days():
    item = FeedbackItem(kind="comment", channel="phone", received_on=date(2026, 3, 6))
    assert plan(item) == (None, "working-days:5", date(2026, 3, 13))


# Recording

def record_feedback(*args, **kwargs):
    sent = services.submit_feedback(*args, **kwargs)
    assert not sent.problems, sent.problems
    return sent.item, sent.token


def _stored() -> int:
    return db.session.scalar(select(func.count()).select_from(FeedbackItem))


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"equality": {"age_band": "ninety-nine"}}, "age_band", "Select an answer from the list, or prefer not to say"),
    ({"equality": {"shoe_size": "9"}}, "shoe_size", "This is not one of the equality questions"),
    ({"description": ""}, "description", None),
    ({"kind": "shout"}, "kind", "Select what you would like to do"),
])
def test_the_one_way_in_refuses_a_submission_with_problems_and_records_nothing(db, change, field, message):
    sent = services.submit_feedback(submission(**change), channel="web_form", received_on=date(2026, 3, 6),
                                    by=None)
    assert sent.item is None and sent.token is None
    assert field in [p.field for p in sent.problems]
    if message:
        assert message in [p.message for p in sent.problems]
    assert _stored() == 0


@pytest.mark.parametrize(("received_on", "message"), [
    (date(1899, 12, 31), "The date it was received must be between 1900 and 2100"),
    (date(2101, 1, 1), "The date it was received must be between 1900 and 2100"),
    (date(2026, 3, 7), "The date it was received must be today or in the past"),
])
def test_the_day_received_must_be_on_the_calendar_and_not_in_the_future(db, received_on, message):
    set_today(date(2026, 3, 6))
    sent = services.submit_feedback(submission(), channel="phone", received_on=received_on,
                                    by=make_staff(role=Role.CASE_HANDLER))
    assert [(p.field, p.message) for p in sent.problems] == [("received_on", message)]
    assert _stored() == 0



def test_recording_scores_the_text_once_at_write_time(db):
    from core.sentiment.scoring import VERSION

    item, _token = record_feedback(
        submission(description="Nobody called me back and my bin was missed again."),
        channel="web_form", received_on=date(2026, 3, 6), by=None)
    db.session.refresh(item)
    assert (item.sentiment_label, item.sentiment_version) == ("negative", VERSION)
    assert item.sentiment_polarity < 0
    assert item.themes


def test_recording_signals_and_audits(db):
    from core import events

    seen = []

    def receiver(sent, *, by):
        seen.append((sent, sent.id, by))  # sent before the commit, so the item has no id yet

    events.feedback_recorded.connect(receiver)
    try:
        item, token = record_feedback(submission(), channel="web_form", received_on=date(2026, 3, 6),
                                               by=None)
    finally:
        events.feedback_recorded.disconnect(receiver)
    assert seen == [(item, None, None)]
    assert services.find_by_token(token) == item
    assert token_hash(token) == item.tracking_token_hash
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "feedback_item",
                                                       AuditEvent.target_id == item.id))
    assert audit.action == "feedback.recorded" and audit.summary == "Complaint received through the online form"


def test_staff_recording_starts_the_clock_on_the_day_received(db):
    set_today(date(2026, 3, 12))
    officer = make_staff(role=Role.CASE_HANDLER)
    item, _token = record_feedback(
        submission(contact=ContactDetails(name="Bo", phone="07700 900123", reply_by="phone")), channel="phone",
        received_on=date(2026, 3, 2), by=officer)
    assert item.received_on == date(2026, 3, 2) and item.recorded_by == officer
    assert item.acknowledgement_due_on == date(2026, 3, 9)
    # Phone only: nothing can be written, so the acknowledgement is still to do.
    assert item.acknowledged_at is None and item.status == "received"


def test_late_acknowledgement_is_recorded_as_missed(db):
    set_today(date(2026, 3, 12))
    officer = make_staff(role=Role.CASE_HANDLER)
    item, _token = record_feedback(submission(), channel="phone", received_on=date(2026, 3, 2), by=officer)
    assert item.acknowledged_at is not None and item.acknowledgement_met is False


def test_delivery_prefers_the_chosen_written_way():
    assert acknowledgement.delivery_for(None) is None
    email = acknowledgement.delivery_for(make_resident(reply_by="email", address="1 Road"))
    assert (email.channel, email.format) == ("email", "standard")
    letter = acknowledgement.delivery_for(make_resident(name="Cy", reply_by="letter", address="1 Road",
                                                        postcode="ZZ1 1AB", adjustments=["large_print"]))
    assert (letter.channel, letter.to, letter.format) == ("letter", "Cy\n1 Road\nZZ1 1AB", "large_print")
    phone = acknowledgement.delivery_for(make_resident(reply_by="phone", email="p@example.com"))
    assert phone.channel == "email"
    assert acknowledgement.delivery_for(make_resident(reply_by="phone", email=None)) is None


def test_references_never_repeat(db):
    references = {services.next_reference("complaint", 2026) for _ in range(20)}
    assert len(references) == 20
    assert services.next_reference("service_request", 2026) == "SR-2026-00021"
    assert services.next_reference("compliment", 2027) == "CPL-2027-00001"


# Staff changes

def test_reclassify_is_audited_explained_and_keeps_the_residents_choice(db):
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    item = make_feedback()
    services.reclassify(item, "service_request", reason="First report of a missed bin.", by=officer,
                        version=item.version_id)
    assert (item.kind, item.resident_kind, item.reclassified_reason) == ("service_request", "complaint",
                                                                         "First report of a missed bin.")
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.reclassified"))
    assert audit.before == {"kind": "complaint", "reclassified_reason": None}
    assert audit.actor_id == officer.id
    message = db.session.scalar(select(FeedbackMessage))
    assert "service request" in message.body and "First report" in message.body
    with pytest.raises(services.FeedbackError, match="already a service request"):
        services.reclassify(item, "service_request", reason="again", by=officer)


def test_stale_pages_cannot_overwrite_a_newer_change(db):
    officer = make_staff(role=Role.CASE_HANDLER)
    item = make_feedback()
    old_version = item.version_id
    services.update_status(item, "in_progress", by=officer, version=old_version)
    with pytest.raises(services.StaleVersion):
        services.reclassify(item, "comment", reason="x", by=officer, version=old_version)


def test_retag_records_codes_before_and_after(db, charter):
    officer = make_staff(role=Role.CASE_HANDLER)
    item = make_feedback()
    parking = db.session.scalar(select(ServiceArea).where(ServiceArea.code == "parking"))
    version = item.version_id
    services.retag(item, service_area=parking, commitments=charter.commitments[:2], by=officer, version=version)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.retagged"))
    assert audit.before == {"service_area": None, "commitments": []}
    assert audit.after == {"service_area": "parking", "commitments": ["HAR-01", "HAR-02"]}
    assert item.version_id == version + 1


def test_status_changes(db):
    officer = make_staff(role=Role.CASE_HANDLER)
    item = make_feedback()
    services.update_status(item, "acknowledged", by=officer)
    assert item.acknowledged_at is not None
    services.update_status(item, "closed", by=officer)
    assert item.closed_at is not None
    with pytest.raises(services.FeedbackError, match="Only the resident"):
        services.update_status(item, "withdrawn", by=officer)


def test_staff_message_is_sent_to_the_resident(db):
    officer = make_staff(role=Role.CASE_HANDLER)
    item = make_feedback(resident=make_resident(name="Di", reply_by="email", email="di@example.com"))
    services.send_staff_message(item, "We have booked a visit.", by=officer)
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "di@example.com" and "We have booked a visit." in message.body


# API keys

def test_api_keys_are_kept_only_as_hashes(db):
    admin = make_staff(role=Role.ADMIN)
    key, raw = services.issue_api_key(name="Website", per_minute=60, by=admin)
    assert raw.startswith("chl_") and len(raw) > 40
    assert key.scopes == ["feedback:write", "feedback:read"]
    assert key.key_hash == token_hash(raw) and raw not in {key.prefix, key.key_hash}
    assert services.find_api_key(raw) == key
    assert services.find_api_key("chl_wrong") is None and services.find_api_key(None) is None
    services.revoke_api_key(key, by=admin)
    assert not db.session.get(ApiKey, key.id).active


# Housekeeping

def test_purge_deletes_abandoned_forms_and_unreferenced_files(db, upload_dir, runner):
    upload_dir.mkdir(parents=True)
    for name in ("abandoned", "fresh", "orphan"):
        (upload_dir / name).write_bytes(b"x")
    day_ago = time.time() - 2 * 86400
    os.utime(upload_dir / "orphan", (day_ago, day_ago))
    old = FeedbackDraft(key_hash="a" * 64, answers={}, uploads=[{"stored_name": "abandoned"}],
                        updated_at=now() - timedelta(days=2))
    new = FeedbackDraft(key_hash="b" * 64, answers={}, uploads=[{"stored_name": "fresh"}])
    db.session.add_all([old, new])
    db.session.commit()
    assert purge_abandoned() == (1, 1)
    assert sorted(p.name for p in upload_dir.iterdir()) == ["fresh"]
    assert db.session.scalar(select(func.count()).select_from(FeedbackDraft)) == 1
    result = runner.invoke(args=["feedback", "purge"])
    assert result.exit_code == 0
    assert "Deleted 0 abandoned forms, 0 unused files and 0 expired Idempotency-Keys." in result.output


def test_the_residents_choice_defaults_to_the_kind_recorded(db):
    # Other packages create items without naming the resident's choice.
    item = FeedbackItem(reference="SR-2026-99999", kind="service_request", channel="phone",
                        received_on=date(2026, 3, 2), description="x", service_area=make_service_area())
    db.session.add(item)
    db.session.commit()
    assert item.resident_kind == "service_request"


def test_a_closure_moves_the_acknowledgements_still_to_send_and_says_why(db):
    from core.clocks.closures import add_closure, remove_closure

    set_today(date(2026, 3, 2))
    officer = make_staff(role=Role.ADMIN)
    by_phone = ContactDetails(name="Bo", phone="07700 900123", reply_by="phone")  # nothing to write to: not sent
    waiting, _token = record_feedback(submission(kind="comment", contact=by_phone), channel="phone",
                                      received_on=date(2026, 3, 2), by=officer)
    done, _token = record_feedback(submission(kind="comment", contact=by_phone), channel="phone",
                                   received_on=date(2026, 3, 2), by=officer)
    acknowledgement.mark_acknowledged(done)
    db.session.commit()
    assert waiting.acknowledgement_due_on == date(2026, 3, 9)  # 5 working days

    change = add_closure(day=date(2026, 3, 5), name="Office move", by=officer)
    assert change.moved == 1
    db.session.expire_all()
    assert db.session.get(FeedbackItem, waiting.id).acknowledgement_due_on == date(2026, 3, 10)
    assert db.session.get(FeedbackItem, done.id).acknowledgement_due_on == date(2026, 3, 9)  # already sent
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.acknowledgement_due_moved"))
    assert (audit.target_id, audit.summary) == (waiting.id, "Acknowledgement due date moved from Monday 9 March 2026 "
                                                            "to Tuesday 10 March 2026: closure date added: Thursday "
                                                            "5 March 2026 (Office move)")
    assert remove_closure(change.closure, by=officer).moved == 1
    assert db.session.get(FeedbackItem, waiting.id).acknowledgement_due_on == date(2026, 3, 9)
