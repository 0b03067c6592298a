"""The complaint case over a feedback item, and its stage clocks with their extensions and pauses."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.models.vocabulary import ComplaintState, state_label
from core.extensions import db
from core.models import StaffUser
from core.timesource import now
from feedback.models import FeedbackItem

if TYPE_CHECKING:
    from complaints.models.aftercare import LearningAction, OmbudsmanReferral
    from complaints.models.response import ComplaintLetter, ComplaintPoint, ComplaintResponse, Remedy




def running():
    """Cases with a clock running, written the way the partial indexes are (``is_open = 1`` / ``is_open``)."""
    return Complaint.is_open == true()


class Complaint(db.Model):
    """A complaint under the procedure: one feedback item, two stages at most, and who handles each stage."""

    __tablename__ = "complaint"
    __table_args__ = (
        # Complaint Handling Code 5.2: exactly two stages, never an informal "stage 0".
        CheckConstraint("stage IN (1, 2)", name="complaint_two_stages"),
        # The dashboard's lists: open cases by due date, overall and per handler. Partial indexes hold only the
        # few cases with a running clock, in the lists' order (due date, then id) so a page stops early, and
        # carry stage and state so the counts by state come from the index alone.
        Index("ix_complaint_open_due", "due_on", "id", "stage", "state",
              sqlite_where=text("is_open = 1"), postgresql_where=text("is_open")),
        Index("ix_complaint_open_handler_due", "handler_id", "due_on", "id", "stage", "state",
              sqlite_where=text("is_open = 1"), postgresql_where=text("is_open")),
        Index("ix_complaint_handler", "handler_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    #: "lgsco" or "ho", from the service area when the case opened.
    regime: Mapped[str] = mapped_column(String(10))
    stage: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=ComplaintState.RECEIVED)
    stage1_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    stage2_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: The handler of the current stage (kept with the stage handlers for the dashboard's index).
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: A clock is running (received or acknowledged at either stage). Query it as ``running()`` so the partial
    #: indexes apply.
    is_open: Mapped[bool] = mapped_column(default=True)
    #: Due date of the running clock; None when no clock runs or it is paused.
    due_on: Mapped[date | None]
    #: Day the resident asked for stage 2 (day 0 of the stage 2 acknowledgement clock).
    escalated_on: Mapped[date | None]
    #: "resident" (tracking page) or "staff" (recorded by an officer).
    escalated_via: Mapped[str | None] = mapped_column(String(10))
    escalation_note: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None]
    refused_on: Mapped[date | None]
    refusal_exclusion: Mapped[str | None] = mapped_column(String(30))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=now)
    #: Optimistic locking: a second officer's stale form is refused, never silently applied.
    version_id: Mapped[int] = mapped_column(default=1)

    feedback: Mapped[FeedbackItem] = relationship()
    stage1_handler: Mapped[StaffUser | None] = relationship(foreign_keys=[stage1_handler_id])
    stage2_handler: Mapped[StaffUser | None] = relationship(foreign_keys=[stage2_handler_id])
    handler: Mapped[StaffUser | None] = relationship(foreign_keys=[handler_id])
    clocks: Mapped[list[ComplaintClock]] = relationship(back_populates="complaint", order_by="ComplaintClock.id")
    points: Mapped[list[ComplaintPoint]] = relationship(
        back_populates="complaint", order_by="(ComplaintPoint.stage, ComplaintPoint.number)"
    )
    responses: Mapped[list[ComplaintResponse]] = relationship(
        back_populates="complaint", order_by="ComplaintResponse.stage"
    )
    remedies: Mapped[list[Remedy]] = relationship(back_populates="complaint", order_by="Remedy.id")
    letters: Mapped[list[ComplaintLetter]] = relationship(
        back_populates="complaint", order_by="ComplaintLetter.id", foreign_keys="ComplaintLetter.complaint_id"
    )
    referrals: Mapped[list[OmbudsmanReferral]] = relationship(
        back_populates="complaint", order_by="OmbudsmanReferral.id"
    )
    learning_actions: Mapped[list[LearningAction]] = relationship(
        back_populates="complaint", order_by="LearningAction.id"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_label(self) -> str:
        return state_label(self.stage, self.state)

    @property
    def reference(self) -> str:
        return self.feedback.reference

    def clock(self, stage: int, kind: str) -> ComplaintClock | None:
        return next((c for c in self.clocks if c.stage == stage and c.kind == kind), None)

    def points_for(self, stage: int) -> list[ComplaintPoint]:
        return [p for p in self.points if p.stage == stage]

    def response_for(self, stage: int) -> ComplaintResponse | None:
        return next((r for r in self.responses if r.stage == stage), None)

    def __repr__(self) -> str:
        return f"<Complaint {self.id} stage {self.stage} {self.state}>"


class ComplaintClock(db.Model):
    """One stage clock (acknowledge or respond), stored with the inputs that produced its due date."""

    __tablename__ = "complaint_clock"
    __table_args__ = (
        UniqueConstraint("complaint_id", "stage", "kind", name="complaint_clock_once"),
        # Breaches in a month (the staff home): clocks due in the month, read with when each was done.
        Index("ix_complaint_clock_due_done", "due_on", "done_on", "complaint_id"),
        # The charter review (complaints.queries.clock_results): one stage's clocks started in a year, read with
        # their due and done days from this index alone.
        Index("ix_complaint_clock_review", "stage", "kind", "started_on", "due_on", "done_on", "complaint_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    stage: Mapped[int]
    #: "acknowledge" or "respond".
    kind: Mapped[str] = mapped_column(String(12))
    #: Deadline rule name, e.g. lgsco-stage1-response.
    rule: Mapped[str] = mapped_column(String(40))
    #: Day 0.
    started_on: Mapped[date]
    #: None while paused.
    due_on: Mapped[date | None]
    #: The day the duty was done (acknowledged or responded); None while it is still to do.
    done_on: Mapped[date | None]

    complaint: Mapped[Complaint] = relationship(back_populates="clocks")
    extensions: Mapped[list[ComplaintExtension]] = relationship(order_by="ComplaintExtension.id")
    pauses: Mapped[list[ComplaintPause]] = relationship(order_by="ComplaintPause.id")

    @property
    def extended_days(self) -> int:
        return sum(e.days for e in self.extensions)

    @property
    def open_pause(self) -> ComplaintPause | None:
        return next((p for p in self.pauses if p.last_day is None), None)

    @property
    def met(self) -> bool | None:
        """Whether the duty was done on time; None while still to do or paused."""
        if self.done_on is None or self.due_on is None:
            return None
        return self.done_on <= self.due_on


class ComplaintExtension(db.Model):
    """More time to respond: reason required; beyond the cap only with a good reason and an officer's approval."""

    __tablename__ = "complaint_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("complaint_clock.id"), index=True)
    agreed_on: Mapped[date]
    days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    #: Required when the stage's extensions go beyond the cap (Complaint Handling Code 6.4).
    good_reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date]

    approved_by: Mapped[StaffUser | None] = relationship(foreign_keys=[approved_by_id])
    recorded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[recorded_by_id])


class ComplaintPause(db.Model):
    """The clock stopped, with the reason; ``last_day`` is None while it is still stopped."""

    __tablename__ = "complaint_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("complaint_clock.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
