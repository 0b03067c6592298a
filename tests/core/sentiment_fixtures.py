"""Records for the stored-sentiment tests: feedback items, and a scored model that exists only in tests."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import Text, update
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from core.extensions import db
from core.models import SentimentMixin
from feedback.models import FeedbackItem

_counter = itertools.count(1)


class _TestBase(DeclarativeBase):
    """Kept apart from the app's metadata, so the migrations check never sees the test table."""


class ScoredNote(SentimentMixin, _TestBase):
    """A registered model with a nullable text, standing in for domain tables yet to come."""

    __tablename__ = "test_scored_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str | None] = mapped_column(Text)


def make_feedback(description: str, **overrides) -> FeedbackItem:
    n = next(_counter)
    fields = {"reference": f"COM-2026-{n:05d}", "kind": "comment", "channel": "email",
              "received_on": date(2026, 11, 2), "description": description}
    fields.update(overrides)
    item = FeedbackItem(**fields)
    db.session.add(item)
    db.session.commit()
    return item


def mark_scored_by_old_version(model: type, version: str = "council-0.old") -> None:
    """Pretend every record was scored by an earlier scorer, bypassing the write-time scoring."""
    db.session.execute(update(model).values(sentiment_version=version, sentiment_label="neutral"))
    db.session.commit()
    db.session.expire_all()
