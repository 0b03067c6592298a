"""Standards measured outside Charterline: call, visit and web chat figures, and information-rights clocks, from
the channel statistics the council imports."""

from __future__ import annotations

from datetime import date

from core.standards import Standard
from reviews.evidence.results import Link


def channel_measure(channel: str, standard: Standard, seconds_per_ring: int | None, start: date,
                    end: date) -> tuple[int, int, Link | None] | None:
    """(met, total, link to the rows behind the figure) from imported channel statistics, or None when the
    standard is not one channel statistics measure or none are kept.

    Channel statistics (``channel_stats.queries.measure``) are not part of Charterline yet: until they are, every
    standard measured outside Charterline shows "no data", with a note saying the figures come from elsewhere.
    """
    return None
