"""Co-design commands for cron: `flask codesign publish`."""

from __future__ import annotations

import sys

import click

from codesign import bp
from codesign.services.adoption import make_version, versions_due
from core.errors import RuleError
from core.extensions import db
from core.models import StaffUser
from core.timesource import today


@bp.cli.command("publish")
def publish() -> None:
    """Make and publish each adopted charter version whose date has come (safe to run from cron daily, or twice)."""
    made, failed = [], 0
    for consultation in versions_due(today()):
        try:
            charter = make_version(consultation, by=db.session.get(StaffUser, consultation.adopted_by_id))
            made.append(charter.version)
        except RuleError as refusal:
            db.session.rollback()
            click.echo(f"‘{consultation.title}’: {refusal.message}", err=True)
            failed += 1
    click.echo(f"Published {len(made)} adopted charter version{'s' if len(made) != 1 else ''}"
               + (f" ({', '.join(map(str, made))})." if made else "."))
    if failed:
        sys.exit(1)
