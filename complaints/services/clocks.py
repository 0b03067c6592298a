"""Each stage's clocks: starting them, the running clock, pauses and restarts, and due dates worked out again
when the council's calendar changes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from complaints import deadlines
from complaints.models import OPEN_STATES, Complaint, ComplaintClock, ComplaintExtension, ComplaintPause, running
from complaints.services._common import (
    ComplaintRuleError,
    _atomic,
    _audit,
    _check_version,
    _snapshot,
    _text,
    running_clock,
)
from complaints.services.policy import require
from core.clocks.ledger import Extension, LedgerEntry, Pause
from core.extensions import db
from core.models import StaffUser


def _ledger(clock: ComplaintClock) -> list[LedgerEntry]:
    """The clock's stored pauses and extensions as the clock engine's ledger."""
    return [*(Extension(e.agreed_on, e.days, e.good_reason or e.reason, _agreed_by(e)) for e in clock.extensions),
            *(Pause(p.first_day, p.last_day, p.reason) for p in clock.pauses)]


def _agreed_by(extension: ComplaintExtension) -> str:
    person = extension.approved_by or extension.recorded_by
    return person.name if person else "the council"


def explain(clock: ComplaintClock) -> list[str]:
    """How the clock's due date was worked out, one sentence per line."""
    return deadlines.stage_due(clock.complaint.regime, clock.stage, clock.kind, clock.started_on, _ledger(clock))[1]


def _recompute(clock: ComplaintClock) -> None:
    clock.due_on, _ = deadlines.stage_due(clock.complaint.regime, clock.stage, clock.kind, clock.started_on,
                                          _ledger(clock))


def _start_clock(complaint: Complaint, kind: str, start: date) -> ComplaintClock:
    clock = ComplaintClock(stage=complaint.stage, kind=kind, started_on=start,
                           rule=deadlines.rule_name(complaint.regime, complaint.stage, kind))
    complaint.clocks.append(clock)
    _recompute(clock)
    return clock


def _refresh(complaint: Complaint) -> None:
    """Keep the dashboard's columns in step with the case: open, due date and current handler."""
    complaint.is_open = complaint.state in OPEN_STATES
    clock = running_clock(complaint)
    complaint.due_on = clock.due_on if clock else None
    complaint.handler_id = complaint.stage1_handler_id if complaint.stage == 1 else complaint.stage2_handler_id


def _end_pause(clock: ComplaintClock | None, on: date) -> None:
    if clock is not None and clock.open_pause is not None:
        clock.open_pause.last_day = max(on, clock.open_pause.first_day)
        _recompute(clock)


@_atomic
def pause_clock(complaint: Complaint, *, reason: str, by: StaffUser, on: date, version: int | None = None) -> None:
    """Stop the response clock, only with a recorded reason (the Codes give no general power to stop it)."""
    _check_version(complaint, version)
    require(complaint, by, "pause")
    clock = running_clock(complaint)
    if not _text(reason):
        raise ComplaintRuleError("Enter why the clock is paused: a pause needs a recorded reason")
    if on > clock.due_on:
        raise ComplaintRuleError(f"The response was due on {deadlines.long_date(clock.due_on)}, so the clock can "
                                 "no longer be paused")
    before = _snapshot(complaint)
    clock.pauses.append(ComplaintPause(first_day=on, last_day=None, reason=_text(reason), recorded_by_id=by.id))
    _recompute(clock)
    _refresh(complaint)
    _audit(complaint, "complaint.paused", by, before, f"Clock paused: {_text(reason)}")
    db.session.commit()


@_atomic
def restart_clock(complaint: Complaint, *, by: StaffUser, on: date, version: int | None = None) -> None:
    _check_version(complaint, version)
    require(complaint, by, "restart")
    clock = running_clock(complaint)
    before = _snapshot(complaint)
    _end_pause(clock, on)
    _refresh(complaint)
    _audit(complaint, "complaint.restarted", by, before,
           f"Clock restarted; now due {deadlines.long_date(clock.due_on)}")
    db.session.commit()


def recompute_due_dates(_sender=None, *, reason: str, **_extra) -> int:
    """Work out each running clock's due date again on the council's calendar as it is now, in the caller's
    transaction (core announces a closure date added or removed in its own transaction, before it commits).

    Returns how many moved; each move is in the case's history with ``reason`` (what changed in the calendar).
    """
    deadlines.calendar(fresh=True)
    moved = 0
    # Each running case with its clocks' ledgers in a few queries, not several per case.
    ledgers = selectinload(Complaint.clocks)
    query = (select(Complaint).where(running()).order_by(Complaint.id)
             .options(ledgers.selectinload(ComplaintClock.pauses),
                      ledgers.selectinload(ComplaintClock.extensions).options(
                          selectinload(ComplaintExtension.approved_by), selectinload(ComplaintExtension.recorded_by))))
    for complaint in db.session.scalars(query):
        clock = running_clock(complaint)
        if clock is None:  # an open case whose clock was never started (older data): nothing to move
            continue
        was = clock.due_on
        _recompute(clock)
        if clock.due_on != was:
            before = _snapshot(complaint)
            _refresh(complaint)
            _audit(complaint, "complaint.due_date_moved", None, before,
                   f"Due date moved from {deadlines.long_date(was) if was else 'none'} to "
                   f"{deadlines.long_date(clock.due_on) if clock.due_on else 'none'}: {reason}")
            moved += 1
    return moved
