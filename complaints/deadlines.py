"""Every complaint due date in one place: the stage clocks of each Complaint Handling Code, on the council's calendar.

The complaints package asks this module, and only this module, for due dates and working-day counts. The
arithmetic and the explanations come from the shared clock engine (core.clocks, rules ``lgsco-stage1-ack`` ...
``ho-stage2-response``) on the council's calendar (its holiday policy plus closure dates, core.clocks.closures).

Counting follows the Codes: the day the clock starts is day 0, the next working day is day 1, and a duty is met
if done on or before the due date; it is overdue from the day after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from core.clocks.calendar import WorkingCalendar
from core.clocks.closures import calendar_for_app, forget_closures
from core.clocks.deadline import compute
from core.clocks.ledger import Extension, LedgerEntry
from core.clocks.rules import Rule, get_rule
from core.extensions import db

ACKNOWLEDGE = "acknowledge"
RESPOND = "respond"


def rule_name(regime: str, stage: int, clock: str) -> str:
    """The clock engine's rule, e.g. ``lgsco-stage1-ack`` or ``ho-stage2-response``."""
    return f"{regime}-stage{stage}-{'ack' if clock == ACKNOWLEDGE else 'response'}"


#: Working days for each clock (the same in both Codes): acknowledge within 5 (6.2, 6.11); respond within 10 of
#: acknowledging at stage 1 (6.3) and 20 at stage 2.
CLOCK_DAYS = {(stage, clock): get_rule(rule_name("lgsco", stage, clock)).amount
              for stage in (1, 2) for clock in (ACKNOWLEDGE, RESPOND)}

#: Extension allowed "without good reason": 10 working days at stage 1 (Code 6.4), 20 at stage 2. Anything
#: longer needs a recorded good reason and a complaints officer's approval.
EXTENSION_CAP = {stage: get_rule(rule_name("lgsco", stage, RESPOND)).extension.cap for stage in (1, 2)}


def calendar(fresh: bool = False) -> WorkingCalendar:
    """The council's calendar (closure dates are read once per transaction; ``fresh`` reads them again)."""
    if fresh:
        forget_closures()
    # Reading the closure dates must not flush a change that is half made.
    with db.session.no_autoflush:
        return calendar_for_app()


def stage_due(
    regime: str, stage: int, clock: str, start: date, ledger: Sequence[LedgerEntry] = ()
) -> tuple[date | None, list[str]]:
    """The due date of one stage clock started on ``start`` (day 0), and how it was worked out, line by line.

    ``ledger`` holds the clock's pauses and extensions (the clock engine's own entries). The due date is None
    while the clock is paused. The rules (reasons, caps, dates) are checked by the complaints services when each
    extension or pause is recorded, so a stored history is never refused here.
    """
    rule = get_rule(rule_name(regime, stage, clock))
    ledger, beyond = _within_cap(rule, ledger)
    working = calendar()
    deadline = compute(rule, start, working, ledger, strict=False)
    lines = deadline.explain()
    if not beyond or deadline.due is None:
        return deadline.due, lines
    # The engine allows extensions up to the Code's limit; days approved beyond it (with a good reason, by a
    # complaints officer) are added after, and explained.
    due = working.add_working_days(deadline.due, sum(days for _, days in beyond))
    extra = [f"On {long_date(e.on)} a further {_days(days)} beyond the usual limit of "
             f"{_days(rule.extension.cap)} was approved by {e.agreed_by}: {e.reason}." for e, days in beyond]
    extra += [f"{long_date(day)} was not counted: {reason}." for day, reason in
              working.days_not_worked(deadline.due, due) if day.weekday() < 5]
    due_line = (f"Due by {long_date(due)}. It is on time if done on or before that day, and overdue from "
                f"{long_date(due + timedelta(days=1))}.")
    return due, [*lines[:-1], *extra, due_line]


def _within_cap(rule: Rule, entries: Sequence[LedgerEntry]):
    """The ledger in date order (a pause before an extension on the same day), with extension days beyond the
    rule's cap set aside: the engine allows extensions up to the Code's limit only."""
    room = rule.extension.cap if rule.extension else 0
    ledger: list[LedgerEntry] = []
    beyond: list[tuple[Extension, int]] = []
    for entry in sorted(entries, key=lambda e: (e.on, isinstance(e, Extension))):
        if not isinstance(entry, Extension):
            ledger.append(entry)
            continue
        within = min(entry.amount, room)
        room -= within
        if within:
            ledger.append(replace(entry, amount=within))
        if entry.amount > within:
            beyond.append((entry, entry.amount - within))
    return ledger, beyond


def is_working_day(day: date) -> bool:
    return calendar().is_working_day(day)


def add_working_days(day: date, n: int) -> date:
    """The working day ``n`` working days after ``day`` (day 0)."""
    return calendar().add_working_days(day, n)


def working_days_until(today: date, due: date) -> int:
    """Working days left until ``due``: 0 on the due date itself, negative once it has passed."""
    return calendar().working_days_between(today, due)


def long_date(day: date) -> str:
    """'Friday 3 April 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"
