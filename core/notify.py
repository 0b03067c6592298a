"""GOV.UK Notify as the outbox's backend: send emails and precompiled letters, and read back what became of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO

import requests
from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from core.letter_pdf import render_letter
from core.models import OutboxMessage

#: Notify's statuses that are final, and what each means for the outbox message.
DELIVERED = {"delivered": "delivered", "received": "posted"}  # an email in the inbox; a letter handed to the post
PERMANENT = {"permanent-failure", "validation-failed", "virus-scan-failed", "cancelled"}
RETRYABLE = {"temporary-failure", "technical-failure"}
FAILED = PERMANENT | RETRYABLE

#: What staff are told about a failure, in plain English.
EXPLAINED = {
    "permanent-failure": "GOV.UK Notify could not deliver it and will not try again: the address does not exist or "
                         "does not accept messages. Contact the resident another way.",
    "temporary-failure": "GOV.UK Notify could not deliver it: the resident's inbox was full or their email provider "
                         "was not accepting messages.",
    "technical-failure": "GOV.UK Notify could not send it because of a technical problem at its end.",
    "validation-failed": "GOV.UK Notify could not print it: the letter did not meet its letter specification (the "
                         "address may be incomplete). Correct the address and post it yourself.",
    "virus-scan-failed": "GOV.UK Notify refused the letter's PDF.",
    "cancelled": "The letter was cancelled in GOV.UK Notify before it was printed.",
}


class NotifyError(Exception):
    """Notify did not take the message; subclasses say what to do about it."""


class RateLimited(NotifyError):
    """429: too many requests. Stop the batch; the rest wait for the next run and nothing counts as an attempt."""


class Rejected(NotifyError):
    """4xx: Notify refused this message (a bad address, say) and always will. It is not retried."""


class Unavailable(NotifyError):
    """5xx, a timeout or no connection: Notify may or may not have taken it. Retried, after a look by reference."""


class Misconfigured(NotifyError):
    """401/403: the key or template is wrong. Stop the batch; every message would be refused the same way."""


def reference_for(message: OutboxMessage) -> str:
    """Notify's `reference` for a message: the outbox id, so a sent one can be found again (never personal data)."""
    return str(message.id)


def _error(exc: APIError | requests.RequestException) -> NotifyError:
    if isinstance(exc, requests.RequestException):
        return Unavailable(f"GOV.UK Notify could not be reached: {type(exc).__name__}")
    detail = f"GOV.UK Notify answered {exc.status_code}: {_message_of(exc)}"
    if exc.status_code == 429:
        return RateLimited(detail)
    if exc.status_code in (401, 403):
        return Misconfigured(detail)
    if 400 <= exc.status_code < 500:
        return Rejected(detail)
    return Unavailable(detail)


def _message_of(exc: APIError) -> str:
    message = exc.message
    if isinstance(message, list):
        return "; ".join(str(e.get("message", e)) if isinstance(e, dict) else str(e) for e in message)
    return str(message)


@dataclass
class Notify:
    """One connection to Notify for a run of the outbox: sending, finding by reference and reading statuses."""

    client: NotificationsAPIClient

    def _call(self, call: Callable[[], dict]) -> dict:
        try:
            return call()
        except (APIError, requests.RequestException) as exc:
            raise _error(exc) from exc

    def send(self, message: OutboxMessage) -> None:
        """Send one message, or adopt the notification an earlier, interrupted attempt made; record Notify's id."""
        if message.attempts > 1:
            earlier = self.find_sent(message)
            if earlier is not None:
                message.notify_id, message.notify_status = earlier["id"], earlier["status"]
                return
        if message.channel == "letter":
            pdf = render_letter(address=message.to_address, subject=message.subject, body=message.body,
                                author=current_app.config["COUNCIL_NAME"])
            sent = self._call(lambda: self.client.send_precompiled_letter_notification(
                reference=reference_for(message), pdf_file=BytesIO(pdf)))
            message.notify_status = "pending-virus-check"  # how Notify starts every precompiled letter
        else:
            sent = self._call(lambda: self.client.send_email_notification(
                email_address=message.to_address,
                template_id=current_app.config["CHARTERLINE_NOTIFY_EMAIL_TEMPLATE_ID"],
                personalisation={"subject": message.subject, "body": message.body},
                reference=reference_for(message)))
            message.notify_status = "created"
        message.notify_id = sent["id"]

    def find_sent(self, message: OutboxMessage) -> dict | None:
        """A notification Notify holds for this message that has not failed: an attempt that did go through."""
        kind = "letter" if message.channel == "letter" else "email"
        found = self._call(lambda: self.client.get_all_notifications(reference=reference_for(message),
                                                                     template_type=kind))
        for notification in found.get("notifications", []):
            if notification.get("status") not in FAILED:
                return notification
        return None

    def status_of(self, notify_id: str) -> str:
        return self._call(lambda: self.client.get_notification_by_id(notify_id))["status"]


@contextmanager
def connected() -> Iterator[Notify]:
    """A Notify client for one run, its connections closed at the end."""
    cfg = current_app.config
    client = NotificationsAPIClient(cfg["CHARTERLINE_NOTIFY_API_KEY"], base_url=cfg["CHARTERLINE_NOTIFY_BASE_URL"])
    try:
        yield Notify(client)
    finally:
        client.request_session.close()
