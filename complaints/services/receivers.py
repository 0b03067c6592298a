"""How complaints reacts to the packages below it: a complaint recorded, reclassified or withdrawn by the resident,
and the council's calendar changed. ``connect`` is called by ``complaints.init_app``; importing connects nothing."""

from __future__ import annotations

from sqlalchemy import select

from complaints.models import Complaint
from complaints.services._common import FINISHED
from complaints.services.cases import _start_procedure, open_complaint
from complaints.services.clocks import recompute_due_dates
from complaints.services.lifecycle import withdraw
from core.events import calendar_changed, feedback_reclassified, feedback_recorded, feedback_withdrawn
from core.extensions import db
from core.models import StaffUser
from core.timesource import today
from feedback.models import FeedbackItem, FeedbackKind


def _open_when_recorded(item: FeedbackItem, *, by: StaffUser | None = None, **_extra) -> None:
    """Every complaint recorded goes straight into the procedure at stage 1 (no informal stage 0, Code 5.2).

    The case joins the recording's own transaction, so a complaint is never saved without its case.
    """
    if item.kind != FeedbackKind.COMPLAINT:
        return
    if item.id is not None and db.session.scalar(select(Complaint.id).where(Complaint.feedback_id == item.id)):
        return
    _start_procedure(item, by=by)


def _open_when_reclassified(item: FeedbackItem, *, by: StaffUser | None, **_extra) -> None:
    """Feedback that staff reclassify as a complaint enters the procedure at once, like one recorded as such."""
    if item.kind == FeedbackKind.COMPLAINT:
        open_complaint(item, by=by)


def _withdraw_when_item_withdrawn(item: FeedbackItem, **_extra) -> None:
    """The resident withdrew the item on the tracking page: the case is withdrawn through `withdraw`, so it is
    recorded, audited and announced (complaint_withdrawn) the same way as when staff withdraw it."""
    complaint = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    if complaint is not None and complaint.state not in FINISHED:
        withdraw(complaint, reason="Withdrawn by the resident", by=None, on=today())


def connect() -> None:
    """Connect the receivers (again is harmless: blinker keeps one connection per receiver)."""
    feedback_recorded.connect(_open_when_recorded)
    feedback_reclassified.connect(_open_when_reclassified)
    feedback_withdrawn.connect(_withdraw_when_item_withdrawn)
    calendar_changed.connect(recompute_due_dates)
