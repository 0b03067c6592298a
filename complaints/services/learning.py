"""Learning from complaints: actions raised from upheld complaints and what the council changed."""

from __future__ import annotations

from datetime import date

from complaints.models import Complaint, LearningAction, LearningStatus
from complaints.services._common import ComplaintRuleError, _atomic, _audit, _check_version, _snapshot, _text, _touch
from complaints.services.policy import require
from core.extensions import db
from core.models import Commitment, StaffUser


def commitment_choices(complaint: Complaint) -> list[Commitment]:
    """The commitments the complaint touched, which its learning is linked to."""
    return list(complaint.feedback.commitments)


@_atomic
def add_learning_action(complaint: Complaint, *, description: str, owner: str, due_on: date | None,
                        commitment_ids: list[int], by: StaffUser) -> LearningAction:
    require(complaint, by, "add_learning")
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
    require(action.complaint, by, "update_learning")
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
