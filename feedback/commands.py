"""`flask feedback ...`: housekeeping for abandoned forms and their files, and anonymisation after retention."""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

import click
from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from core import idempotency
from core.extensions import db
from core.timesource import now, today
from feedback import bp, tallies
from feedback.models import Attachment, FeedbackDraft
from feedback.retention import anonymise_past_retention, count_past_retention, cutoffs
from feedback.uploads import delete_stored, upload_dir

bp.cli.help = "Housekeeping for residents' feedback."

#: A form left this long is abandoned: its answers and files are deleted (data minimisation).
DRAFT_LIFETIME = timedelta(hours=24)


def purge_abandoned() -> tuple[int, int]:
    """Delete abandoned drafts and any stored file no item or draft refers to; returns (drafts, files)."""
    cutoff = now() - DRAFT_LIFETIME
    old = db.session.scalars(select(FeedbackDraft).where(FeedbackDraft.updated_at < cutoff)).all()
    for draft in old:
        for upload in draft.uploads or []:
            delete_stored(upload["stored_name"])
    db.session.execute(delete(FeedbackDraft).where(FeedbackDraft.id.in_([d.id for d in old])))
    db.session.commit()
    kept = set(db.session.scalars(select(Attachment.stored_name)))
    for draft in db.session.scalars(select(FeedbackDraft)):
        kept.update(upload["stored_name"] for upload in draft.uploads or [])
    removed = 0
    folder = upload_dir()
    for path in folder.iterdir() if folder.exists() else []:
        # A file younger than a draft's lifetime may belong to a form being filled in right now.
        if path.name not in kept and path.stat().st_mtime < time.time() - DRAFT_LIFETIME.total_seconds():
            path.unlink()
            removed += 1
    return len(old), removed


@bp.cli.command("purge")
def purge() -> None:
    """Delete forms abandoned for over a day, files nothing refers to, and the APIs' Idempotency-Key answers kept
    for over a day (safe to run from cron)."""
    drafts, files = purge_abandoned()
    keys = idempotency.purge_expired()
    click.echo(f"Deleted {drafts} abandoned form{'' if drafts == 1 else 's'}, {files} unused "
               f"file{'' if files == 1 else 's'} and {keys} expired Idempotency-Key{'' if keys == 1 else 's'}.")


@bp.cli.command("anonymise")
@click.option("--dry-run", is_flag=True, help="Say what would be anonymised, and change nothing.")
@click.option("--before", "before", default=None, metavar="YYYY-MM-DD",
              help="Only anonymise feedback whose retention period started before this date (it can bring the "
                   "configured periods earlier, never later).")
def anonymise(dry_run: bool, before: str | None) -> None:
    """Anonymise feedback and complaints past their retention period; figures are kept (safe to run from cron)."""
    try:
        limit = date.fromisoformat(before) if before else None
    except ValueError:
        click.echo(f"Error: --before must be a date like 2020-03-31, not {before!r}", err=True)
        sys.exit(2)
    if limit is not None and limit > today():
        click.echo(f"Error: --before must be today or earlier, not {limit.isoformat()}", err=True)
        sys.exit(2)
    limits = cutoffs(before=limit)
    try:
        total = count_past_retention(limits)
        with click.progressbar(length=total, label="Feedback to anonymise", file=sys.stderr) as bar:
            report = anonymise_past_retention(limits, dry_run=dry_run, progress=bar.update)
    except (SQLAlchemyError, OSError) as exc:
        db.session.rollback()
        click.echo(f"Error: anonymisation stopped ({type(exc).__name__}). What was finished is kept; run the "
                   "command again to carry on.", err=True)
        sys.exit(1)
    for line in report.summary():
        click.echo(line)


@bp.cli.command("tallies")
@click.option("--check", "mode", flag_value="check", default=True,
              help="Compare the monthly counts the charter review reads with a count from the items (default).")
@click.option("--rebuild", "mode", flag_value="rebuild", help="Recount every month from the items.")
def tallies_command(mode: str) -> None:
    """Check or rebuild the monthly counts of tagged feedback behind the charter review's "what residents said"."""
    if mode == "rebuild":
        started = time.perf_counter()
        months = tallies.rebuild()
        click.echo(f"Recounted {months} months in {time.perf_counter() - started:.1f} s.")
        return
    problems = tallies.differences()
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo("Run `flask feedback tallies --rebuild` to recount them.", err=True)
        sys.exit(1)
    click.echo("The monthly counts agree with the items.")
