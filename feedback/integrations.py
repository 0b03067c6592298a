"""How feedback works out its due dates: the shared clock engine over the council's calendar and closure dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.clocks.calendar import WorkingCalendar
from core.clocks.closures import calendar_for_app
from core.clocks.deadline import Deadline, compute


@dataclass(frozen=True)
class DueDate:
    """A due date and how it was worked out, one plain-English sentence per line (written only when asked for)."""

    deadline: Deadline

    @property
    def due(self) -> date:
        return self.deadline.due

    @property
    def explanation(self) -> list[str]:
        return self.deadline.explain()


def due_date(rule: str, start: date, calendar: WorkingCalendar | None = None) -> DueDate:
    """The due date for a deadline `rule` ("lgsco-stage1-ack", "working-days:3", "calendar-days:1") from day 0.

    The council's calendar, closure dates included, is read once per transaction unless ``calendar`` is given.
    """
    return DueDate(compute(rule, start, calendar or calendar_for_app()))
