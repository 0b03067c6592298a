"""Survey commands for cron and operators: `flask surveys invite` and `flask surveys anonymise`."""

from __future__ import annotations

import sys
from datetime import timedelta

import click
from flask import current_app

from core.contacts import anonymise_contacts
from core.timesource import now
from surveys import bp
from surveys.invitations import send_due_invitations


@bp.cli.command("invite")
def invite() -> None:
    """Send the survey invitations that are due (safe to run from cron as often as you like)."""

    def with_progress(ids: list[int]):
        with click.progressbar(ids, label="Contacts to decide about", file=sys.stderr) as bar:
            yield from bar

    report = send_due_invitations(progress=with_progress)
    click.echo(report.summary())


@bp.cli.command("anonymise")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Clear contact details older than this many days (default CHARTERLINE_CONTACT_RETENTION_DAYS).")
def anonymise(days: int | None) -> None:
    """Clear email addresses and phone numbers from old contacts; figures and opt-outs are kept."""
    days = days or current_app.config["CHARTERLINE_CONTACT_RETENTION_DAYS"]
    cleared = anonymise_contacts(occurred_before=now() - timedelta(days=days))
    click.echo(f"Cleared the contact details of {cleared} contact{'s' if cleared != 1 else ''} older than "
               f"{days} days.")
