"""Retention: feedback past its retention period is anonymised in batches, keeping every figure reports count."""

from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import event, func, select

from core.audit import history_for
from core.config import ConfigError, finalise, from_environment
from core.contacts import ContactSource, record_contact
from core.extensions import db
from core.models import AuditEvent, OutboxMessage, Resident, Role
from core.outbox import deliver
from core.sentiment.service import count_stale, export_corrections
from core.timesource import set_today, uk_date
from feedback.models import Attachment, FeedbackItem
from feedback.retention import REMOVED, Cutoffs, anonymise_past_retention, count_past_retention, cutoffs
from feedback.services import add_resident_message, reclassify, send_staff_message, update_status
from feedback.tallies import tagged_by_month, themes_by_commitment
from feedback.uploads import path_of
from surveys import invitations
from surveys.models import Invitation
from surveys.queries import survey_results
from tests.helpers import make_charter, make_feedback, make_resident, make_staff
from tests.surveys.factories import make_response, make_survey

#: A Monday. Compliments and comments received before 2 June 2028 are past retention; cases closed before
#: 2 June 2024 (six years, counting the leap day of 2028, and one more day) are too.
TODAY = date(2030, 6, 3)
LONG_AGO = date(2023, 3, 6)
RECENTLY = date(2029, 9, 3)


@pytest.fixture(autouse=True)
def _today():
    set_today(TODAY)


def at(day: date) -> datetime:
    return datetime.combine(day, time(10))


def run(**options):
    return anonymise_past_retention(cutoffs(), **options)


def closed_request(day: date, status: str = "closed", **overrides) -> FeedbackItem:
    """A service request received and closed (or resolved) on `day`, with the change in its history."""
    set_today(day)
    item = make_feedback(kind="service_request", received_on=day, **overrides)
    update_status(item, status, by=make_staff(role=Role.CASE_HANDLER))
    set_today(TODAY)
    return item


def stored_file(upload_dir, item: FeedbackItem, name: str = "my-tenancy.pdf") -> Attachment:
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = f"{item.id:04d}" + "ab" * 14
    (upload_dir / stored).write_bytes(b"%PDF-1.7 test")
    attachment = Attachment(feedback_id=item.id, original_name=name, stored_name=stored,
                            content_type="application/pdf", size=13)
    db.session.add(attachment)
    db.session.commit()
    return attachment


# The periods

def test_the_default_periods_are_two_years_from_receipt_and_six_from_closure(app):
    assert cutoffs(TODAY) == Cutoffs(received_before=date(2028, 6, 2), finished_before=date(2024, 6, 2))
    # An earlier date narrows the run; a later one never shortens the periods.
    assert cutoffs(TODAY, before=date(2020, 1, 1)) == Cutoffs(date(2020, 1, 1), date(2020, 1, 1))
    assert cutoffs(TODAY, before=date(2026, 1, 1)) == Cutoffs(date(2026, 1, 1), date(2024, 6, 2))
    assert cutoffs(TODAY, before=TODAY) == cutoffs(TODAY)


def test_the_periods_come_from_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_FEEDBACK_RETENTION_DAYS", 30)
    monkeypatch.setitem(app.config, "CHARTERLINE_COMPLAINT_RETENTION_DAYS", 365)
    assert cutoffs(TODAY) == Cutoffs(date(2030, 5, 4), date(2029, 6, 3))
    settings = from_environment({"CHARTERLINE_FEEDBACK_RETENTION_DAYS": "100",
                                 "CHARTERLINE_COMPLAINT_RETENTION_DAYS": "2000"})
    assert settings == {"CHARTERLINE_FEEDBACK_RETENTION_DAYS": 100, "CHARTERLINE_COMPLAINT_RETENTION_DAYS": 2000}


@pytest.mark.parametrize("key, days, message", [
    ("CHARTERLINE_FEEDBACK_RETENTION_DAYS", 0, "must be a number of days from 1 to 36,525."),
    ("CHARTERLINE_FEEDBACK_RETENTION_DAYS", 10_000_000, "must be a number of days from 1 to 36,525."),
    # A closed case stays while the resident can still take it to the Ombudsman.
    ("CHARTERLINE_COMPLAINT_RETENTION_DAYS", 365, "must be a number of days from 366 to 36,525: a resident can go to "
                                                  "the Ombudsman up to 12 months after our final response."),
    ("CHARTERLINE_COMPLAINT_RETENTION_DAYS", 36_526, "must be a number of days from 366 to 36,525: a resident can go "
                                                     "to the Ombudsman up to 12 months after our final response."),
])
def test_a_period_out_of_range_is_refused_at_start(key, days, message):
    with pytest.raises(ConfigError) as refused:
        finalise({"CHARTERLINE_ENV": "testing", "SECRET_KEY": "x", "CHARTERLINE_CALENDAR": "uk",
                  "SQLALCHEMY_DATABASE_URI": "sqlite://", key: days}, None)
    assert str(refused.value) == f"{key} {message}"


@pytest.mark.parametrize("key, days", [("CHARTERLINE_FEEDBACK_RETENTION_DAYS", 1),
                                       ("CHARTERLINE_COMPLAINT_RETENTION_DAYS", 366)])
def test_the_shortest_periods_are_allowed(key, days):
    finalise({"CHARTERLINE_ENV": "testing", "SECRET_KEY": "x", "CHARTERLINE_CALENDAR": "uk",
              "SQLALCHEMY_DATABASE_URI": "sqlite://", key: days}, None)


# Compliments and comments: two years from receipt

def test_compliments_and_comments_past_retention_are_anonymised_and_newer_ones_kept(db):
    old = make_feedback(kind="compliment", received_on=date(2028, 6, 1), outcome_wanted=None,
                        description="Thank you to Jo at 12 Acacia Avenue.")
    edge = make_feedback(kind="comment", received_on=date(2028, 6, 2), description="The library is cold.")
    new = make_feedback(kind="comment", received_on=RECENTLY, description="The park is lovely.")
    report = run()
    assert (report.items, report.residents) == (1, 1)
    db.session.expire_all()
    assert old.anonymised_at is not None and uk_date(old.anonymised_at) == TODAY
    assert (old.description, old.outcome_wanted) == (REMOVED, None)
    assert (old.resident.name, old.resident.email, uk_date(old.resident.anonymised_at)) == (None, None, TODAY)
    for kept in (edge, new):
        assert kept.anonymised_at is None and kept.resident.name and kept.resident.anonymised_at is None
    assert edge.description == "The library is cold."


def test_the_kind_and_everything_counted_stay(db):
    charter = make_charter()
    item = make_feedback(kind="comment", received_on=date(2027, 1, 4), description="Awful, slow and rude service.",
                         outcome_wanted="Call me back", acknowledged_at=at(date(2027, 1, 5)),
                         acknowledgement_met=True, commitments=list(charter.commitments))
    before = {c: getattr(item, c) for c in ("kind", "status", "channel", "service_area_id", "received_on",
                                             "sentiment_label", "sentiment_polarity", "sentiment_version", "themes",
                                             "acknowledgement_met", "resident_kind")}
    assert before["sentiment_label"] is not None
    run()
    db.session.expire_all()
    assert {c: getattr(item, c) for c in before} == before
    assert [c.code for c in item.commitments] == ["T-01", "T-02"]
    assert (item.description, item.outcome_wanted) == (REMOVED, REMOVED)


def test_the_figures_by_commitment_are_the_same_after_anonymisation(db):
    charter = make_charter()
    for n, kind in enumerate(["compliment", "comment", "comment", "complaint"]):
        make_feedback(kind=kind, received_on=date(2027, 2, 1 + n), commitments=list(charter.commitments),
                      description=["Brilliant help, thank you", "Rude and slow", "The bins are late again",
                                   "Nobody answered the phone"][n],
                      acknowledged_at=at(date(2027, 2, 3)), acknowledgement_met=n % 2 == 0,
                      acknowledgement_commitment=charter.commitments[0])
    db.session.commit()

    def figures():
        year = (["T-01", "T-02"], date(2027, 1, 1), date(2027, 12, 31))
        return sorted(tagged_by_month(*year)), themes_by_commitment(*year)

    before = figures()
    assert sum(row[-1] for row in before[0] if row[0] == "T-01") == 4
    assert run().items == 3  # the complaint is still open
    db.session.expire_all()
    assert figures() == before


# Complaints and service requests: six years from closure, never while open

def test_finished_cases_go_six_years_after_their_last_change(db):
    gone = closed_request(date(2024, 5, 31))
    kept = closed_request(date(2024, 6, 3))
    assert run().items == 1
    db.session.expire_all()
    assert gone.anonymised_at is not None and gone.description == REMOVED
    assert kept.anonymised_at is None


def test_anything_done_on_a_case_after_it_closed_restarts_its_period(db):
    item = closed_request(date(2023, 1, 9), status="resolved")
    set_today(date(2025, 2, 3))
    add_resident_message(item, "Can you confirm this is fixed?")  # a resolved case can still be added to
    set_today(TODAY)
    assert run().items == 0
    set_today(date(2031, 2, 4))  # six years (2,192 days) after the message is 4 February 2031
    assert run().items == 0
    set_today(date(2031, 2, 5))
    assert run().items == 1


@pytest.mark.parametrize("status", ["received", "acknowledged", "in_progress"])
def test_open_cases_are_never_anonymised_however_old(db, status):
    for kind in ("complaint", "service_request"):
        make_feedback(kind=kind, status=status, received_on=date(2010, 1, 4))
    assert count_past_retention(cutoffs()) == 0
    assert run().items == 0
    assert db.session.scalar(select(func.count()).where(FeedbackItem.anonymised_at.is_not(None))) == 0


@pytest.mark.parametrize("status", ["resolved", "closed", "withdrawn"])
def test_resolved_closed_and_withdrawn_cases_all_count_as_finished(db, status):
    make_feedback(kind="service_request", status=status, received_on=LONG_AGO)
    assert run().items == 1


def test_a_request_is_kept_while_a_complaint_about_it_is_open(db):
    request = closed_request(LONG_AGO)
    complaint = make_feedback(kind="complaint", status="in_progress", received_on=LONG_AGO,
                              raised_from_id=request.id, resident=request.resident)
    assert run().items == 0
    complaint.status = "closed"
    db.session.commit()
    assert run().items == 2


# Residents

def test_a_resident_with_newer_feedback_keeps_their_details_until_it_goes(db):
    resident = make_resident(name="Pat Shared", phone="01632 960000", address="1 High Street", postcode="HA1 1AA",
                             adjustments=["interpreter", "other"], language="Polish", adjustments_other="Ring first")
    old = make_feedback(kind="compliment", received_on=date(2027, 1, 4), resident=resident)
    newer = make_feedback(kind="comment", received_on=RECENTLY, resident=resident)
    report = run()
    assert (report.items, report.residents, report.residents_kept) == (1, 0, 1)
    assert ("Kept the contact details of 1 resident with newer feedback that is still kept, or with a restriction "
            "on contact in force.") in report.summary()
    db.session.expire_all()
    assert old.anonymised_at is not None and newer.anonymised_at is None
    assert resident.name == "Pat Shared" and resident.anonymised_at is None
    set_today(date(2031, 10, 6))
    report = run()
    assert (report.items, report.residents) == (1, 1)
    db.session.expire_all()
    assert (resident.name, resident.email, resident.phone, resident.address, resident.postcode, resident.language,
            resident.adjustments, resident.adjustments_other) == (None, None, None, None, None, None, [], None)
    assert resident.reply_by == "email"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.target_type == "resident"))
    assert (event.target_id, event.action, event.actor_id) == (resident.id, "resident.anonymised", None)
    assert "Pat" not in str(event.after)


# What is cleared

def test_messages_emails_and_contact_records_about_the_item_are_cleared(db):
    officer = make_staff(role=Role.CASE_HANDLER)
    set_today(LONG_AGO)
    item = make_feedback(kind="service_request", received_on=LONG_AGO, description="Leak at 4 Mill Lane")
    add_resident_message(item, "My phone is 07700 900123")
    send_staff_message(item, "Thanks, we will call 07700 900123", by=officer)
    contact = record_contact(channel="phone", occurred_at=at(LONG_AGO), source=ContactSource.COMPLAINT,
                             email="someone@example.com", phone="07700 900123",
                             related=("feedback_item", item.id))
    unrelated = record_contact(channel="phone", occurred_at=at(LONG_AGO), source=ContactSource.FORM,
                               email="other@example.com")
    db.session.commit()
    update_status(item, "resolved", by=officer)
    set_today(TODAY)
    run()
    db.session.expire_all()
    assert [m.body for m in item.messages] == [REMOVED, REMOVED]
    assert [m.author for m in item.messages] == ["resident", "staff"]
    sent = db.session.scalar(select(OutboxMessage).where(OutboxMessage.related_id == item.id))
    assert (sent.to_address, sent.body, sent.subject.endswith(item.reference)) == (REMOVED, REMOVED, True)
    assert sent.status == "failed"  # it was still queued: there is no one left to send it to
    assert (contact.email, contact.phone, contact.anonymised_at is not None) == (None, None, True)
    assert (unrelated.email, unrelated.anonymised_at) == ("other@example.com", None)


def test_survey_invitation_emails_about_the_item_are_cleared_and_the_survey_figures_kept(db):
    survey = make_survey()
    invitations.create_rule(survey=survey, trigger="complaint_closed", channel=None, service_area=None,
                            delay_hours=0, by=None)
    old, recent = (make_feedback(kind="comment", received_on=day) for day in (LONG_AGO, RECENTLY))
    for item, email in ((old, "old@example.com"), (recent, "recent@example.com")):
        record_contact(channel="phone", occurred_at=at(LONG_AGO), source=ContactSource.COMPLAINT, email=email,
                       external_reference=f"complaint-{item.id}", related=("feedback_item", item.id))
    db.session.commit()
    invitations.send_due_invitations(at=at(LONG_AGO))
    invited = {i.contact.email: i for i in db.session.scalars(select(Invitation))}
    make_response(survey, ["good"], invitation=invited["old@example.com"])
    db.session.commit()
    emails = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(emails) == {"old@example.com", "recent@example.com"}
    before = survey_results(survey)
    assert before.responses == 1
    run()
    db.session.expire_all()
    gone, kept = emails["old@example.com"], emails["recent@example.com"]
    assert (gone.to_address, gone.body, gone.status) == (REMOVED, REMOVED, "failed")
    assert (kept.to_address, kept.status) == ("recent@example.com", "queued") and "/surveys/i/" in kept.body
    assert deliver().sent == 1  # only the invitation about the item still kept
    assert (gone.status, gone.sent_at) == ("failed", None)
    after = survey_results(survey)
    assert (after.responses, after.overall, after.by_channel) == (before.responses, before.overall, before.by_channel)


def test_a_delivery_error_quoting_the_address_is_cleared(db):
    item = make_feedback(kind="comment", received_on=LONG_AGO)
    refused = OutboxMessage(to_address="pat@example.com", subject=f"About {item.reference}", body="Hello Pat",
                            status="failed", attempts=5, related_type="feedback_item", related_id=item.id,
                            last_error="{'pat@example.com': (550, b'5.1.1 <pat@example.com>: mailbox unknown')}")
    sent = OutboxMessage(to_address="pat@example.com", subject=f"About {item.reference}", body="Hello Pat",
                         status="sent", related_type="feedback_item", related_id=item.id)
    db.session.add_all([refused, sent])
    db.session.commit()
    run()
    db.session.expire_all()
    assert (refused.status, refused.last_error) == ("failed", REMOVED)
    assert (sent.status, sent.last_error) == ("sent", None)


def test_files_are_deleted_from_disk_and_their_rows_say_so(db, upload_dir):
    item = make_feedback(kind="comment", received_on=LONG_AGO)
    attachment = stored_file(upload_dir, item)
    newer = make_feedback(kind="comment", received_on=RECENTLY)
    kept = stored_file(upload_dir, newer, "photo.pdf")
    assert path_of(attachment.stored_name).exists()
    report = run()
    assert report.files == 1
    db.session.expire_all()
    assert not path_of(attachment.stored_name).exists()
    assert (attachment.original_name, uk_date(attachment.removed_at), attachment.size) == (REMOVED, TODAY, 13)
    assert path_of(kept.stored_name).exists() and kept.removed_at is None


def test_a_file_already_gone_from_disk_does_not_stop_the_run(db, upload_dir):
    item = make_feedback(kind="comment", received_on=LONG_AGO)
    attachment = stored_file(upload_dir, item)
    path_of(attachment.stored_name).unlink()
    assert run().items == 1
    db.session.expire_all()
    assert attachment.removed_at is not None


def test_each_item_gets_an_audit_event_and_its_history_loses_free_text(db):
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    set_today(LONG_AGO)
    item = make_feedback(kind="complaint", status="received", received_on=LONG_AGO)
    reclassify(item, "comment", reason="Mrs Example only wanted to tell us about her neighbour", by=officer)
    set_today(TODAY)
    run()
    db.session.expire_all()
    events = history_for(item)
    anonymised = events[0]
    assert (anonymised.action, anonymised.actor_id) == ("feedback.anonymised", None)
    assert anonymised.summary == "Personal details removed under the retention policy"
    assert anonymised.after == {"cleared": "what the resident told us, 1 message"}
    reclassified = next(e for e in events if e.action == "feedback.reclassified")
    assert reclassified.summary == f"Reclassified from complaint to comment: {REMOVED}"
    assert reclassified.after == {"kind": "comment", "reclassified_reason": REMOVED}
    assert item.reclassified_reason == REMOVED
    assert "Example" not in str([(e.summary, e.before, e.after) for e in events])


def test_anonymised_text_is_never_rescored_or_offered_as_a_correction(db):
    officer = make_staff(role=Role.COMPLAINTS_OFFICER)
    item = make_feedback(kind="comment", received_on=LONG_AGO, description="Really helpful staff",
                         sentiment_override_label="negative", sentiment_override_by_id=officer.id)
    run()
    item.sentiment_version = "an-older-scorer"
    db.session.commit()
    assert count_stale()["feedback_item"] == 0
    assert list(export_corrections()) == []
    db.session.expire_all()
    assert item.sentiment_version == "an-older-scorer" and item.sentiment_override_label == "negative"


# Running it again, and not running it at all

def test_running_again_changes_nothing_more(db, upload_dir):
    item = make_feedback(kind="comment", received_on=LONG_AGO)
    stored_file(upload_dir, item)
    first = run()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    second = run()
    assert (first.items, first.files, first.residents) == (1, 1, 1)
    assert (second.items, second.files, second.residents) == (0, 0, 0)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_batches_commit_as_they_go(db):
    items = [make_feedback(kind="compliment", received_on=LONG_AGO + timedelta(days=n)) for n in range(5)]
    report = anonymise_past_retention(cutoffs(), batch_size=2)
    assert report.items == 5 and report.residents == 5
    db.session.expire_all()
    assert all(item.anonymised_at is not None for item in items)


def query_plans(statements: list[tuple[str, object]]) -> list[str]:
    """SQLite's plan for each statement, one line per step."""
    lines = []
    with db.engine.connect() as connection:
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "WITH")):
                first = parameters[0] if isinstance(parameters, list) and parameters else parameters
                lines += [row[-1] for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", first)]
    return lines


def run_recording_statements(**options) -> list[tuple[str, object]]:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run(**options)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return statements


@pytest.mark.parametrize("dry_run", [False, True])
def test_each_batch_walks_the_items_in_key_order(db, dry_run):
    """A batch reads the next items by key, and what belongs to them through an index. It never reads every old
    item and sorts them, nor a whole table for each item or batch: either makes a large run's time grow with the
    square of the rows."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads SQLite's query plans")
    for n in range(3):
        make_feedback(kind="compliment", received_on=LONG_AGO + timedelta(days=n))
        closed_request(LONG_AGO + timedelta(days=n))
    plans = query_plans(run_recording_statements(dry_run=dry_run, batch_size=2))
    assert not [line for line in plans if "MULTI-INDEX OR" in line or "TEMP B-TREE FOR ORDER BY" in line]
    # Only the residents are read in full, to count them once at the end of the run.
    assert {line for line in plans if line.startswith("SCAN")} == {"SCAN resident"}


def test_a_dry_run_counts_and_changes_nothing(db, upload_dir):
    shared = make_resident(name="Sam Shared")
    old = make_feedback(kind="comment", received_on=LONG_AGO, resident=shared, description="Bins missed at no 4")
    make_feedback(kind="comment", received_on=RECENTLY, resident=shared)
    alone = make_feedback(kind="compliment", received_on=LONG_AGO)
    attachment = stored_file(upload_dir, old)
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    report = run(dry_run=True)
    assert (report.dry_run, report.items, report.files, report.residents, report.residents_kept) == (True, 2, 1, 1, 1)
    assert report.summary()[0] == ("Would anonymise 2 feedback items and 0 complaints, remove 1 file and clear the "
                                   "contact details of 1 resident.")
    assert report.summary()[-1] == "This was a dry run: nothing has been changed."
    db.session.expire_all()
    assert (old.anonymised_at, alone.anonymised_at, old.description) == (None, None, "Bins missed at no 4")
    assert db.session.scalar(select(func.count()).where(Resident.anonymised_at.is_not(None))) == 0
    assert path_of(attachment.stored_name).exists() and attachment.removed_at is None
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
    # What the dry run promised is what a real run does.
    real = run()
    assert (real.items, real.files, real.residents, real.residents_kept) == (2, 1, 1, 1)


def test_an_item_changed_after_it_was_chosen_is_left_alone(db, monkeypatch):
    """A case that moves (a resident adds to it) between being chosen and being claimed is not anonymised."""
    from feedback import retention

    item = closed_request(LONG_AGO, status="resolved")
    original = retention._anonymise_batch

    def busy_resident(ids, limits, moment):
        set_today(date(2029, 1, 8))
        add_resident_message(db.session.get(FeedbackItem, item.id), "Still waiting")
        set_today(TODAY)
        return original(ids, limits, moment)

    monkeypatch.setattr(retention, "_anonymise_batch", busy_resident)
    assert run().items == 0
    db.session.expire_all()
    assert item.anonymised_at is None and item.messages[0].body == "Still waiting"


def test_summary_says_what_was_done_and_what_was_kept(db):
    make_feedback(kind="compliment", received_on=LONG_AGO)
    make_feedback(kind="comment", received_on=LONG_AGO)
    lines = run().summary()
    assert lines[0] == ("Anonymised 2 feedback items and 0 complaints, removed 0 files and cleared the contact "
                        "details of 2 residents.")
    assert lines[1] == "By type: 1 compliment, 1 comment."
    assert lines[2].startswith("Compliments and comments received before 2 June 2028; complaints and service "
                               "requests closed before 2 June 2024")
    assert lines[-1].startswith("Kept figures: type, service, charter commitments, channel, dates, status")
