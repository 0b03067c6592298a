"""The outbox: queued with the change, delivered once, retried with backoff, letters printed."""

from datetime import timedelta

from core import outbox
from core.extensions import db as _db
from core.models import OutboxMessage, Role
from core.outbox import DeliveryError, deliver, queue_message
from core.timesource import now
from tests.helpers import make_staff, page


def test_a_message_is_only_queued_if_the_change_commits(db):
    queue_message(to="r@example.com", subject="Hello", body="Body")
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) == 0


def test_deliver_sends_each_message_once(db, monkeypatch):
    sent = []
    monkeypatch.setitem(outbox.BACKENDS, "log", lambda m: sent.append(m.id))
    queue_message(to="r@example.com", subject="One", body="Body")
    queue_message(to="s@example.com", subject="Two", body="Body")
    db.session.commit()
    assert deliver().sent == 2
    assert deliver().sent == 0
    assert len(sent) == 2
    assert {m.status for m in db.session.scalars(db.select(OutboxMessage))} == {"sent"}


def test_a_message_claimed_by_another_deliverer_is_not_sent_again(db, monkeypatch):
    sent = []
    monkeypatch.setitem(outbox.BACKENDS, "log", lambda m: sent.append(m.id))
    message = queue_message(to="r@example.com", subject="One", body="Body")
    db.session.commit()
    assert outbox._claim(message.id) is True
    assert outbox._claim(message.id) is False
    assert deliver().sent == 0 and sent == []


def test_failures_are_retried_with_backoff_then_given_up(app, db, monkeypatch):
    def broken(_message):
        raise DeliveryError("connection refused")

    monkeypatch.setitem(outbox.BACKENDS, "log", broken)
    message = queue_message(to="r@example.com", subject="One", body="Body")
    db.session.commit()
    report = deliver()
    assert (report.sent, report.retrying) == (0, 1)
    db.session.refresh(message)
    first_wait = message.next_attempt_at - now()
    assert timedelta(minutes=4) < first_wait <= timedelta(minutes=5)
    assert deliver().retrying == 0  # not due yet
    for _ in range(app.config["CHARTERLINE_OUTBOX_MAX_ATTEMPTS"] - 1):
        message.next_attempt_at = now() - timedelta(seconds=1)
        db.session.commit()
        report = deliver()
    db.session.refresh(message)
    assert message.status == "failed" and report.failed == 1
    assert message.last_error == "connection refused"


def test_letters_wait_to_be_printed(client, login_as, db):
    letter = queue_message(to="1 High Street", subject="Your complaint", body="Dear resident", channel="letter",
                           format="large_print")
    db.session.commit()
    assert deliver().sent == 0
    login_as(Role.CASE_HANDLER)
    soup = page(client.get(f"/outbox/{letter.id}"))
    assert soup.select_one(".app-large-print").get_text(strip=True) == "Dear resident"
    client.post(f"/outbox/{letter.id}/posted")
    db.session.refresh(letter)
    assert letter.status == "posted"


def test_cli_deliver_reports_and_fails_when_giving_up(app, runner, db, monkeypatch):
    monkeypatch.setitem(outbox.BACKENDS, "log", lambda m: None)
    queue_message(to="r@example.com", subject="One", body="Body")
    _db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0
    assert result.output.strip() == "Sent 1, will retry 0, gave up on 0."


def test_smtp_backend_sends_an_email(app, monkeypatch, db):
    captured = {}

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            captured["server"] = (host, port)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, message):
            captured["message"] = message

    monkeypatch.setattr(outbox.smtplib, "SMTP", FakeSMTP)
    queue_message(to="r@example.com", subject="Your reference", body="Thank you")
    db.session.commit()
    assert deliver(backend="smtp").sent == 1
    assert captured["message"]["To"] == "r@example.com"
    assert captured["message"].get_content().strip() == "Thank you"


def test_outbox_page_filters_by_status(client, login_as, db):
    make_staff()
    queue_message(to="r@example.com", subject="An email", body="Body")
    queue_message(to="1 High Street", subject="A letter", body="Body", channel="letter")
    db.session.commit()
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.get("/outbox?status=to_print"))
    assert [a.get_text() for a in soup.select("tbody a")] == ["A letter"]
