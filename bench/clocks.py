"""Benchmark of working-day arithmetic and clock recomputation: prints timings against the targets."""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import holidays

# Run from a checkout as `python bench/clocks.py`: make the project root importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.clocks.calendar import CALENDAR_NATIONS, WorkingCalendar, get_calendar  # noqa: E402
from core.clocks.deadline import compute  # noqa: E402
from core.clocks.ledger import Extension, Pause, Reset  # noqa: E402
from core.clocks.rules import RULES  # noqa: E402

CALLS = 1_000_000
PLAIN_SAMPLE = 20_000
TUNED_SAMPLE = 50_000
CHECKED = 2_000
CLOCKS = 100_000
SEED = 20260401
# Clock lengths in the rules run to 40 working days plus extensions; negative N covers reminders
# ("N working days before the due date").
LONGEST = 60


def _inputs(count: int, rng: random.Random) -> list[tuple[date, int]]:
    first = date(2001, 1, 1).toordinal()
    last = date(2058, 12, 31).toordinal()
    return [(date.fromordinal(rng.randint(first, last)), rng.randint(-LONGEST, LONGEST) or 1) for _ in range(count)]


def _stepping_add(is_holiday: Callable[[date], bool], day: date, n: int) -> date:
    """The plain approach: step one calendar day at a time, counting working days."""
    step = timedelta(days=1 if n > 0 else -1)
    left = abs(n)
    while left:
        day += step
        if day.weekday() < 5 and not is_holiday(day):
            left -= 1
    return day


def _plain_holiday_check(closures: dict[date, str]) -> Callable[[date], bool]:
    """What straightforward code asks on every step: the holidays package's tables, then the closures."""
    tables = [holidays.country_holidays("GB", subdiv=nation) for nation in CALENDAR_NATIONS["england-and-wales"]]
    return lambda day: any(day in table for table in tables) or day in closures


def _tuned_holiday_check(calendar: WorkingCalendar) -> Callable[[date], bool]:
    """A fast loop: one precomputed set of every weekday that is not worked."""
    first, last = date(2000, 1, 1), date(2060, 12, 31)
    non_working = frozenset(day for day, _ in calendar.days_not_worked(first, last) if day.weekday() < 5)
    return non_working.__contains__


def _time_loop(is_holiday: Callable[[date], bool], sample: list[tuple[date, int]]) -> float:
    started = time.perf_counter()
    for day, n in sample:
        _stepping_add(is_holiday, day, n)
    return (time.perf_counter() - started) * CALLS / len(sample)


def bench_add(calendar: WorkingCalendar, rng: random.Random) -> tuple[float, float, float]:
    pairs = _inputs(CALLS, rng)
    add = calendar.add_working_days
    started = time.perf_counter()
    for day, n in pairs:
        add(day, n)
    indexed = time.perf_counter() - started

    plain_check = _plain_holiday_check(calendar.closures)
    tuned_check = _tuned_holiday_check(calendar)
    for check in (plain_check, tuned_check):
        wrong = sum(add(day, n) != _stepping_add(check, day, n) for day, n in pairs[:CHECKED])
        if wrong:
            raise SystemExit(f"The index and a day-stepping loop disagree on {wrong} of {CHECKED:,} sums")
    return indexed, _time_loop(plain_check, pairs[:PLAIN_SAMPLE]), _time_loop(tuned_check, pairs[:TUNED_SAMPLE])


def _open_clocks(count: int, rng: random.Random) -> list[tuple[str, date, list]]:
    names = [*RULES, "working-days:3", "working-days:5", "calendar-days:28"]
    clocks = []
    for _ in range(count):
        name = rng.choice(names)
        start = date(2024, 1, 1) + timedelta(days=rng.randint(0, 1000))
        ledger: list = []
        roll = rng.random()
        if roll < 0.2:
            ledger.append(Pause(start + timedelta(days=2), start + timedelta(days=6), "waiting for the resident"))
        elif roll < 0.3 and RULES.get(name) and RULES[name].extension:
            ledger.append(Extension(start + timedelta(days=1), 1, "more time needed", "Case Handler"))
        elif roll < 0.35:
            ledger.append(Reset(start + timedelta(days=3), "the request was clarified"))
        clocks.append((name, start, ledger))
    return clocks


def bench_recompute(calendar: WorkingCalendar, rng: random.Random) -> float:
    clocks = _open_clocks(CLOCKS, rng)
    started = time.perf_counter()
    for name, start, ledger in clocks:
        compute(name, start, calendar, ledger)
    return time.perf_counter() - started


def main() -> None:
    rng = random.Random(SEED)
    closures = {date(2026, 12, 24): "Christmas closure", date(2027, 12, 24): "Christmas closure"}
    calendar = get_calendar("england-and-wales", closures)
    calendar.add_working_days(date(2030, 1, 1), 1)

    indexed, plain, tuned = bench_add(calendar, rng)
    print(f"N drawn uniformly from -{LONGEST}..-1 and 1..{LONGEST}; dates 2001-2058; england-and-wales plus closures")
    print(f"add_working_days x {CALLS:,} with the index:  {indexed:7.3f} s  (target < 1 s)")
    print(
        f"plain day-stepping loop (holidays package look-ups): {plain:7.3f} s  "
        f"(timed on {PLAIN_SAMPLE:,} calls, scaled to {CALLS:,})  ratio {plain / indexed:5.0f}x  (target >= 50x)"
    )
    print(
        f"tuned day-stepping loop (precomputed holiday set):   {tuned:7.3f} s  "
        f"(timed on {TUNED_SAMPLE:,} calls, scaled to {CALLS:,})  ratio {tuned / indexed:5.0f}x"
    )

    recompute = bench_recompute(calendar, rng)
    print(f"recompute {CLOCKS:,} open clocks (pure compute): {recompute:7.3f} s  (target < 5 s)")

    met = indexed < 1 and plain / indexed >= 50 and recompute < 5
    print("all targets met" if met else "TARGETS MISSED")
    if not met:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
