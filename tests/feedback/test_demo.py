"""Demonstration feedback: a varied fictional year, the same every time, loaded once."""

from datetime import date

from sqlalchemy import distinct, func, select

from core.demo import DEMO_STEPS, load_demo_charters, load_demo_staff
from core.timesource import set_today
from feedback.demo import load_demo_feedback
from feedback.models import FeedbackItem, FeedbackQuote
from feedback.tallies import differences

ITEMS = 240


def summary(db) -> dict:
    def count(column):
        return db.session.scalar(select(func.count(distinct(column))))

    return {
        "items": db.session.scalar(select(func.count()).select_from(FeedbackItem)),
        "kinds": count(FeedbackItem.kind),
        "channels": count(FeedbackItem.channel),
        "services": count(FeedbackItem.service_area_id),
        "statuses": count(FeedbackItem.status),
        "first": db.session.scalar(select(func.min(FeedbackItem.received_on))),
        "references": db.session.scalars(select(FeedbackItem.reference).order_by(FeedbackItem.id).limit(5)).all(),
        "descriptions": db.session.scalars(select(FeedbackItem.description).order_by(FeedbackItem.id).limit(5)).all(),
    }


def test_demo_feedback_is_varied_since_two_review_years_ago_registered_as_a_step(app, db, monkeypatch):
    monkeypatch.setattr("feedback.demo.DEMO_ITEMS", ITEMS)  # fewer than the demo's own, for a quicker test
    assert "Feedback" in [step.name for step in DEMO_STEPS]
    set_today(date(2026, 6, 30))
    load_demo_staff()
    load_demo_charters()
    message = load_demo_feedback()
    first = summary(db)
    assert first["items"] == ITEMS and message.startswith(f"{ITEMS} items")
    assert first["kinds"] == 4 and first["channels"] >= 8 and first["services"] >= 12 and first["statuses"] >= 5
    # The monthly counts the charter review reads agree with the items the demo wrote.
    assert differences() == []
    assert date(2024, 4, 1) <= first["first"] < date(2024, 5, 1)  # the review year two before 2026 to 2027
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem).where(
        FeedbackItem.kind != FeedbackItem.resident_kind)) > 0
    # One quote of each kind from last review year (April 2025 to March 2026), the year of the published pack.
    assert message.endswith("; 4 quoted for last year's review.")
    quoted = db.session.execute(select(FeedbackItem.kind, FeedbackItem.received_on, FeedbackQuote.text)
                                .join(FeedbackQuote, FeedbackQuote.feedback_id == FeedbackItem.id)).all()
    assert sorted(kind for kind, _, _ in quoted) == ["comment", "complaint", "compliment", "service_request"]
    assert all(date(2025, 4, 1) <= received <= date(2026, 3, 31) and text for _, received, text in quoted)
    assert "nothing added" in load_demo_feedback()
    assert summary(db)["items"] == ITEMS


def test_demo_text_is_the_same_every_time(charter, db):
    import random

    from core.models import ServiceArea
    from feedback.demo import KIND_WEIGHTS, SEED, _submission, _weighted

    areas = db.session.scalars(select(ServiceArea).order_by(ServiceArea.code)).all()

    def sample():
        rng = random.Random(SEED)
        out = []
        for _ in range(30):
            made = _submission(rng, _weighted(rng, KIND_WEIGHTS), rng.choice(areas), charter.commitments, "email")
            out.append((made.kind, made.description, made.contact.name, [c.code for c in made.commitments]))
        return out

    first = sample()
    assert first == sample()
    assert {c for *_, codes in first for c in codes} <= {c.code for c in charter.commitments
                                                         if c.channel in {"email", "any"}}
    assert len({description for _, description, _, _ in first}) > 20
