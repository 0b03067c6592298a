"""The one seam for the current date and time, so the rest of Charterline never calls date.today()."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

#: The council's clock: dates are UK dates (GMT in winter, BST in summer), while moments are stored in UTC.
UK = ZoneInfo("Europe/London")

_fixed_today: date | None = None


def set_today(value: date | None) -> None:
    """Fix today's date (tests and demonstrations); None returns to the real date."""
    global _fixed_today
    _fixed_today = value


def today() -> date:
    """Today's date in the UK, unless fixed by set_today or the CHARTERLINE_TODAY setting."""
    if _fixed_today is not None:
        return _fixed_today
    if has_app_context() and current_app.config.get("CHARTERLINE_TODAY"):
        return date.fromisoformat(current_app.config["CHARTERLINE_TODAY"])
    return _uk_now().date()


def now() -> datetime:
    """The current moment in UTC, without tzinfo: how every timestamp is stored, on SQLite and PostgreSQL alike.

    When today is fixed, the moment is the current UK time of day on that date, so that its UK date (uk_date) is
    always today(), whatever the hour, and records made in a test or demonstration line up.
    """
    fixed = _fixed_today or (
        date.fromisoformat(current_app.config["CHARTERLINE_TODAY"])
        if has_app_context() and current_app.config.get("CHARTERLINE_TODAY")
        else None
    )
    if fixed is None:
        return datetime.now(UTC).replace(tzinfo=None)
    wall = datetime.combine(fixed, _uk_now().time(), tzinfo=UK)
    return wall.astimezone(UTC).replace(tzinfo=None)


def iso_utc(moment: datetime) -> str:
    """A stored moment (naive UTC) or an aware one as ISO 8601 in UTC with its zone, as the APIs send it:
    2026-11-20T14:05:00Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def uk_time(moment: datetime) -> datetime:
    """A stored moment (naive UTC) or an aware one as the time on a UK clock: 23:30 UTC on 1 July is 00:30 BST on
    2 July. What staff and residents read, and the day a deadline is judged on, are both UK time."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UK)


def uk_date(moment: datetime) -> date:
    """The UK date of a stored moment: the day that counts against a working-day deadline."""
    return uk_time(moment).date()


def uk_midnight(day: date) -> datetime:
    """The stored (naive UTC) moment at which ``day`` begins in the UK: 23:00 UTC the evening before, in summer. A
    moment is on or after ``day`` in the UK exactly when it is at or after this."""
    return datetime.combine(day, time(), tzinfo=UK).astimezone(UTC).replace(tzinfo=None)


def _uk_now() -> datetime:
    return datetime.now(UK)
