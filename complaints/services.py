"""The complaints procedure's rules and writes: each change validated, audited, committed, and its letter queued."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from complaints import deadlines, letters
from complaints.models import (
    OPEN_STATES,
    Complaint,
    ComplaintClock,
    ComplaintExtension,
    ComplaintLetter,
    ComplaintPause,
    ComplaintPoint,
    ComplaintResponse,
    ComplaintState,
    Exclusion,
    Finding,
    LearningAction,
    LearningStatus,
    LetterKind,
    OmbudsmanReferral,
    Outcome,
    ReferralDecision,
    Remedy,
    RemedyKind,
    Reminder,
    Restriction,
    running,
)
from core.audit import record_audit
from core.clocks.rules import Extension, LedgerEntry, Pause
from core.errors import RuleError
from core.events import (
    calendar_changed,
    complaint_closed,
    complaint_escalated,
    complaint_withdrawn,
    feedback_reclassified,
    feedback_recorded,
    feedback_withdrawn,
)
from core.extensions import db
from core.models import Commitment, Regime, Role, StaffUser
from core.outbox import queue_message
from core.timesource import now, today
from feedback.models import FeedbackItem, FeedbackKind, FeedbackStatus

SAME_HANDLER = ("The stage 2 response must be written by someone other than the stage 1 handler "
                "(Complaint Handling Code 6.13)")
TWO_STAGES = ("A complaint has exactly two stages: the stage 2 response is the final response, and after it the "
              "resident can go to the Ombudsman (Complaint Handling Code 5.2)")
STALE = ("Someone else changed this case while you were working on it, so your change has not been saved. "
         "Check the case as it is now and try again.")
DEFINE_POINTS = ("Define the complaint: list at least one point to be answered "
                 "(Complaint Handling Code 6.2: acknowledged, defined and logged)")
EVERY_POINT = "Give a decision and reasons for every point of the complaint (Complaint Handling Code 6.7)"
WHO_AND_WHEN = "Say who will do it and by when (Complaint Handling Code 7: what will happen and by when)"

#: States after which nothing more happens at the current stage.
FINISHED = (ComplaintState.CLOSED, ComplaintState.REFUSED, ComplaintState.WITHDRAWN)

#: What each letter must still say when sent, and the rule that says so.
_LETTER_RULES = {
    LetterKind.ACKNOWLEDGEMENT: "Complaint Handling Code 6.2",
    LetterKind.EXTENSION: "Complaint Handling Code 6.4 and 6.5",
    LetterKind.REFUSAL: "Complaint Handling Code 2.2",
    LetterKind.STAGE1_RESPONSE: "Complaint Handling Code 6.7 and 6.12",
    LetterKind.STAGE2_RESPONSE: "Complaint Handling Code 6.7 and the Ombudsman's time limit",
    LetterKind.RESTRICTION: "LGSCO guide on managing unreasonable actions",
}


P = ParamSpec("P")
R = TypeVar("R")


class ComplaintRuleError(RuleError):
    """A change the procedure does not allow; the message names the rule."""


class StaleCaseError(ComplaintRuleError):
    """Someone else saved the record first (optimistic locking)."""


# --- Who may do what ----------------------------------------------------------------------------------------


def is_officer(user: StaffUser) -> bool:
    return user.has_role(Role.COMPLAINTS_OFFICER)


def can_work_on(complaint: Complaint, user: StaffUser) -> bool:
    """The complaints officer, or the handler of the current stage."""
    return is_officer(user) or (user.role == Role.CASE_HANDLER and complaint.handler_id == user.id)


def _check_version(record: object, version: int | None) -> None:
    if version is not None and record.version_id != version:
        raise StaleCaseError(STALE)


def _atomic(change: Callable[P, R]) -> Callable[P, R]:
    """A write that lost a race with another officer's (any flush can find the row's version moved on) is rolled
    back and refused with a clear message, never applied over theirs."""

    @wraps(change)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return change(*args, **kwargs)
        except StaleDataError as exc:
            db.session.rollback()
            raise StaleCaseError(STALE) from exc

    return guarded


def _snapshot(complaint: Complaint) -> dict:
    return {"stage": complaint.stage, "state": complaint.state, "handler_id": complaint.handler_id,
            "due_on": complaint.due_on}


def _audit(complaint: Complaint, action: str, by: StaffUser | None, before: dict, summary: str) -> None:
    record_audit(complaint, action, by=by, before=before, after=_snapshot(complaint), summary=summary)


def _text(value: str | None) -> str:
    return (value or "").strip()


# --- Clocks -------------------------------------------------------------------------------------------------


def _ledger(clock: ComplaintClock) -> list[LedgerEntry]:
    """The clock's stored pauses and extensions as the clock engine's ledger."""
    return [*(Extension(e.agreed_on, e.days, e.good_reason or e.reason, _agreed_by(e)) for e in clock.extensions),
            *(Pause(p.first_day, p.last_day, p.reason) for p in clock.pauses)]


def _agreed_by(extension: ComplaintExtension) -> str:
    person = extension.approved_by or extension.recorded_by
    return person.name if person else "the council"


def explain(clock: ComplaintClock) -> list[str]:
    """How the clock's due date was worked out, one sentence per line."""
    return deadlines.stage_due(clock.complaint.regime, clock.stage, clock.kind, clock.started_on, _ledger(clock))[1]


def _recompute(clock: ComplaintClock) -> None:
    clock.due_on, _ = deadlines.stage_due(clock.complaint.regime, clock.stage, clock.kind, clock.started_on,
                                          _ledger(clock))


def _start_clock(complaint: Complaint, kind: str, start: date) -> ComplaintClock:
    clock = ComplaintClock(stage=complaint.stage, kind=kind, started_on=start,
                           rule=deadlines.rule_name(complaint.regime, complaint.stage, kind))
    complaint.clocks.append(clock)
    _recompute(clock)
    return clock


def running_clock(complaint: Complaint) -> ComplaintClock | None:
    """The clock that runs now: acknowledge while received, respond while acknowledged."""
    if complaint.state == ComplaintState.RECEIVED:
        return complaint.clock(complaint.stage, deadlines.ACKNOWLEDGE)
    if complaint.state == ComplaintState.ACKNOWLEDGED:
        return complaint.clock(complaint.stage, deadlines.RESPOND)
    return None


def _refresh(complaint: Complaint) -> None:
    """Keep the dashboard's columns in step with the case: open, due date and current handler."""
    complaint.is_open = complaint.state in OPEN_STATES
    clock = running_clock(complaint)
    complaint.due_on = clock.due_on if clock else None
    complaint.handler_id = complaint.stage1_handler_id if complaint.stage == 1 else complaint.stage2_handler_id


def _end_pause(clock: ComplaintClock | None, on: date) -> None:
    if clock is not None and clock.open_pause is not None:
        clock.open_pause.last_day = max(on, clock.open_pause.first_day)
        _recompute(clock)


def _set_item_status(item: FeedbackItem, status: FeedbackStatus) -> None:
    item.status = status.value
    if status == FeedbackStatus.ACKNOWLEDGED and item.acknowledged_at is None:
        item.acknowledged_at = now()
    if status == FeedbackStatus.CLOSED:
        item.closed_at = now()
    if status == FeedbackStatus.WITHDRAWN:
        item.withdrawn_at = now()


# --- Opening and assigning ----------------------------------------------------------------------------------


@_atomic
def open_complaint(item: FeedbackItem, *, by: StaffUser | None = None) -> Complaint:
    """Put a complaint under the procedure at stage 1 and commit; returns its case (the existing one if any)."""
    existing = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    if existing is not None:
        return existing
    complaint = _start_procedure(item, by=by)
    db.session.commit()
    return complaint


def _start_procedure(item: FeedbackItem, *, by: StaffUser | None) -> Complaint:
    """Add a new case at stage 1 to the caller's transaction; its acknowledgement clock starts on the day received.

    A restriction on the resident's contact never stops this (LGSCO guide on unreasonable actions).
    """
    if item.kind != FeedbackKind.COMPLAINT:
        raise ComplaintRuleError("Only feedback recorded as a complaint goes through the complaints procedure "
                                 "(Complaint Handling Code 1.2)")
    # The regime follows the service area: the Housing Ombudsman's Code for the council as landlord.
    regime = Regime.HO if item.service_area is not None and item.service_area.regime == Regime.HO else Regime.LGSCO
    complaint = Complaint(feedback=item, regime=regime.value, stage=1, state=ComplaintState.RECEIVED)
    db.session.add(complaint)
    _start_clock(complaint, deadlines.ACKNOWLEDGE, item.received_on)
    _refresh(complaint)
    _audit(complaint, "complaint.opened", by, {}, f"Complaint opened at stage 1 under the {regime.label}'s Code")
    return complaint


@_atomic
def assign_handler(complaint: Complaint, stage: int, handler: StaffUser, *, by: StaffUser,
                   version: int | None = None) -> None:
    _check_version(complaint, version)
    if not is_officer(by):
        raise ComplaintRuleError("Only a complaints officer can assign or reassign handlers "
                                 "(Complaint Handling Code 4.1)")
    if complaint.state in FINISHED and complaint.stage == stage:
        raise ComplaintRuleError("This case has finished: handlers can only be assigned while it is open")
    if stage == 2 and complaint.stage != 2:
        raise ComplaintRuleError("A stage 2 handler is assigned once the resident asks for a stage 2 review "
                                 "(Complaint Handling Code 6.11)")
    if not handler.active or not handler.has_role(Role.CASE_HANDLER, Role.COMPLAINTS_OFFICER):
        raise ComplaintRuleError("Choose an active case handler or complaints officer")
    other = complaint.stage1_handler_id if stage == 2 else complaint.stage2_handler_id
    if other == handler.id:
        raise ComplaintRuleError(SAME_HANDLER)
    before = _snapshot(complaint)
    setattr(complaint, f"stage{stage}_handler_id", handler.id)
    _refresh(complaint)
    _audit(complaint, "complaint.handler_assigned", by, before, f"Stage {stage} handler: {handler.name}")
    db.session.commit()


# --- Letters that record a step when they are sent ----------------------------------------------------------


def _require_state(complaint: Complaint, state: ComplaintState, message: str) -> None:
    if complaint.state != state:
        raise ComplaintRuleError(message)


def _validate_acknowledgement(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    _require_state(complaint, ComplaintState.RECEIVED,
                   f"Stage {complaint.stage} of this complaint is not waiting to be acknowledged")
    if complaint.handler_id is None:
        raise ComplaintRuleError(f"Assign a stage {complaint.stage} handler before acknowledging the complaint")
    if not payload["points"]:
        raise ComplaintRuleError(DEFINE_POINTS)


def _apply_acknowledgement(complaint: Complaint, payload: dict, by: StaffUser, on: date, letter) -> str:
    clock = complaint.clock(complaint.stage, deadlines.ACKNOWLEDGE)
    clock.done_on = on
    _replace_points(complaint, payload["points"])
    _start_clock(complaint, deadlines.RESPOND, on)
    complaint.state = ComplaintState.ACKNOWLEDGED
    if complaint.stage == 1:
        _set_item_status(complaint.feedback, FeedbackStatus.ACKNOWLEDGED)
    return f"Stage {complaint.stage} acknowledged and defined ({len(payload['points'])} points)"


def _replace_points(complaint: Complaint, summaries: list[str]) -> None:
    existing = complaint.points_for(complaint.stage)
    for number, summary in enumerate(summaries, 1):
        if number <= len(existing):
            existing[number - 1].summary = summary
        else:
            complaint.points.append(ComplaintPoint(stage=complaint.stage, number=number, summary=summary))
    response = complaint.response_for(complaint.stage)
    for point in existing[len(summaries):]:
        if response is not None and (finding := response.finding_for(point)) is not None:
            response.findings.remove(finding)
        complaint.points.remove(point)
        db.session.delete(point)


def _over_cap(clock: ComplaintClock, days: int) -> bool:
    return clock.extended_days + days > deadlines.EXTENSION_CAP[clock.stage]


def _validate_extension(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    _require_state(complaint, ComplaintState.ACKNOWLEDGED,
                   "The response deadline can be extended once the complaint has been acknowledged and defined "
                   "(Complaint Handling Code 6.4)")
    clock = complaint.clock(complaint.stage, deadlines.RESPOND)
    if clock.open_pause is not None:
        raise ComplaintRuleError("Restart the paused clock before extending it")
    if payload["days"] < 1:
        raise ComplaintRuleError("Enter the number of extra working days, 1 or more")
    if not payload["reason"]:
        raise ComplaintRuleError("Enter the reason for the extension: it must be explained to the resident "
                                 "(Complaint Handling Code 6.4)")
    if on > clock.due_on:
        raise ComplaintRuleError(
            f"An extension must be agreed, and the resident told, on or before the current deadline of "
            f"{deadlines.long_date(clock.due_on)} (Complaint Handling Code 6.4 and 6.5)")
    if _over_cap(clock, payload["days"]) and not (payload.get("good_reason") and is_officer(by)):
        cap = deadlines.EXTENSION_CAP[clock.stage]
        raise ComplaintRuleError(
            f"An extension of more than {cap} working days at stage {clock.stage} needs a good reason recorded "
            "and a complaints officer's approval (Complaint Handling Code 6.4)")


def _due_after_extension(clock: ComplaintClock, days: int, on: date, reason: str, by: StaffUser) -> date:
    ledger = [*_ledger(clock), Extension(on, days, reason, by.name)]
    return deadlines.stage_due(clock.complaint.regime, clock.stage, clock.kind, clock.started_on, ledger)[0]


def _apply_extension(complaint: Complaint, payload: dict, by: StaffUser, on: date, letter) -> str:
    clock = complaint.clock(complaint.stage, deadlines.RESPOND)
    over = _over_cap(clock, payload["days"])
    extension = ComplaintExtension(
        agreed_on=on, days=payload["days"], reason=payload["reason"],
        good_reason=payload.get("good_reason") or None, approved_by_id=by.id if over else None,
        recorded_by_id=by.id, previous_due_on=clock.due_on, new_due_on=clock.due_on,
    )
    clock.extensions.append(extension)
    _recompute(clock)
    extension.new_due_on = clock.due_on
    return (f"Stage {complaint.stage} response extended by {payload['days']} working days to "
            f"{deadlines.long_date(clock.due_on)}" + (" (approved beyond the usual limit)" if over else ""))


def _validate_refusal(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    if complaint.state not in OPEN_STATES:
        raise ComplaintRuleError("Only a complaint that is still open can be refused")
    if payload["exclusion"] not in {e.value for e in Exclusion}:
        raise ComplaintRuleError("Choose which exclusion applies (Complaint Handling Code 2.2)")
    if not payload["reason"]:
        raise ComplaintRuleError("Explain why the complaint is refused: the reason is recorded and given to the "
                                 "resident (Complaint Handling Code 2.1)")
    item = complaint.feedback
    if payload["exclusion"] == Exclusion.OVER_12_MONTHS and item.happened_on is not None:
        limit = _twelve_months_before(item.received_on)
        if item.happened_on >= limit:
            raise ComplaintRuleError(
                f"The matter happened on {deadlines.long_date(item.happened_on)}, less than 12 months before the "
                "complaint was received, so it cannot be refused as too old (Complaint Handling Code 2.3)")


def _twelve_months_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _apply_refusal(complaint: Complaint, payload: dict, by: StaffUser, on: date, letter) -> str:
    _end_pause(running_clock(complaint), on)
    complaint.state = ComplaintState.REFUSED
    complaint.refused_on = on
    complaint.refusal_exclusion = payload["exclusion"]
    complaint.refusal_reason = payload["reason"]
    _set_item_status(complaint.feedback, FeedbackStatus.CLOSED)
    return f"Refused at stage {complaint.stage}: {Exclusion(payload['exclusion']).label}"


def _validate_response(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    _check_can_write(complaint, by)
    response = complaint.response_for(complaint.stage)
    points = complaint.points_for(complaint.stage)
    if response is None or any(response.finding_for(p) is None for p in points):
        raise ComplaintRuleError(EVERY_POINT)


def overall_outcome(findings: list[Finding]) -> str:
    outcomes = {f.outcome for f in findings}
    if outcomes == {Outcome.UPHELD}:
        return Outcome.UPHELD.value
    if outcomes == {Outcome.NOT_UPHELD}:
        return Outcome.NOT_UPHELD.value
    return Outcome.PARTLY_UPHELD.value


def _apply_response(complaint: Complaint, payload: dict, by: StaffUser, on: date, letter) -> str:
    response = complaint.response_for(complaint.stage)
    response.sent_on = on
    response.written_by_id = by.id
    response.outcome = overall_outcome(response.findings)
    clock = complaint.clock(complaint.stage, deadlines.RESPOND)
    _end_pause(clock, on)
    clock.done_on = on
    if complaint.stage == 1:
        complaint.state = ComplaintState.RESPONDED
        _set_item_status(complaint.feedback, FeedbackStatus.RESOLVED)
        return f"Stage 1 response sent: {Outcome(response.outcome).label.lower()}"
    complaint.state = ComplaintState.CLOSED
    complaint.closed_on = on
    _set_item_status(complaint.feedback, FeedbackStatus.CLOSED)
    return f"Stage 2 final response sent: {Outcome(response.outcome).label.lower()}; case closed"


def _validate_restriction(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    if not is_officer(by):
        raise ComplaintRuleError("Only a complaints officer can decide to restrict a resident's contact "
                                 "(LGSCO guide on managing unreasonable actions: a senior decision)")
    if complaint.feedback.resident_id is None:
        raise ComplaintRuleError("This complaint has no resident on record, so there is no one to restrict")
    if not payload["reason"]:
        raise ComplaintRuleError("Enter the reason for the restriction: the resident is told why")
    if not payload["restrictions"]:
        raise ComplaintRuleError("Say what is restricted, for example written contact only with a named officer")
    if not payload["channels_open"]:
        raise ComplaintRuleError("Choose at least one way the resident can still contact us: essential services "
                                 "stay open (LGSCO guide on managing unreasonable actions, chapter 6)")
    if date.fromisoformat(payload["review_on"]) <= on:
        raise ComplaintRuleError("The review date must be in the future: every restriction is reviewed")


def _apply_restriction(complaint: Complaint, payload: dict, by: StaffUser, on: date, letter) -> str:
    restriction = Restriction(
        resident_id=complaint.feedback.resident_id, complaint_id=complaint.id, decided_by_id=by.id, decided_on=on,
        reason=payload["reason"], restrictions=payload["restrictions"],
        service_area_id=payload.get("service_area_id"), channels_open=payload["channels_open"],
        review_on=date.fromisoformat(payload["review_on"]),
    )
    db.session.add(restriction)
    db.session.flush()
    letter.restriction_id = restriction.id
    record_audit(restriction, "restriction.decided", by=by,
                 after={"reason": restriction.reason, "scope": payload.get("service_area_id") or "all",
                        "review_on": restriction.review_on}, summary="Contact restricted; decision letter sent")
    return "Restriction on contact decided; decision letter sent"


_STEPS = {
    LetterKind.ACKNOWLEDGEMENT: (_validate_acknowledgement, _apply_acknowledgement),
    LetterKind.EXTENSION: (_validate_extension, _apply_extension),
    LetterKind.REFUSAL: (_validate_refusal, _apply_refusal),
    LetterKind.STAGE1_RESPONSE: (_validate_response, _apply_response),
    LetterKind.STAGE2_RESPONSE: (_validate_response, _apply_response),
    LetterKind.RESTRICTION: (_validate_restriction, _apply_restriction),
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


def default_review_date(on: date, months: int) -> date:
    """The same day ``months`` later (or the month's last day): the first review of a restriction."""
    year, month = divmod(on.month - 1 + months, 12)
    year += on.year
    for day in range(on.day, 27, -1):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    return date(year, month + 1, on.day)


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


def _announce_closed(complaint: Complaint) -> None:
    complaint_closed.send(complaint, feedback=complaint.feedback, regime=complaint.regime, stage=complaint.stage)


# --- Steps without a letter ---------------------------------------------------------------------------------


@_atomic
def redefine_points(complaint: Complaint, points: list[str], *, by: StaffUser, version: int | None = None) -> None:
    """Change the definition agreed with the resident, before the response is sent."""
    _check_version(complaint, version)
    _require_state(complaint, ComplaintState.ACKNOWLEDGED,
                   "The definition can be changed while the complaint is being investigated")
    summaries = [p.strip() for p in points if p and p.strip()]
    if not summaries:
        raise ComplaintRuleError(DEFINE_POINTS)
    before = _snapshot(complaint)
    _replace_points(complaint, summaries)
    _audit(complaint, "complaint.redefined", by, before, f"Stage {complaint.stage} definition changed "
                                                         f"({len(summaries)} points)")
    db.session.commit()


@_atomic
def pause_clock(complaint: Complaint, *, reason: str, by: StaffUser, on: date, version: int | None = None) -> None:
    """Stop the response clock, only with a recorded reason (the Codes give no general power to stop it)."""
    _check_version(complaint, version)
    _require_state(complaint, ComplaintState.ACKNOWLEDGED,
                   "Only the response clock of an acknowledged complaint can be paused")
    clock = running_clock(complaint)
    if clock.open_pause is not None:
        raise ComplaintRuleError("The clock is already paused")
    if not _text(reason):
        raise ComplaintRuleError("Enter why the clock is paused: a pause needs a recorded reason")
    if on > clock.due_on:
        raise ComplaintRuleError(f"The response was due on {deadlines.long_date(clock.due_on)}, so the clock can "
                                 "no longer be paused")
    before = _snapshot(complaint)
    clock.pauses.append(ComplaintPause(first_day=on, last_day=None, reason=_text(reason), recorded_by_id=by.id))
    _recompute(clock)
    _refresh(complaint)
    _audit(complaint, "complaint.paused", by, before, f"Clock paused: {_text(reason)}")
    db.session.commit()


@_atomic
def restart_clock(complaint: Complaint, *, by: StaffUser, on: date, version: int | None = None) -> None:
    _check_version(complaint, version)
    clock = running_clock(complaint)
    if clock is None or clock.open_pause is None:
        raise ComplaintRuleError("The clock is not paused")
    before = _snapshot(complaint)
    _end_pause(clock, on)
    _refresh(complaint)
    _audit(complaint, "complaint.restarted", by, before,
           f"Clock restarted; now due {deadlines.long_date(clock.due_on)}")
    db.session.commit()


@_atomic
def withdraw(complaint: Complaint, *, reason: str | None, by: StaffUser | None, on: date,
             version: int | None = None) -> None:
    """The resident no longer wants the complaint pursued, at either stage; announced once it is committed."""
    _check_version(complaint, version)
    if complaint.state in FINISHED:
        raise ComplaintRuleError("This case has already finished, so it cannot be withdrawn")
    before = _snapshot(complaint)
    _end_pause(running_clock(complaint), on)
    complaint.state = ComplaintState.WITHDRAWN
    complaint.withdrawn_on = on
    complaint.withdrawal_reason = _text(reason) or None
    if complaint.feedback.status != FeedbackStatus.WITHDRAWN:
        _set_item_status(complaint.feedback, FeedbackStatus.WITHDRAWN)
    _refresh(complaint)
    _audit(complaint, "complaint.withdrawn", by, before, "Withdrawn" + (f": {_text(reason)}" if _text(reason) else ""))
    db.session.commit()
    complaint_withdrawn.send(complaint, feedback=complaint.feedback, stage=complaint.stage)


@_atomic
def escalate(complaint: Complaint, *, on: date, via: str, note: str | None = None, by: StaffUser | None = None,
             version: int | None = None) -> None:
    """The resident asks for stage 2; no reason is needed (Complaint Handling Code 6.12)."""
    _check_version(complaint, version)
    if complaint.stage == 2:
        raise ComplaintRuleError(TWO_STAGES)
    if complaint.state not in (ComplaintState.RESPONDED, ComplaintState.CLOSED):
        raise ComplaintRuleError("A stage 2 review can be asked for once the stage 1 response has been sent")
    before = _snapshot(complaint)
    complaint.stage = 2
    complaint.state = ComplaintState.RECEIVED
    complaint.escalated_on = on
    complaint.escalated_via = via
    complaint.escalation_note = _text(note) or None
    complaint.closed_on = None
    _start_clock(complaint, deadlines.ACKNOWLEDGE, on)
    _set_item_status(complaint.feedback, FeedbackStatus.IN_PROGRESS)
    _refresh(complaint)
    who = "the resident on the tracking page" if via == "resident" else "staff for the resident"
    _audit(complaint, "complaint.escalated", by, before, f"Stage 2 review requested, recorded by {who}")
    db.session.commit()
    complaint_escalated.send(complaint, feedback=complaint.feedback)


@_atomic
def close_after_stage1(complaint: Complaint, *, by: StaffUser, on: date, version: int | None = None) -> None:
    """Close a case whose stage 1 response settled it; the resident can still ask for stage 2."""
    _check_version(complaint, version)
    if complaint.stage != 1 or complaint.state != ComplaintState.RESPONDED:
        raise ComplaintRuleError("Only a case with a stage 1 response sent can be closed this way")
    before = _snapshot(complaint)
    complaint.state = ComplaintState.CLOSED
    complaint.closed_on = on
    _set_item_status(complaint.feedback, FeedbackStatus.CLOSED)
    _refresh(complaint)
    _audit(complaint, "complaint.closed", by, before, "Closed after the stage 1 response")
    db.session.commit()
    _announce_closed(complaint)


# --- Responses and remedies ---------------------------------------------------------------------------------


def _check_can_write(complaint: Complaint, by: StaffUser) -> None:
    _require_state(complaint, ComplaintState.ACKNOWLEDGED,
                   "A response can be written once the complaint has been acknowledged and defined "
                   "(Complaint Handling Code 6.2)")
    if complaint.stage == 2 and by.id == complaint.stage1_handler_id:
        raise ComplaintRuleError(SAME_HANDLER)


def _draft_response(complaint: Complaint, by: StaffUser) -> ComplaintResponse:
    """The response being written at this stage, started if need be (call after every check has passed)."""
    _check_can_write(complaint, by)
    response = complaint.response_for(complaint.stage)
    if response is None:
        response = ComplaintResponse(stage=complaint.stage)
        complaint.responses.append(response)
    return response


@_atomic
def save_findings(complaint: Complaint, findings: dict[int, tuple[str, str]], *, by: StaffUser,
                  version: int | None = None) -> None:
    """Record upheld, partly upheld or not upheld, with reasons, for every defined point (Code 6.7)."""
    _check_version(complaint, version)
    _check_can_write(complaint, by)
    points = complaint.points_for(complaint.stage)
    valid = {o.value for o in Outcome}
    for point in points:
        outcome, reasons = findings.get(point.id, ("", ""))
        if outcome not in valid or not _text(reasons):
            raise ComplaintRuleError(EVERY_POINT)
    response = _draft_response(complaint, by)
    before = _snapshot(complaint)
    for point in points:
        outcome, reasons = findings[point.id]
        finding = response.finding_for(point)
        if finding is None:
            response.findings.append(Finding(point=point, outcome=outcome, reasons=_text(reasons)))
        else:
            finding.outcome, finding.reasons = outcome, _text(reasons)
    response.written_by_id = by.id
    _touch(complaint)
    _audit(complaint, "complaint.findings_saved", by, before,
           f"Stage {complaint.stage} findings saved: {overall_outcome(response.findings).replace('_', ' ')}")
    db.session.commit()


def _touch(complaint: Complaint) -> None:
    """Mark the case itself as changed so that its version moves on (optimistic locking covers its parts)."""
    flag_modified(complaint, "state")


@_atomic
def add_remedy(complaint: Complaint, *, kind: str, description: str, responsible: str, due_on: date | None,
               amount: Decimal | None = None, point_id: int | None = None, referral: OmbudsmanReferral | None = None,
               by: StaffUser, version: int | None = None) -> Remedy:
    """Add a way of putting things right: to the response being written, or as ordered by the Ombudsman."""
    _check_version(complaint, version)
    if kind not in {k.value for k in RemedyKind}:
        raise ComplaintRuleError("Choose the kind of remedy (Complaint Handling Code 7)")
    if not _text(description):
        raise ComplaintRuleError("Say what will be done (Complaint Handling Code 7)")
    if not _text(responsible) or due_on is None:
        raise ComplaintRuleError(WHO_AND_WHEN)
    if kind == RemedyKind.FINANCIAL and (amount is None or amount <= 0):
        raise ComplaintRuleError("Enter the amount of the financial remedy (Complaint Handling Code 7)")
    response = None if referral is not None else _draft_response(complaint, by)
    if response is not None and response.sent_on is not None:
        raise ComplaintRuleError("This stage's response has been sent: record further remedies as outstanding "
                                 "actions through an Ombudsman referral or the next stage")
    if point_id is not None and point_id not in {p.id for p in complaint.points}:
        raise ComplaintRuleError("Choose one of this complaint's points")
    before = _snapshot(complaint)
    remedy = Remedy(kind=kind, description=_text(description), responsible=_text(responsible), due_on=due_on,
                    amount=amount if kind == RemedyKind.FINANCIAL else None, point_id=point_id,
                    referral_id=referral.id if referral else None)
    complaint.remedies.append(remedy)
    if response is not None:
        db.session.flush()
        remedy.response_id = response.id
    _touch(complaint)
    source = "ordered by the Ombudsman" if referral else f"stage {complaint.stage} response"
    _audit(complaint, "complaint.remedy_added", by, before,
           f"Remedy ({RemedyKind(kind).label.lower()}, {source}): {_text(description)}")
    db.session.commit()
    return remedy


@_atomic
def complete_remedy(remedy: Remedy, *, note: str | None, by: StaffUser, on: date,
                    version: int | None = None) -> None:
    """An outstanding action is done (Complaint Handling Code 6.6: tracked to completion)."""
    complaint = remedy.complaint
    _check_version(complaint, version)
    if remedy.completed_on is not None:
        raise ComplaintRuleError("This remedy is already marked as done")
    before = _snapshot(complaint)
    remedy.completed_on = on
    remedy.completion_note = _text(note) or None
    _touch(complaint)
    _audit(complaint, "complaint.remedy_completed", by, before, f"Remedy done: {remedy.description}")
    db.session.commit()


# --- Ombudsman referrals ------------------------------------------------------------------------------------


@_atomic
def add_referral(complaint: Complaint, *, ombudsman: str, reference: str, kind: str, received_on: date | None,
                 by: StaffUser, on: date) -> OmbudsmanReferral:
    if ombudsman not in {r.value for r in Regime}:
        raise ComplaintRuleError("Choose which Ombudsman")
    if not _text(reference):
        raise ComplaintRuleError("Enter the Ombudsman's reference")
    if kind not in ("enquiry", "investigation"):
        raise ComplaintRuleError("Choose whether this is an enquiry or an investigation")
    if received_on is None or received_on > on:
        raise ComplaintRuleError("Enter the date the Ombudsman contacted us, today or in the past")
    referral = OmbudsmanReferral(ombudsman=ombudsman, reference=_text(reference), kind=kind, received_on=received_on)
    complaint.referrals.append(referral)
    before = _snapshot(complaint)
    _touch(complaint)
    _audit(complaint, "complaint.referral_added", by, before,
           f"{Regime(ombudsman).label} {kind} {_text(reference)} recorded")
    db.session.commit()
    return referral


@_atomic
def decide_referral(referral: OmbudsmanReferral, *, decision: str, decided_on: date | None, notes: str | None,
                    by: StaffUser, on: date, version: int | None = None) -> None:
    _check_version(referral, version)
    if decision not in {d.value for d in ReferralDecision}:
        raise ComplaintRuleError("Choose the Ombudsman's decision")
    if decided_on is None or decided_on > on or decided_on < referral.received_on:
        raise ComplaintRuleError("Enter the date of the decision: on or after the referral, and not in the future")
    complaint = referral.complaint
    before = _snapshot(complaint)
    referral.decision, referral.decided_on, referral.notes = decision, decided_on, _text(notes) or None
    _audit(complaint, "complaint.referral_decided", by, before,
           f"Ombudsman decision on {referral.reference}: {ReferralDecision(decision).label.lower()}")
    db.session.commit()


# --- Learning -----------------------------------------------------------------------------------------------


def learning_allowed(complaint: Complaint) -> bool:
    """Learning is raised from complaints upheld or partly upheld at either stage, or by the Ombudsman."""
    upheld = {Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value}
    return (any(r.outcome in upheld and r.sent_on for r in complaint.responses)
            or any(r.decision in upheld for r in complaint.referrals))


def commitment_choices(complaint: Complaint) -> list[Commitment]:
    """The commitments the complaint touched, which its learning is linked to."""
    return list(complaint.feedback.commitments)


@_atomic
def add_learning_action(complaint: Complaint, *, description: str, owner: str, due_on: date | None,
                        commitment_ids: list[int], by: StaffUser) -> LearningAction:
    if not learning_allowed(complaint):
        raise ComplaintRuleError("Learning actions are raised from complaints that were upheld or partly upheld "
                                 "(Complaint Handling Code 9.1)")
    if not _text(description):
        raise ComplaintRuleError("Say what the council will change")
    if not _text(owner) or due_on is None:
        raise ComplaintRuleError("Say who owns the action and when it is due")
    allowed = {c.id: c for c in commitment_choices(complaint)}
    if any(cid not in allowed for cid in commitment_ids):
        raise ComplaintRuleError("Choose from the commitments this complaint is about")
    action = LearningAction(description=_text(description), owner=_text(owner), due_on=due_on,
                            created_by_id=by.id, commitments=[allowed[cid] for cid in commitment_ids])
    complaint.learning_actions.append(action)
    before = _snapshot(complaint)
    _touch(complaint)
    _audit(complaint, "complaint.learning_added", by, before, f"Learning action: {_text(description)}")
    db.session.commit()
    return action


@_atomic
def update_learning_action(action: LearningAction, *, status: str, what_we_changed: str | None, by: StaffUser,
                           on: date, version: int | None = None) -> None:
    _check_version(action, version)
    if status not in {s.value for s in LearningStatus}:
        raise ComplaintRuleError("Choose the status of the action")
    if status == LearningStatus.DONE and not _text(what_we_changed):
        raise ComplaintRuleError('Say what changed: residents read it in "You said, we did"')
    complaint = action.complaint
    before = _snapshot(complaint)
    action.status = status
    action.what_we_changed = _text(what_we_changed) or None
    action.completed_on = on if status == LearningStatus.DONE else None
    _audit(complaint, "complaint.learning_updated", by, before,
           f"Learning action {LearningStatus(status).label.lower()}: {action.description}")
    db.session.commit()


# --- Restrictions register ----------------------------------------------------------------------------------


@_atomic
def review_restriction(restriction: Restriction, *, decision: str, reason: str, next_review_on: date | None,
                       by: StaffUser, on: date, version: int | None = None) -> None:
    """At review a restriction ends, or continues with reasons and a new review date."""
    _check_version(restriction, version)
    if not is_officer(by):
        raise ComplaintRuleError("Only a complaints officer can review a restriction")
    if not restriction.active:
        raise ComplaintRuleError("This restriction has already ended")
    if not _text(reason):
        raise ComplaintRuleError("Enter the reason for the decision: the resident is told why")
    if decision not in ("end", "continue"):
        raise ComplaintRuleError("Choose whether the restriction ends or continues")
    if decision == "continue" and (next_review_on is None or next_review_on <= on):
        raise ComplaintRuleError("Enter the next review date, in the future")
    before = {"review_on": restriction.review_on, "ended_on": restriction.ended_on}
    restriction.last_reviewed_on = on
    if decision == "end":
        restriction.ended_on, restriction.end_reason = on, _text(reason)
        summary = f"Restriction ended: {_text(reason)}"
    else:
        restriction.review_on = next_review_on
        summary = f"Restriction continues until a review on {deadlines.long_date(next_review_on)}: {_text(reason)}"
    record_audit(restriction, "restriction.reviewed", by=by, before=before,
                 after={"review_on": restriction.review_on, "ended_on": restriction.ended_on}, summary=summary)
    db.session.commit()


# --- Reminders ----------------------------------------------------------------------------------------------


@dataclass
class ReminderReport:
    due_soon: int = 0
    breaches: int = 0
    reviews: int = 0


@calendar_changed.connect
def recompute_due_dates(_sender=None, *, reason: str, on: date | None = None, **_extra) -> int:
    """Work out each running clock's due date again on the council's calendar as it is now, in the caller's
    transaction (core announces a closure date added or removed in its own transaction, before it commits).

    Returns how many moved; each move is in the case's history with ``reason`` (what changed in the calendar).
    """
    deadlines.calendar(fresh=True)
    moved = 0
    # Each running case with its clocks' ledgers in a few queries, not several per case.
    ledgers = selectinload(Complaint.clocks)
    query = (select(Complaint).where(running()).order_by(Complaint.id)
             .options(ledgers.selectinload(ComplaintClock.pauses),
                      ledgers.selectinload(ComplaintClock.extensions).options(
                          selectinload(ComplaintExtension.approved_by), selectinload(ComplaintExtension.recorded_by))))
    for complaint in db.session.scalars(query):
        clock = running_clock(complaint)
        was = clock.due_on
        _recompute(clock)
        if clock.due_on != was:
            before = _snapshot(complaint)
            _refresh(complaint)
            _audit(complaint, "complaint.due_date_moved", None, before,
                   f"Due date moved from {deadlines.long_date(was) if was else 'none'} to "
                   f"{deadlines.long_date(clock.due_on) if clock.due_on else 'none'}: {reason}")
            moved += 1
    return moved


def _officer_addresses() -> list[str]:
    configured = current_app.config["CHARTERLINE_BREACH_NOTICE_TO"]
    if configured:
        return [address.strip() for address in configured.split(",") if address.strip()]
    return list(db.session.scalars(
        select(StaffUser.email).where(StaffUser.role == Role.COMPLAINTS_OFFICER, StaffUser.active.is_(True))
        .order_by(StaffUser.email)))


def _remind_once(key: str, to: list[str], subject: str, body: str, *, on: date, complaint: Complaint | None = None,
                 restriction: Restriction | None = None) -> bool:
    if db.session.scalar(select(Reminder.id).where(Reminder.key == key)) is not None or not to:
        return False
    messages = [queue_message(to=address, subject=subject, body=body, related=complaint or restriction)
                for address in to]
    db.session.flush()
    db.session.add(Reminder(key=key, complaint_id=complaint.id if complaint else None,
                            restriction_id=restriction.id if restriction else None, sent_on=on,
                            outbox_message_id=messages[0].id))
    return True


def _case_link(complaint: Complaint) -> str:
    return f"{current_app.config['CHARTERLINE_BASE_URL']}/complaints/{complaint.id}"


def send_reminders(on: date) -> ReminderReport:
    """Queue each reminder and breach notice once: a key per clock and due date records what was sent."""
    report = ReminderReport()
    horizon = deadlines.add_working_days(on, current_app.config["CHARTERLINE_COMPLAINT_REMINDER_DAYS"])
    officers = _officer_addresses()
    soon = select(Complaint).where(running(), Complaint.due_on >= on, Complaint.due_on <= horizon)
    for complaint in db.session.scalars(soon.order_by(Complaint.due_on, Complaint.id)):
        clock = running_clock(complaint)
        to = [complaint.handler.email] if complaint.handler else officers
        duty = "acknowledge" if clock.kind == deadlines.ACKNOWLEDGE else "respond to"
        body = (f"You need to {duty} complaint {complaint.reference} (stage {complaint.stage}) by "
                f"{deadlines.long_date(complaint.due_on)}.\n\n{_case_link(complaint)}\n")
        report.due_soon += _remind_once(f"due:{clock.id}:{complaint.due_on}", to,
                                        f"Complaint {complaint.reference} is due soon", body, on=on,
                                        complaint=complaint)
    late = select(Complaint).where(running(), Complaint.due_on < on)
    for complaint in db.session.scalars(late.order_by(Complaint.due_on, Complaint.id)):
        clock = running_clock(complaint)
        handler = complaint.handler.name if complaint.handler else "no handler assigned"
        body = (f"Complaint {complaint.reference} (stage {complaint.stage}, {handler}) was due on "
                f"{deadlines.long_date(complaint.due_on)} and is overdue.\n\n{_case_link(complaint)}\n")
        report.breaches += _remind_once(f"breach:{clock.id}:{complaint.due_on}", officers,
                                        f"Overdue: complaint {complaint.reference}", body, on=on, complaint=complaint)
    report.reviews = _review_reminders(on)
    db.session.commit()
    return report


def _review_reminders(on: date) -> int:
    horizon = deadlines.add_working_days(on, current_app.config["CHARTERLINE_RESTRICTION_REMINDER_DAYS"])
    sent = 0
    due = select(Restriction).where(Restriction.ended_on.is_(None), Restriction.review_on <= horizon)
    for restriction in db.session.scalars(due.order_by(Restriction.review_on, Restriction.id)):
        body = (f"The restriction on contact decided on {deadlines.long_date(restriction.decided_on)} is due for "
                f"review on {deadlines.long_date(restriction.review_on)}. It lapses then unless there are good "
                f"grounds to continue it.\n\n{current_app.config['CHARTERLINE_BASE_URL']}"
                f"/complaints/restrictions/{restriction.id}\n")
        to = [restriction.decided_by.email] if restriction.decided_by.active else _officer_addresses()
        sent += _remind_once(f"review:{restriction.id}:{restriction.review_on}", to,
                             "A restriction on contact is due for review", body, on=on, restriction=restriction)
    return sent


# --- Reacting to feedback -----------------------------------------------------------------------------------


@feedback_recorded.connect
def _open_when_recorded(item: FeedbackItem, *, by: StaffUser | None = None, **_extra) -> None:
    """Every complaint recorded goes straight into the procedure at stage 1 (no informal stage 0, Code 5.2).

    The case joins the recording's own transaction, so a complaint is never saved without its case.
    """
    if item.kind != FeedbackKind.COMPLAINT:
        return
    if item.id is not None and db.session.scalar(select(Complaint.id).where(Complaint.feedback_id == item.id)):
        return
    _start_procedure(item, by=by)


@feedback_reclassified.connect
def _open_when_reclassified(item: FeedbackItem, *, by: StaffUser | None, **_extra) -> None:
    """Feedback that staff reclassify as a complaint enters the procedure at once, like one recorded as such."""
    if item.kind == FeedbackKind.COMPLAINT:
        open_complaint(item, by=by)


@feedback_withdrawn.connect
def _withdraw_when_item_withdrawn(item: FeedbackItem, **_extra) -> None:
    """The resident withdrew the item on the tracking page: the case is withdrawn through `withdraw`, so it is
    recorded, audited and announced (complaint_withdrawn) the same way as when staff withdraw it."""
    complaint = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    if complaint is not None and complaint.state not in FINISHED:
        withdraw(complaint, reason="Withdrawn by the resident", by=None, on=today())
