"""How a case ends or moves on: withdrawal, the request for stage 2, and closure after stage 1."""

from __future__ import annotations

from datetime import date

from complaints import deadlines
from complaints.models import Complaint, ComplaintState
from complaints.services._common import _atomic, _audit, _check_version, _set_item_status, _snapshot, _text
from complaints.services.clocks import _end_pause, _refresh, _start_clock, running_clock
from complaints.services.policy import require
from core.events import complaint_closed, complaint_escalated, complaint_withdrawn
from core.extensions import db
from core.models import StaffUser
from feedback.models import FeedbackStatus


def _announce_closed(complaint: Complaint) -> None:
    complaint_closed.send(complaint, feedback=complaint.feedback, regime=complaint.regime, stage=complaint.stage)


@_atomic
def withdraw(complaint: Complaint, *, reason: str | None, by: StaffUser | None, on: date,
             version: int | None = None) -> None:
    """The resident no longer wants the complaint pursued, at either stage; announced once it is committed."""
    _check_version(complaint, version)
    require(complaint, by, "withdraw")
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
    require(complaint, by, "escalate")
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
    require(complaint, by, "close")
    before = _snapshot(complaint)
    complaint.state = ComplaintState.CLOSED
    complaint.closed_on = on
    _set_item_status(complaint.feedback, FeedbackStatus.CLOSED)
    _refresh(complaint)
    _audit(complaint, "complaint.closed", by, before, "Closed after the stage 1 response")
    db.session.commit()
    _announce_closed(complaint)
