"""The council's calendar: its holiday policy plus the closure dates in force, and changes to the closure dates.

A change to the calendar is announced once (``core.events.calendar_changed``) inside its own transaction; every
package with open deadlines moves them in that same transaction, so a closure and the due dates it moves are saved
together, and the administrator is told how many moved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from core.audit import record_audit
from core.clocks.calendar import FIRST_YEAR, LAST_YEAR, WorkingCalendar, get_calendar
from core.clocks.models import ClosureDate
from core.clocks.rules import ClockError
from core.events import calendar_changed
from core.extensions import db
from core.models import StaffUser
from core.reference_data import forget_stamp, kept
from core.timesource import now


def _fmt(day: date | None) -> str:
    return "no due date (paused)" if day is None else f"{day:%A} {day.day} {day:%B %Y}"


# --- Closure dates ---------------------------------------------------------------------------------------


def active_closures() -> list[ClosureDate]:
    """Closure dates in force, earliest first."""
    query = select(ClosureDate).where(ClosureDate.removed_at.is_(None)).order_by(ClosureDate.day)
    return list(db.session.scalars(query))


def forget_closures() -> None:
    """Check again, in this transaction, whether another process has changed the closure dates."""
    forget_stamp()


def _closures_in_force() -> tuple[tuple[date, str], ...]:
    """Closure dates as (day, name), kept per process until they change: every due date reads them."""
    return kept("closures", lambda: tuple((closure.day, closure.name) for closure in active_closures()))


def calendar_for_app(name: str | None = None) -> WorkingCalendar:
    """The council's calendar: the configured holiday policy (or ``name``) plus the closure dates in force."""
    policy = name or current_app.config["CHARTERLINE_CALENDAR"]
    return get_calendar(policy, _closures_in_force())


@dataclass(frozen=True)
class CalendarChange:
    """What a change to the calendar did: the closure changed, if any, and how many open due dates moved."""

    closure: ClosureDate | None
    moved: int


def announce_change(reason: str) -> int:
    """Tell every package with open deadlines that the calendar changed, in the caller's transaction.

    Returns how many open due dates moved. The caller commits.
    """
    forget_closures()
    results = calendar_changed.send(None, reason=reason)
    return sum(moved or 0 for _receiver, moved in results)


def add_closure(*, day: date, name: str, by: StaffUser) -> CalendarChange:
    """Record a day the council is closed and move every open deadline it affects, in one transaction."""
    name = name.strip()
    if not name:
        raise ClockError("Enter what the closure is for")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ClockError(f"The date the council is closed must be between {FIRST_YEAR} and {LAST_YEAR}")
    existing = calendar_for_app().reason_not_working(day)
    if existing:
        raise ClockError(f"{_fmt(day)} is already not a working day: {existing}")
    closure = ClosureDate(day=day, name=name, created_by_id=by.id)
    db.session.add(closure)
    record_audit(closure, "closure.added", by=by, after={"day": day, "name": name},
                 summary=f"Closure date added: {_fmt(day)} ({name})")
    db.session.flush()
    moved = announce_change(f"closure date added: {_fmt(day)} ({name})")
    db.session.commit()
    return CalendarChange(closure, moved)


def remove_closure(closure: ClosureDate, *, by: StaffUser) -> CalendarChange:
    """Take a closure date out of the calendar and move every open deadline it affected, in one transaction.

    The row stays (``removed_at``), so the calendar's history can still be read.
    """
    if closure.removed_at is not None:
        return CalendarChange(closure, 0)
    closure.removed_at = now()
    closure.removed_by_id = by.id
    record_audit(closure, "closure.removed", by=by, before={"day": closure.day, "name": closure.name},
                 summary=f"Closure date removed: {_fmt(closure.day)} ({closure.name})")
    db.session.flush()
    moved = announce_change(f"closure date removed: {_fmt(closure.day)} ({closure.name})")
    db.session.commit()
    return CalendarChange(closure, moved)
