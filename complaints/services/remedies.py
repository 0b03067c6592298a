"""Remedies: ways of putting things right, from a response or ordered by the Ombudsman, tracked to done."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from complaints.models import Complaint, OmbudsmanReferral, Remedy, RemedyKind
from complaints.services._common import (
    WHO_AND_WHEN,
    ComplaintRuleError,
    _atomic,
    _audit,
    _check_version,
    _snapshot,
    _text,
    _touch,
)
from complaints.services.findings import _draft_response
from complaints.services.policy import require
from core.extensions import db
from core.models import StaffUser


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
    require(complaint, by, "add_ordered_remedy" if referral is not None else "add_remedy")
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
    require(complaint, by, "complete_remedy")
    if remedy.completed_on is not None:
        raise ComplaintRuleError("This remedy is already marked as done")
    before = _snapshot(complaint)
    remedy.completed_on = on
    remedy.completion_note = _text(note) or None
    _touch(complaint)
    _audit(complaint, "complaint.remedy_completed", by, before, f"Remedy done: {remedy.description}")
    db.session.commit()
