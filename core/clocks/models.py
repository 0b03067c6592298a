"""Tables for deadline clocks and the council's closure dates."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clocks.calendar import WorkingCalendar
from core.clocks.rules import Deadline, compute, ledger_from_json
from core.extensions import db
from core.reference_data import watch
from core.timesource import now


class ClosureDate(db.Model):
    """A day the council is closed, which is not a working day for its own clocks.

    Removing a closure keeps the row (``removed_at``), so a recomputation can say why a due date moved.
    """

    __tablename__ = "closure_date"
    __table_args__ = (Index("ix_closure_date_day", "day", "removed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    #: What residents and staff see as the reason, e.g. "Christmas closure".
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    removed_at: Mapped[datetime | None]
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    def __repr__(self) -> str:
        return f"<ClosureDate {self.day} {self.name}>"


watch(ClosureDate)  # every due date reads the closure dates: kept per process until they change


class ClockStatus(StrEnum):
    OPEN = "open"
    STOPPED = "stopped"


class Clock(db.Model):
    """A running deadline for one record, stored with the inputs its due date is derived from."""

    __tablename__ = "clock"
    __table_args__ = (
        Index("ix_clock_subject", "subject_type", "subject_id"),
        Index("ix_clock_open_due", "status", "due_on"),
        # Recomputation walks open clocks in id order, a batch at a time.
        Index("ix_clock_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The record the clock belongs to (its table name and id), e.g. ("complaint", 12).
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[int]
    #: A rule name from core.clocks, e.g. "lgsco-stage1-response" or "working-days:3".
    rule: Mapped[str] = mapped_column(String(40))
    #: The holiday policy the clock counts on (FOI, EIR and SAR rules use their own).
    calendar: Mapped[str] = mapped_column(String(30))
    #: Day 0: the day of receipt, acknowledgement or escalation request.
    started_on: Mapped[date]
    #: Pauses, extensions and resets in order (core.clocks.ledger_to_json).
    ledger: Mapped[list] = mapped_column(JSON, default=list)
    #: Derived from rule, calendar, started_on and ledger; None while the clock is paused.
    due_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(10), default=ClockStatus.OPEN)
    stopped_on: Mapped[date | None]
    #: When due_on was last worked out: closure changes after this explain a recomputed move.
    computed_at: Mapped[datetime] = mapped_column(default=now)
    created_at: Mapped[datetime] = mapped_column(default=now)

    def deadline(self, calendar: WorkingCalendar) -> Deadline:
        """The due date from the stored inputs, on ``calendar`` (the holiday policy plus closures).

        The stored ledger was checked when each entry was recorded, so it is not checked again here.
        """
        return compute(self.rule, self.started_on, calendar, ledger_from_json(self.ledger or []), strict=False)

    def __repr__(self) -> str:
        return f"<Clock {self.rule} {self.subject_type}:{self.subject_id} due {self.due_on}>"
