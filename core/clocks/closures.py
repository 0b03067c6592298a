"""Clock and closure-date services: start, pause, resume, extend, reset and stop clocks; recompute them all.

Clock changes are steps inside a domain service's transaction: they add to the session and record an audit
event, and the caller commits. Closure-date changes and recomputation are whole actions and commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select

from core.audit import record_audit, target_type_of
from core.clocks.calendar import FIRST_YEAR, LAST_YEAR, WorkingCalendar, get_calendar
from core.clocks.models import Clock, ClockStatus, ClosureDate
from core.clocks.rules import (
    ClockError,
    Deadline,
    Extension,
    LedgerEntry,
    Pause,
    Reset,
    compute,
    get_rule,
    ledger_from_json,
    ledger_to_json,
)
from core.extensions import db
from core.models import StaffUser
from core.reference_data import forget_stamp, kept
from core.timesource import now

#: Open clocks are recomputed in batches of this many, each committed, so a run can be stopped and resumed.
RECOMPUTE_BATCH = 500


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


def add_closure(*, day: date, name: str, by: StaffUser) -> ClosureDate:
    """Record a day the council is closed; callers then recompute open clocks so their due dates move."""
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
    db.session.commit()
    return closure


def remove_closure(closure: ClosureDate, *, by: StaffUser) -> None:
    """Take a closure date out of the calendar; the row stays so recomputation can say why dates moved."""
    if closure.removed_at is not None:
        return
    closure.removed_at = now()
    closure.removed_by_id = by.id
    record_audit(closure, "closure.removed", by=by, before={"day": closure.day, "name": closure.name},
                 summary=f"Closure date removed: {_fmt(closure.day)} ({closure.name})")
    db.session.commit()


# --- Clocks ----------------------------------------------------------------------------------------------


def start_clock(
    subject: object, rule: str, *, started_on: date, by: StaffUser | None, calendar: str | None = None
) -> Clock:
    """Start a clock for ``subject`` (any saved record): ``started_on`` is day 0. Raises ClockError for a bad rule."""
    policy = calendar or current_app.config["CHARTERLINE_CALENDAR"]
    deadline = compute(rule, started_on, calendar_for_app(policy))
    if getattr(subject, "id", None) is None:
        db.session.flush()
    clock = Clock(subject_type=target_type_of(subject), subject_id=subject.id, rule=deadline.rule.name,
                  status=ClockStatus.OPEN, calendar=policy, started_on=started_on, ledger=[], due_on=deadline.due,
                  computed_at=now())
    db.session.add(clock)
    record_audit(clock, "clock.started", by=by,
                 after={"rule": clock.rule, "started_on": started_on, "due_on": deadline.due},
                 summary=f"{clock.rule} clock started on {_fmt(started_on)}; due by {_fmt(deadline.due)}")
    return clock


def pause_clock(clock: Clock, *, on: date, reason: str, by: StaffUser | None) -> Deadline:
    """Stop the clock from ``on`` (that day does not count) until it is resumed."""
    return _rewrite(clock, [*_ledger(clock), Pause(on, None, reason)], "clock.paused", by,
                    f"Clock paused from {_fmt(on)}: {reason}")


def resume_clock(clock: Clock, *, on: date, by: StaffUser | None) -> Deadline:
    """Restart a paused clock: ``on`` is the day what it waited for arrived, the last day not counted."""
    ledger = _ledger(clock)
    if not ledger or not isinstance(ledger[-1], Pause) or ledger[-1].last_day is not None:
        raise ClockError(f"The {clock.rule} clock is not paused")
    pause = ledger[-1]
    if on < pause.first_day:
        raise ClockError(f"The clock was paused on {_fmt(pause.first_day)}, so it cannot restart before then")
    resumed = Pause(pause.first_day, on, pause.reason)
    return _rewrite(clock, [*ledger[:-1], resumed], "clock.resumed", by,
                    f"Clock restarted after a pause from {_fmt(pause.first_day)} to {_fmt(on)}")


def extend_clock(
    clock: Clock, *, on: date, amount: int, reason: str, agreed_by: str, by: StaffUser | None
) -> Deadline:
    """Extend the clock, within the cap its rule allows; ``on`` is the day the extension was agreed."""
    entry = Extension(on, amount, reason, agreed_by)
    unit = get_rule(clock.rule).extension
    words = unit.unit.count(amount) if unit else str(amount)
    return _rewrite(clock, [*_ledger(clock), entry], "clock.extended", by,
                    f"Clock extended by {words}, agreed by {agreed_by}: {reason}")


def reset_clock(clock: Clock, *, on: date, reason: str, by: StaffUser | None) -> Deadline:
    """Restart the clock with ``on`` as the new day 0 (for example when a request is clarified)."""
    return _rewrite(clock, [*_ledger(clock), Reset(on, reason)], "clock.reset", by,
                    f"Clock restarted on {_fmt(on)}: {reason}")


def stop_clock(clock: Clock, *, on: date, by: StaffUser | None) -> None:
    """Stop the clock because what it timed has happened on ``on``; on time if on or before the due date."""
    if clock.status == ClockStatus.STOPPED:
        raise ClockError(f"The {clock.rule} clock already stopped on {_fmt(clock.stopped_on)}")
    late = clock.due_on is not None and on > clock.due_on
    record_audit(clock, "clock.stopped", by=by, before={"status": clock.status},
                 after={"status": ClockStatus.STOPPED, "stopped_on": on, "late": late},
                 summary=f"Clock stopped on {_fmt(on)}: {'late' if late else 'on time'} (due by {_fmt(clock.due_on)})")
    clock.status = ClockStatus.STOPPED
    clock.stopped_on = on


def explain_clock(clock: Clock) -> list[str]:
    """The plain-English explanation of a clock's due date, on today's calendar."""
    return clock.deadline(calendar_for_app(clock.calendar)).explain()


def _ledger(clock: Clock) -> list[LedgerEntry]:
    if clock.status != ClockStatus.OPEN:
        raise ClockError(f"The {clock.rule} clock stopped on {_fmt(clock.stopped_on)} and cannot be changed")
    return ledger_from_json(clock.ledger or [])


def _rewrite(clock: Clock, ledger: list[LedgerEntry], action: str, by: StaffUser | None, summary: str) -> Deadline:
    """Check the new ledger, then store it with the due date it gives; nothing changes if it is refused."""
    deadline = compute(clock.rule, clock.started_on, calendar_for_app(clock.calendar), ledger)
    before = {"due_on": clock.due_on, "ledger": clock.ledger}
    clock.ledger = ledger_to_json(ledger)
    clock.due_on = deadline.due
    clock.computed_at = now()
    record_audit(clock, action, by=by, before=before, after={"due_on": deadline.due, "ledger": clock.ledger},
                 summary=f"{summary}. Due by {_fmt(deadline.due)}." if deadline.due else f"{summary}.")
    return deadline


# --- Recomputation -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MovedClock:
    """An open clock whose due date changed when it was recomputed, and why."""

    clock_id: int
    subject_type: str
    subject_id: int
    rule: str
    was: date | None
    now: date | None
    why: str
    overdue: bool


@dataclass(frozen=True)
class RecomputeReport:
    checked: int
    moved: list[MovedClock]
    #: Clocks whose stored inputs no longer give a due date: (clock id, the reason).
    problems: list[tuple[int, str]]


def recompute_open_clocks(*, on: date, progress: Callable[[int], None] | None = None) -> RecomputeReport:
    """Work out every open clock's due date again, after closure dates or bank holidays change.

    Each due date that moves is saved with an audit event saying why. Batches are committed as they go,
    so the run is safe to repeat or resume; ``on`` is the day of the run, for marking clocks now overdue.
    """
    calendars: dict[str, WorkingCalendar] = {}
    closures = list(db.session.scalars(select(ClosureDate)))
    moved: list[MovedClock] = []
    problems: list[tuple[int, str]] = []
    checked, last_id = 0, 0
    # Read only the inputs (not whole ORM objects): most clocks do not move, and loading is the slow part.
    inputs = select(Clock.id, Clock.rule, Clock.calendar, Clock.started_on, Clock.ledger, Clock.due_on)
    while True:
        batch = db.session.execute(
            inputs.where(Clock.status == ClockStatus.OPEN, Clock.id > last_id).order_by(Clock.id).limit(RECOMPUTE_BATCH)
        ).all()
        if not batch:
            break
        changed: dict[int, Deadline] = {}
        for row in batch:
            if row.calendar not in calendars:
                calendars[row.calendar] = calendar_for_app(row.calendar)
            try:
                deadline = compute(row.rule, row.started_on, calendars[row.calendar],
                                   ledger_from_json(row.ledger or []), strict=False)
            except ClockError as error:
                problems.append((row.id, str(error)))
                continue
            if deadline.due != row.due_on:
                changed[row.id] = deadline
        if changed:
            for clock in db.session.scalars(select(Clock).where(Clock.id.in_(changed)).order_by(Clock.id)):
                moved.append(_move(clock, changed[clock.id], closures, on))
        checked += len(batch)
        last_id = batch[-1].id
        db.session.commit()
        if progress:
            progress(len(batch))
    return RecomputeReport(checked, moved, problems)


def _move(clock: Clock, deadline: Deadline, closures: list[ClosureDate], on: date) -> MovedClock:
    """Save a recomputed due date with an audit event saying why it moved."""
    why = _why_moved(clock, deadline, closures)
    summary = f"Due date moved from {_fmt(clock.due_on)} to {_fmt(deadline.due)}: {why}."
    record_audit(clock, "clock.recomputed", by=None, before={"due_on": clock.due_on},
                 after={"due_on": deadline.due, "recomputed_on": on}, summary=summary)
    change = MovedClock(clock.id, clock.subject_type, clock.subject_id, clock.rule, clock.due_on, deadline.due, why,
                        overdue=deadline.due is not None and deadline.due < on)
    clock.due_on = deadline.due
    clock.computed_at = now()
    return change


def _why_moved(clock: Clock, deadline: Deadline, closures: list[ClosureDate]) -> str:
    """Closure dates added or removed since the clock was last worked out, within its span; else the holidays."""
    if deadline.rule.uk_calendar or not deadline.rule.closures_count:
        return "the bank holidays or the deadline rules changed"
    ends = [day for day in (clock.due_on, deadline.due) if day is not None]
    last = max(ends) if ends else deadline.start

    def in_span(closure: ClosureDate) -> bool:
        return deadline.start < closure.day <= last

    added = [c for c in closures if c.removed_at is None and c.created_at > clock.computed_at and in_span(c)]
    removed = [c for c in closures if c.removed_at and c.removed_at > clock.computed_at and in_span(c)]
    reasons = []
    if added:
        reasons.append("closure dates added: " + "; ".join(f"{_fmt(c.day)} ({c.name})" for c in added))
    if removed:
        reasons.append("closure dates removed: " + "; ".join(f"{_fmt(c.day)} ({c.name})" for c in removed))
    return ", and ".join(reasons) or "the bank holidays or the deadline rules changed"
