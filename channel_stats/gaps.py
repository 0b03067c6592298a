"""What the charter's standards need that imported rows lack: the review leaves those months out, so the officer
importing them is told at once rather than when the evidence shows a gap."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from channel_stats.columns import measurement_for

if TYPE_CHECKING:
    from channel_stats.importing import CheckedRow
    from core.models import Charter


def _months(months: set) -> str:
    names = [f"{month:%B %Y}" for month in sorted(months)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def gaps(rows: list[CheckedRow], charter: Charter | None) -> list[str]:
    """One sentence for each standard of the charter whose columns rows of its channel leave blank, e.g.
    'phone, April 2026: no answered_within_20s, so the review leaves this month out of “Time to answer a call:
    4 rings (85% of cases)”'."""
    if charter is None:
        return []
    needs = [(commitment.channel, standard, how) for commitment in charter.commitments
             for standard in commitment.standards
             if (how := measurement_for(standard, charter.seconds_per_ring)) is not None]
    missing: dict[tuple[str, str, str], set] = defaultdict(set)
    for row in rows:
        where = row.channel + (f" ({row.service.code})" if row.service else "")
        for channel, standard, how in needs:
            if row.channel != channel:
                continue
            lacking = [name for name in (how.base_column, how.met_column) if name and row.counts.get(name) is None]
            if how.threshold is not None and how.threshold not in row.thresholds:
                lacking.append(how.threshold.column)
            if lacking:
                missing[(where, " or ".join(lacking), standard.describe())].add(row.month)
    sentences = []
    for (where, columns, standard), months in missing.items():
        these = "this month" if len(months) == 1 else "these months"
        sentences.append(f"{where}, {_months(months)}: no {columns}, so the review leaves {these} out of "
                         f"“{standard}”")
    return sentences
