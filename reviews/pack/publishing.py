"""Publishing the annual pack: the pack of the adopted review is kept as it was published (``PublishedPack``), so
residents read the figures of that day and no visit builds it again; staff may publish it again with today's."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.extensions import db
from core.formatting import govuk_date
from core.models import StaffUser
from core.timesource import now
from reviews.cycles import ReviewRuleError, published_review
from reviews.models import PublishedPack, Review
from reviews.pack.builder import build_pack
from reviews.pack.model import ReviewPack
from reviews.pack.stored import from_json, to_json


def stored_copy(review: Review) -> PublishedPack | None:
    return db.session.scalar(select(PublishedPack).where(PublishedPack.review_id == review.id))


def is_published(review: Review) -> bool:
    """Whether residents read this review's pack: it is the council's latest adopted review."""
    published = published_review(current_app.config["CHARTERLINE_COUNCIL"])
    return published is not None and published.id == review.id


def pack_for_residents(review: Review) -> tuple[ReviewPack, PublishedPack]:
    """The published pack and its stored copy. A review adopted before packs were kept has none yet: its pack is
    built once, now, and kept; of two first visits at once, one stores it and the other reads what it stored."""
    stored = stored_copy(review)
    if stored is None:
        stored = _store(review, to_json(build_pack(review)), by=None)
    return from_json(stored.content), stored


def publish_pack(review: Review, *, by: StaffUser | None) -> PublishedPack:
    """Keep the review's pack with today's figures as the one residents read, replacing any kept before; audited.

    Called when the review is adopted, and by staff publishing it again."""
    return _store(review, to_json(build_pack(review)), by=by, replace=True)


def publish_again(review: Review, *, by: StaffUser) -> PublishedPack:
    """Staff replace the published pack with one of today's figures (items tagged since, quotes removed since)."""
    if not is_published(review):
        raise ReviewRuleError("Only the pack of the adopted review that residents read can be published again")
    return publish_pack(review, by=by)


def withdraw_pack(review: Review) -> None:
    """Remove the review's kept pack (its review moved back from the adopted stage), in the caller's transaction,
    so a pack is never shown for a review that is not adopted, nor shown stale after it is adopted again."""
    db.session.execute(delete(PublishedPack).where(PublishedPack.review_id == review.id))


def _store(review: Review, content: dict, *, by: StaffUser | None, replace: bool = False) -> PublishedPack:
    # Called once the pack is built: building it commits (the monthly counts it reads are recounted and kept), so
    # the session holds nothing else when the copy is written.
    review_id = review.id
    stored = stored_copy(review)
    before = stored.published_at if stored else None
    if stored is None:
        stored = PublishedPack(review_id=review_id, content=content, published_at=now(),
                               published_by_id=by.id if by else None)
        db.session.add(stored)
        try:
            db.session.flush()
        except IntegrityError:
            # Stored at the same moment by another request: the unique key kept theirs.
            db.session.rollback()
            stored = db.session.scalar(select(PublishedPack).where(PublishedPack.review_id == review_id))
            if stored is None:
                raise
            if not replace:
                return stored
            before = stored.published_at
            _replace(stored, content, by)
    elif replace:
        _replace(stored, content, by)
    else:
        return stored
    record_audit(db.session.get(Review, review_id), "review.pack_published", by=by,
                 before={"published_at": before} if before else None, after={"published_at": stored.published_at},
                 summary=f"Pack published for residents with the figures of {govuk_date(stored.published_at)}")
    db.session.commit()
    return stored


def _replace(stored: PublishedPack, content: dict, by: StaffUser | None) -> None:
    stored.content, stored.published_at, stored.published_by_id = content, now(), by.id if by else None
