"""Feedback sent once (core.once): the item or message stored for a one-time submission token; its tracking token."""

from __future__ import annotations

from sqlalchemy import exists, select

from core.extensions import db
from core.once import derived_token, token_hash
from feedback.models import FeedbackItem, FeedbackMessage


def tracking_token_for(once: str) -> str:
    """The tracking token of the item stored for a one-time submission token: every sending can show it."""
    return derived_token("tracking", once)


def find_by_submission(once: str) -> FeedbackItem | None:
    """The item stored for a one-time submission token, if there is one."""
    return db.session.scalar(select(FeedbackItem).where(FeedbackItem.submission_hash == token_hash(once)))


def message_sent(once: str) -> bool:
    """Whether the tracking page's message with this one-time token has been added."""
    return db.session.scalar(select(exists().where(FeedbackMessage.submission_hash == token_hash(once)))) or False
