"""Channel statistics: monthly figures from the council's telephony, web chat and queue systems, imported by file
or API, for the standards Charterline cannot measure from its own records."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import ServiceArea, StaffUser
from core.timesource import now

#: The base counts of a month, in the order the template and the pages show them, with what each counts.
COUNT_COLUMNS = {
    "calls_offered": "Calls offered (every call that reached the council's lines)",
    "calls_answered": "Calls answered",
    "calls_abandoned": "Calls abandoned by the caller before an answer",
    "calls_queued": "Calls that waited in a queue",
    "average_wait_seconds": "Average wait before an answer, in seconds",
    "longest_wait_seconds": "Longest wait before an answer, in seconds",
    "callbacks_promised": "Call-backs promised",
    "callbacks_made": "Call-backs made",
    "chats_offered": "Web chats requested",
    "chats_connected": "Web chats connected to an adviser",
    "visitors_without_appointment": "Visitors seen without an appointment",
    "visitors_with_appointment": "Visitors seen with an appointment",
    "foi_due": "Freedom of information requests due in the month",
    "foi_on_time": "Freedom of information requests answered in time",
    "eir_due": "Environmental information requests due in the month",
    "eir_on_time": "Environmental information requests answered in time",
    "sar_due": "Subject access requests due in the month",
    "sar_on_time": "Subject access requests answered in time",
}


class ChannelMonth(db.Model):
    """One month of one channel's figures, for one service area or (``service_area_id`` None) the whole council.

    A count left blank in the import is None: not measured, which is not the same as none."""

    __tablename__ = "channel_month"
    __table_args__ = (UniqueConstraint("month", "channel", "area_key", name="one_row_per_month_channel_service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The first day of the month.
    month: Mapped[date] = mapped_column(index=True)
    channel: Mapped[str] = mapped_column(String(20))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    #: ``service_area_id``, or 0 for the whole council: the unique key needs a value (NULLs never clash).
    area_key: Mapped[int] = mapped_column(default=0)

    calls_offered: Mapped[int | None]
    calls_answered: Mapped[int | None]
    calls_abandoned: Mapped[int | None]
    calls_queued: Mapped[int | None]
    average_wait_seconds: Mapped[int | None]
    longest_wait_seconds: Mapped[int | None]
    callbacks_promised: Mapped[int | None]
    callbacks_made: Mapped[int | None]
    chats_offered: Mapped[int | None]
    chats_connected: Mapped[int | None]
    visitors_without_appointment: Mapped[int | None]
    visitors_with_appointment: Mapped[int | None]
    foi_due: Mapped[int | None]
    foi_on_time: Mapped[int | None]
    eir_due: Mapped[int | None]
    eir_on_time: Mapped[int | None]
    sar_due: Mapped[int | None]
    sar_on_time: Mapped[int | None]

    imported_at: Mapped[datetime] = mapped_column(default=now)
    #: None when imported through the API or by a command.
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: The file name, or "API: <key name>".
    source: Mapped[str] = mapped_column(String(255))

    service_area: Mapped[ServiceArea | None] = relationship()
    imported_by: Mapped[StaffUser | None] = relationship()
    thresholds: Mapped[list[ChannelThreshold]] = relationship(
        back_populates="channel_month", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(ChannelThreshold.measure, ChannelThreshold.seconds)")

    def counts(self) -> dict[str, int | None]:
        return {name: getattr(self, name) for name in COUNT_COLUMNS}

    def __repr__(self) -> str:
        return f"<ChannelMonth {self.month:%Y-%m} {self.channel} {self.area_key}>"


class ChannelThreshold(db.Model):
    """How many of a month's cases happened within a threshold, e.g. calls answered within 20 seconds."""

    __tablename__ = "channel_threshold"
    __table_args__ = (UniqueConstraint("channel_month_id", "measure", "seconds", name="one_count_per_threshold"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_month_id: Mapped[int] = mapped_column(ForeignKey("channel_month.id", ondelete="CASCADE"), index=True)
    #: One of channel_stats.columns.MEASURES: answered, put_through, called_back, chat_connected, seen, ...
    measure: Mapped[str] = mapped_column(String(30))
    seconds: Mapped[int]
    count: Mapped[int]

    channel_month: Mapped[ChannelMonth] = relationship(back_populates="thresholds")
