"""The one seam for the current date and time, so the rest of Charterline never calls date.today()."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, has_app_context

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

    When today is fixed, the date part follows it so that records made in a demonstration line up.
    """
    moment = datetime.now(UTC).replace(tzinfo=None)
    fixed = _fixed_today or (
        date.fromisoformat(current_app.config["CHARTERLINE_TODAY"])
        if has_app_context() and current_app.config.get("CHARTERLINE_TODAY")
        else None
    )
    return datetime.combine(fixed, moment.time()) if fixed else moment


def iso_utc(moment: datetime) -> str:
    """A stored moment (naive UTC) or an aware one as ISO 8601 in UTC with its zone, as the APIs send it:
    2026-11-20T14:05:00Z."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat() + "Z"


def _uk_now() -> datetime:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/London"))
