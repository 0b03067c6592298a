"""Review cycles: opening a review for a charter and a review year, and the charter versions in force during its
year (reviews.stages moves a review through its stages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.config import review_year_of, review_year_start
from core.errors import RuleError
from core.extensions import db
from core.models import Charter, CharterStatus, StaffUser
from core.timesource import uk_date
from reviews.models import Review, ReviewStage


class ReviewRuleError(RuleError):
    """A change to a review that the rules refuse."""


@dataclass(frozen=True)
class ReviewYear:
    """One council's charter over one review year, ``starts_on`` to ``ends_on`` inclusive (a review, opened or not)."""

    council_slug: str
    starts_on: date
    ends_on: date

    @property
    def title(self) -> str:
        return year_title(self.starts_on, self.ends_on)

    def previous(self) -> ReviewYear:
        """The same days a year earlier (a year starting on 29 February steps back to 1 March)."""
        starts_on = _year_before(self.starts_on)
        return ReviewYear(self.council_slug, starts_on, _year_before(self.ends_on + timedelta(days=1))
                          - timedelta(days=1))


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return date(day.year - 1, 3, 1)


def year_start() -> tuple[int, int]:
    """The month and day each review year starts (``CHARTERLINE_REVIEW_YEAR_STARTS``, checked at start-up)."""
    return review_year_start(current_app.config)


def review_year_holding(council_slug: str, day: date) -> ReviewYear:
    """The review year that ``day`` falls in."""
    return review_year(council_slug, review_year_of(current_app.config, day))


def review_year(council_slug: str, year: int) -> ReviewYear:
    """The review year that starts in ``year``: 1 April ``year`` to 31 March the year after, by default."""
    month, day = year_start()
    starts_on = date(year, month, day)
    return ReviewYear(council_slug, starts_on, date(year + 1, month, day) - timedelta(days=1))


def year_title(starts_on: date, ends_on: date) -> str:
    """'April 2025 to March 2026'; a calendar year is just '2026'."""
    if (starts_on.month, starts_on.day, ends_on.month, ends_on.day) == (1, 1, 12, 31):
        return str(starts_on.year)
    return f"{starts_on:%B %Y} to {ends_on:%B %Y}"


def year_of(review: Review) -> ReviewYear:
    return ReviewYear(review.council_slug, review.starts_on, review.ends_on)


def councils() -> list[tuple[str, str]]:
    """The council this Charterline serves (``CHARTERLINE_COUNCIL``), when its charter is loaded: (slug, name).

    Only its charter can be reviewed: the feedback, cases and statistics held here are its own, so measuring them
    against another loaded charter (an example file) would give figures that mean nothing."""
    rows = db.session.execute(
        select(Charter.council_slug, Charter.council_name)
        .where(Charter.status != CharterStatus.DRAFT, Charter.council_slug == current_app.config["CHARTERLINE_COUNCIL"])
        .order_by(Charter.council_slug, Charter.version)).all()
    names = {slug: name for slug, name in rows}
    return sorted(names.items(), key=lambda pair: pair[1])


def open_review(council_slug: str, year: int, *, by: StaffUser) -> Review:
    """Open the review of ``council_slug``'s charter for the review year starting in ``year``; once per year."""
    if council_slug not in dict(councils()):
        raise ReviewRuleError("Select a council whose charter is loaded", "council")
    period = review_year(council_slug, year)
    if _existing(council_slug, period.starts_on) is not None:
        raise ReviewRuleError(f"A review of this charter for {period.title} is already open. Select a different year",
                              "year")
    review = Review(council_slug=council_slug, title=period.title, starts_on=period.starts_on,
                    ends_on=period.ends_on, stage=ReviewStage.EVIDENCE, opened_by_id=by.id)
    db.session.add(review)
    try:
        db.session.flush()
    except IntegrityError as exc:
        # Two officers opened the same year at once: the unique constraint keeps one.
        db.session.rollback()
        raise ReviewRuleError(f"A review of this charter for {period.title} is already open. Select a different "
                              "year", "year") from exc
    record_audit(review, "review.opened", by=by, after={"council": council_slug, "year": period.title},
                 summary=f"Review opened for {period.title}")
    db.session.commit()
    return review


def _existing(council_slug: str, starts_on: date) -> Review | None:
    return db.session.scalar(select(Review).where(Review.council_slug == council_slug,
                                                  Review.starts_on == starts_on))


@dataclass(frozen=True)
class VersionSpan:
    """One charter version and the days of the review year it was in force (both ends included)."""

    charter: Charter
    starts_on: date
    ends_on: date

    @property
    def days(self) -> int:
        return (self.ends_on - self.starts_on).days + 1


def _in_force_from(charter: Charter) -> date | None:
    if charter.effective_from is not None:
        return charter.effective_from
    return uk_date(charter.published_at) if charter.published_at is not None else None


def versions_in_force(period: ReviewYear | Review) -> list[VersionSpan]:
    """The council's charter versions in force during the year, in order, each with the span it covered.

    A version is in force from its ``effective_from`` (or, when its file gave none, the day it was published)
    until the day before the next version's; drafts never are. Days before the first version took effect are
    covered by none.
    """
    loaded = db.session.scalars(select(Charter).where(Charter.council_slug == period.council_slug,
                                                      Charter.status != CharterStatus.DRAFT)).all()
    dated = sorted(((_in_force_from(c), c.version, c) for c in loaded if _in_force_from(c) is not None),
                   key=lambda row: row[:2])
    charters = [(day, charter) for day, _version, charter in dated if day <= period.ends_on]
    spans = []
    for i, (starts, charter) in enumerate(charters):
        following = charters[i + 1][0] if i + 1 < len(charters) else None
        last = min(period.ends_on, following - timedelta(days=1)) if following else period.ends_on
        first = max(period.starts_on, starts)
        if first <= last:
            spans.append(VersionSpan(charter, first, last))
    return spans


def published_review(council_slug: str) -> Review | None:
    """The latest review of the council's charter whose decisions were adopted: the pack residents see."""
    return db.session.scalar(select(Review).where(Review.council_slug == council_slug,
                                                  Review.stage == ReviewStage.ADOPTED)
                             .order_by(Review.starts_on.desc()).limit(1))
