"""Opening a case, assigning its handlers and defining the points it answers."""

from __future__ import annotations

from sqlalchemy import select

from complaints import deadlines
from complaints.models import Complaint, ComplaintPoint, ComplaintState
from complaints.services._common import (
    DEFINE_POINTS,
    SAME_HANDLER,
    TWO_STAGES,
    ComplaintRuleError,
    _atomic,
    _audit,
    _check_version,
    _snapshot,
)
from complaints.services.clocks import _refresh, _start_clock
from complaints.services.policy import require
from core.extensions import db
from core.models import Regime, Role, StaffUser
from feedback.models import FeedbackItem, FeedbackKind


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
    if stage not in (1, 2):
        raise ComplaintRuleError(TWO_STAGES)
    require(complaint, by, f"assign_stage{stage}")
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


@_atomic
def redefine_points(complaint: Complaint, points: list[str], *, by: StaffUser, version: int | None = None) -> None:
    """Change the definition agreed with the resident, before the response is sent."""
    _check_version(complaint, version)
    require(complaint, by, "redefine")
    summaries = [p.strip() for p in points if p and p.strip()]
    if not summaries:
        raise ComplaintRuleError(DEFINE_POINTS)
    before = _snapshot(complaint)
    _replace_points(complaint, summaries)
    _audit(complaint, "complaint.redefined", by, before, f"Stage {complaint.stage} definition changed "
                                                         f"({len(summaries)} points)")
    db.session.commit()
