"""The outbox: messages queued with the change that causes them, delivered once by a configurable backend."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, update

from core.audit import link_when_saved, target_type_of
from core.extensions import db
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
    """Add a message to the session; it is only sent if the caller's transaction commits."""
    message = OutboxMessage(
        channel=channel,
        to_address=to,
        subject=subject,
        body=body,
        format=format,
        status=OutboxStatus.QUEUED if channel == "email" else OutboxStatus.TO_PRINT,
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


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def _claim(message_id: int) -> bool:
    """Mark one queued message as sending; only one deliverer can win, so nothing is sent twice."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.QUEUED)
        .values(status=OutboxStatus.SENDING, attempts=OutboxMessage.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(limit: int | None = None, backend: str | None = None) -> DeliveryReport:
    """Send queued emails that are due, retrying failures with exponential backoff."""
    send = BACKENDS[backend or current_app.config["CHARTERLINE_OUTBOX_BACKEND"]]
    max_attempts = current_app.config["CHARTERLINE_OUTBOX_MAX_ATTEMPTS"]
    due = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.QUEUED,
        OutboxMessage.channel == "email",
        or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now()),
    ).order_by(OutboxMessage.id)
    if limit:
        due = due.limit(limit)
    report = DeliveryReport()
    for message_id in list(db.session.scalars(due)):
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            send(message)
        except DeliveryError as exc:
            message.last_error = str(exc)[:2000]
            if message.attempts >= max_attempts:
                message.status = OutboxStatus.FAILED
                report.failed += 1
            else:
                message.status = OutboxStatus.QUEUED
                message.next_attempt_at = now() + FIRST_RETRY * 2 ** (message.attempts - 1)
                report.retrying += 1
        else:
            message.status = OutboxStatus.SENT
            message.sent_at = now()
            message.last_error = None
            report.sent += 1
        db.session.commit()
    return report


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
