"""The seams to the deadline engine, the sentiment scorer and the theme finder that feedback relies on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app

# The deadline engine, the sentiment scorer and the theme finder are optional parts of core: each seam below
# falls back to a plain answer when its part is not installed. Looked up once, not on every submission.
try:
    from core.calendar import get_calendar
    from core.clocks import compute
except ImportError:
    get_calendar = compute = None
try:
    from core.sentiment import score
except ImportError:
    score = None
try:
    from core.themes import themes_for as find_themes
except ImportError:
    find_themes = None


@dataclass(frozen=True)
class DueDate:
    """A due date and how it was worked out, one plain-English sentence per line."""

    due: date
    explanation: list[str]


def due_date(rule: str, start: date) -> DueDate:
    """The due date for a deadline `rule` ("lgsco-stage1-ack", "working-days:3", "calendar-days:1") from day 0."""
    if compute is None:
        return _weekdays_only(rule, start)
    deadline = compute(rule, start, get_calendar(current_app.config["CHARTERLINE_CALENDAR"]))
    return DueDate(deadline.due, deadline.explain())


#: Rules the weekday-only fallback understands: the complaint codes' 5 working-day acknowledgement.
_NAMED_WORKING_DAYS = {"lgsco-stage1-ack": 5, "ho-stage1-ack": 5}


def _weekdays_only(rule: str, start: date) -> DueDate:
    """Count days without the council's calendar: weekends are skipped, bank holidays are not known."""
    kind, _, amount = rule.partition(":")
    if kind == "calendar-days":
        due = start + timedelta(days=int(amount))
        days = f"{amount} day" if amount == "1" else f"{amount} days"
        return DueDate(due, [f"Received on {_day(start)} (day 0).", f"Due {days} later, on {_day(due)}."])
    days = _NAMED_WORKING_DAYS.get(rule) or int(amount)
    due = start
    for _ in range(days):
        due += timedelta(days=1)
        while due.weekday() >= 5:
            due += timedelta(days=1)
    return DueDate(due, [f"Received on {_day(start)} (day 0); the next working day is day 1.",
                         f"Due on working day {days}: {_day(due)}. Saturdays and Sundays are not counted."])


def _day(value: date) -> str:
    return f"{value:%A} {value.day} {value:%B %Y}"


@dataclass(frozen=True)
class Score:
    polarity: float | None
    subjectivity: float | None
    label: str | None
    version: str | None


def score_text(text: str) -> Score:
    """Sentiment of a resident's words, scored once when they are written."""
    if score is None:
        return Score(None, None, None, None)
    result = score(text)
    return Score(result.polarity, result.subjectivity, result.label, result.version)


def themes_for(text: str) -> list[str]:
    """Theme labels found in a resident's words (for example "missed collection", "staff attitude")."""
    if find_themes is None:
        return []
    return list(find_themes(text))
