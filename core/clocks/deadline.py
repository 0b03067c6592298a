"""Working out a due date from a rule, day 0 and the ledger on a calendar, and explaining it in plain English."""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from core.clocks.calendar import CalendarError, WorkingCalendar
from core.clocks.ledger import Extension, LedgerEntry, Pause, Reset
from core.clocks.rules import ONE_DAY, ClockError, Rule, Unit, get_rule

# --- Working out the due date --------------------------------------------------------------------------


@dataclass
class _Clock:
    """The ledger folded so far: what the due date depends on."""

    start: date
    extension: int = 0
    extensions: list[Extension] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    resets: list[Reset] = field(default_factory=list)
    superseded: int = 0

    @property
    def open_pause(self) -> Pause | None:
        return self.pauses[-1] if self.pauses and self.pauses[-1].last_day is None else None


def _amount(rule: Rule, clock: _Clock) -> int:
    if rule.extension and rule.full_extension and not clock.extensions:
        return rule.amount + rule.extension.cap
    return rule.amount + clock.extension


def _calendar_days(rule: Rule, clock: _Clock) -> int:
    """How many calendar days after day 0 a calendar-day or month clock runs out, before any pause."""
    if rule.unit is Unit.MONTHS:
        return (add_months(clock.start, _amount(rule, clock)) - clock.start).days
    return _amount(rule, clock)


def _days_between(after: date, through: date) -> int:
    return (through - after).days


@dataclass(frozen=True)
class _Scale:
    """How a rule counts: units between two days, the day n units on (rolled to a working day), and the total."""

    count: Callable[[date, date], int]
    finish: Callable[[date, int], date]
    amount: int


def _scale(rule: Rule, calendar: WorkingCalendar, clock: _Clock) -> _Scale:
    if rule.unit is Unit.WORKING_DAYS:

        def finish_working(cursor: date, n: int) -> date:
            # 0 working days ("the same working day"): day 0 when it is a working day, else the first working day
            # after it, as with one received on a Saturday that nobody can act on until Monday.
            return calendar.roll_forward(cursor) if n == 0 else calendar.add_working_days(cursor, n)

        return _Scale(calendar.working_days_between, finish_working, _amount(rule, clock))

    def finish(cursor: date, n: int) -> date:
        # Calendar-day and month deadlines that land on a non-working day move to the next working day.
        return calendar.roll_forward(cursor + timedelta(days=n))

    return _Scale(_days_between, finish, _calendar_days(rule, clock))


def _fold(start: date, scale: _Scale, pauses: Iterable[Pause]) -> tuple[date | None, int]:
    """Where counting resumes after the pauses, and how many units are still to run from there.

    The day is None while a pause is still open. A pause that begins after the time has run out changes nothing.
    """
    cursor, remaining = start, scale.amount
    for pause in pauses:
        if pause.first_day > scale.finish(cursor, remaining):
            break
        used = max(0, scale.count(cursor, pause.first_day - ONE_DAY))
        # The rest of the time runs after the pause, with at least one day left.
        remaining = max(remaining - used, 1)
        if pause.last_day is None:
            return None, remaining
        cursor = max(cursor, pause.last_day)
    return cursor, remaining


def _due(rule: Rule, calendar: WorkingCalendar, clock: _Clock) -> date | None:
    scale = _scale(rule, calendar, clock)
    cursor, remaining = _fold(clock.start, scale, clock.pauses)
    return None if cursor is None else scale.finish(cursor, remaining)


def add_months(day: date, months: int) -> date:
    """The corresponding date ``months`` later, or the last day of that month where it does not exist."""
    year, month_index = divmod(day.month - 1 + months, 12)
    year += day.year
    last = month_calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last))


def _fmt(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _apply(
    rule: Rule, calendar: WorkingCalendar | None, clock: _Clock, entry: LedgerEntry, previous: date | None
) -> None:
    """Fold one ledger entry into ``clock``; with a calendar, also check it against the due date as it stands."""
    if clock.open_pause:
        raise ClockError(
            f"The {rule.name} clock is paused from {_fmt(clock.open_pause.first_day)}: record when the pause "
            "ended before adding anything else"
        )
    if previous is not None and entry.on < previous:
        raise ClockError(f"Clock changes must be recorded in date order: {_fmt(entry.on)} is before {_fmt(previous)}")
    if entry.on < clock.start:
        raise ClockError(f"The {rule.name} clock started on {_fmt(clock.start)}; nothing can change it before then")
    if not entry.reason.strip():
        raise ClockError(f"Give a reason for the {type(entry).__name__.lower()} of the {rule.name} clock")
    if isinstance(entry, Reset):
        clock.superseded += len(clock.pauses) + len(clock.extensions)
        clock.start, clock.extension, clock.extensions, clock.pauses = entry.on, 0, [], []
        clock.resets.append(entry)
    elif isinstance(entry, Pause):
        _check_pause(rule, calendar, clock, entry)
        clock.pauses.append(entry)
    else:
        _check_extension(rule, calendar, clock, entry)
        clock.extension += entry.amount
        clock.extensions.append(entry)


def _check_pause(rule: Rule, calendar: WorkingCalendar | None, clock: _Clock, pause: Pause) -> None:
    if pause.last_day is not None and pause.last_day < pause.first_day:
        raise ClockError(f"A pause cannot end ({_fmt(pause.last_day)}) before it starts ({_fmt(pause.first_day)})")
    if clock.pauses and pause.first_day <= clock.pauses[-1].last_day:
        raise ClockError(
            f"A pause cannot start on {_fmt(pause.first_day)}: the previous pause of the {rule.name} clock "
            f"ran to {_fmt(clock.pauses[-1].last_day)}"
        )
    due = _due(rule, calendar, clock) if calendar else None
    if due and pause.first_day > due:
        raise ClockError(
            f"The {rule.name} clock was due on {_fmt(due)}, so it cannot be paused from {_fmt(pause.first_day)}"
        )


def _check_extension(rule: Rule, calendar: WorkingCalendar | None, clock: _Clock, extension: Extension) -> None:
    policy = rule.extension
    if policy is None:
        raise ClockError(f"The {rule.name} clock cannot be extended ({rule.citation})")
    if extension.amount < 1:
        raise ClockError(f"An extension of the {rule.name} clock must be at least {policy.unit.count(1)}")
    if not extension.agreed_by.strip():
        raise ClockError(f"Say who agreed the extension of the {rule.name} clock")
    total = clock.extension + extension.amount
    if total > policy.cap:
        asked = (
            f"An extension of {policy.unit.count(total)} is"
            if not clock.extensions
            else f"Extensions totalling {policy.unit.count(total)} are"
        )
        raise ClockError(
            f"{asked} more than the {policy.unit.count(policy.cap)} allowed for {policy.rule_name} ({policy.citation})"
        )
    due = _due(rule, calendar, clock) if calendar else None
    if due and extension.on > due:
        raise ClockError(
            f"An extension must be agreed on or before the due date it extends: the {rule.name} clock was due on "
            f"{_fmt(due)}, and {_fmt(extension.on)} is too late ({policy.citation})"
        )


def compute(
    rule: Rule | str,
    start: date,
    calendar: WorkingCalendar,
    ledger: Sequence[LedgerEntry] = (),
    *,
    strict: bool = True,
) -> Deadline:
    """The due date for ``rule`` started on ``start`` (day 0), after applying ``ledger`` in order.

    ``calendar`` is the council's calendar; rules that define working days themselves (FOI, EIR, SAR)
    use their own. Raises ``ClockError`` for an unknown rule or a ledger entry the rule does not allow.
    ``strict=False`` re-derives a stored ledger without checking pauses and extensions against the due date:
    they were checked when recorded, and a later change to the calendar must not make that history invalid.
    """
    if isinstance(rule, str):
        rule = get_rule(rule)
    used = rule.calendar_for(calendar)
    clock = _Clock(start)
    try:
        previous = None
        for entry in ledger:
            _apply(rule, used if strict else None, clock, entry, previous)
            previous = entry.on
        due = _due(rule, used, clock)
    except CalendarError as error:
        raise ClockError(f"Cannot work out the {rule.name} due date: {error}") from None
    return Deadline(rule, start, used, tuple(ledger), due, clock)


# --- The result and its explanation ------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A computed due date with the inputs that produced it; ``due`` is None while the clock is paused."""

    rule: Rule
    received: date
    calendar: WorkingCalendar
    ledger: tuple[LedgerEntry, ...]
    due: date | None
    _clock: _Clock = field(repr=False, compare=False)

    @property
    def start(self) -> date:
        """Day 0 as it now stands: the day of receipt, or the day of the last reset."""
        return self._clock.start

    @property
    def paused_since(self) -> date | None:
        pause = self._clock.open_pause
        return pause.first_day if pause else None

    def explain(self) -> list[str]:
        """How the due date was worked out, in plain English, one sentence per line."""
        return _Explanation(self).lines()


class _Explanation:
    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.rule = deadline.rule
        self.calendar = deadline.calendar
        self.clock = deadline._clock

    def lines(self) -> list[str]:
        out = [self._rule_line(), self._calendar_line(), *self._start_lines()]
        if self.rule.unit is Unit.WORKING_DAYS:
            out += self._working_day_lines()
        else:
            out += self._calendar_day_lines()
        out.append(self._due_line())
        return out

    def _rule_line(self) -> str:
        rule = self.rule
        amount = _amount(rule, self.clock)
        within = "on the same working day" if amount == 0 else f"within {rule.unit.count(amount)}"
        return f"The council must {rule.duty} {within} ({rule.citation}; rule {rule.name})."

    def _calendar_line(self) -> str:
        places = self.calendar.places
        if self.rule.unit is Unit.WORKING_DAYS:
            closed = ", and days the council is closed" if self.calendar.closures else ""
            law = " (FOIA s.10(6))" if self.rule.uk_calendar else ""
            return f"Working days are Monday to Friday, except bank holidays in {places}{closed}{law}."
        if self.calendar.closures:
            days = f"a weekend, a bank holiday in {places} or a day the council is closed"
        else:
            days = f"a weekend or a bank holiday in {places}"
        return f"A deadline that falls on {days} moves to the next working day."

    def _start_lines(self) -> list[str]:
        rule, clock = self.rule, self.clock
        day = "" if rule.receipt_is_day_one or clock.resets else " (day 0)"
        out = [f"{rule.started} on {_fmt(self.deadline.received)}{day}."]
        for reset in clock.resets:
            out.append(f"The clock restarted on {_fmt(reset.on)}: {reset.reason}. Counting starts again from that day.")
        if clock.superseded:
            out.append("Pauses and extensions recorded before the clock restarted no longer apply.")
        out.append(self._day_one_line())
        return out + self._extension_lines()

    def _day_one_line(self) -> str:
        start = self.clock.start
        if self.rule.receipt_is_day_one:
            return f"For this rule the day of receipt counts as day 1: {_fmt(start)}."
        if self.rule.unit is not Unit.WORKING_DAYS:
            return f"Day 1 was {_fmt(start + ONE_DAY)}, the day after day 0."
        if _amount(self.rule, self.clock) == 0:
            return "Day 0 is the day it is due if that is a working day; if not, the first working day after it."
        day = self.calendar.next_working_day(start)
        for pause in self.clock.pauses:
            if pause.first_day <= day and pause.last_day is None:
                return "Day 1 will be the first working day after the pause ends."
            if pause.first_day <= day <= pause.last_day:
                day = self.calendar.next_working_day(pause.last_day)
        return f"Day 1 was {_fmt(day)}, the first working day after day 0."

    def _extension_lines(self) -> list[str]:
        rule, clock = self.rule, self.clock
        policy = rule.extension
        out = []
        for extension in clock.extensions:
            out.append(
                f"On {_fmt(extension.on)} the deadline was extended by {policy.unit.count(extension.amount)}, "
                f"agreed by {extension.agreed_by}: {extension.reason}."
            )
        if policy and rule.full_extension and not clock.extensions:
            out.append(
                f"This includes the longest extension allowed: {policy.unit.count(policy.cap)} ({policy.citation})."
            )
        return out

    def _counted_through(self) -> date:
        """The last day the explanation covers: the due date, or the day before the open pause."""
        if self.deadline.due is not None:
            return self.deadline.due
        return self.clock.open_pause.first_day - ONE_DAY

    def _working_day_lines(self) -> list[str]:
        start, through = self.clock.start, self._counted_through()
        if through <= start:
            skipped = []
        else:
            skipped = self.calendar.days_not_worked(start, through)
        return [
            *self._skipped_lines(skipped, "not counted"),
            *self._pause_lines(self.calendar.working_days_between, "working day"),
        ]

    def _skipped_lines(self, skipped: list[tuple[date, str]], verb: str) -> list[str]:
        weekend = [day for day, _ in skipped if day.weekday() >= 5]
        out = [f"Weekend days {verb}: {_list_days(weekend)}."] if weekend else []
        for day, reason in skipped:
            if day.weekday() >= 5:
                continue
            if self.calendar.holiday_name(day):
                out.append(f"{_fmt(day)} was {verb}: {reason}, a bank holiday.")
            else:
                out.append(f"{_fmt(day)} was {verb}: the council was closed ({reason}).")
        return out

    def _pause_lines(self, count: Callable[[date, date], int], unit: str) -> list[str]:
        out = []
        for pause in self.clock.pauses:
            if pause.last_day is None:
                out.append(f"The clock has been paused since {_fmt(pause.first_day)}: {pause.reason}.")
                continue
            lost = max(0, count(max(pause.first_day - ONE_DAY, self.clock.start), pause.last_day))
            lost_words = (
                f"The {lost} {unit}s in that time did not count"
                if lost > 1
                else (f"The 1 {unit} in that time did not count" if lost == 1 else f"No {unit} was lost")
            )
            out.append(
                f"The clock was paused from {_fmt(pause.first_day)} to {_fmt(pause.last_day)}: {pause.reason}. "
                f"{lost_words}."
            )
        return out

    def _calendar_day_lines(self) -> list[str]:
        rule, clock = self.rule, self.clock
        amount = _amount(rule, clock)
        out = []
        if rule.unit is Unit.MONTHS:
            target = add_months(clock.start, amount)
            out.append(self._month_line(amount, target))
        else:
            target = clock.start + timedelta(days=amount)
            out.append(f"{rule.unit.count(amount).capitalize()} after day 0 is {_fmt(target)}.")
        out += self._pause_lines(_days_between, "day")
        if self.deadline.due is None:
            return out
        cursor, remaining = _fold(clock.start, _scale(rule, self.calendar, clock), clock.pauses)
        moved = cursor + timedelta(days=remaining)
        if clock.pauses:
            out.append(f"With the pauses, the time runs out on {_fmt(moved)}.")
        if moved != self.deadline.due:
            out.append(f"{_fmt(moved)} is not a working day, so the deadline moves to the next working day.")
            skipped = self.calendar.days_not_worked(moved - ONE_DAY, self.deadline.due - ONE_DAY)
            out += self._skipped_lines(skipped, "skipped")
        return out

    def _month_line(self, months: int, target: date) -> str:
        start = self.clock.start
        wanted = start.day
        span = f"{Unit.MONTHS.count(months)} from {_fmt(start)}"
        if target.day == wanted:
            return f"The corresponding date {span.replace(' from ', ' after ')} is {_fmt(target)}."
        return (
            f"{target:%B %Y} has no {_ordinal(wanted)} day, so {span} ends on the last day of that month, "
            f"{_fmt(target)}."
        )

    def _due_line(self) -> str:
        due = self.deadline.due
        if due is None:
            left = self._remaining()
            return (
                f"There is no due date while the clock is paused. When it restarts, {left} will be left, "
                "counted from the day after the pause ends."
            )
        return (
            f"Due by {_fmt(due)}. It is on time if done on or before that day, and overdue from {_fmt(due + ONE_DAY)}."
        )

    def _remaining(self) -> str:
        """What will be left of the time when the open pause ends."""
        _, left = _fold(self.clock.start, _scale(self.rule, self.calendar, self.clock), self.clock.pauses)
        return (Unit.WORKING_DAYS if self.rule.unit is Unit.WORKING_DAYS else Unit.CALENDAR_DAYS).count(left)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _list_days(days: list[date]) -> str:
    """Days grouped by month: "14, 15, 21 and 22 March 2009 and 4 and 5 April 2009"."""
    groups: dict[tuple[int, int], list[date]] = {}
    for day in days:
        groups.setdefault((day.year, day.month), []).append(day)
    parts = [f"{_and([str(day.day) for day in group])} {group[0]:%B %Y}" for group in groups.values()]
    return _and(parts, final="; and " if len(parts) > 2 else " and ")


def _and(items: list[str], final: str = " and ") -> str:
    if len(items) == 1:
        return items[0]
    separator = "; " if final.startswith(";") else ", "
    return separator.join(items[:-1]) + final + items[-1]
