"""Feedback tagged to each commitment, counted by month: what the charter review reads for "what residents said".

A year of a large council's tagged feedback is hundreds of thousands of item-and-commitment pairs; the review reads
them as a few hundred counted rows instead (``docs/performance.md`` has the figures). Two tables hold the counts:

- ``feedback_tagged_month``: items per commitment code, month received, kind and sentiment (the officer's correction
  winning over the score; "" when not scored);
- ``feedback_theme_month``: how often each theme came up per commitment code and month, in comments, complaints and
  service requests (compliments are praise, not themes to act on).

A commitment is counted by its code, which stays the same across charter versions: an item tagged to the same
code in two versions is one item, as the feedback list filtered by that code shows it.

How they stay true: a flush that adds or deletes an item, or changes its date, kind, words, sentiment, themes or
tags, marks the months it touches as stale (``mark_stale_months``, connected by ``feedback.init_app``), and so does
a batch of rescoring (``core.events.records_rescored``). A mark is one row per month, written (or its number of
changes raised) in the writer's transaction. Marking a month too often only costs a recount. Reading a period first
recounts its stale months from the items, one month at a time, each holding the month's mark while it counts and
committing with it (``refresh``): a writer marking the month waits for the recount and marks it again, and two
reads never recount one month at once. Intake takes its reference number from one row per year before its flush,
so waiting on a month's mark adds no waiting of its own.

A period that starts or ends part-way through a month (a review year starting on the 6th) counts those days
straight from the items.

``flask feedback tallies --check`` compares every month with a count from the items; ``--rebuild`` recounts them all
(after loading items straight into the tables, as the benchmarks do).
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import Date, Integer, String, Text, cast, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import get_history

from core.extensions import db
from core.models import Commitment
from feedback.models import FeedbackItem, feedback_commitment
from feedback.queries import effective_sentiment

#: Attributes whose change can move an item's counts (its words: a new text gets a new score and themes).
_COUNTED = ("received_on", "kind", "description", "sentiment_label", "sentiment_override_label", "themes",
            "commitments")


class TaggedMonth(db.Model):
    """Items tagged to a commitment code, received in a month, by kind and sentiment."""

    __tablename__ = "feedback_tagged_month"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: The first day of the month.
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: The effective sentiment label, or "" when the item has not been scored.
    sentiment: Mapped[str] = mapped_column(String(10), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class ThemeMonth(db.Model):
    """How often a theme came up in the comments, complaints and service requests tagged to a commitment code in a
    month."""

    __tablename__ = "feedback_theme_month"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    theme: Mapped[str] = mapped_column(String(100), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)


class StaleMonth(db.Model):
    """A month whose counts must be recounted before they are read."""

    __tablename__ = "feedback_tally_stale"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    #: How many times it was marked since it was last counted: a recount removes the mark only if this is unchanged.
    changes: Mapped[int] = mapped_column(Integer)


def month_of(day: date) -> date:
    return day.replace(day=1)


#: The statement that marks a month, built once per database dialect.
_MARK: dict[str, object] = {}


def _mark(connection, months) -> None:
    """Mark each month stale in the connection's transaction, counting one more change if it already is."""
    if not months:
        return
    dialect = connection.dialect.name
    if dialect not in _MARK:
        table = StaleMonth.__table__
        _MARK[dialect] = ((postgresql if dialect == "postgresql" else sqlite).insert(table)
                          .on_conflict_do_update(index_elements=[table.c.month],
                                                 set_={"changes": table.c.changes + 1}))
    connection.execute(_MARK[dialect], [{"month": month, "changes": 1} for month in sorted(months)])


def _months_touched(item: FeedbackItem) -> set[date]:
    """The month it was received in, and the one before if its date was corrected."""
    days = [item.received_on, *get_history(item, "received_on").deleted]
    return {month_of(day) for day in days if isinstance(day, date)}


def mark_stale_months(session: Session, _context, _instances) -> None:
    """Before each flush, mark the months of items added, deleted or changed in a way that moves the counts."""
    months: set[date] = set()
    for item in session.new:
        if isinstance(item, FeedbackItem):
            months |= _months_touched(item)
    for item in session.deleted:
        if isinstance(item, FeedbackItem):
            months |= _months_touched(item)
    for item in session.dirty:
        if isinstance(item, FeedbackItem) and any(get_history(item, name).has_changes() for name in _COUNTED):
            months |= _months_touched(item)
    # On the session's connection: the flush under way writes the items, the mark goes in the same transaction.
    _mark(session.connection(), months)


def mark_rescored(_sender, *, model=None, keys=(), **_extra) -> None:
    """A rescoring batch changed items' sentiment and themes straight in the table: mark their months stale."""
    if model is not FeedbackItem or not keys:
        return
    days = db.session.scalars(select(FeedbackItem.received_on).where(FeedbackItem.id.in_(list(keys))).distinct())
    _mark(db.session.connection(), {month_of(day) for day in days})


def mark_every_month() -> int:
    """Mark every month that has items as stale; returns how many months."""
    months = {month_of(day) for day in db.session.scalars(select(FeedbackItem.received_on).distinct())}
    _mark(db.session.connection(), months)
    return len(months)


# --- Counting from the items -----------------------------------------------------------------------------------


def month_end(month: date) -> date:
    return date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1)


def _tagged_between(first: date, last: date, codes: list[str] | None, *columns):
    """Each item received from ``first`` to ``last`` once per commitment code it is tagged to (only ``codes`` when
    given), with ``columns``."""
    statement = (select(feedback_commitment.c.feedback_id, Commitment.code, *columns).distinct()
                 .join(Commitment, Commitment.id == feedback_commitment.c.commitment_id)
                 .join(FeedbackItem, FeedbackItem.id == feedback_commitment.c.feedback_id)
                 .where(FeedbackItem.received_on >= first, FeedbackItem.received_on <= last))
    return (statement if codes is None else statement.where(Commitment.code.in_(codes))).subquery()


def _count(first: date, last: date, codes: list[str] | None = None) -> tuple[list[tuple], Counter]:
    """Straight from the items received from ``first`` to ``last``: rows of (code, kind, sentiment or "", count),
    and how often each (code, theme) came up. Grouped in SQL; themes are stored per item as a list, so each
    distinct list is read once, however many items share it."""
    tagged = _tagged_between(first, last, codes, FeedbackItem.kind,
                             func.coalesce(effective_sentiment(), "").label("sentiment"))
    kinds = [tuple(row) for row in db.session.execute(
        select(tagged.c.code, tagged.c.kind, tagged.c.sentiment, func.count())
        .group_by(tagged.c.code, tagged.c.kind, tagged.c.sentiment))]
    themed = _tagged_between(first, last, codes, cast(FeedbackItem.themes, Text).label("themes"), FeedbackItem.kind)
    themes: Counter = Counter()
    for code, text, count in db.session.execute(
            select(themed.c.code, themed.c.themes, func.count()).where(themed.c.kind != "compliment")
            .group_by(themed.c.code, themed.c.themes)):
        for theme in json.loads(text) if text else ():
            themes[code, theme] += count
    return kinds, themes


def counted_month(month: date) -> tuple[list[dict], list[dict]]:
    """The rows both tables should hold for ``month``, counted from the items."""
    kinds, themes = _count(month, month_end(month))
    return ([{"code": code, "month": month, "kind": kind, "sentiment": label, "count": count}
             for code, kind, label, count in kinds],
            [{"code": code, "month": month, "theme": theme, "count": count} for (code, theme), count in themes.items()])


def _take(month: date) -> bool:
    """Hold the month's mark until the transaction ends, waiting for any writer marking it or any other recount;
    False when it is gone (another recount has just done the month)."""
    return db.session.execute(update(StaleMonth).where(StaleMonth.month == month)
                              .values(changes=StaleMonth.changes)).rowcount > 0


def refresh(first: date, last: date) -> int:
    """Recount the stale months from ``first``'s to ``last``'s, committing each; returns how many were recounted.

    A month is counted while its mark is held (``_take``): a writer marking it waits until the recount has committed
    and marks it again, and a writer that marked it first has committed before the count reads the items. It
    commits: call it where the session holds no other change (the review's pages, the pack, commands)."""
    months = db.session.scalars(select(StaleMonth.month).where(
        StaleMonth.month >= month_of(first), StaleMonth.month <= last).order_by(StaleMonth.month)).all()
    recounted = 0
    for month in months:
        if _take(month):
            kinds, themes = counted_month(month)
            for table, rows in ((TaggedMonth, kinds), (ThemeMonth, themes)):
                db.session.execute(delete(table).where(table.month == month))
                if rows:
                    db.session.execute(insert(table), rows)
            db.session.execute(delete(StaleMonth).where(StaleMonth.month == month))
            recounted += 1
        db.session.commit()
    return recounted


def rebuild() -> int:
    """Recount every month that has items (and empty the months that have none any more); returns how many."""
    db.session.execute(delete(TaggedMonth))
    db.session.execute(delete(ThemeMonth))
    count = mark_every_month()
    refresh(date.min, date.max)
    return count


def differences() -> list[str]:
    """Months whose stored counts differ from a count from the items, in words (none when all agree)."""
    refresh(date.min, date.max)
    kept_months = set(db.session.scalars(select(TaggedMonth.month).distinct())) | set(
        db.session.scalars(select(ThemeMonth.month).distinct()))
    item_months = {month_of(day) for day in db.session.scalars(select(FeedbackItem.received_on).distinct())}
    problems = []
    for month in sorted(kept_months | item_months):
        kinds, themes = counted_month(month)
        for table, rows, key in ((TaggedMonth, kinds, ("code", "kind", "sentiment")),
                                 (ThemeMonth, themes, ("code", "theme"))):
            expected = {tuple(row[k] for k in key): row["count"] for row in rows}
            stored = {tuple(row[:-1]): row[-1] for row in db.session.execute(
                select(*(getattr(table, k) for k in key), table.count).where(table.month == month))}
            wrong = sum(stored.get(key) != expected.get(key) for key in stored.keys() | expected.keys())
            if wrong:
                problems.append(f"{month:%B %Y}: {wrong} of the counts in {table.__tablename__} differ from the items "
                                f"({sum(stored.values())} counted, the items give {sum(expected.values())})")
    return problems


# --- Reading ---------------------------------------------------------------------------------------------------


def _split(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date]]]:
    """The whole months from ``start`` to ``end`` (the first days of the first and last, or None), and the days of
    any month the period covers only in part (a review year starting on the 6th, say), counted from the items."""
    day = timedelta(days=1)
    first = start if start.day == 1 else month_end(start) + day  # the first whole month's first day
    last = end if end == month_end(end) else month_of(end) - day  # the last whole month's last day
    parts = []
    if start < first:
        parts.append((start, min(first - day, end)))
    if last < end and month_of(end) >= first:
        parts.append((max(month_of(end), start), end))
    return ((first, month_of(last)) if first <= last else None), parts


def tagged_by_month(codes: list[str], start: date, end: date) -> list[tuple]:
    """Feedback received from ``start`` to ``end`` tagged to each commitment code (any charter version), by month,
    kind and sentiment: rows of (code, month's first day, kind, sentiment label or None, count)."""
    if not codes:
        return []
    whole, parts = _split(start, end)
    rows = []
    if whole:
        refresh(*whole)
        rows += db.session.execute(
            select(TaggedMonth.code, TaggedMonth.month, TaggedMonth.kind, TaggedMonth.sentiment, TaggedMonth.count)
            .where(TaggedMonth.code.in_(codes), TaggedMonth.month >= whole[0], TaggedMonth.month <= whole[1])).all()
    for first, last in parts:
        kinds, _themes = _count(first, last, codes)
        rows += [(code, month_of(first), kind, label, count) for code, kind, label, count in kinds]
    return sorted((code, month, kind, label or None, count) for code, month, kind, label, count in rows)


def themes_by_commitment(codes: list[str], start: date, end: date) -> dict[str, Counter]:
    """How often each theme came up in the comments, complaints and service requests received from ``start`` to
    ``end`` and tagged to each code."""
    results: dict[str, Counter] = {code: Counter() for code in codes}
    if not codes:
        return results
    whole, parts = _split(start, end)
    if whole:
        refresh(*whole)
        for code, theme, count in db.session.execute(
                select(ThemeMonth.code, ThemeMonth.theme, func.sum(ThemeMonth.count))
                .where(ThemeMonth.code.in_(codes), ThemeMonth.month >= whole[0], ThemeMonth.month <= whole[1])
                .group_by(ThemeMonth.code, ThemeMonth.theme)):
            results[code][theme] += int(count)
    for first, last in parts:
        for (code, theme), count in _count(first, last, codes)[1].items():
            results[code][theme] += count
    return results
