"""Acknowledgements: which charter standard applies to a piece of feedback, when it is due on the council's
calendar, moving it when the calendar changes, and sending it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from core.audit import record_audit
from core.charters import published_commitments_of
from core.clocks.closures import calendar_for_app
from core.extensions import db
from core.models import Channel, Commitment, Regime, Resident
from core.outbox import queue_message
from core.standards import about_information_requests, channels_covered
from core.timesource import now, today
from feedback import integrations
from feedback.models import (
    FeedbackItem,
    FeedbackKind,
    FeedbackStatus,
)

#: Without a charter standard for the channel, acknowledge within the complaint codes' 5 working days (6.2).
DEFAULT_ACKNOWLEDGEMENT_RULE = "working-days:5"

def tracking_url(token: str) -> str:
    """The resident's private tracking link."""
    return f"{current_app.config['CHARTERLINE_BASE_URL'].rstrip('/')}/track/{token}"


def _charter_commitments() -> tuple[Commitment, ...]:
    """The commitments of the charter residents see (kept per process: published versions never change)."""
    return published_commitments_of(current_app.config["CHARTERLINE_COUNCIL"])


def acknowledgement_standard(channel: str) -> Commitment | None:
    """The published charter's acknowledgement promise for this way of contacting us, if it makes one."""
    channels = {*(channels_covered(Channel(channel).value) or ()), Channel.ANY.value}
    for commitment in _charter_commitments():
        if (commitment.channel in channels and _rule_of(commitment)
                and not about_information_requests(commitment.wording)):
            return db.session.merge(commitment, load=False)
    return None


def published_commitments(codes: Sequence[str]) -> list[Commitment]:
    """The commitments with these codes in the charter residents see, in charter order."""
    if not codes:
        return []
    wanted = set(codes)
    return [db.session.merge(commitment, load=False) for commitment in _charter_commitments()
            if commitment.code in wanted]


def _rule_of(commitment: Commitment) -> str | None:
    """The day-based rule of a commitment's acknowledgement standard; within N hours counts as calendar days."""
    for standard in commitment.standards:
        if standard.metric != "acknowledge" or standard.subject:  # a complaint stage's own timescale, not contacts'
            continue
        rule = standard.day_rule
        if rule and rule.split(":")[0] in {"working-days", "calendar-days"}:
            return rule
    return None


def code_rule(item: FeedbackItem) -> str:
    """The complaint code's stage 1 acknowledgement: Housing Ombudsman for the council as landlord, else LGSCO."""
    regime = item.service_area.regime if item.service_area else Regime.LGSCO
    return f"{regime}-stage1-ack"


def plan_acknowledgement(item: FeedbackItem) -> None:
    """Set when the acknowledgement is due and which charter promise it is measured against.

    A complaint must meet both the charter's standard and the complaint code, so the earlier date applies.
    """
    standard = acknowledgement_standard(item.channel)
    rules = [_rule_of(standard)] if standard else []
    if item.kind == FeedbackKind.COMPLAINT or not rules:
        rules.append(code_rule(item) if item.kind == FeedbackKind.COMPLAINT else DEFAULT_ACKNOWLEDGEMENT_RULE)
    calendar = calendar_for_app()
    rule, due = min(((rule, integrations.due_date(rule, item.received_on, calendar).due) for rule in rules),
                    key=lambda pair: pair[1])
    item.acknowledgement_commitment = standard
    item.acknowledgement_rule = rule
    item.acknowledgement_due_on = due


def move_acknowledgement_dates(_sender=None, *, reason: str, **_extra) -> int:
    """Work out again, on the council's calendar as it is now, when each acknowledgement still to send is due, in
    the caller's transaction (core announces a closure date added or removed before it commits).

    Returns how many due dates moved; each move is in the item's history with ``reason``.
    """
    calendar = calendar_for_app()
    waiting = (select(FeedbackItem)
               .where(FeedbackItem.acknowledged_at.is_(None), FeedbackItem.acknowledgement_rule.is_not(None),
                      FeedbackItem.anonymised_at.is_(None),
                      FeedbackItem.status.not_in([FeedbackStatus.CLOSED, FeedbackStatus.WITHDRAWN]))
               .order_by(FeedbackItem.id))
    moved = 0
    for item in db.session.scalars(waiting):
        due = integrations.due_date(item.acknowledgement_rule, item.received_on, calendar).due
        if due != item.acknowledgement_due_on:
            record_audit(item, "feedback.acknowledgement_due_moved", by=None,
                         before={"acknowledgement_due_on": item.acknowledgement_due_on},
                         after={"acknowledgement_due_on": due},
                         summary=f"Acknowledgement due date moved from {_long_date(item.acknowledgement_due_on)} "
                                 f"to {_long_date(due)}: {reason}")
            item.acknowledgement_due_on = due
            moved += 1
    return moved


def _long_date(day: date | None) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}" if day else "none"


def explain_acknowledgement(item: FeedbackItem) -> list[str]:
    if not item.acknowledgement_rule:
        return []
    return integrations.due_date(item.acknowledgement_rule, item.received_on).explanation


def mark_acknowledged(item: FeedbackItem) -> None:
    """Record the acknowledgement time against the standard: met if on or before the due date."""
    item.acknowledged_at = now()
    item.acknowledgement_met = today() <= item.acknowledgement_due_on if item.acknowledgement_due_on else None
    if item.status == FeedbackStatus.RECEIVED:
        item.status = FeedbackStatus.ACKNOWLEDGED


@dataclass(frozen=True)
class Delivery:
    channel: str  # "email" or "letter"
    to: str
    format: str


def delivery_for(resident: Resident | None) -> Delivery | None:
    """Where written replies go: the resident's chosen way if it is writing, otherwise any written way we have."""
    if resident is None:
        return None
    letter_to = "\n".join(p for p in (resident.name, resident.address, resident.postcode) if p)
    email = Delivery("email", resident.email, "standard") if resident.email else None
    letter = Delivery("letter", letter_to, resident.letter_format) if resident.address else None
    preferred = letter if resident.reply_by == "letter" else email
    return preferred or email or letter


def render_text(template: str, **context) -> str:
    """A plain-text email or letter body (rendered without the web page context, so it works from commands)."""
    return current_app.jinja_env.get_template(template).render(council_name=current_app.config["COUNCIL_NAME"],
                                                               **context)


def send_acknowledgement(item: FeedbackItem, token: str, *, shown_on_screen: bool) -> None:
    """Queue the acknowledgement in the resident's chosen format; the confirmation page also counts."""
    delivery = delivery_for(item.resident)
    if delivery is not None:
        body = render_text("feedback/acknowledgement.txt", item=item, tracking_url=tracking_url(token))
        queue_message(to=delivery.to, subject=f"We have received your {item.kind_noun}: {item.reference}",
                      body=body, channel=delivery.channel, format=delivery.format, related=item)
    if delivery is not None or shown_on_screen:
        mark_acknowledged(item)
