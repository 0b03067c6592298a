"""Command-line tools for operators: `flask users`, `charters`, `outbox`, `demo` and `sentiment`."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from core import demo
from core.accounts import StaffError, create_staff
from core.charters import CharterFileError, load_charter_file
from core.extensions import db
from core.models import Charter, Role, StaffUser
from core.outbox import deliver, refresh_statuses
from core.sentiment.commands import sentiment


def fail(message: str, code: int = 1) -> None:
    """One clear line on standard error and a non-zero exit, never a traceback."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


users = AppGroup("users", help="Manage staff accounts.")


@users.command("create")
@click.option("--email", required=True, help="Sign-in email address.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]), help="What they may do.")
@click.option("--name", default=None, help="Full name (defaults to the part of the email before @).")
@click.password_option("--password", help="Temporary password, 12 characters or more.")
def create_user(email: str, role: str, name: str | None, password: str) -> None:
    """Create a staff account."""
    try:
        person = create_staff(email=email, name=name or email.split("@")[0], role=role, password=password, by=None)
    except StaffError as exc:
        fail(str(exc), 2)
    click.echo(f"Created {person.email} as {person.role_label.lower()}.")


@users.command("list")
def list_users() -> None:
    """List staff accounts."""
    for person in db.session.scalars(select(StaffUser).order_by(StaffUser.email)):
        click.echo(f"{person.email}\t{person.role}\t{'active' if person.active else 'disabled'}")


charters = AppGroup("charters", help="Load and list customer charters.")


@charters.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
def load_charter(path: str) -> None:
    """Validate a charter file and load it; a file with any problem loads nothing."""
    try:
        charter, created = load_charter_file(path)
    except CharterFileError as exc:
        for line in exc.lines():
            click.echo(line, err=True)
        fail(f"{path} was not loaded: fix the {len(exc.problems)} problem(s) above.", 1)
    if created:
        click.echo(f"Loaded {charter.council_name}: {charter.title}, version {charter.version}, "
                   f"{len(charter.commitments)} commitments ({len(charter.measurable_commitments)} measurable).")
    else:
        click.echo(f"{charter.council_name} version {charter.version} is already loaded; nothing changed.")


@charters.command("list")
def list_charters() -> None:
    """List loaded charters and their versions."""
    for charter in db.session.scalars(select(Charter).order_by(Charter.council_slug, Charter.version)):
        click.echo(f"{charter.council_slug}\tv{charter.version}\t{charter.status}\t{len(charter.commitments)}"
                   f"\t{charter.title}")


outbox = AppGroup("outbox", help="Deliver queued messages and read back their delivery.")


@outbox.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Send at most this many.")
def deliver_outbox(limit: int | None) -> None:
    """Send queued emails that are due (safe to run from cron every minute)."""
    report = deliver(limit=limit)
    click.echo(f"Sent {report.sent}, will retry {report.retrying}, gave up on {report.failed}.")
    if report.stopped:
        click.echo(f"Stopped early: {report.stopped}", err=True)
    if report.failed or report.broken:
        sys.exit(1)


@outbox.command("status")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Check at most this many.")
def outbox_status(limit: int | None) -> None:
    """Read back from GOV.UK Notify whether sent messages were delivered (safe to run from cron)."""
    if current_app.config["CHARTERLINE_OUTBOX_BACKEND"] != "notify":
        click.echo("Nothing to check: delivery statuses come from GOV.UK Notify, and the outbox does not use it.")
        return
    report = refresh_statuses(limit=limit)
    click.echo(f"Checked {report.checked}: {report.delivered} delivered, {report.retrying} to send again, "
               f"{report.failed} failed.")
    if report.stopped:
        click.echo(f"Stopped early: {report.stopped}", err=True)
    if report.broken:
        sys.exit(1)


demo_group = AppGroup("demo", help="Fictional demonstration data.")


@demo_group.command("load")
def load_demo() -> None:
    """Load demonstration staff, charters and a year of fictional activity (safe to run twice)."""
    created = demo.load_demo_staff()
    if created:
        click.echo("Demo staff accounts (shown once; also kept in instance/demo-accounts.txt):")
        for email, role, password in created:
            click.echo(f"  {email:<28} {role:<20} {password}")
    click.echo(f"Charters loaded: {demo.load_demo_charters()} new.")
    for step in demo.DEMO_STEPS:
        click.echo(f"{step.name}: {step.run()}")


CLI_GROUPS = [users, charters, outbox, demo_group, sentiment]
