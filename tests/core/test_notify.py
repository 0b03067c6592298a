"""GOV.UK Notify as the outbox backend, against a local stand-in for the Notify API."""

import base64
from datetime import timedelta

import pytest

from app import create_app
from core.letter_pdf import address_lines
from core.models import OutboxMessage, OutboxStatus, Role
from core.outbox import StatusReport, _record_status, deliver, queue_message, refresh_statuses
from core.timesource import now
from tests.core.notify_stand_in import API_KEY, TEMPLATE_ID, NotifyStandIn
from tests.helpers import make_complaint, make_feedback, page

OTHER_KEY = "charterline_test-26785a09-ab16-4eb0-8407-a37497a57506-00000000-0000-4000-8000-000000000000"


@pytest.fixture
def notify(app, monkeypatch):
    stand_in = NotifyStandIn().start()
    for key, value in {"CHARTERLINE_OUTBOX_BACKEND": "notify", "CHARTERLINE_NOTIFY_API_KEY": API_KEY,
                       "CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATE_ID,
                       "CHARTERLINE_NOTIFY_BASE_URL": stand_in.base_url}.items():
        monkeypatch.setitem(app.config, key, value)
    yield stand_in
    stand_in.stop()


def _email(db, subject="Your reference", related=None) -> OutboxMessage:
    message = queue_message(to="resident@example.com", subject=subject, body="Thank you.\n\nExample Council",
                            related=related)
    db.session.commit()
    return message


def _due_now(db, message: OutboxMessage) -> None:
    db.session.refresh(message)
    message.next_attempt_at = now() - timedelta(seconds=1)
    db.session.commit()


def test_an_email_is_sent_once_through_the_template_with_its_subject_and_body(notify, db):
    message = _email(db)
    report = deliver()
    assert (report.sent, report.retrying, report.failed, report.stopped) == (1, 0, 0, "")
    assert notify.sent_to("email") == [{
        "email_address": "resident@example.com", "template_id": TEMPLATE_ID,
        "personalisation": {"subject": "Your reference", "body": "Thank you.\n\nExample Council"},
        "reference": str(message.id),
    }]
    db.session.refresh(message)
    assert message.status == "sent" and message.notify_id == notify.accepted[0]["id"]
    assert deliver().sent == 0
    assert len(notify.accepted) == 1


def test_requests_are_signed_with_the_keys_secret(notify, app, db, monkeypatch, runner):
    monkeypatch.setitem(app.config, "CHARTERLINE_NOTIFY_API_KEY", OTHER_KEY)
    message = _email(db)
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 1
    assert "Stopped early: GOV.UK Notify answered 403: Invalid token" in result.output
    assert notify.accepted == []
    db.session.refresh(message)
    # The key is wrong, not the message: it waits, with no attempt used.
    assert (message.status, message.attempts) == ("queued", 0)


def test_a_429_stops_the_batch_and_a_later_run_sends_the_rest(notify, db, runner):
    first, second, third = (_email(db, subject=s) for s in ("One", "Two", "Three"))
    notify.answer_next((201, ""), (429, "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"))
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0
    assert "Sent 1, will retry 0, gave up on 0." in result.output
    assert "Stopped early: GOV.UK Notify answered 429" in result.output
    for message in (second, third):
        db.session.refresh(message)
        assert (message.status, message.attempts) == ("queued", 0)
    assert deliver().sent == 2
    assert [m["reference"] for m in notify.sent_to("email")] == [str(first.id), str(second.id), str(third.id)]


def test_a_reply_lost_after_notify_took_the_email_does_not_send_it_twice(notify, db):
    message = _email(db)
    notify.answer_next((500, "Internal server error", True))
    report = deliver()
    assert (report.sent, report.retrying) == (0, 1)
    _due_now(db, message)
    assert deliver().sent == 1
    db.session.refresh(message)
    assert len(notify.accepted) == 1
    assert message.notify_id == notify.accepted[0]["id"] and message.status == "sent"


def test_a_run_that_stopped_while_sending_is_checked_by_reference(notify, db):
    took, lost = _email(db, subject="Taken"), _email(db, subject="Lost")
    notify.answer_next((201, ""))
    assert deliver(limit=1).sent == 1
    # As if a run had claimed both and stopped before recording Notify's answers.
    for message in (took, lost):
        db.session.refresh(message)
        message.status, message.notify_id, message.next_attempt_at = "sending", None, now() - timedelta(minutes=1)
    db.session.commit()
    assert deliver().sent == 2
    assert [m["reference"] for m in notify.sent_to("email")] == [str(took.id), str(lost.id)]


def test_a_sending_claim_still_held_by_a_run_is_left_alone(notify, db):
    message = _email(db)
    message.status, message.next_attempt_at = "sending", now() + timedelta(minutes=5)
    db.session.commit()
    assert deliver().sent == 0 and notify.accepted == []


def test_an_email_notify_refuses_is_failed_at_once(notify, db):
    message = _email(db)
    notify.answer_next((400, "email_address Not a valid email address"))
    assert deliver().failed == 1
    db.session.refresh(message)
    assert message.status == "failed"
    assert message.last_error == "GOV.UK Notify answered 400: email_address Not a valid email address"
    assert deliver().sent == 0


def test_statuses_older_than_notify_keeps_are_not_asked_for(notify, db):
    message = _email(db)
    deliver()
    db.session.refresh(message)
    message.sent_at = now() - timedelta(days=8)
    db.session.commit()
    assert refresh_statuses().checked == 0


def test_delivery_is_read_back(notify, db, runner):
    message = _email(db)
    deliver()
    notify.set_status(notify.accepted[0]["id"], "sending")
    assert refresh_statuses().checked == 1
    db.session.refresh(message)
    assert (message.status, message.notify_status) == ("sent", "sending")
    notify.set_status(notify.accepted[0]["id"], "delivered")
    result = runner.invoke(args=["outbox", "status"])
    assert result.output.strip() == "Checked 1: 1 delivered, 0 to send again, 0 failed."
    db.session.refresh(message)
    assert (message.status, message.notify_status) == ("delivered", "delivered")
    assert refresh_statuses().checked == 0


def test_status_has_nothing_to_check_without_notify(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_OUTBOX_BACKEND", "smtp")
    result = runner.invoke(args=["outbox", "status"])
    assert result.exit_code == 0
    assert result.output.strip().startswith("Nothing to check: delivery statuses come from GOV.UK Notify")


def test_a_permanent_failure_is_final_and_shown_on_the_outbox_and_the_item(notify, db, client, login_as):
    item = make_feedback()
    message = _email(db, subject=f"We have received your complaint: {item.reference}", related=item)
    deliver()
    notify.set_status(notify.accepted[0]["id"], "permanent-failure")
    report = refresh_statuses()
    assert (report.checked, report.failed, report.retrying) == (1, 1, 0)
    assert deliver().sent == 0 and refresh_statuses().checked == 0
    assert len(notify.accepted) == 1

    login_as(Role.CASE_HANDLER)
    row = page(client.get("/outbox")).select_one("tbody tr")
    assert "Failed" in row.get_text() and "GOV.UK Notify: permanent failure" in row.get_text()
    shown = page(client.get(f"/outbox/{message.id}")).select_one(".app-delivery-failed").get_text(" ", strip=True)
    assert shown.startswith("Not delivered. GOV.UK Notify could not deliver it and will not try again")
    warning = page(client.get(f"/staff/feedback/{item.reference}")).select_one(".app-undelivered")
    assert "An email to the resident could not be delivered" in warning.get_text(" ", strip=True)
    assert warning.select_one("a")["href"] == f"/outbox/{message.id}"


def test_a_permanent_failure_is_shown_on_the_complaint(notify, db, client, login_as):
    complaint = make_complaint()
    message = _email(db, subject=f"Your complaint {complaint.reference}", related=complaint)
    deliver()
    notify.set_status(notify.accepted[0]["id"], "permanent-failure")
    refresh_statuses()
    login_as(Role.COMPLAINTS_OFFICER)
    warning = page(client.get(f"/complaints/{complaint.id}")).select_one(".app-undelivered")
    assert message.subject in warning.get_text()


def test_no_warning_while_messages_are_delivered(notify, db, client, login_as):
    item = make_feedback()
    _email(db, related=item)
    deliver()
    login_as(Role.CASE_HANDLER)
    assert page(client.get(f"/staff/feedback/{item.reference}")).select_one(".app-undelivered") is None


def test_a_temporary_failure_is_sent_again_up_to_the_limit(notify, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_OUTBOX_MAX_ATTEMPTS", 3)
    message = _email(db)
    outcomes = []
    for _attempt in range(3):
        assert deliver().sent == 1
        notify.set_status(notify.accepted[-1]["id"], "temporary-failure")
        report = refresh_statuses()
        outcomes.append((report.retrying, report.failed))
        db.session.refresh(message)
        if message.status == "queued":
            first_wait = message.next_attempt_at - now()
            assert first_wait > timedelta(minutes=4)
            _due_now(db, message)
    assert outcomes == [(1, 0), (1, 0), (0, 1)]
    assert len(notify.sent_to("email")) == 3
    db.session.refresh(message)
    assert message.status == "failed" and message.notify_status == "temporary-failure"
    assert deliver().sent == 0


def test_notify_errors_are_retried_with_backoff_then_given_up(notify, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_OUTBOX_MAX_ATTEMPTS", 2)
    message = _email(db)
    notify.answer_next((503, "Service unavailable"), (500, "Internal server error"))
    report = deliver()
    assert report.retrying == 1 and "the rest wait for the next run" in report.stopped
    _due_now(db, message)
    assert deliver().failed == 1
    db.session.refresh(message)
    assert message.status == "failed" and notify.accepted == []


def test_a_status_read_by_a_slower_run_does_not_queue_a_message_again(notify, db):
    message = _email(db)
    deliver()
    first_id = notify.accepted[0]["id"]
    db.session.refresh(message)
    message.notify_id = "another-send"  # another run has already moved it on
    db.session.commit()
    report = StatusReport()
    _record_status(message.id, first_id, "temporary-failure", report)
    db.session.commit()
    db.session.refresh(message)
    assert (message.status, message.notify_id, report.retrying) == ("sent", "another-send", 0)


def _letter(db, **overrides) -> OutboxMessage:
    fields = {"to": "Ms A Resident\n1 High Street\nHarrow\nHA1 1AA", "subject": "Your complaint",
              "body": "Dear Ms Resident\n\nWe have received your complaint.", "channel": "letter", **overrides}
    letter = queue_message(**fields)
    db.session.commit()
    return letter


def test_letters_wait_to_be_printed_unless_marked_for_notify(notify, db):
    letter = _letter(db)
    assert letter.status == "to_print" and deliver().sent == 0
    assert notify.accepted == []


def test_a_letter_marked_for_notify_is_sent_as_a_precompiled_pdf(notify, db, client, login_as):
    letter = _letter(db)
    login_as(Role.CASE_HANDLER)
    button = page(client.get(f"/outbox/{letter.id}")).find("button", string="Send to GOV.UK Notify to print and post")
    assert button["formaction"] == f"/outbox/{letter.id}/notify"
    assert client.post(f"/outbox/{letter.id}/notify").status_code == 302
    assert deliver().sent == 1
    [sent] = notify.sent_to("letter")
    assert sent["reference"] == str(letter.id)
    pdf = base64.b64decode(sent["content"])
    assert pdf.startswith(b"%PDF-")
    assert b"/MediaBox [ 0 0 595.2756 841.8898 ]" in pdf  # A4
    assert b"/FontFile2" in pdf  # the font is embedded: Notify prints only what is in the file
    assert b"/ToUnicode" in pdf  # real text, which can be searched and read aloud
    assert b"(Your complaint)" in pdf  # the document's title
    assert deliver().sent == 0
    notify.set_status(notify.accepted[0]["id"], "received")
    assert refresh_statuses().delivered == 1
    db.session.refresh(letter)
    assert letter.status == "posted"


def test_councils_can_have_notify_post_every_standard_letter(notify, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_NOTIFY_LETTERS", True)
    standard, large_print = _letter(db), _letter(db, format="large_print")
    assert (standard.status, standard.post_by_notify) == ("queued", True)
    assert (large_print.status, large_print.post_by_notify) == ("to_print", False)  # produced here
    assert deliver().sent == 1
    assert [m["reference"] for m in notify.sent_to("letter")] == [str(standard.id)]


@pytest.mark.parametrize("overrides", [{"format": "large_print"}, {"to": "Ms A Resident\nHA1 1AA"}])
def test_a_large_print_or_badly_addressed_letter_cannot_go_to_notify(notify, db, client, login_as, overrides):
    letter = _letter(db, **overrides)
    login_as(Role.CASE_HANDLER)
    assert page(client.get(f"/outbox/{letter.id}")).find("button", string="Send to GOV.UK Notify to print and "
                                                                              "post") is None
    assert client.post(f"/outbox/{letter.id}/notify").status_code == 400
    db.session.refresh(letter)
    assert letter.status == OutboxStatus.TO_PRINT


# Configuration

def _start(capsys, **settings):
    with pytest.raises(SystemExit) as exc:
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "CHARTERLINE_OUTBOX_BACKEND": "notify", **settings})
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


@pytest.mark.parametrize("key", [
    "not-a-key",
    "3d844edf-8d35-48ac-975b-e847b4f122b0",
    f"{API_KEY}x",
    "charterline test-26785a09-ab16-4eb0-8407-a37497a57506-3d844edf-8d35-48ac-975b-e847b4f122b0",
])
def test_a_notify_key_in_the_wrong_format_stops_charterline_starting(capsys, key):
    err = _start(capsys, CHARTERLINE_NOTIFY_API_KEY=key, CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID=TEMPLATE_ID)
    assert err.startswith("Charterline cannot start: CHARTERLINE_NOTIFY_API_KEY is not a GOV.UK Notify API key")
    assert key not in err  # a secret is never printed


def test_a_missing_notify_key_or_template_stops_charterline_starting(capsys):
    err = _start(capsys, CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID=TEMPLATE_ID)
    assert err.strip() == ("Charterline cannot start: CHARTERLINE_NOTIFY_API_KEY is not set: sending through "
                           "GOV.UK Notify needs an API key.")
    err = _start(capsys, CHARTERLINE_NOTIFY_API_KEY=API_KEY)
    assert err.startswith("Charterline cannot start: CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID is not set")
    err = _start(capsys, CHARTERLINE_NOTIFY_API_KEY=API_KEY, CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID="welcome-email")
    assert err.startswith("Charterline cannot start: CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID must be the ID of your "
                          "Notify email template")


def test_an_unknown_outbox_backend_stops_charterline_starting(capsys):
    err = _start(capsys, CHARTERLINE_OUTBOX_BACKEND="sendgrid")
    assert err.strip() == "Charterline cannot start: CHARTERLINE_OUTBOX_BACKEND must be one of log, smtp, notify."


def test_a_well_formed_key_and_template_start(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                      "CHARTERLINE_OUTBOX_BACKEND": "notify", "CHARTERLINE_NOTIFY_API_KEY": f" {API_KEY}\n",
                      "CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID": TEMPLATE_ID.upper()})
    assert app.config["CHARTERLINE_NOTIFY_API_KEY"] == API_KEY


def test_a_long_address_is_kept_to_notifys_seven_lines_with_the_postcode_last():
    lines = address_lines("\n".join(["Flat 1", "The House", "2 Road", "Area", "District", "Town", "County",
                                     "  ", "AB1 2CD"]))
    assert lines == ["Flat 1", "The House", "2 Road", "Area", "District", "Town, County", "AB1 2CD"]
