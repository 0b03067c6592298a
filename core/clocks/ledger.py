"""The ledger that changes a running clock: pauses, extensions and resets, and how they are stored.

How the ledger works, applied in order after the clock starts on day 0:

- A ``Pause`` stops the clock from its first day to its last day, both included: no day in that span
  counts (FOIA s.10(2): the days from the fees notice to the day the fee arrives are disregarded). Days
  counted before the pause are kept; the rest of the time runs from the day after the pause ends, with at
  least one day left. A pause must start on or before the due date as it stands. A pause with no last
  day means the clock is stopped now, so there is no due date.
- An ``Extension`` adds time, in the unit of the rule's extension (working days, or months for SAR). It
  needs a reason and who agreed it, must be agreed on or before the due date it extends, and all
  extensions together may not exceed the rule's cap.
- A ``Reset`` restarts the clock: its day becomes the new day 0 (FOIA s.1(3): a clarified request is
  treated as received when the clarification arrives). Earlier pauses and extensions no longer apply.

Calendar-day and month clocks pause the same way, counting calendar days, and roll the result forward to a
working day. A stored ledger is re-derived without the due-date checks (``strict=False``): a calendar change
after an entry was recorded must not make it invalid, and a pause that then begins after the time has run
out changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.clocks.rules import ClockError

# --- The ledger ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pause:
    """The clock is stopped from ``first_day`` to ``last_day`` inclusive; ``last_day`` None means still stopped."""

    first_day: date
    last_day: date | None
    reason: str

    @property
    def on(self) -> date:
        return self.first_day


@dataclass(frozen=True)
class Extension:
    """Extra time in the unit of the rule's extension policy, agreed on ``on`` by ``agreed_by``."""

    on: date
    amount: int
    reason: str
    agreed_by: str


@dataclass(frozen=True)
class Reset:
    """The clock restarts with ``on`` as the new day 0."""

    on: date
    reason: str


LedgerEntry = Pause | Extension | Reset


def ledger_to_json(ledger: Iterable[LedgerEntry]) -> list[dict[str, Any]]:
    """The ledger as JSON-ready dicts, for storing beside the clock."""
    out: list[dict[str, Any]] = []
    for entry in ledger:
        if isinstance(entry, Pause):
            last = entry.last_day.isoformat() if entry.last_day else None
            out.append(
                {"type": "pause", "first_day": entry.first_day.isoformat(), "last_day": last, "reason": entry.reason}
            )
        elif isinstance(entry, Extension):
            out.append(
                {
                    "type": "extension",
                    "on": entry.on.isoformat(),
                    "amount": entry.amount,
                    "reason": entry.reason,
                    "agreed_by": entry.agreed_by,
                }
            )
        else:
            out.append({"type": "reset", "on": entry.on.isoformat(), "reason": entry.reason})
    return out


def ledger_from_json(data: Iterable[dict[str, Any]]) -> list[LedgerEntry]:
    """Rebuild a ledger stored with :func:`ledger_to_json`."""
    entries: list[LedgerEntry] = []
    for item in data:
        try:
            entries.append(_entry_from_json(item))
        except (KeyError, TypeError, ValueError) as error:
            raise ClockError(f"A stored ledger entry is not valid: {item!r}") from error
    return entries


def _entry_from_json(item: dict[str, Any]) -> LedgerEntry:
    kind = item["type"]
    if kind == "pause":
        last = item["last_day"]
        return Pause(date.fromisoformat(item["first_day"]), date.fromisoformat(last) if last else None, item["reason"])
    if kind == "extension":
        return Extension(date.fromisoformat(item["on"]), int(item["amount"]), item["reason"], item["agreed_by"])
    if kind == "reset":
        return Reset(date.fromisoformat(item["on"]), item["reason"])
    raise ValueError(kind)
