"""What every complaints service shares: its errors and messages, who may work on a case, optimistic locking and
audit."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from complaints import deadlines
from complaints.models import Complaint, ComplaintClock, ComplaintState
from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Role, StaffUser
from core.timesource import now
from feedback.models import FeedbackItem, FeedbackStatus

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


P = ParamSpec("P")
R = TypeVar("R")


class ComplaintRuleError(RuleError):
    """A change the procedure does not allow; the message names the rule."""


class StaleCaseError(ComplaintRuleError):
    """Someone else saved the record first (optimistic locking)."""


def is_officer(user: StaffUser) -> bool:
    return user.has_role(Role.COMPLAINTS_OFFICER)


def can_work_on(complaint: Complaint, user: StaffUser) -> bool:
    """The complaints officer, or the handler of the current stage."""
    return is_officer(user) or (user.role == Role.CASE_HANDLER and complaint.handler_id == user.id)


def running_clock(complaint: Complaint) -> ComplaintClock | None:
    """The clock that runs now: acknowledge while received, respond while acknowledged (here because the rulebook
    asks it too; ``clocks`` starts, pauses and recomputes clocks)."""
    if complaint.state == ComplaintState.RECEIVED:
        return complaint.clock(complaint.stage, deadlines.ACKNOWLEDGE)
    if complaint.state == ComplaintState.ACKNOWLEDGED:
        return complaint.clock(complaint.stage, deadlines.RESPOND)
    return None


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


def _set_item_status(item: FeedbackItem, status: FeedbackStatus) -> None:
    item.status = status.value
    if status == FeedbackStatus.ACKNOWLEDGED and item.acknowledged_at is None:
        item.acknowledged_at = now()
    if status == FeedbackStatus.CLOSED:
        item.closed_at = now()
    if status == FeedbackStatus.WITHDRAWN:
        item.withdrawn_at = now()


def _touch(complaint: Complaint) -> None:
    """Mark the case itself as changed so that its version moves on (optimistic locking covers its parts)."""
    flag_modified(complaint, "state")
