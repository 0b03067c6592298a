"""`flask reviews import-channel-stats FILE`: import a CSV of channel statistics with the same checks as the page.

The command belongs to the charter review's `reviews` group, which adds it (reviews/commands.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError

from channel_stats.importing import import_csv
from core.charters import published_charter


@click.command("import-channel-stats")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def import_channel_stats_command(file: str) -> None:
    """Import a CSV of channel statistics (the import page's template); with any problem, import nothing."""
    path = Path(file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        click.echo(f"Error: cannot read {file}: {exc.strerror or exc}", err=True)
        sys.exit(1)
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    try:
        result, problems = import_csv(data, charter, by=None, source=path.name)
    except IntegrityError:
        click.echo(f"{file}: another import of the same months finished at the same moment: run it again", err=True)
        sys.exit(1)
    if problems:
        for problem in problems:
            text = str(problem)
            click.echo(f"{file}: {text[:1].lower()}{text[1:]}", err=True)
        click.echo(f"{file}: nothing was imported ({len(problems)} problem{'' if len(problems) == 1 else 's'})",
                   err=True)
        sys.exit(1)
    click.echo(f"{result.summary()}.")
    for warning in result.warnings:
        click.echo(f"Warning: {warning}.")
