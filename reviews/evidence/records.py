"""Standards measured from Charterline's own records: acknowledgements and full replies to feedback, and the
complaint Codes' stage clocks.

Which items a standard covers, and when each met it:

- An acknowledgement or full-reply standard with no subject covers every item (any kind) received through the
  commitment's channel, or through every channel when the commitment is about ``any``. Withdrawn items are left out
  of full replies: nothing more was owed.
- An item acknowledged on or before its due date met an acknowledgement standard; the due date is worked out from
  the day it was received (day 0) by the standard's own rule in force on that day, on the council's calendar.
- The full reply is the day the item was closed (``closed_at``): staff close an item when they have replied in
  full. Staff messages are not counted, as they include notices (reclassification, requests for more detail) that
  are not the reply.
- An item not yet acknowledged (or closed) counts as missed once its due date has passed, and is not counted while
  it still has time.
- A standard about complaints at stage 1 or 2 is measured on the complaint procedure's own clocks
  (``complaints.queries.clock_results``): the due date there carries the Code's extensions and pauses.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from complaints import deadlines
from complaints.queries import clock_results
from core.clocks.calendar import WorkingCalendar
from core.clocks.deadline import compute
from core.clocks.rules import ClockError
from core.models import Commitment
from core.standards import NAMED_RULES, Standard, about_information_requests, channels_covered
from feedback.queries import received_and_acknowledged, received_and_closed

#: Metrics Charterline measures from feedback and complaints.
RECORD_METRICS = {"acknowledge": deadlines.ACKNOWLEDGE, "reply": deadlines.RESPOND}
STAGES = {"complaint-stage-1": 1, "complaint-stage-2": 2}


def channels_of(commitment: Commitment) -> list[str] | None:
    """The ways in a commitment's standards cover, as intake matches them (core.standards.channels_covered: "email"
    covers the web form too); None (every channel) for ``any``."""
    covered = channels_covered(commitment.channel)
    return None if covered is None else list(covered)


def from_records(standard: Standard, commitment: Commitment) -> bool:
    """Whether Charterline's own records measure this standard (rather than imported channel statistics). A promise
    about information-rights requests is never measured from feedback, which intake never measures against it."""
    if standard.metric not in RECORD_METRICS:
        return False
    if standard.subject in STAGES:
        return True
    if about_information_requests(commitment.wording):
        return False
    return standard.rule not in NAMED_RULES and standard.day_rule is not None


def due_dates(standard: Standard, calendar: WorkingCalendar) -> Callable[[date], date | None]:
    """The due date of each day received on, by the standard's rule, worked out once per day."""
    rule = standard.day_rule
    known: dict[date, date | None] = {}

    def due(received: date) -> date | None:
        if received not in known:
            known[received] = _due(rule, received, calendar)
        return known[received]

    return due


def _due(rule: str | None, received: date, calendar: WorkingCalendar) -> date | None:
    try:
        return compute(rule, received, calendar).due
    except ClockError:
        return None


class Measured:
    """Counts for one standard over one span: met, counted, and whether it could be counted at all."""

    def __init__(self, met: int = 0, total: int = 0, countable: bool = True) -> None:
        self.met, self.total, self.countable = met, total, countable


def feedback_counts(standard: Standard, channels: list[str] | None, start: date, end: date, as_of: date,
                    calendar: WorkingCalendar, cache: dict) -> Measured:
    """Met and counted for an acknowledgement or full-reply standard over feedback received from start to end.

    ``cache`` keeps the grouped rows between calls; its "range" (first day, last day) is what to read at once."""
    reader = received_and_acknowledged if standard.metric == "acknowledge" else received_and_closed
    # One grouped query per kind of measure and set of channels over both years the review reads (``cache["range"]``),
    # shared by every standard and span measured: a few thousand rows per year, however many items.
    first, last = cache.get("range", (start, end))
    key = (standard.metric, tuple(channels) if channels is not None else None)
    if key not in cache:
        by_day: dict[date, list] = {}
        for _channel, received, done, count in reader(first, last, channels):
            by_day.setdefault(received, []).append((done, count))
        cache[key] = by_day
    by_day = cache[key]
    due_on = cache.setdefault(("due", standard.day_rule), due_dates(standard, calendar))
    met = total = 0
    for received in by_day:
        if not start <= received <= end:
            continue
        due = due_on(received)
        if due is None:
            return Measured(countable=False)
        for done, count in by_day[received]:
            if done is None:
                if due < as_of:
                    total += count
                continue
            total += count
            met += count if done <= due else 0
    return Measured(met, total)


def complaint_counts(standard: Standard, channels: list[str] | None, start: date, end: date,
                     as_of: date) -> Measured:
    """Met and counted for a standard about complaints at a stage, from the stage clocks started in the span."""
    met, total = clock_results(STAGES[standard.subject], RECORD_METRICS[standard.metric], start, end, as_of,
                               channels)
    return Measured(met, total)
