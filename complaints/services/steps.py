"""The steps recorded by sending a letter: what each one checks before the letter goes, and what sending it records."""

from __future__ import annotations

from datetime import date

from complaints import deadlines
from complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintExtension,
    ComplaintState,
    Exclusion,
    LetterKind,
    Outcome,
    Restriction,
)
from complaints.services._common import DEFINE_POINTS, EVERY_POINT, ComplaintRuleError, _set_item_status, is_officer
from complaints.services.cases import _replace_points
from complaints.services.clocks import _end_pause, _ledger, _recompute, _start_clock, running_clock
from complaints.services.findings import overall_outcome
from complaints.services.policy import require
from core.audit import record_audit
from core.clocks.ledger import Extension
from core.extensions import db
from core.models import StaffUser
from feedback.models import FeedbackStatus


def _validate_acknowledgement(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    require(complaint, by, "acknowledge")
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


def _over_cap(clock: ComplaintClock, days: int) -> bool:
    return clock.extended_days + days > deadlines.EXTENSION_CAP[clock.stage]


def _validate_extension(complaint: Complaint, payload: dict, by: StaffUser, on: date) -> None:
    require(complaint, by, "extend")
    clock = complaint.clock(complaint.stage, deadlines.RESPOND)
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
    require(complaint, by, "refuse")
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
    require(complaint, by, "respond")
    response = complaint.response_for(complaint.stage)
    points = complaint.points_for(complaint.stage)
    if response is None or any(response.finding_for(p) is None for p in points):
        raise ComplaintRuleError(EVERY_POINT)


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
    require(complaint, by, "restrict")
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
