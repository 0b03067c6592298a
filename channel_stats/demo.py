"""Fictional monthly channel statistics for the demonstration council's charter: the two financial years before
this one in full (April to March), and this one up to last month."""

from __future__ import annotations

import random
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from channel_stats.columns import MEASURES, measurement_for
from channel_stats.importing import CheckedRow, store_rows
from channel_stats.models import ChannelMonth
from core.charters import published_charter
from core.extensions import db
from core.timesource import today

SEED = 20260402


def _financial_year_start(day: date) -> date:
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def demo_months(day: date) -> list[date]:
    """From April two financial years before the one `day` is in, up to the month before `day`'s."""
    month = date(_financial_year_start(day).year - 2, 4, 1)
    months = []
    while (month.year, month.month) < (day.year, day.month):
        months.append(month)
        month = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
    return months


def _row(channel: str, month: date, charter, rng: random.Random, number: int) -> CheckedRow:
    """A plausible month: the earliest year a little worse than later ones, so last year's comparison shows."""
    better = month >= date(_financial_year_start(today()).year - 1, 4, 1)
    share = rng.uniform(0.86, 0.95) if better else rng.uniform(0.78, 0.9)
    offered = rng.randint(2500, 4000)
    answered = int(offered * rng.uniform(0.9, 0.97))
    queued = int(offered * 0.6)
    counts = {
        "calls_offered": offered, "calls_answered": answered, "calls_abandoned": offered - answered,
        "calls_queued": queued, "average_wait_seconds": rng.randint(15, 60),
        "longest_wait_seconds": rng.randint(300, 900),
        "callbacks_promised": 80, "callbacks_made": int(80 * share), "chats_offered": 400,
        "chats_connected": int(400 * rng.uniform(0.93, 0.99)), "visitors_without_appointment": 300,
        "visitors_with_appointment": 120, "foi_due": 50, "foi_on_time": int(50 * share), "eir_due": 6,
        "eir_on_time": 6, "sar_due": 10, "sar_on_time": int(10 * share),
    }
    thresholds = {}
    for commitment in charter.commitments:
        if commitment.channel != channel:
            continue
        for standard in commitment.standards:
            how = measurement_for(standard, charter.seconds_per_ring)
            if how is not None and how.threshold is not None:
                thresholds[how.threshold] = int(counts[MEASURES[how.threshold.measure]] * share)
    return CheckedRow(number, month, channel, None, counts, thresholds)


def load_demo_channel_stats() -> str:
    """Figures for each channel the published charter measures this way (see demo_months). Months already there
    are kept, so loading twice changes nothing."""
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    if charter is None:
        return "no published charter"
    rng = random.Random(SEED)
    rows = []
    channels = sorted({c.channel for c in charter.commitments
                       if any(measurement_for(s, charter.seconds_per_ring) for s in c.standards)})
    have = {tuple(row) for row in db.session.execute(select(ChannelMonth.month, ChannelMonth.channel)
                                                     .where(ChannelMonth.area_key == 0))}
    for channel in channels:
        for month in demo_months(today()):
            row = _row(channel, month, charter, rng, len(rows) + 2)
            if (month, channel) not in have:
                rows.append(row)
    if rows:
        store_rows(rows, by=None, source="demonstration data")
    total = db.session.scalar(select(func.count(ChannelMonth.id)))
    return f"{total} months of channel statistics"
