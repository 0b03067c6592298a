"""The columns of a channel statistics file and what each standard is measured from.

A threshold column is named ``<measure>_within_<N><unit>``: ``answered_within_20s``, ``put_through_within_60s``,
``seen_within_15m``, ``called_back_within_4h``. The unit is ``s`` (seconds), ``m`` (minutes) or ``h`` (hours);
a standard in rings is named in seconds, with the charter's seconds per ring (4 rings of 5 seconds:
``answered_within_20s``). The count is of cases that happened within the threshold, out of the measure's base.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.standards import Standard

#: What a threshold counts, and the base count it is part of (a threshold count is never above its base).
MEASURES = {
    "answered": "calls_answered",
    "put_through": "calls_queued",
    "called_back": "callbacks_made",
    "chat_connected": "chats_connected",
    "seen": "visitors_without_appointment",
    "seen_with_appointment": "visitors_with_appointment",
}
MEASURE_LABELS = {
    "answered": "Calls answered",
    "put_through": "Queued calls put through",
    "called_back": "Call-backs made",
    "chat_connected": "Chats connected",
    "seen": "Visitors without an appointment seen",
    "seen_with_appointment": "Visitors with an appointment seen",
}
UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
THRESHOLD_PATTERN = (r"^(answered|put_through|called_back|chat_connected|seen_with_appointment|seen)"
                     r"_within_([1-9][0-9]{0,6})([smh])$")
_THRESHOLD = re.compile(THRESHOLD_PATTERN)

#: Counts that are part of another: (part, whole).
PARTS = [
    ("calls_answered", "calls_offered"),
    ("calls_abandoned", "calls_offered"),
    ("calls_queued", "calls_offered"),
    ("callbacks_made", "callbacks_promised"),
    ("chats_connected", "chats_offered"),
    ("foi_on_time", "foi_due"),
    ("eir_on_time", "eir_due"),
    ("sar_on_time", "sar_due"),
]

#: Information-rights rules a charter may name, by the family whose columns count them.
RIGHTS_FAMILIES = {"foi": "foi", "foi-pit": "foi", "eir": "eir", "eir-extended": "eir", "sar": "sar",
                   "sar-extended": "sar"}


@dataclass(frozen=True)
class Threshold:
    measure: str
    seconds: int

    @property
    def column(self) -> str:
        return threshold_column(self.measure, self.seconds)


def parse_threshold(column: str) -> Threshold | None:
    """The threshold a column names, or None when it is not a threshold column."""
    found = _THRESHOLD.fullmatch(column)
    if not found:
        return None
    measure, number, unit = found.groups()
    return Threshold(measure, int(number) * UNIT_SECONDS[unit])


def threshold_column(measure: str, seconds: int) -> str:
    """The column name for a threshold: seconds under two minutes or not whole minutes, else minutes or hours."""
    if seconds < 120 or seconds % 60:
        return f"{measure}_within_{seconds}s"
    if seconds % 3600 == 0:
        return f"{measure}_within_{seconds // 3600}h"
    return f"{measure}_within_{seconds // 60}m"


def threshold_words(measure: str, seconds: int) -> str:
    """'Calls answered within 20 seconds'."""
    if seconds < 120 or seconds % 60:
        amount = f"{seconds} second{'s' if seconds != 1 else ''}"
    elif seconds % 3600 == 0:
        hours = seconds // 3600
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = f"{seconds // 60} minutes"
    return f"{MEASURE_LABELS[measure]} within {amount}"


#: Standards measured by a threshold: metric -> (the base count, the threshold's measure).
TIMED = {
    "answer": ("calls_offered", "answered"),
    "put_through": ("calls_queued", "put_through"),
    "connect_chat": ("chats_offered", "chat_connected"),
    "see_visitor": ("visitors_without_appointment", "seen"),
    "see_appointment": ("visitors_with_appointment", "seen_with_appointment"),
}


@dataclass(frozen=True)
class Measurement:
    """How channel statistics measure a standard: share = met / base, where met is a threshold's count (when
    ``threshold`` is set) or the ``met_column``."""

    base_column: str
    threshold: Threshold | None = None
    met_column: str | None = None


def measurement_for(standard: Standard, seconds_per_ring: int | None) -> Measurement | None:
    """How channel statistics measure this standard, or None when they do not (a reply in working days, a
    standard in rings when the charter does not say how long a ring lasts).

    The usual "service level" of a contact centre: calls answered within the threshold out of calls offered, so
    abandoned calls count against it. Queued calls put through within the threshold out of calls queued.
    Call-backs made (within the threshold, when the standard names one on the clock) out of call-backs promised.
    Information-rights requests answered in time out of those due in the month, for rules foi, eir and sar.
    """
    if standard.subject is not None:
        return None
    if standard.metric in TIMED:
        seconds = standard.seconds(seconds_per_ring)
        if seconds is None:
            return None
        base, measure = TIMED[standard.metric]
        return Measurement(base, threshold=Threshold(measure, round(seconds)))
    if standard.metric == "call_back":
        seconds = standard.seconds(seconds_per_ring)
        if seconds is None and standard.unit == "rings":
            return None
        if seconds is None:
            return Measurement("callbacks_promised", met_column="callbacks_made")
        return Measurement("callbacks_promised", threshold=Threshold("called_back", round(seconds)))
    if standard.metric == "supply_information" and standard.rule in RIGHTS_FAMILIES:
        family = RIGHTS_FAMILIES[standard.rule]
        return Measurement(f"{family}_due", met_column=f"{family}_on_time")
    return None
