"""`flask clocks`: work out a due date from the command line, and move every open deadline to today's calendar."""

from __future__ import annotations

import re
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from core.clocks.calendar import CALENDAR_NAMES, CalendarError, WorkingCalendar, get_calendar
from core.clocks.closures import announce_change, calendar_for_app
from core.clocks.deadline import compute
from core.clocks.models import ClosureDate
from core.clocks.rules import ClockError
from core.commands import fail
from core.extensions import db

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

clocks = AppGroup("clocks", help="Deadline clocks: due dates, explanations and recomputation.")


@clocks.command("due")
@click.argument("rule")
@click.argument("received")
@click.option("--calendar", "policy", default=None, metavar="|".join(CALENDAR_NAMES),
              help="Holiday policy (default: the council's CHARTERLINE_CALENDAR).")
@click.option("--explain", is_flag=True, help="Say how the date was worked out, after the date.")
def due(rule: str, received: str, policy: str | None, explain: bool) -> None:
    """Print the due date (YYYY-MM-DD) for RULE when the request was received on RECEIVED (YYYY-MM-DD)."""
    try:
        day = date.fromisoformat(received) if ISO_DATE.fullmatch(received) else None
    except ValueError:
        day = None
    if day is None:
        fail(f"RECEIVED must be a real date written as YYYY-MM-DD, like 2026-03-02, not {received!r}", 2)
    if policy is not None and policy not in CALENDAR_NAMES:
        fail(f"--calendar must be one of {', '.join(CALENDAR_NAMES)}, not {policy!r}", 2)
    try:
        deadline = compute(rule, day, _council_calendar(policy))
    except (ClockError, CalendarError) as error:
        fail(str(error), 2)
    click.echo(deadline.due.isoformat())
    if explain:
        for line in deadline.explain():
            click.echo(line)


def _council_calendar(policy: str | None) -> WorkingCalendar:
    """The council's calendar; before the database is set up there can be no closure dates to add."""
    if inspect(db.engine).has_table(ClosureDate.__tablename__):
        return calendar_for_app(policy)
    return get_calendar(policy or current_app.config["CHARTERLINE_CALENDAR"])


@clocks.command("recompute")
def recompute() -> None:
    """Work out every open deadline again on today's calendar (after the bank holidays change); safe to repeat."""
    moved = announce_change("the bank holidays or the deadline rules changed")
    db.session.commit()
    click.echo(f"{moved} open due date{' has' if moved == 1 else 's have'} moved.")
