"""Every complaint due date in one place: the stage clocks of each Complaint Handling Code, counted in working days.

The rest of the complaints package asks this module, and only this module, for due dates and working-day counts,
so the counting engine behind it can change without touching the procedure. Working days here are Monday to
Friday except the bank holidays of the council's calendar setting (``CHARTERLINE_CALENDAR``), from the
``holidays`` package, offline.

Counting follows the rule both Codes use: the day the clock starts is day 0, the next working day is day 1, and
a duty is met if done on or before the due date; it is overdue from the day after.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import holidays
from flask import current_app, has_app_context

ONE_DAY = timedelta(days=1)

#: Which bank holidays each calendar setting observes (the "uk" policy is the union of all four nations).
_SUBDIVISIONS = {
    "england-and-wales": ("ENG",),
    "scotland": ("SCT",),
    "northern-ireland": ("NIR",),
    "uk": ("ENG", "WLS", "SCT", "NIR"),
}

ACKNOWLEDGE = "acknowledge"
RESPOND = "respond"

#: Working days for each clock. Both Codes (2024, aligned): acknowledge within 5 working days (6.2 and 6.11);
#: respond within 10 working days of acknowledging at stage 1 (6.3) and 20 at stage 2.
CLOCK_DAYS = {(1, ACKNOWLEDGE): 5, (1, RESPOND): 10, (2, ACKNOWLEDGE): 5, (2, RESPOND): 20}

#: Extension allowed "without good reason": 10 working days at stage 1 (6.4); 20 at stage 2, as councils
#: applying both Codes set it out. Anything longer needs a recorded good reason and a complaints officer's approval.
EXTENSION_CAP = {1: 10, 2: 20}

CODE_NAMES = {"lgsco": "LGSCO Complaint Handling Code", "ho": "Housing Ombudsman Complaint Handling Code"}

_CITATIONS = {(1, ACKNOWLEDGE): "6.2", (1, RESPOND): "6.3", (2, ACKNOWLEDGE): "6.11", (2, RESPOND): "stage 2"}

_DUTIES = {
    (1, ACKNOWLEDGE): "acknowledge and define a stage 1 complaint",
    (1, RESPOND): "respond at stage 1",
    (2, ACKNOWLEDGE): "acknowledge and define a request for a stage 2 review",
    (2, RESPOND): "give the stage 2 final response",
}

_STARTED = {
    (1, ACKNOWLEDGE): "Complaint received",
    (1, RESPOND): "Complaint acknowledged",
    (2, ACKNOWLEDGE): "Stage 2 review requested",
    (2, RESPOND): "Stage 2 review acknowledged",
}


@dataclass(frozen=True)
class Extension:
    """Extra working days agreed on ``on``."""

    on: date
    days: int
    reason: str


@dataclass(frozen=True)
class Pause:
    """No day from ``first_day`` to ``last_day`` (inclusive) counts; ``last_day`` None means still paused."""

    first_day: date
    last_day: date | None
    reason: str


def rule_name(regime: str, stage: int, clock: str) -> str:
    """The name of the deadline rule, e.g. ``lgsco-stage1-ack`` or ``ho-stage2-response``."""
    return f"{regime}-stage{stage}-{'ack' if clock == ACKNOWLEDGE else 'response'}"


def citation(regime: str, stage: int, clock: str) -> str:
    return f"{CODE_NAMES[regime]} {_CITATIONS[(stage, clock)]}"


def stage_due(
    regime: str,
    stage: int,
    clock: str,
    start: date,
    extensions: Sequence[Extension] = (),
    pauses: Sequence[Pause] = (),
) -> tuple[date | None, list[str]]:
    """The due date of one stage clock started on ``start`` (day 0), and how it was worked out, line by line.

    The due date is None while the clock is paused.
    """
    amount = CLOCK_DAYS[(stage, clock)] + sum(e.days for e in extensions)
    due = _count(start, amount, pauses)
    lines = [
        f"The council must {_DUTIES[(stage, clock)]} within {_days(CLOCK_DAYS[(stage, clock)])} "
        f"({citation(regime, stage, clock)}; rule {rule_name(regime, stage, clock)}).",
        f"Working days are Monday to Friday, except bank holidays in {_places()}.",
        f"{_STARTED[(stage, clock)]} on {long_date(start)} (day 0).",
    ]
    for extension in extensions:
        lines.append(f"On {long_date(extension.on)} the deadline was extended by {_days(extension.days)}: "
                     f"{extension.reason}.")
    for pause in pauses:
        if pause.last_day is None:
            lines.append(f"The clock has been paused since {long_date(pause.first_day)}: {pause.reason}.")
        else:
            lines.append(f"The clock was paused from {long_date(pause.first_day)} to {long_date(pause.last_day)}: "
                         f"{pause.reason}. Those days did not count.")
    if due is None:
        lines.append("There is no due date while the clock is paused.")
        return None, lines
    for day, name in holidays_between(start, due):
        lines.append(f"{long_date(day)} was not counted: {name}, a bank holiday.")
    lines.append(f"Due by {long_date(due)}. It is on time if done on or before that day, "
                 f"and overdue from {long_date(due + ONE_DAY)}.")
    return due, lines


def _count(start: date, amount: int, pauses: Sequence[Pause]) -> date | None:
    if any(p.last_day is None for p in pauses):
        return None
    day, counted = start, 0
    while counted < amount:
        day += ONE_DAY
        if is_working_day(day) and not any(p.first_day <= day <= p.last_day for p in pauses):
            counted += 1
    return day


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _holidays(_calendar_name(), day.year)


def add_working_days(day: date, n: int) -> date:
    """The working day ``n`` working days after ``day`` (day 0)."""
    counted = 0
    while counted < n:
        day += ONE_DAY
        counted += is_working_day(day)
    return day


def working_days_until(today: date, due: date) -> int:
    """Working days left until ``due``: 0 on the due date itself, negative once it has passed."""
    if due >= today:
        return _working_days_in(today, due)
    return -_working_days_in(due, today)


def _working_days_in(after: date, through: date) -> int:
    """Working days in the span after ``after`` up to and including ``through``."""
    return sum(is_working_day(after + timedelta(days=n)) for n in range(1, (through - after).days + 1))


def holidays_between(after: date, through: date) -> list[tuple[date, str]]:
    """Bank holidays on weekdays after ``after`` up to and including ``through``, with their names."""
    found = []
    for year in range(after.year, through.year + 1):
        for day, name in _holidays(_calendar_name(), year).items():
            if after < day <= through and day.weekday() < 5:
                found.append((day, name))
    return sorted(found)


def long_date(day: date) -> str:
    """'Friday 3 April 2026'."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _days(n: int) -> str:
    return f"{n} working day" if n == 1 else f"{n} working days"


def _calendar_name() -> str:
    if has_app_context():
        return current_app.config["CHARTERLINE_CALENDAR"]
    return "england-and-wales"


def _places() -> str:
    return {"england-and-wales": "England and Wales", "scotland": "Scotland", "northern-ireland": "Northern Ireland",
            "uk": "any part of the United Kingdom"}[_calendar_name()]


@lru_cache(maxsize=64)
def _holidays(calendar_name: str, year: int) -> dict[date, str]:
    names: dict[date, str] = {}
    for subdivision in _SUBDIVISIONS[calendar_name]:
        for day, name in holidays.country_holidays("GB", subdiv=subdivision, years=year).items():
            names.setdefault(day, name)
    return names
