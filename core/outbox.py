"""The outbox: messages queued with the change that causes them, delivered once by a configurable backend."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, update

from core import notify
from core.audit import link_when_saved, target_type_of
from core.extensions import db
from core.letter_pdf import address_lines
from core.models import OutboxMessage, OutboxStatus
from core.timesource import now

log = logging.getLogger("charterline.outbox")

#: What replaces text a resident wrote, or that was written to or about them, once it is past retention.
REMOVED = "[removed under the retention policy]"
#: Messages not yet sent: once their record is anonymised they have no one to go to.
_UNSENT = (OutboxStatus.QUEUED.value, OutboxStatus.TO_PRINT.value)

#: First retry after this long; each later retry waits twice as long.
FIRST_RETRY = timedelta(minutes=5)


def queue_message(
    *,
    to: str,
    subject: str,
    body: str,
    channel: str = "email",
    format: str = "standard",
    related: object | None = None,
) -> OutboxMessage:
    """Add a message to the session; it is only sent if the caller's transaction commits.

    A letter waits to be printed, unless the council has GOV.UK Notify post its standard letters.
    """
    by_notify = channel == "letter" and format == "standard" and notify_posts_letters() and notify_can_address(to)
    message = OutboxMessage(
        channel=channel,
        to_address=to,
        subject=subject,
        body=body,
        format=format,
        status=OutboxStatus.QUEUED if channel == "email" or by_notify else OutboxStatus.TO_PRINT,
        post_by_notify=by_notify,
        related_type=target_type_of(related) if related is not None else None,
    )
    if related is None:
        db.session.add(message)
    else:
        link_when_saved(message, "related_id", related)
    return message


class DeliveryError(Exception):
    """The backend could not send a message; it will be retried."""


def _send_log(message: OutboxMessage) -> None:
    log.info("Email to %s: %s\n%s", message.to_address, message.subject, message.body)


def _send_smtp(message: OutboxMessage) -> None:
    cfg = current_app.config
    email = EmailMessage()
    email["From"] = cfg["CHARTERLINE_OUTBOX_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email.set_content(message.body)
    try:
        with smtplib.SMTP(cfg["CHARTERLINE_SMTP_HOST"], cfg["CHARTERLINE_SMTP_PORT"], timeout=30) as smtp:
            if cfg["CHARTERLINE_SMTP_STARTTLS"]:
                smtp.starttls()
            if cfg["CHARTERLINE_SMTP_USER"]:
                smtp.login(cfg["CHARTERLINE_SMTP_USER"], cfg["CHARTERLINE_SMTP_PASSWORD"])
            smtp.send_message(email)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(str(exc)) from exc


BACKENDS: dict[str, Callable[[OutboxMessage], None]] = {"log": _send_log, "smtp": _send_smtp}

#: A claim holds a message this long; one still "sending" after it belonged to a run that stopped part-way.
CLAIM_LEASE = timedelta(minutes=10)
#: GOV.UK Notify takes 3,000 messages a minute from a service; a run (cron starts one a minute) sends no more.
NOTIFY_PER_RUN = 3000
#: Notify keeps a notification's status for 7 days; after that there is nothing to ask for.
NOTIFY_KEEPS = timedelta(days=7)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    #: Why the run stopped before the end of the queue (Notify's rate limit, say); the rest wait for the next run.
    stopped: str = ""
    #: The stop needs an operator (Notify refused the key), not just another run.
    broken: bool = False


def _claim(message_id: int) -> bool:
    """Mark one queued message as sending; only one deliverer can win, so nothing is sent twice."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1, next_attempt_at=now() + CLAIM_LEASE)
    )
    db.session.commit()
    return result.rowcount == 1


def _release_interrupted() -> None:
    """Put back messages whose sending run stopped before it recorded Notify's answer.

    Notify may have taken them, so sending one again first asks Notify for a notification with its reference
    (`core.notify.Notify.send`); a message that has used all its attempts is given up instead.
    """
    stale = and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.notify_id.is_(None),
                 OutboxMessage.next_attempt_at <= now())
    max_attempts = current_app.config["CHARTERLINE_OUTBOX_MAX_ATTEMPTS"]
    db.session.execute(update(OutboxMessage).where(stale, OutboxMessage.attempts >= max_attempts).values(
        status=OutboxStatus.FAILED, last_error="Sending stopped part-way too many times."))
    db.session.execute(update(OutboxMessage).where(stale).values(status=OutboxStatus.QUEUED))
    db.session.commit()


@contextmanager
def _sender(backend: str) -> Iterator[Callable[[OutboxMessage], None]]:
    if backend == "notify":
        with notify.connected() as service:
            yield service.send
    else:
        yield BACKENDS[backend]


def deliver(limit: int | None = None, backend: str | None = None) -> DeliveryReport:
    """Send queued emails (and letters for Notify to post) that are due, retrying failures with backoff."""
    backend = backend or current_app.config["CHARTERLINE_OUTBOX_BACKEND"]
    by_notify = backend == "notify"
    sendable = OutboxMessage.channel == "email"
    if by_notify:
        _release_interrupted()
        limit = min(limit or NOTIFY_PER_RUN, NOTIFY_PER_RUN)
        sendable = or_(sendable, and_(OutboxMessage.channel == "letter", OutboxMessage.post_by_notify.is_(True)))
    due = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.QUEUED,
        sendable,
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now()),
    ).order_by(OutboxMessage.id)
    if limit:
        due = due.limit(limit)
    report = DeliveryReport()
    with _sender(backend) as send:
        for message_id in list(db.session.scalars(due)):
            if not _claim(message_id):
                continue
            message = db.session.get(OutboxMessage, message_id)
            _attempt(send, message, report)
            db.session.commit()
            if report.stopped:
                break
    return report


def _attempt(send: Callable[[OutboxMessage], None], message: OutboxMessage, report: DeliveryReport) -> None:
    """Send one claimed message and record what happened; a reason in `report.stopped` ends the run."""
    try:
        send(message)
    except (notify.RateLimited, notify.Misconfigured) as exc:
        # Not this message's fault: it goes back as it was, for the next run.
        message.status, message.attempts, message.next_attempt_at = OutboxStatus.QUEUED, message.attempts - 1, now()
        message.last_error = str(exc)[:2000]
        report.stopped, report.broken = str(exc), isinstance(exc, notify.Misconfigured)
    except notify.Rejected as exc:
        message.status, message.last_error = OutboxStatus.FAILED, str(exc)[:2000]
        report.failed += 1
    except (DeliveryError, notify.Unavailable) as exc:
        retry_or_give_up(message, str(exc), report)
        if isinstance(exc, notify.Unavailable):
            report.stopped = f"{exc} (the rest wait for the next run)"
    else:
        message.status = OutboxStatus.SENT
        message.sent_at = now()
        message.last_error = None
        report.sent += 1


def retry_or_give_up(message: OutboxMessage, error: str, report: DeliveryReport) -> None:
    """Queue a message again after a wait that doubles each time, or give up once it has had every attempt."""
    message.last_error = error[:2000]
    if message.attempts >= current_app.config["CHARTERLINE_OUTBOX_MAX_ATTEMPTS"]:
        message.status = OutboxStatus.FAILED
        report.failed += 1
    else:
        message.status = OutboxStatus.QUEUED
        message.next_attempt_at = now() + FIRST_RETRY * 2 ** (message.attempts - 1)
        report.retrying += 1


def notify_posts_letters() -> bool:
    return current_app.config["CHARTERLINE_OUTBOX_BACKEND"] == "notify" and current_app.config[
        "CHARTERLINE_NOTIFY_LETTERS"]


def notify_can_address(address: str) -> bool:
    """Notify posts only letters whose address has at least 3 lines (the last a postcode or a country)."""
    return len(address_lines(address)) >= 3


def can_post_by_notify(message: OutboxMessage) -> bool:
    """Notify prints standard letters only: large print, braille and easy read are produced here."""
    return (current_app.config["CHARTERLINE_OUTBOX_BACKEND"] == "notify" and message.channel == "letter"
            and message.format == "standard" and message.status == OutboxStatus.TO_PRINT
            and notify_can_address(message.to_address))


def post_by_notify(message: OutboxMessage) -> None:
    """A letter waiting to be printed goes to GOV.UK Notify instead, with the next delivery run."""
    message.post_by_notify = True
    message.status = OutboxStatus.QUEUED
    message.next_attempt_at = now()


@dataclass
class StatusReport:
    checked: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    stopped: str = ""
    broken: bool = False


def refresh_statuses(limit: int | None = None) -> StatusReport:
    """Ask GOV.UK Notify what became of each message sent but not yet delivered or failed, and record it."""
    pending = select(OutboxMessage.id, OutboxMessage.notify_id).where(
        OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.notify_id.is_not(None),
        OutboxMessage.sent_at >= now() - NOTIFY_KEEPS).order_by(OutboxMessage.id)
    report = StatusReport()
    with notify.connected() as service:
        for message_id, notify_id in db.session.execute(pending.limit(limit or NOTIFY_PER_RUN)).all():
            try:
                status = service.status_of(notify_id)
            except (notify.RateLimited, notify.Misconfigured, notify.Unavailable) as exc:
                report.stopped, report.broken = str(exc), isinstance(exc, notify.Misconfigured)
                break
            except notify.Rejected as exc:
                log.warning("Could not read the status of outbox message %s: %s", message_id, exc)
                continue
            report.checked += 1
            _record_status(message_id, notify_id, status, report)
            db.session.commit()
    return report


def _record_status(message_id: int, notify_id: str, status: str, report: StatusReport) -> None:
    """Move a sent message on by Notify's status; only if it is still the send we asked about (no other run moved
    it), so two status runs at once can never queue a message twice."""
    message = db.session.get(OutboxMessage, message_id)
    changes: dict = {"notify_status": status}
    outcome = ""
    if status in notify.DELIVERED:
        changes |= {"status": notify.DELIVERED[status], "last_error": None}
        outcome = "delivered"
    elif status in notify.FAILED:
        explained = notify.EXPLAINED.get(status, status)
        if status in notify.RETRYABLE and message.attempts < current_app.config["CHARTERLINE_OUTBOX_MAX_ATTEMPTS"]:
            changes |= {"status": OutboxStatus.QUEUED, "notify_id": None, "last_error": explained,
                        "next_attempt_at": now() + FIRST_RETRY * 2 ** (message.attempts - 1)}
            outcome = "retrying"
        else:
            changes |= {"status": OutboxStatus.FAILED, "last_error": explained}
            outcome = "failed"
    result = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.SENT,
        OutboxMessage.notify_id == notify_id).values(**changes))
    if outcome and result.rowcount == 1:
        setattr(report, outcome, getattr(report, outcome) + 1)


def failed_messages_about(*records: object) -> list[OutboxMessage]:
    """Emails and letters about these records that could not be delivered, newest first: staff must know."""
    about = [and_(OutboxMessage.related_type == target_type_of(r), OutboxMessage.related_id == r.id)
             for r in records if r is not None and getattr(r, "id", None) is not None]
    if not about:
        return []
    return list(db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.FAILED, or_(*about)).order_by(OutboxMessage.id.desc())))


def mark_posted(message: OutboxMessage) -> None:
    """A printed letter has gone in the post."""
    message.status = OutboxStatus.POSTED
    message.sent_at = now()


def clear_messages_about(related_type: str, ids) -> dict[int, int]:
    """Remove the address and body of emails and letters about these records; any not yet sent are never sent.

    `ids` is a list of record ids or a select of them. Returns how many messages each record had.
    """
    table = OutboxMessage.__table__
    about = and_(table.c.related_type == related_type, table.c.related_id.in_(ids))
    counts = dict(db.session.execute(
        select(table.c.related_id, func.count()).where(about).group_by(table.c.related_id)).all())
    if counts:
        # A delivery error goes too: a mail server's refusal quotes the address it refused.
        db.session.execute(update(table).where(about).values(
            to_address=REMOVED, body=REMOVED, last_error=case((table.c.last_error.is_(None), None), else_=REMOVED)))
        db.session.execute(update(table).where(about, table.c.status.in_(_UNSENT))
                           .values(status=OutboxStatus.FAILED.value, last_error=f"Not sent: {REMOVED}"))
    return counts
