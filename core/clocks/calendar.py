"""Working-day arithmetic over UK bank holidays and council closure dates."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import accumulate, compress

import holidays

#: Holiday policies and the nations whose bank holidays they observe.
CALENDAR_NATIONS: dict[str, tuple[str, ...]] = {
    "england-and-wales": ("ENG", "WLS"),
    "scotland": ("SCT",),
    "northern-ireland": ("NIR",),
    # FOIA s.10(6): a working day excludes a bank holiday "in any part of the United Kingdom".
    "uk": ("ENG", "WLS", "SCT", "NIR"),
}
CALENDAR_NAMES: tuple[str, ...] = tuple(CALENDAR_NATIONS)

#: Where each policy's bank holidays apply, in words a resident would use.
CALENDAR_PLACES: dict[str, str] = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
    "uk": "any part of the UK",
}

NATION_NAMES: dict[str, str] = {"ENG": "England", "WLS": "Wales", "SCT": "Scotland", "NIR": "Northern Ireland"}

#: The years the calendar can answer for: the holidays package publishes UK rules up to 2100.
FIRST_YEAR = 1900
LAST_YEAR = 2100

# Built eagerly on first use; anything outside extends the index by whole years, with a margin.
_INITIAL_YEARS = (2000, 2060)
_MARGIN_YEARS = 10
# Working days in a year never fall below this, so it bounds how far N working days can reach.
_MIN_WORKING_DAYS_PER_YEAR = 240

_WEEKEND_NAMES = {5: "Saturday", 6: "Sunday"}


class CalendarError(ValueError):
    """A calendar was asked for something it cannot answer (unknown policy, date out of range).

    Not a RuleError: it is a configuration or programming error, or a bad argument to `flask clocks due`, reported
    on the command line; the deadline rules turn it into a ClockError rather than show it to anyone as a refusal."""


@dataclass(frozen=True, slots=True)
class _Index:
    """Working days over whole years [first_year, last_year], for O(1) arithmetic.

    ``before[d]`` and ``through[d]`` count the index's working days before ``d`` and up to and including
    ``d``; ``days[k]`` is the k-th working day. So the n-th working day after ``d`` is
    ``days[through[d] + n - 1]`` and the n-th before it is ``days[before[d] - n]``.
    """

    first_year: int
    last_year: int
    before: dict[date, int]
    through: dict[date, int]
    days: list[date]
    holiday_names: dict[date, str]


@lru_cache(maxsize=32)
def _holiday_names(nations: tuple[str, ...], first_year: int, last_year: int) -> dict[date, str]:
    """Bank holidays (substitute days included) with names; a holiday not shared by every nation says where."""
    seen: dict[date, dict[str, list[str]]] = {}
    for nation in nations:
        table = holidays.country_holidays("GB", subdiv=nation, years=range(first_year, last_year + 1))
        for day, names in table.items():
            for name in names.split("; "):
                seen.setdefault(day, {}).setdefault(name, []).append(nation)
    labels: dict[date, str] = {}
    for day, by_name in seen.items():
        labels[day] = "; ".join(_label(name, where, nations) for name, where in by_name.items())
    return labels


def _label(name: str, where: list[str], nations: tuple[str, ...]) -> str:
    if len(where) == len(nations):
        return name
    places = [NATION_NAMES[nation] for nation in where]
    place = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
    if name.endswith(" (observed)"):
        return f"{name[:-1]}, {place})"
    return f"{name} ({place})"


@lru_cache(maxsize=8)
def _every_day(first_year: int, last_year: int) -> tuple[date, ...]:
    first, last = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()
    return tuple(date.fromordinal(ordinal) for ordinal in range(first, last + 1))


def _build_index(nations: tuple[str, ...], closures: Mapping[date, str], first_year: int, last_year: int) -> _Index:
    names = _holiday_names(nations, first_year, last_year)
    every_day = _every_day(first_year, last_year)
    # Monday is weekday 0; Saturday and Sunday are never working days.
    working = [day.weekday() < 5 and day not in names and day not in closures for day in every_day]
    running = list(accumulate(working, initial=0))
    before = dict(zip(every_day, running[:-1], strict=True))
    through = dict(zip(every_day, running[1:], strict=True))
    return _Index(first_year, last_year, before, through, list(compress(every_day, working)), names)


def _as_date(day: date) -> date:
    """The calendar date of ``day``; a datetime counts as its date (a time of day never moves a deadline)."""
    return day if type(day) is date else date(day.year, day.month, day.day)


def _format_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


class WorkingCalendar:
    """Working days for one holiday policy plus the council's closure dates.

    Day arithmetic uses a precomputed index of working days, so adding N working days costs two list
    look-ups however large N is. Build calendars with :func:`get_calendar`, which caches them.
    """

    def __init__(self, name: str, closures: Mapping[date, str]) -> None:
        if name not in CALENDAR_NATIONS:
            raise CalendarError(f"Unknown calendar '{name}'. Choose one of: {', '.join(CALENDAR_NAMES)}")
        self.name = name
        self.nations = CALENDAR_NATIONS[name]
        self.closures: dict[date, str] = dict(closures)
        self._lock = threading.Lock()
        self._index = _build_index(self.nations, self.closures, *_INITIAL_YEARS)

    def __repr__(self) -> str:
        return f"WorkingCalendar({self.name!r}, closures={len(self.closures)})"

    @property
    def places(self) -> str:
        """Where this calendar's bank holidays apply, for explanations."""
        return CALENDAR_PLACES[self.name]

    def without_closures(self) -> WorkingCalendar:
        """The same holiday policy with no council closure dates (statutory clocks ignore closures)."""
        return get_calendar(self.name) if self.closures else self

    def is_working_day(self, day: date) -> bool:
        """True unless ``day`` is a weekend day, a bank holiday of this policy or a closure date."""
        day = _as_date(day)
        ix = self._covering(day)
        return ix.through[day] != ix.before[day]

    def add_working_days(self, day: date, n: int) -> date:
        """The n-th working day after ``day`` (n > 0), before it (n < 0), or ``day`` itself (n == 0).

        ``day`` is day 0 and need not be a working day: from a Saturday, one working day on is the
        Monday (if it is a working day), the same as from the Friday before.
        """
        # The hot path: two dictionary look-ups, whatever n is. Anything unusual goes the slow way.
        ix = self._index
        if n > 0:
            k = ix.through.get(day)
            if k is not None and k + n <= len(ix.days):
                return ix.days[k + n - 1]
        elif n < 0:
            k = ix.before.get(day)
            if k is not None and k + n >= 0:
                return ix.days[k + n]
        return self._add_beyond_index(_as_date(day), n)

    def subtract_working_days(self, day: date, n: int) -> date:
        """The n-th working day before ``day``."""
        return self.add_working_days(day, -n)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative when ``end`` is before ``start``.

        So ``add_working_days(start, working_days_between(start, end)) == end`` for a working day ``end``
        after ``start``.
        """
        start, end = _as_date(start), _as_date(end)
        self._covering(start)
        ix = self._covering(end)
        return ix.through[end] - ix.through[start]

    def next_working_day(self, day: date) -> date:
        """The first working day after ``day``."""
        return self.add_working_days(day, 1)

    def roll_forward(self, day: date) -> date:
        """``day`` if it is a working day, otherwise the next working day."""
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def holiday_name(self, day: date) -> str | None:
        """The bank holiday on ``day`` under this policy (substitute days included), or None."""
        day = _as_date(day)
        return self._covering(day).holiday_names.get(day)

    def reason_not_working(self, day: date) -> str | None:
        """Why ``day`` is not a working day ("Saturday", "Christmas Day (observed)", a closure name), or None."""
        day = _as_date(day)
        if day.weekday() in _WEEKEND_NAMES:
            self._covering(day)
            return _WEEKEND_NAMES[day.weekday()]
        return self.holiday_name(day) or self.closures.get(day)

    def days_not_worked(self, after: date, through: date) -> list[tuple[date, str]]:
        """Each non-working day after ``after`` up to and including ``through``, with its reason."""
        self._covering(after)
        self._covering(through)
        skipped = []
        for ordinal in range(after.toordinal() + 1, through.toordinal() + 1):
            day = date.fromordinal(ordinal)
            reason = self.reason_not_working(day)
            if reason is not None:
                skipped.append((day, reason))
        return skipped

    def _covering(self, day: date) -> _Index:
        """The index, extended if needed so that it covers ``day``."""
        ix = self._index
        if ix.first_year <= day.year <= ix.last_year:
            return ix
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise CalendarError(
                f"{_format_day(day)} is outside the years the working-day calendar covers ({FIRST_YEAR} to {LAST_YEAR})"
            )
        return self._extend(day.year, day.year)

    def _extend(self, low_year: int, high_year: int) -> _Index:
        with self._lock:
            ix = self._index
            if ix.first_year <= low_year and high_year <= ix.last_year:
                return ix
            first = max(FIRST_YEAR, min(ix.first_year, low_year - _MARGIN_YEARS))
            last = min(LAST_YEAR, max(ix.last_year, high_year + _MARGIN_YEARS))
            self._index = _build_index(self.nations, self.closures, first, last)
            return self._index

    def _add_beyond_index(self, day: date, n: int) -> date:
        reach = abs(n) // _MIN_WORKING_DAYS_PER_YEAR + 1
        low, high = (day.year, day.year + reach) if n > 0 else (day.year - reach, day.year)
        ix = self._covering(day)
        if n == 0:
            return day
        ix = self._extend(max(low, FIRST_YEAR), min(high, LAST_YEAR))
        k = ix.through[day] + n - 1 if n > 0 else ix.before[day] + n
        if not 0 <= k < len(ix.days):
            direction = "after" if n > 0 else "before"
            raise CalendarError(
                f"{abs(n)} working days {direction} {_format_day(day)} is outside the years the working-day "
                f"calendar covers ({FIRST_YEAR} to {LAST_YEAR})"
            )
        return ix.days[k]


ClosureInput = Mapping[date, str] | Iterable[tuple[date, str]] | None


def get_calendar(name: str, closures: ClosureInput = None) -> WorkingCalendar:
    """The cached calendar for a holiday policy and a set of closure dates (date -> name)."""
    if name not in CALENDAR_NATIONS:
        raise CalendarError(f"Unknown calendar '{name}'. Choose one of: {', '.join(CALENDAR_NAMES)}")
    pairs = closures.items() if isinstance(closures, Mapping) else (closures or ())
    return _cached_calendar(name, tuple(sorted(pairs)))


@lru_cache(maxsize=64)
def _cached_calendar(name: str, closures: tuple[tuple[date, str], ...]) -> WorkingCalendar:
    return WorkingCalendar(name, dict(closures))
