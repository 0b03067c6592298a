"""The template CSV for a charter: the columns its channel standards need, and one example row per channel."""

from __future__ import annotations

import csv
import io
from datetime import date

from channel_stats.columns import MEASURES, Threshold, measurement_for, parse_threshold
from channel_stats.importing import KEY_COLUMNS, stats_channels
from channel_stats.models import COUNT_COLUMNS
from core.exports import safe_cell
from core.models import Charter

#: Counts that go with each base count a standard is measured from, so the file carries the whole picture.
COMPANIONS = {
    "calls_offered": ["calls_offered", "calls_answered", "calls_abandoned", "average_wait_seconds",
                      "longest_wait_seconds"],
    "calls_queued": ["calls_offered", "calls_answered", "calls_queued"],
    "callbacks_promised": ["callbacks_promised", "callbacks_made"],
    "chats_offered": ["chats_offered", "chats_connected", "average_wait_seconds", "longest_wait_seconds"],
    "visitors_without_appointment": ["visitors_without_appointment"],
    "visitors_with_appointment": ["visitors_with_appointment"],
}
#: Example figures that pass every check: parts are never above their wholes.
EXAMPLE = {
    "calls_offered": 1200, "calls_answered": 1130, "calls_abandoned": 70, "calls_queued": 640,
    "average_wait_seconds": 24, "longest_wait_seconds": 410, "callbacks_promised": 45, "callbacks_made": 42,
    "chats_offered": 300, "chats_connected": 288, "visitors_without_appointment": 350,
    "visitors_with_appointment": 140, "foi_due": 60, "foi_on_time": 55, "eir_due": 12, "eir_on_time": 11,
    "sar_due": 9, "sar_on_time": 8,
}
#: An example threshold count, as a share of its base.
EXAMPLE_THRESHOLD_SHARE = 0.85


def template_columns(charter: Charter | None) -> tuple[list[str], dict[str, list[str]]]:
    """The header, and each channel's columns, for the charter's channel standards (every count without one)."""
    if charter is None:
        return [*KEY_COLUMNS, *COUNT_COLUMNS], {}
    per_channel: dict[str, list[str]] = {channel: [] for channel in stats_channels(charter)}
    thresholds: dict[str, Threshold] = {}
    for commitment in charter.commitments:
        for standard in commitment.standards:
            how = measurement_for(standard, charter.seconds_per_ring)
            if how is None or commitment.channel not in per_channel:
                continue
            wanted = per_channel[commitment.channel]
            names = COMPANIONS.get(how.base_column, [how.base_column, how.met_column])
            if how.threshold is not None:
                names = [*names, MEASURES[how.threshold.measure], how.threshold.column]
                thresholds[how.threshold.column] = how.threshold
            wanted.extend(name for name in names if name and name not in wanted)
    counts = [name for name in COUNT_COLUMNS if any(name in wanted for wanted in per_channel.values())]
    ordered = sorted(thresholds.values(), key=lambda t: (list(MEASURES).index(t.measure), t.seconds))
    return [*KEY_COLUMNS, *counts, *(t.column for t in ordered)], per_channel


def template_csv(charter: Charter | None, month: date) -> str:
    """The template as CSV text: the header and one example row per channel for `month`."""
    header, per_channel = template_columns(charter)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    for channel, wanted in per_channel.items():
        row = {"month": f"{month:%Y-%m}", "channel": channel, "service": "all"}
        for name in wanted:
            if name in EXAMPLE:
                row[name] = EXAMPLE[name]
        for name in wanted:
            if name not in EXAMPLE:
                threshold = parse_threshold(name)
                row[name] = int(EXAMPLE[MEASURES[threshold.measure]] * EXAMPLE_THRESHOLD_SHARE)
        writer.writerow([safe_cell(row.get(name, "")) for name in header])
    return out.getvalue()
