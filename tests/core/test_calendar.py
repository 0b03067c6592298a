"""Tests for the working-day calendar: published vectors, UK holiday cases and properties."""

from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.clocks.calendar import CALENDAR_NAMES, CALENDAR_NATIONS, CalendarError, get_calendar

D = date.fromisoformat


# --- Published vectors -----------------------------------------------------------------------------------

# mySociety Alaveteli, FOI: 20 working days on the union of UK holidays (deadline-vectors.md).
ALAVETELI_FOI = [
    ("2008-10-01", "2008-10-29"),  # no holidays in range
    ("2007-02-01", "2007-03-01"),  # non-leap February
    ("2008-02-01", "2008-02-29"),  # leap year
    ("2009-03-12", "2009-04-14"),  # skips St Patrick's Day (NI), Good Friday and Easter Monday
    ("2009-03-13", "2009-04-15"),
    ("2009-03-14", "2009-04-15"),  # weekend receipt: same as the Friday
    ("2009-03-15", "2009-04-15"),
    ("2009-03-16", "2009-04-16"),
]


@pytest.mark.parametrize(("received", "due"), ALAVETELI_FOI)
def test_alaveteli_foi_vectors(received, due):
    assert get_calendar("uk").add_working_days(D(received), 20) == D(due)


def test_alaveteli_time_of_day_does_not_move_the_date():
    # Alaveteli: 2009-03-16 at 12:00 gives the same due date as the date alone.
    assert get_calendar("uk").add_working_days(datetime(2009, 3, 16, 12, 0), 20) == D("2009-04-16")


def test_alaveteli_england_and_wales_policy_moves_the_deadline():
    # Alaveteli: with England-and-Wales holidays only, the same request is due five days earlier.
    assert get_calendar("england-and-wales").add_working_days(D("2009-03-12"), 20) == D("2009-04-09")


def test_alaveteli_forty_working_days():
    # Alaveteli: 40 WD from 2009-03-12 on the union calendar.
    assert get_calendar("uk").add_working_days(D("2009-03-12"), 40) == D("2009-05-13")


def test_fixmystreet_explicit_holidays_vectors():
    # mySociety FixMyStreet: holidays 2020-09-15 and 2020-09-21 only (no bank holiday falls in Sept 2020,
    # so they are modelled as closures). The same vectors' Saturday-working variant needs a six-day
    # working week, which no Charterline calendar has: UK statute and the complaint codes exclude Saturdays.
    calendar = get_calendar("england-and-wales", {D("2020-09-15"): "Closed", D("2020-09-21"): "Closed"})
    saturday = D("2020-09-19")
    assert calendar.add_working_days(saturday, 1) == D("2020-09-22")
    assert calendar.add_working_days(saturday, -5) == D("2020-09-11")
    assert calendar.subtract_working_days(saturday, 5) == D("2020-09-11")


# --- Holidays of each nation ----------------------------------------------------------------------------

WORKING = [
    # (calendar, day, is it a working day?)
    ("england-and-wales", "2026-12-25", False),  # Christmas Day
    ("england-and-wales", "2026-12-28", False),  # Boxing Day (observed): 26th is a Saturday
    ("england-and-wales", "2027-12-27", False),  # Christmas Day (observed)
    ("england-and-wales", "2027-12-28", False),  # Boxing Day (observed)
    ("england-and-wales", "2026-12-29", True),
    ("england-and-wales", "2026-04-03", False),  # Good Friday
    ("england-and-wales", "2026-04-06", False),  # Easter Monday
    ("scotland", "2026-04-06", True),  # Easter Monday is not a Scottish bank holiday
    ("scotland", "2026-01-02", False),  # 2 January
    ("england-and-wales", "2026-01-02", True),
    ("scotland", "2027-01-04", False),  # 2 January 2027 is a Saturday: substitute Monday
    ("england-and-wales", "2027-01-04", True),
    ("scotland", "2026-11-30", False),  # St Andrew's Day
    ("scotland", "2025-12-01", False),  # St Andrew's Day 2025 is a Sunday: substitute Monday
    ("england-and-wales", "2026-11-30", True),
    ("northern-ireland", "2026-07-13", False),  # Battle of the Boyne (observed): the 12th is a Sunday
    ("england-and-wales", "2026-07-13", True),
    ("northern-ireland", "2026-03-17", False),  # St Patrick's Day
    ("uk", "2026-03-17", False),  # FOIA s.10(6): any part of the UK
    ("uk", "2026-07-13", False),
    ("uk", "2026-11-30", False),
    ("uk", "2027-01-04", False),
    ("uk", "2026-04-06", False),
    ("uk", "2026-03-18", True),
    ("england-and-wales", "2026-03-14", False),  # Saturday
    ("england-and-wales", "2026-03-15", False),  # Sunday
    ("england-and-wales", "2024-02-29", True),  # leap day, a Thursday
]


@pytest.mark.parametrize(("name", "day", "working"), WORKING)
def test_is_working_day(name, day, working):
    assert get_calendar(name).is_working_day(D(day)) is working


ADDS = [
    # (calendar, from, n, expected)
    ("england-and-wales", "2026-12-23", 3, "2026-12-30"),  # Christmas Day and Boxing Day (observed)
    ("england-and-wales", "2026-12-31", 1, "2027-01-04"),  # New Year's Day, then a weekend
    ("scotland", "2026-12-31", 1, "2027-01-05"),  # and the 2 January substitute Monday
    ("england-and-wales", "2026-04-02", 1, "2026-04-07"),  # Good Friday and Easter Monday
    ("scotland", "2026-04-02", 1, "2026-04-06"),  # Good Friday only
    ("scotland", "2025-12-31", 1, "2026-01-05"),  # 1 and 2 January
    ("england-and-wales", "2025-12-31", 1, "2026-01-02"),
    ("scotland", "2026-11-27", 1, "2026-12-01"),  # St Andrew's Day
    ("england-and-wales", "2026-11-27", 1, "2026-11-30"),
    ("northern-ireland", "2026-07-10", 1, "2026-07-14"),  # Battle of the Boyne substitute day
    ("england-and-wales", "2026-07-10", 1, "2026-07-13"),
    ("england-and-wales", "2024-02-28", 1, "2024-02-29"),  # leap year
    ("england-and-wales", "2023-02-28", 1, "2023-03-01"),  # non-leap year
    ("england-and-wales", "2026-01-30", 1, "2026-02-02"),  # month end on a Friday
    ("england-and-wales", "2026-04-07", -1, "2026-04-02"),  # backwards over Easter
    ("england-and-wales", "2026-03-02", 0, "2026-03-02"),
]


@pytest.mark.parametrize(("name", "start", "n", "expected"), ADDS)
def test_add_working_days(name, start, n, expected):
    assert get_calendar(name).add_working_days(D(start), n) == D(expected)


@pytest.mark.parametrize("n", [1, 5, 10, 20, 40])
def test_weekend_receipt_has_the_fridays_due_date(n):
    calendar = get_calendar("england-and-wales")
    friday = D("2026-03-13")
    due = calendar.add_working_days(friday, n)
    assert calendar.add_working_days(friday + timedelta(days=1), n) == due
    assert calendar.add_working_days(friday + timedelta(days=2), n) == due


def test_closures_are_not_working_days():
    closed = D("2026-12-24")
    calendar = get_calendar("england-and-wales", {closed: "Christmas Eve closure"})
    assert not calendar.is_working_day(closed)
    assert get_calendar("england-and-wales").is_working_day(closed)
    assert calendar.add_working_days(D("2026-12-23"), 1) == D("2026-12-29")


@pytest.mark.parametrize(
    ("name", "day", "reason"),
    [
        ("england-and-wales", "2026-03-14", "Saturday"),
        ("england-and-wales", "2026-03-15", "Sunday"),
        ("england-and-wales", "2027-12-27", "Christmas Day (observed)"),
        ("england-and-wales", "2026-04-03", "Good Friday"),
        ("northern-ireland", "2026-07-13", "Battle of the Boyne (observed)"),
        ("uk", "2026-07-13", "Battle of the Boyne (observed, Northern Ireland)"),
        ("uk", "2026-03-17", "Saint Patrick's Day (Northern Ireland)"),
        ("uk", "2026-04-06", "Easter Monday (England, Wales and Northern Ireland)"),
        ("uk", "2026-12-25", "Christmas Day"),
        ("scotland", "2026-11-30", "Saint Andrew's Day"),
        ("england-and-wales", "2026-03-18", None),
    ],
)
def test_reason_not_working(name, day, reason):
    assert get_calendar(name).reason_not_working(D(day)) == reason


def test_reason_names_a_closure():
    calendar = get_calendar("scotland", [(D("2026-12-24"), "Christmas Eve closure")])
    assert calendar.reason_not_working(D("2026-12-24")) == "Christmas Eve closure"


def test_days_not_worked_lists_each_day_with_its_reason():
    calendar = get_calendar("england-and-wales")
    assert calendar.days_not_worked(D("2026-04-02"), D("2026-04-07")) == [
        (D("2026-04-03"), "Good Friday"),
        (D("2026-04-04"), "Saturday"),
        (D("2026-04-05"), "Sunday"),
        (D("2026-04-06"), "Easter Monday"),
    ]


def test_working_days_between():
    calendar = get_calendar("uk")
    assert calendar.working_days_between(D("2009-03-12"), D("2009-04-14")) == 20
    assert calendar.working_days_between(D("2009-04-14"), D("2009-03-12")) == -20
    assert calendar.working_days_between(D("2009-03-14"), D("2009-03-14")) == 0
    assert calendar.working_days_between(D("2009-03-13"), D("2009-03-16")) == 1


def test_next_working_day_and_roll_forward():
    calendar = get_calendar("england-and-wales")
    assert calendar.next_working_day(D("2026-04-02")) == D("2026-04-07")
    assert calendar.next_working_day(D("2026-04-07")) == D("2026-04-08")
    assert calendar.roll_forward(D("2026-04-07")) == D("2026-04-07")
    assert calendar.roll_forward(D("2026-04-04")) == D("2026-04-07")


def test_index_extends_beyond_its_first_years():
    calendar = get_calendar("england-and-wales")
    # 2099-12-25 is a Friday: Christmas Day, a weekend, then Boxing Day (observed) on Monday the 28th.
    assert calendar.add_working_days(D("2099-12-24"), 1) == D("2099-12-29")
    # New Year's Day became a bank holiday in England only in 1974, so 1 January 1960 was worked.
    assert calendar.add_working_days(D("1960-01-04"), -1) == D("1960-01-01")
    assert not calendar.is_working_day(D("1950-12-25"))


@pytest.mark.parametrize(("day", "n"), [("1899-12-31", 1), ("2101-01-03", 1), ("2100-12-01", 30), ("1900-01-10", -30)])
def test_dates_outside_the_covered_years_are_refused(day, n):
    with pytest.raises(CalendarError, match="1900 to 2100"):
        get_calendar("england-and-wales").add_working_days(D(day), n)


def test_is_working_day_outside_the_covered_years_is_refused():
    with pytest.raises(CalendarError, match="1900 to 2100"):
        get_calendar("uk").is_working_day(D("2200-01-01"))


def test_unknown_calendar_is_refused():
    with pytest.raises(CalendarError, match="Unknown calendar 'wales'. Choose one of: england-and-wales"):
        get_calendar("wales")


def test_calendars_are_cached_per_policy_and_closures():
    closures = {D("2026-12-24"): "Christmas Eve closure"}
    assert get_calendar("uk") is get_calendar("uk")
    assert get_calendar("uk", closures) is get_calendar("uk", list(closures.items()))
    assert get_calendar("uk", closures) is not get_calendar("uk")
    assert get_calendar("uk", closures).without_closures() is get_calendar("uk")


# --- Properties ------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2058, 12, 31))
counts = st.integers(min_value=1, max_value=400)
calendar_names = st.sampled_from(CALENDAR_NAMES)
# Closures matter only near the dates under test, so draw them from a short span.
closure_sets = st.one_of(
    st.just({}),
    st.dictionaries(st.dates(date(2026, 1, 1), date(2026, 12, 31)), st.just("Council closure"), max_size=4),
)


HOLIDAY_TABLES = {nation: holidays.country_holidays("GB", subdiv=nation) for nation in ("ENG", "WLS", "SCT", "NIR")}


def _stepping_add(name: str, closures: dict, start: date, n: int) -> date:
    """Reference answer straight from the holidays package: step one day at a time (deadline-vectors.md)."""
    tables = [HOLIDAY_TABLES[nation] for nation in CALENDAR_NATIONS[name]]
    step = timedelta(days=1 if n > 0 else -1)
    day, left = start, abs(n)
    while left:
        day += step
        if day.weekday() < 5 and day not in closures and not any(day in table for table in tables):
            left -= 1
    return day


@settings(max_examples=100, deadline=None)
@given(
    name=calendar_names,
    closures=closure_sets,
    start=st.one_of(days, st.dates(date(2025, 12, 1), date(2027, 1, 31))),
    n=st.integers(min_value=-60, max_value=60),
)
def test_index_matches_stepping_one_day_at_a_time(name, closures, start, n):
    calendar = get_calendar(name, closures)
    assert calendar.add_working_days(start, n) == (_stepping_add(name, closures, start, n) if n else start)


@settings(max_examples=100, deadline=None)
@given(name=calendar_names, closures=closure_sets, start=days, n=counts)
def test_due_dates_are_always_working_days(name, closures, start, n):
    calendar = get_calendar(name, closures)
    assert calendar.is_working_day(calendar.add_working_days(start, n))
    assert calendar.is_working_day(calendar.add_working_days(start, -n))


@settings(max_examples=100, deadline=None)
@given(name=calendar_names, closures=closure_sets, start=days, n=counts)
def test_subtract_then_add_returns_to_first_working_day_on_or_after_start(name, closures, start, n):
    calendar = get_calendar(name, closures)
    back = calendar.add_working_days(start, -n)
    assert calendar.add_working_days(back, n) == calendar.roll_forward(start)


@settings(max_examples=100, deadline=None)
@given(name=calendar_names, closures=closure_sets, start=days, n=counts)
def test_add_then_subtract_returns_to_last_working_day_on_or_before_start(name, closures, start, n):
    # Day 0 may be a weekend (a Saturday's deadline is the Friday's), so the way back lands on the Friday:
    # the start itself when it is a working day, otherwise the last working day before it.
    calendar = get_calendar(name, closures)
    there_and_back = calendar.add_working_days(calendar.add_working_days(start, n), -n)
    expected = start if calendar.is_working_day(start) else calendar.add_working_days(start, -1)
    assert there_and_back == expected
    # From the first working day on or after the start, the round trip comes straight back.
    first = calendar.roll_forward(start)
    assert calendar.add_working_days(calendar.add_working_days(first, n), -n) == first


@settings(max_examples=100, deadline=None)
@given(name=calendar_names, start=days, n=counts)
def test_working_days_between_inverts_add(name, start, n):
    calendar = get_calendar(name)
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
