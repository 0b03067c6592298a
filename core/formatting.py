"""Jinja filters and template globals: GOV.UK date style, plurals, and what the header shows."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask, g, request, url_for
from flask_login import current_user

from core.models import Role
from core.outbox import failed_messages_about
from core.timesource import uk_time


def _uk(value: date | datetime) -> date | datetime:
    """A stored moment (UTC) as UK time; a date is already a UK date."""
    return uk_time(value) if isinstance(value, datetime) else value


def govuk_date(value: date | datetime | None) -> str:
    """'24 November 2026', the GOV.UK style for dates; a stored moment shows its UK date."""
    if value is None:
        return ""
    value = _uk(value)
    return f"{value.day} {value:%B %Y}"


def govuk_date_short(value: date | datetime | None) -> str:
    if value is None:
        return ""
    value = _uk(value)
    return f"{value.day} {value:%b %Y}"


def govuk_datetime(value: datetime | None) -> str:
    """'24 November 2026 at 3:05pm', on the UK clock (BST in summer) although moments are stored in UTC."""
    if value is None:
        return ""
    value = uk_time(value)
    hour = value.hour % 12 or 12
    return f"{govuk_date(value)} at {hour}:{value:%M}{'am' if value.hour < 12 else 'pm'}"


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?")


def audit_value(value: object) -> object:
    """A value kept in an audit event's before or after, as the history shows it: the days and moments the audit
    keeps in ISO form (core.audit) read as GOV.UK dates, moments on the UK clock; anything else as it is."""
    if isinstance(value, str):
        if _ISO_DAY.fullmatch(value):
            return govuk_date(date.fromisoformat(value))
        if _ISO_MOMENT.fullmatch(value):
            return govuk_datetime(datetime.fromisoformat(value))
    return value


def pluralise(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (plural or singular + 's')}"


def period(days: int) -> str:
    """A retention period in words: whole years when it is a number of years (leap days counted), else days."""
    years = round(days / 365.25)
    if years >= 1 and abs(days - years * 365.25) <= 1.5:
        return pluralise(years, "year")
    return pluralise(days, "day")


def percent(value: float | None, places: int = 0) -> str:
    return "" if value is None else f"{value * 100:.{places}f}%"


#: Staff navigation: (label, endpoint, roles that see it).
STAFF_NAVIGATION = [
    ("Feedback", "feedback.inbox", tuple(Role)),
    ("Complaints", "complaints.dashboard", tuple(Role)),
    ("Surveys", "surveys.index", (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)),
    ("Charter review", "reviews.index", (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)),
    ("Items to tag", "staff.untagged", (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER)),
    ("Charters", "staff.charters", tuple(Role)),
    ("Staff accounts", "staff.users", (Role.ADMIN,)),
    ("Closure dates", "clocks.closures", (Role.ADMIN,)),
]


def navigation() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    items = []
    for label, endpoint, roles in STAFF_NAVIGATION:
        if current_user.has_role(*roles):
            href = url_for(endpoint)
            items.append({"text": label, "href": href, "active": request.path.startswith(href)})
    return items


def register(app: Flask) -> None:
    app.add_template_filter(govuk_date)
    app.add_template_filter(govuk_date_short)
    app.add_template_filter(govuk_datetime)
    app.add_template_filter(audit_value)
    app.add_template_filter(percent)
    app.add_template_filter(period)
    app.add_template_global(pluralise)
    app.add_template_global(failed_messages_about)

    @app.context_processor
    def globals_for_every_page() -> dict:
        return {
            "service_name": app.config["SERVICE_NAME"],
            "council_name": app.config["COUNCIL_NAME"],
            "csp_nonce": getattr(g, "csp_nonce", ""),
            "staff_navigation": navigation(),
        }
