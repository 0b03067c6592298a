"""Registered texts are scored and given themes when written; registration is checked."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.sentiment import registry as sentiment_registry
from core.sentiment.registry import SentimentFields, apply_score, register_scored_text, registration_for
from core.sentiment.scoring import VERSION
from feedback.models import FeedbackItem
from tests.core.sentiment_fixtures import ScoredNote, make_feedback


@pytest.fixture
def notes(app):
    ScoredNote.__table__.create(db.engine)
    register_scored_text(ScoredNote, text="body")
    yield ScoredNote
    sentiment_registry.unregister_scored_text(ScoredNote)
    db.session.remove()
    ScoredNote.__table__.drop(db.engine)


def test_feedback_items_are_registered():
    entry = registration_for(FeedbackItem(description="x"))
    assert (entry.text, entry.themes, entry.name) == ("description", "themes", "feedback_item")


def test_the_version_fits_the_stored_column():
    assert len(VERSION) <= FeedbackItem.__table__.c.sentiment_version.type.length


def test_new_feedback_is_scored_with_version_and_themes():
    item = make_feedback("Still waiting for a call back, nobody has rung me in three weeks.")
    assert item.sentiment_label == "negative"
    assert item.sentiment_polarity < 0
    assert item.sentiment_version == VERSION
    assert "call back" in item.themes


def test_changing_the_text_rescores_it():
    item = make_feedback("Still waiting for the repair.")
    item.description = "Thank you, the plumber was brilliant and fixed the leak the same day."
    db.session.commit()
    assert item.sentiment_label == "positive"
    assert "housing repairs" in item.themes


def test_other_edits_do_not_rescore(monkeypatch):
    item = make_feedback("Thank you for the quick repair.")
    calls = []
    monkeypatch.setattr(sentiment_registry, "score", lambda text: calls.append(text))
    item.status = "closed"
    db.session.commit()
    assert calls == []


def test_a_record_scored_by_the_caller_is_not_scored_again(monkeypatch):
    item = FeedbackItem(reference="COM-2026-99999", kind="comment", channel="phone", description="Nobody rang back.",
                        received_on=make_feedback("x").received_on)
    apply_score(item)
    calls = []
    real = sentiment_registry.score
    monkeypatch.setattr(sentiment_registry, "score", lambda text: calls.append(text) or real(text))
    db.session.add(item)
    db.session.commit()
    assert calls == [] and item.sentiment_label == "negative"


def test_records_without_text_are_left_unscored(notes):
    note = notes(body=None)
    db.session.add(note)
    db.session.commit()
    assert note.sentiment_label is None and note.sentiment_version is None
    assert apply_score(note) is None
    note.body = "Brilliant service, thank you."
    db.session.commit()
    assert note.sentiment_label == "positive"


def test_registration_checks_the_columns():
    with pytest.raises(TypeError, match="no column for summary"):
        register_scored_text(FeedbackItem, text="summary")
    with pytest.raises(TypeError, match="no column for mood"):
        register_scored_text(FeedbackItem, text="description", fields=SentimentFields(label="mood"))


def test_unregistered_records_are_refused():
    with pytest.raises(TypeError, match="not registered"):
        registration_for(object())
