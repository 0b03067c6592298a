"""`flask clocks`: work out a due date from the command line, and recompute every open clock."""

from __future__ import annotations

import re
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, inspect, select

from core.clocks.calendar import CALENDAR_NAMES, CalendarError, WorkingCalendar, get_calendar
from core.clocks.closures import calendar_for_app, recompute_open_clocks
from core.clocks.models import Clock, ClockStatus, ClosureDate
from core.clocks.rules import ClockError, compute
from core.commands import fail
from core.extensions import db
from core.timesource import today

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
    """Work out every open clock's due date again (after closure dates or bank holidays change); safe to repeat."""
    open_clocks = db.session.scalar(select(func.count()).select_from(Clock).where(Clock.status == ClockStatus.OPEN))
    with click.progressbar(length=open_clocks, label="Recomputing open clocks", file=sys.stderr) as bar:
        report = recompute_open_clocks(on=today(), progress=bar.update)
    for change in report.moved:
        overdue = " (now overdue)" if change.overdue else ""
        click.echo(f"Clock {change.clock_id} ({change.subject_type} {change.subject_id}, {change.rule}): "
                   f"{_iso(change.was)} -> {_iso(change.now)}{overdue}: {change.why}")
    for clock_id, problem in report.problems:
        click.echo(f"Clock {clock_id} was not recomputed: {problem}", err=True)
    click.echo(f"Recomputed {report.checked} open clocks: {len(report.moved)} due dates moved"
               f"{f', {len(report.problems)} could not be recomputed' if report.problems else ''}.")
    if report.problems:
        sys.exit(1)


def _iso(day: date | None) -> str:
    return day.isoformat() if day else "paused"
