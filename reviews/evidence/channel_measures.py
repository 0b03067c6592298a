"""Standards measured outside Charterline: call, visit and web chat figures, and information-rights clocks, from
the channel statistics the council imports (channel_stats)."""

from __future__ import annotations

from datetime import date

from channel_stats.queries import measure
from core.standards import Standard
from reviews.evidence.results import Link


def channel_measure(channel: str, standard: Standard, seconds_per_ring: int | None, start: date,
                    end: date) -> tuple[int, int] | None:
    """(met, total) from the rows standing for the whole council (its own row for a month, or its services' rows
    added up for a month imported only per service) for the months whose first day falls from start to end,
    or None when channel statistics do not measure the standard (a standard in rings with no ring length, say)."""
    result = measure(channel, standard, seconds_per_ring, start, end)
    return None if result is None else (result.met, result.total)


def channel_rows_link(channel: str, start: date, end: date) -> Link:
    """The imported rows behind a figure: the channel's rows standing for the whole council from start to end."""
    return Link("channel_stats.rows", (("channel", channel), ("from", start.isoformat()), ("to", end.isoformat()),
                                       ("scope", "council")))
