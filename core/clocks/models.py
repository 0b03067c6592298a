"""The council's closure dates: days that are not working days for its own deadlines."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.reference_data import watch
from core.timesource import now


class ClosureDate(db.Model):
    """A day the council is closed, which is not a working day for its own clocks.

    Removing a closure keeps the row (``removed_at``), so the history of the council's calendar stays readable.
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
