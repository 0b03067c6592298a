"""`flask complaints remind`: the daily job that reminds handlers before due dates and reports breaches."""

from __future__ import annotations

import sys
from datetime import date

import click

from complaints import bp
from complaints.services import send_reminders
from core.timesource import today


@bp.cli.command("remind")
@click.option("--date", "on", default=None, metavar="YYYY-MM-DD", help="Run as if today were this date.")
def remind(on: str | None) -> None:
    """Queue reminders, breach notices and restriction review reminders (safe to run twice)."""
    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        click.echo(f"Error: --date must be a date like 2026-03-31, not {on!r}", err=True)
        sys.exit(2)
    report = send_reminders(day)
    click.echo(f"Queued {report.due_soon} due-date reminders, {report.breaches} breach notices and "
               f"{report.reviews} restriction review reminders for {day.isoformat()}.")
