"""`flask feedback ...`: housekeeping for abandoned forms and their files."""

from __future__ import annotations

import time
from datetime import timedelta

import click
from sqlalchemy import delete, select

from core.extensions import db
from core.timesource import now
from feedback import bp
from feedback.models import Attachment, FeedbackDraft
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
    """Delete forms abandoned for over a day, and files nothing refers to (safe to run from cron)."""
    drafts, files = purge_abandoned()
    click.echo(f"Deleted {drafts} abandoned form{'' if drafts == 1 else 's'} and {files} unused "
               f"file{'' if files == 1 else 's'}.")
