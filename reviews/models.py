"""A charter review: one council's charter, one review year, moving through its stages."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import StaffUser
from core.timesource import now


class ReviewStage(StrEnum):
    """The stages of a review, in order (shown on the review's home page)."""

    EVIDENCE = "evidence"
    PROPOSALS = "proposals"
    CONSULTATION = "consultation"
    DECISIONS = "decisions"
    ADOPTED = "adopted"

    @property
    def label(self) -> str:
        return {"evidence": "Evidence", "proposals": "Proposals", "consultation": "Consultation",
                "decisions": "Decisions", "adopted": "Adopted"}[self.value]

    @property
    def position(self) -> int:
        return list(ReviewStage).index(self)


class Review(db.Model):
    """The annual review of one council's charter for one review year (``starts_on`` to ``ends_on`` inclusive).

    The charter versions measured are those of ``council_slug`` in force on any day of the year; each item is
    measured against the version in force on its own date."""

    __tablename__ = "charter_review"
    __table_args__ = (UniqueConstraint("council_slug", "starts_on", name="one_review_per_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_slug: Mapped[str] = mapped_column(String(60), index=True)
    #: The year's label, e.g. "2025 to 2026" for a financial year.
    title: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    stage: Mapped[str] = mapped_column(String(20), default=ReviewStage.EVIDENCE)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    opened_at: Mapped[datetime] = mapped_column(default=now)

    opened_by: Mapped[StaffUser | None] = relationship()

    @property
    def stage_value(self) -> ReviewStage:
        return ReviewStage(self.stage)

    def __repr__(self) -> str:
        return f"<Review {self.council_slug} {self.starts_on}>"


class PublishedPack(db.Model):
    """The annual pack of an adopted review as it was published: what residents read on "How we did".

    Kept as data (``reviews.pack.stored``), so the page reads one row instead of building the pack, and the
    figures stay as published while the data behind them changes; staff publish again to take today's figures.
    One per review (the unique key decides between two first visits at once); removed when the review moves back
    from the adopted stage."""

    __tablename__ = "published_pack"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("charter_review.id"), unique=True)
    published_at: Mapped[datetime] = mapped_column(default=now)
    #: None when the pack was stored by the first visit to "How we did" rather than by a member of staff.
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    content: Mapped[dict] = mapped_column(JSON)

    published_by: Mapped[StaffUser | None] = relationship()
