"""Feedback reads for the staff inbox, its CSV export and the API: filtering, counting and sorting happen in SQL."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Select, String, Text, case, cast, exists, func, or_, select, type_coerce
from sqlalchemy.orm import selectinload

from core.extensions import db
from core.models import Channel, Commitment, Resident, ServiceArea, StaffUser
from core.queries import TagShare
from feedback.models import EqualityMonitoring, FeedbackItem, FeedbackStatus, feedback_commitment
from feedback.rules import EQUALITY_QUESTIONS

#: Items on one page of the inbox.
PER_PAGE = 50

#: Sentiment filter value for items that have not been scored.
NOT_SCORED = "not_scored"
SENTIMENTS = {"positive": "Positive", "neutral": "Neutral", "negative": "Negative", NOT_SCORED: "Not scored"}


@dataclass
class InboxFilters:
    q: str | None = None
    kind: str | None = None
    status: str | None = None
    service: str | None = None
    commitment: str | None = None
    #: Any of these ways in; none means every one.
    channels: tuple[str, ...] = ()
    sentiment: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    sort: str = "received"
    order: str = "desc"


def effective_sentiment():
    """An officer's correction wins over the scored label."""
    return func.coalesce(FeedbackItem.sentiment_override_label, FeedbackItem.sentiment_label)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(filters: InboxFilters) -> list:
    conditions = []
    if filters.q:
        pattern = _like(filters.q.strip())
        conditions.append(or_(
            FeedbackItem.reference.ilike(pattern, escape="\\"),
            FeedbackItem.description.ilike(pattern, escape="\\"),
            Resident.name.ilike(pattern, escape="\\"),
            Resident.email.ilike(pattern, escape="\\"),
        ))
    for column, value in ((FeedbackItem.kind, filters.kind), (FeedbackItem.status, filters.status),
                          (ServiceArea.code, filters.service)):
        if value:
            conditions.append(column == value)
    if filters.channels:
        conditions.append(FeedbackItem.channel.in_(filters.channels))
    if filters.commitment:
        # By code, so an item tagged under an earlier version of the charter still matches.
        conditions.append(exists(
            select(1).select_from(feedback_commitment.join(Commitment))
            .where(feedback_commitment.c.feedback_id == FeedbackItem.id, Commitment.code == filters.commitment)
        ))
    if filters.sentiment == NOT_SCORED:
        conditions.append(effective_sentiment().is_(None))
    elif filters.sentiment:
        conditions.append(effective_sentiment() == filters.sentiment)
    if filters.received_from:
        conditions.append(FeedbackItem.received_on >= filters.received_from)
    if filters.received_to:
        conditions.append(FeedbackItem.received_on <= filters.received_to)
    return conditions


_SORTS = {
    "received": FeedbackItem.received_on,
    "reference": FeedbackItem.reference,
    "kind": FeedbackItem.kind,
    "status": FeedbackItem.status,
    "ack_due": FeedbackItem.acknowledgement_due_on,
}


def filtered(filters: InboxFilters, *columns) -> Select:
    """Items (or the given columns) matching the filters, in the chosen order."""
    statement = (
        select(*columns) if columns else select(FeedbackItem)
    ).select_from(FeedbackItem).outerjoin(ServiceArea, FeedbackItem.service_area_id == ServiceArea.id).outerjoin(
        Resident, FeedbackItem.resident_id == Resident.id).where(*_conditions(filters))
    sort = _SORTS.get(filters.sort, FeedbackItem.received_on)
    if filters.order == "asc":
        return statement.order_by(sort.asc(), FeedbackItem.id.asc())
    return statement.order_by(sort.desc(), FeedbackItem.id.desc())


@dataclass
class InboxPage:
    items: list[FeedbackItem]
    total: int
    page: int
    pages: int
    by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def first(self) -> int:
        return 0 if not self.total else (self.page - 1) * PER_PAGE + 1

    @property
    def last(self) -> int:
        return min(self.page * PER_PAGE, self.total)


def inbox_page(filters: InboxFilters, page: int = 1) -> InboxPage:
    statement = filtered(filters)
    counted = filtered(filters, FeedbackItem.kind).order_by(None).subquery()
    by_kind = dict(db.session.execute(select(counted.c.kind, func.count()).group_by(counted.c.kind)).all())
    total = sum(by_kind.values())
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    items = db.session.scalars(
        statement.options(selectinload(FeedbackItem.service_area), selectinload(FeedbackItem.resident))
        .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return InboxPage(list(items), total, page, pages, by_kind)


EXPORT_HEADINGS = ["Reference", "Type", "Status", "Channel", "Service", "Received on", "Acknowledgement due",
                   "Acknowledged on", "Acknowledged on time", "Charter commitments", "Sentiment", "Recorded by",
                   "What the resident told us"]


def export_rows(filters: InboxFilters) -> Iterator[tuple]:
    """The filtered list as rows for a spreadsheet, streamed from the database."""
    commitment_codes = (
        select(func.aggregate_strings(Commitment.code, "; "))
        .select_from(feedback_commitment.join(Commitment))
        .where(feedback_commitment.c.feedback_id == FeedbackItem.id)
        .scalar_subquery()
    )
    statement = filtered(
        filters, FeedbackItem.reference, FeedbackItem.kind, FeedbackItem.status, FeedbackItem.channel,
        ServiceArea.name, FeedbackItem.received_on, FeedbackItem.acknowledgement_due_on,
        FeedbackItem.acknowledged_on, FeedbackItem.acknowledgement_met, commitment_codes, effective_sentiment(),
        StaffUser.name, FeedbackItem.description,
    ).outerjoin(StaffUser, FeedbackItem.recorded_by_id == StaffUser.id)
    yield from db.session.execute(statement.execution_options(yield_per=500))


def item_by_reference(reference: str) -> FeedbackItem | None:
    return db.session.scalar(select(FeedbackItem).where(FeedbackItem.reference == reference))


def service_areas() -> list[ServiceArea]:
    return list(db.session.scalars(select(ServiceArea).order_by(ServiceArea.name)))


# --- Items on no promise --------------------------------------------------------------------------------------


def untagged():
    """Items tagged to no charter commitment (the flag kept from their tags, in the index with the date)."""
    return FeedbackItem.tagged.is_(False)


def _tag_scope(start: date, end: date, kinds: tuple[str, ...] | None) -> list:
    conditions = [FeedbackItem.received_on >= start, FeedbackItem.received_on <= end]
    if kinds:
        conditions.append(FeedbackItem.kind.in_(kinds))
    return conditions


def tagged_share(start: date, end: date, *, kinds: tuple[str, ...] | None = None) -> TagShare:
    """Feedback items (complaints included) received from ``start`` to ``end`` inclusive, and how many are tagged to
    at least one commitment; ``kinds`` narrows it (``("complaint",)``). Counted in SQL from the index on (received
    on, tagged); for the staff home and the charter review."""
    total, tagged = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((FeedbackItem.tagged, 1), else_=0)), 0))
        .select_from(FeedbackItem).where(*_tag_scope(start, end, kinds))
    ).one()
    return TagShare(total, tagged)


@dataclass
class UntaggedPage:
    items: list[FeedbackItem]
    total: int
    page: int
    pages: int


def untagged_page(start: date, end: date, *, kinds: tuple[str, ...] | None = None, page: int = 1,
                  per_page: int = 25) -> UntaggedPage:
    """Items on no commitment received from ``start`` to ``end``, newest first, one page of them."""
    conditions = [*_tag_scope(start, end, kinds), untagged()]
    total = db.session.scalar(select(func.count()).select_from(FeedbackItem).where(*conditions))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    items = db.session.scalars(
        select(FeedbackItem).where(*conditions).options(selectinload(FeedbackItem.service_area))
        .order_by(FeedbackItem.received_on.desc(), FeedbackItem.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return UntaggedPage(list(items), total, page, pages)


def tagged_examples(start: date, *, limit: int = 3000) -> list[tuple[str, str, str]]:
    """(commitment code, resident's words, channel) for the latest items tagged, received on or after ``start``:
    the council's past tagging, which the suggestions learn from. Anonymised items have lost their words."""
    query = (select(Commitment.code, FeedbackItem.description, FeedbackItem.channel)
             .join(feedback_commitment, feedback_commitment.c.commitment_id == Commitment.id)
             .join(FeedbackItem, FeedbackItem.id == feedback_commitment.c.feedback_id)
             .where(FeedbackItem.received_on >= start, FeedbackItem.anonymised_at.is_(None))
             .order_by(FeedbackItem.received_on.desc(), FeedbackItem.id.desc()).limit(limit))
    return [(code, text, channel) for code, text, channel in db.session.execute(query)]


# --- The charter review: feedback counted by day and by month, for the evidence each commitment gets -----------


def _received_within(start: date, end: date) -> list:
    return [FeedbackItem.received_on >= start, FeedbackItem.received_on <= end]


def received_and_acknowledged(start: date, end: date, channels: list[str] | None = None) -> list[tuple]:
    """Feedback received in the period (through ``channels``, or any), counted by channel, the day it was received
    and the day it was acknowledged (None: not yet): some thousands of rows for a year, however many items, read
    from one index (``ix_feedback_item_acknowledged_day``) in the order it groups by."""
    # An item withdrawn before it was acknowledged owed nothing more: not counted either way.
    return _received_and(FeedbackItem.acknowledged_on, start, end, channels,
                         or_(FeedbackItem.acknowledged_on.is_not(None),
                             FeedbackItem.status != FeedbackStatus.WITHDRAWN))


def received_and_closed(start: date, end: date, channels: list[str] | None = None) -> list[tuple]:
    """Feedback received in the period, counted by channel, the day it was received and the day it was closed
    (the full reply); withdrawn items are left out, as nothing more was owed to the resident."""
    return _received_and(FeedbackItem.closed_on, start, end, channels,
                         FeedbackItem.status != FeedbackStatus.WITHDRAWN)


def _received_and(done, start: date, end: date, channels: list[str] | None, *extra) -> list[tuple]:
    # Dates come back as the driver gives them (text in SQLite, dates in PostgreSQL) and each distinct one is read
    # once here, rather than row by row.
    received, day = type_coerce(FeedbackItem.received_on, String), type_coerce(done, String)
    statement = (select(FeedbackItem.channel, received, day, func.count())
                 .where(*_received_within(start, end), *extra)
                 .group_by(FeedbackItem.channel, FeedbackItem.received_on, done))
    # Every channel named, even for all of them, so the database reads the index that starts with the channel.
    every = [channel.value for channel in Channel if channel != Channel.ANY]
    statement = statement.where(FeedbackItem.channel.in_(every if channels is None else channels))
    days: dict = {None: None}

    def as_date(value) -> date | None:
        if value not in days:
            days[value] = date.fromisoformat(value[:10]) if isinstance(value, str) else value
        return days[value]

    return [(channel, as_date(day_received), as_date(day_done), count)
            for channel, day_received, day_done, count in db.session.execute(statement)]


# --- The annual pack: every item received in the year, by channel, service or month -------------------------

#: What ``counts_by`` can group by.
DIMENSIONS = ("channel", "service", "month")


def counts_by(dimension: str, start: date, end: date) -> list[tuple]:
    """Items received from ``start`` to ``end`` counted in one grouped query by ``dimension`` (channel, service
    name or month), kind and sentiment: rows of (key, kind, sentiment label or None, count). A month's key is the
    month's first day; an item on no service has the key None."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    sentiment = effective_sentiment()
    if dimension == "month":
        keys = (func.extract("year", FeedbackItem.received_on), func.extract("month", FeedbackItem.received_on))
    elif dimension == "service":
        keys = (ServiceArea.name,)
    else:
        keys = (FeedbackItem.channel,)
    statement = select(*keys, FeedbackItem.kind, sentiment, func.count()).where(*_received_within(start, end))
    if dimension == "service":
        statement = statement.outerjoin(ServiceArea, ServiceArea.id == FeedbackItem.service_area_id)
    rows = db.session.execute(statement.group_by(*keys, FeedbackItem.kind, sentiment)).all()
    if dimension == "month":
        return [(date(int(year), int(month), 1), kind, label, count) for year, month, kind, label, count in rows]
    return [tuple(row) for row in rows]


def themes_in(start: date, end: date) -> Counter:
    """How often each theme came up in the comments, complaints and service requests received in the period,
    counted in SQL by each item's list of themes."""
    listed = cast(FeedbackItem.themes, Text)
    themes: Counter = Counter()
    for text, count in db.session.execute(
            select(listed, func.count()).where(*_received_within(start, end), FeedbackItem.kind != "compliment")
            .group_by(listed)):
        for theme in json.loads(text) if text else ():
            themes[theme] += count
    return themes


def equality_counts(start: date, end: date) -> list[tuple[str, str, int, int]]:
    """The equality monitoring answers given from ``start`` to ``end``: rows of (question, answer, people who
    complained, everyone who gave feedback) in the questions' and answers' own order, one grouped query per question
    (unanswered questions are not counted). Answers given before the kind of feedback was kept count in everyone
    only."""
    complained = func.coalesce(func.sum(case((EqualityMonitoring.kind == "complaint", 1), else_=0)), 0)
    rows = []
    for name, (question, options) in EQUALITY_QUESTIONS.items():
        column = getattr(EqualityMonitoring, name)
        counted = {value: (complaints, everyone) for value, complaints, everyone in db.session.execute(
            select(column, complained, func.count()).where(*_answered_within(start, end), column.is_not(None))
            .group_by(column))}
        rows += [(question, label, *counted[value]) for value, label in options if value in counted]
    return rows


def equality_answers_without_kind(start: date, end: date) -> int:
    """How many sets of equality answers given from ``start`` to ``end`` do not say what kind of feedback they came
    with (given before the kind was kept)."""
    return db.session.scalar(select(func.count()).select_from(EqualityMonitoring)
                             .where(*_answered_within(start, end), EqualityMonitoring.kind.is_(None))) or 0


def _answered_within(start: date, end: date) -> tuple:
    return EqualityMonitoring.submitted_on >= start, EqualityMonitoring.submitted_on <= end
