"""Letters that record a step: drafting each one from the case, and sending it as the officer edited it."""

from __future__ import annotations

from datetime import date

from flask import current_app

from complaints import deadlines, letters
from complaints.models import Complaint, ComplaintLetter, ComplaintState, LetterKind
from complaints.services._common import ComplaintRuleError, _atomic, _audit, _check_version, _snapshot, _text
from complaints.services.clocks import _refresh
from complaints.services.lifecycle import _announce_closed
from complaints.services.policy import require
from complaints.services.restrictions import default_review_date
from complaints.services.steps import _STEPS, _due_after_extension, _validate_extension
from core.extensions import db
from core.models import StaffUser
from core.outbox import queue_message
from core.timesource import now

#: What each letter must still say when sent, and the rule that says so.
_LETTER_RULES = {
    LetterKind.ACKNOWLEDGEMENT: "Complaint Handling Code 6.2",
    LetterKind.EXTENSION: "Complaint Handling Code 6.4 and 6.5",
    LetterKind.REFUSAL: "Complaint Handling Code 2.2",
    LetterKind.STAGE1_RESPONSE: "Complaint Handling Code 6.7 and 6.12",
    LetterKind.STAGE2_RESPONSE: "Complaint Handling Code 6.7 and the Ombudsman's time limit",
    LetterKind.RESTRICTION: "LGSCO guide on managing unreasonable actions",
}


def _context(complaint: Complaint, kind: str, payload: dict, by: StaffUser, on: date) -> dict:
    if kind == LetterKind.RESTRICTION:
        return letters.restriction_context(complaint.feedback.resident, payload, regime=complaint.regime, by=by,
                                           on=on)
    return letters.complaint_context(complaint, kind, payload, by=by, on=on)


@_atomic
def _draft(complaint: Complaint, kind: LetterKind, payload: dict, *, by: StaffUser, on: date,
           version: int | None) -> ComplaintLetter:
    _check_version(complaint, version)
    _STEPS[kind][0](complaint, payload, by, on)
    context = _context(complaint, kind, payload, by, on)
    channel, to_address, fmt = letters.recipient(complaint.feedback.resident)
    letters.discard_drafts(complaint.id, kind)
    letter = ComplaintLetter(
        complaint=complaint, kind=kind.value, stage=complaint.stage, channel=channel, to_address=to_address,
        format=fmt, payload=payload, created_by_id=by.id,
        subject=f"{letters.SUBJECTS[kind]}: {complaint.reference}",
        body=letters.render_body(kind.value, context),
    )
    db.session.add(letter)
    db.session.commit()
    return letter


def prepare_acknowledgement(complaint: Complaint, points: list[str], *, by: StaffUser, on: date,
                            version: int | None = None) -> ComplaintLetter:
    """Draft the acknowledgement that defines the complaint; sending it records the acknowledgement."""
    summaries = [p.strip() for p in points if p and p.strip()]
    return _draft(complaint, LetterKind.ACKNOWLEDGEMENT, {"points": summaries}, by=by, on=on, version=version)


def prepare_extension(complaint: Complaint, *, days: int, reason: str, good_reason: str | None = None,
                      by: StaffUser, on: date, version: int | None = None) -> ComplaintLetter:
    """Draft the letter telling the resident about an extension; sending it records the extension."""
    payload = {"days": days, "reason": _text(reason), "good_reason": _text(good_reason)}
    _check_version(complaint, version)
    _validate_extension(complaint, payload, by, on)
    clock = complaint.clock(complaint.stage, deadlines.RESPOND)
    payload["previous_due_on"] = clock.due_on.isoformat()
    payload["new_due_on"] = _due_after_extension(clock, days, on, payload["reason"], by).isoformat()
    return _draft(complaint, LetterKind.EXTENSION, payload, by=by, on=on, version=version)


def prepare_refusal(complaint: Complaint, *, exclusion: str, reason: str, by: StaffUser, on: date,
                    version: int | None = None) -> ComplaintLetter:
    payload = {"exclusion": exclusion, "reason": _text(reason)}
    return _draft(complaint, LetterKind.REFUSAL, payload, by=by, on=on, version=version)


def prepare_response(complaint: Complaint, *, by: StaffUser, on: date,
                     version: int | None = None) -> ComplaintLetter:
    kind = LetterKind.STAGE1_RESPONSE if complaint.stage == 1 else LetterKind.STAGE2_RESPONSE
    return _draft(complaint, kind, {}, by=by, on=on, version=version)


def prepare_restriction(complaint: Complaint, *, reason: str, restrictions: str, service_area_id: int | None,
                        channels_open: list[str], review_on: date | None, by: StaffUser, on: date,
                        version: int | None = None) -> ComplaintLetter:
    """Draft the decision letter; sending it records the restriction in the register."""
    months = current_app.config["CHARTERLINE_RESTRICTION_REVIEW_MONTHS"]
    payload = {"reason": _text(reason), "restrictions": _text(restrictions), "service_area_id": service_area_id,
               "channels_open": [c for c in channels_open if c],
               "review_on": (review_on or default_review_date(on, months)).isoformat()}
    return _draft(complaint, LetterKind.RESTRICTION, payload, by=by, on=on, version=version)


@_atomic
def send_letter(letter: ComplaintLetter, *, subject: str, body: str, by: StaffUser, on: date,
                version: int | None = None) -> None:
    """Send a draft as edited: check the step is still allowed, record it, queue the letter, keep it verbatim."""
    complaint = letter.complaint
    if letter.status != "draft":
        raise ComplaintRuleError("This letter has already been sent or replaced by a newer draft")
    _check_version(complaint, version)
    subject, body = _text(subject), body.strip()
    if not subject or not body:
        raise ComplaintRuleError("Enter the subject and the letter")
    require(complaint, by, "send_letter")
    kind = LetterKind(letter.kind)
    validate, apply = _STEPS[kind]
    validate(complaint, letter.payload, by, on)
    missing = letters.missing_parts(body, kind, _context(complaint, kind, letter.payload, by, on))
    if missing:
        raise ComplaintRuleError(f"The letter must still include {', '.join(missing)} ({_LETTER_RULES[kind]})")
    before = _snapshot(complaint)
    summary = apply(complaint, letter.payload, by, on, letter)
    _refresh(complaint)
    message = queue_message(to=letter.to_address, subject=subject, body=body + "\n", channel=letter.channel,
                            format=letter.format, related=complaint)
    db.session.flush()
    letter.subject, letter.body, letter.status = subject, body + "\n", "sent"
    letter.sent_by_id, letter.sent_at, letter.outbox_message_id = by.id, now(), message.id
    _audit(complaint, f"complaint.{kind.value}_sent", by, before, summary)
    db.session.commit()
    if before["state"] != ComplaintState.CLOSED and complaint.state == ComplaintState.CLOSED:
        _announce_closed(complaint)
