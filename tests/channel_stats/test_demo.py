"""The demonstration step: two financial years of figures for each channel the charter measures this way, and
this year's so far, loaded once."""

from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from channel_stats.demo import load_demo_channel_stats
from channel_stats.models import ChannelMonth
from channel_stats.queries import measure
from core.charters import load_charter_file
from core.standards import Standard
from core.timesource import set_today

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"


def test_two_financial_years_of_figures_for_each_measured_channel_loaded_once(db):
    set_today(date(2026, 5, 15))
    load_charter_file(HARROW)
    # Harrow measures calls, visits and information requests ("any" channel) this way: 3 channels x 25 months,
    # April 2024 to April 2026 (two full financial years, and this one up to last month).
    assert load_demo_channel_stats() == "75 months of channel statistics"
    assert load_demo_channel_stats() == "75 months of channel statistics"
    months = db.session.scalars(select(ChannelMonth.month).order_by(ChannelMonth.month)).all()
    assert (months[0], months[-1]) == (date(2024, 4, 1), date(2026, 4, 1))
    assert db.session.scalar(select(func.count(ChannelMonth.channel.distinct()))) == 3
    year = measure("phone", Standard("answer", 30, "seconds", 0.9), None, date(2025, 4, 1), date(2026, 3, 31))
    assert year.months == 12 and 0 < year.met < year.total


def test_the_demo_months_start_in_april_two_financial_years_back():
    from channel_stats.demo import demo_months

    assert demo_months(date(2026, 3, 31))[0] == date(2023, 4, 1)
    assert demo_months(date(2026, 3, 31))[-1] == date(2026, 2, 1)
    assert len(demo_months(date(2026, 4, 1))) == 24
