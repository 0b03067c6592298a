"""The days an item was acknowledged and closed follow the times they were, whenever those are set."""

from datetime import date, datetime

from sqlalchemy import select

from core.extensions import db
from feedback.models import FeedbackItem
from tests.helpers import make_feedback


def _stored(item) -> tuple:
    return db.session.execute(select(FeedbackItem.acknowledged_on, FeedbackItem.closed_on)
                              .where(FeedbackItem.id == item.id)).one()


def test_the_days_follow_the_times_set_changed_and_cleared():
    item = make_feedback(acknowledged_at=datetime(2026, 3, 2, 23, 59, 59))
    assert _stored(item) == (date(2026, 3, 2), None)
    item.closed_at = datetime(2026, 3, 9, 0, 0)
    item.acknowledged_at = datetime(2026, 3, 3, 9, 30)
    db.session.commit()
    assert _stored(item) == (date(2026, 3, 3), date(2026, 3, 9))
    item.closed_at = None
    db.session.commit()
    assert _stored(item) == (date(2026, 3, 3), None)
