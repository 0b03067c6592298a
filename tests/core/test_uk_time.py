"""Moments are stored in UTC, but the council works on UK time: what people read, and the day a deadline is judged
on, are UK dates and times (GMT in winter, BST in summer)."""

from datetime import UTC, date, datetime

import pytest

from core import timesource
from core.formatting import audit_value, govuk_date, govuk_datetime
from core.timesource import UK, now, set_today, today, uk_date, uk_midnight, uk_time
from feedback.retention import Cutoffs
from tests.helpers import make_feedback


@pytest.mark.parametrize(("stored", "day"), [
    (datetime(2026, 7, 1, 23, 30), date(2026, 7, 2)),     # BST: 00:30 on 2 July
    (datetime(2026, 7, 1, 22, 59), date(2026, 7, 1)),     # BST: 23:59 on 1 July
    (datetime(2026, 1, 10, 23, 30), date(2026, 1, 10)),   # GMT: the same as UTC
    (datetime(2026, 3, 28, 23, 30), date(2026, 3, 28)),   # the night the clocks go forward (29 March, 01:00 UTC)
    (datetime(2026, 10, 24, 23, 30), date(2026, 10, 25)),  # still BST until 01:00 UTC on 25 October
])
def test_the_uk_date_of_a_stored_moment(stored, day):
    assert uk_date(stored) == day


def test_an_aware_moment_is_converted_not_relabelled():
    assert uk_time(datetime(2026, 7, 1, 12, 0, tzinfo=UK)).hour == 12
    assert uk_time(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)).hour == 13


def test_pages_show_uk_time():
    assert govuk_datetime(datetime(2026, 7, 1, 14, 5)) == "1 July 2026 at 3:05pm"
    assert govuk_datetime(datetime(2026, 1, 1, 14, 5)) == "1 January 2026 at 2:05pm"
    assert govuk_datetime(datetime(2026, 7, 1, 23, 30)) == "2 July 2026 at 12:30am"
    assert govuk_date(datetime(2026, 7, 1, 23, 30)) == "2 July 2026"
    assert govuk_date(date(2026, 7, 1)) == "1 July 2026"


@pytest.mark.parametrize("uk_clock", [datetime(2026, 5, 3, 0, 30, tzinfo=UK), datetime(2026, 5, 3, 23, 45, tzinfo=UK),
                                      datetime(2026, 12, 3, 23, 45, tzinfo=UK)])
def test_a_fixed_today_gives_moments_on_that_uk_date_at_any_hour(monkeypatch, uk_clock):
    monkeypatch.setattr(timesource, "_uk_now", lambda: uk_clock)
    set_today(date(2026, 7, 15))
    try:
        assert uk_date(now()) == today() == date(2026, 7, 15)
        assert uk_time(now()).time().replace(microsecond=0) == uk_clock.time().replace(microsecond=0)
    finally:
        set_today(None)


def test_an_item_acknowledged_after_midnight_bst_is_acknowledged_on_the_uk_date(app):
    item = make_feedback(received_on=date(2026, 7, 1))
    item.acknowledged_at = datetime(2026, 7, 1, 23, 30)
    item.closed_at = datetime(2026, 7, 3, 23, 10)
    assert (item.acknowledged_on, item.closed_on) == (date(2026, 7, 2), date(2026, 7, 4))
    item.acknowledged_at = datetime(2026, 1, 5, 23, 30)
    assert item.acknowledged_on == date(2026, 1, 5)


@pytest.mark.parametrize(("kept", "shown"), [
    ("2026-07-01T23:30:00.123456", "2 July 2026 at 12:30am"),
    ("2026-01-05T09:05:00", "5 January 2026 at 9:05am"),
    ("2026-04-22", "22 April 2026"),
    ("2026-04-22 was a Wednesday", "2026-04-22 was a Wednesday"),
    ("in_progress", "in_progress"),
    (3, 3),
])
def test_the_history_shows_the_days_and_moments_an_audit_keeps_as_people_read_them(kept, shown):
    assert audit_value(kept) == shown


def test_a_uk_day_begins_at_23_00_utc_in_summer():
    assert uk_midnight(date(2026, 7, 2)) == datetime(2026, 7, 1, 23, 0)
    assert uk_midnight(date(2026, 1, 2)) == datetime(2026, 1, 2, 0, 0)
    # Retention counts a case closed at 00:30 BST on the cut-off day as closed on that day, not the day before.
    cutoff = Cutoffs(received_before=date(2026, 7, 2), finished_before=date(2026, 7, 2)).finished_moment
    assert datetime(2026, 7, 1, 23, 30) >= cutoff > datetime(2026, 7, 1, 22, 59)
