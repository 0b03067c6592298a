"""`flask sentiment`: score text from standard input, rescore stored records, export officers' corrections."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from core.extensions import db
from core.sentiment.scoring import VERSION, score
from core.sentiment.service import count_stale, export_corrections, rescore, write_corrections_csv

sentiment = AppGroup("sentiment", help="Score text and keep stored sentiment up to date.")


@sentiment.command("score")
@click.argument("source", type=click.File("r", encoding="utf-8", errors="replace"), default="-")
def score_lines(source) -> None:
    """Score texts one per line, from standard input (or SOURCE).

    Writes one line per input line to standard output: the label (positive, neutral or negative), a tab, and the
    polarity (-1 to 1). Other tools rely on this format exactly.
    """
    out = sys.stdout
    for line in source:
        result = score(line.rstrip("\r\n"))
        out.write(f"{result.label}\t{result.polarity}\n")
    out.flush()


@sentiment.command("rescore")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000),
              help="Records scored and committed together.")
@click.option("--dry-run", is_flag=True, help="Only count the records scored by an older version.")
def rescore_records(batch_size: int, dry_run: bool) -> None:
    """Rescore stored records whose score came from an older scorer version.

    Safe to interrupt and to run again (from cron, say): each batch is committed, and a rerun carries on with the
    records still out of date.
    """
    try:
        stale = count_stale()
        total = sum(stale.values())
        if dry_run or total == 0:
            details = ", ".join(f"{name} {count}" for name, count in stale.items()) or "no scored record types"
            click.echo(f"{total} records to rescore with {VERSION} ({details}).")
            return
        with click.progressbar(length=total, label=f"Rescoring with {VERSION}") as bar:
            summary = rescore(batch_size=batch_size, progress=bar.update)
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise click.ClickException(f"the database refused the rescore ({type(exc).__name__}); batches already "
                                   f"committed are kept, run the command again to carry on") from None
    details = ", ".join(f"{name} {count}" for name, count in summary.rescored.items())
    click.echo(f"Rescored {summary.total} records with {summary.version} ({details}).")


@sentiment.command("corrections")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="CSV file to write (default: standard output).")
def corrections(output) -> None:
    """Export officers' corrected labels as CSV (label,text), as extra training data.

    The texts are residents' own words: treat the file as personal data.
    """
    count = write_corrections_csv(export_corrections(), output)
    click.echo(f"Exported {count} corrected labels.", err=True)
