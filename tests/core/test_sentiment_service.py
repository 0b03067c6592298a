"""Rescoring old scores in resumable batches, officers' audited corrections, and their export."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from core.audit import history_for
from core.extensions import db
from core.sentiment.registry import registration_for
from core.sentiment.scoring import VERSION
from core.sentiment.service import (
    SentimentOverrideError,
    count_stale,
    effective_label,
    export_corrections,
    override_sentiment,
    rescore,
    write_corrections_csv,
)
from core.sentiment.train import load_corrections
from feedback.models import FeedbackItem
from tests.core.sentiment_fixtures import make_feedback, mark_scored_by_old_version
from tests.helpers import make_staff

TEXTS = ["Nobody called me back.", "Thank you, brilliant service.", "Can I pay by card?",
         "Still waiting after three weeks.", "The bin crew were lovely."]


def test_rescore_updates_old_scores_in_batches():
    items = [make_feedback(text) for text in TEXTS]
    locks = [item.version_id for item in items]
    mark_scored_by_old_version(FeedbackItem)
    assert count_stale()["feedback_item"] == 5
    batches = []
    summary = rescore(batch_size=2, progress=batches.append)
    assert batches == [2, 2, 1]
    assert summary.rescored["feedback_item"] == 5 and summary.version == VERSION
    db.session.expire_all()
    assert [item.sentiment_label for item in items] == ["negative", "positive", "neutral", "negative", "positive"]
    assert all(item.sentiment_version == VERSION for item in items)
    assert "call back" in items[0].themes
    # Rescoring is not an officer's edit: the optimistic-lock counters are untouched.
    assert [item.version_id for item in items] == locks
    assert rescore().total == 0


def test_an_interrupted_rescore_resumes_where_it_stopped():
    for text in TEXTS:
        make_feedback(text)
    mark_scored_by_old_version(FeedbackItem)

    def stop_after_first_batch(count: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rescore(batch_size=2, progress=stop_after_first_batch)
    assert count_stale()["feedback_item"] == 3
    assert rescore(batch_size=2).total == 3
    assert count_stale()["feedback_item"] == 0


def test_override_is_audited_and_used_by_reports():
    officer = make_staff(role="complaints_officer")
    item = make_feedback("Can I pay by card?")
    override_sentiment(item, "negative", by=officer, reason="Resident was angry on the phone")
    assert item.sentiment_label == "neutral"
    assert item.effective_sentiment == "negative"
    assert item.sentiment_override_by_id == officer.id and item.sentiment_override_at is not None
    event = history_for(item)[0]
    assert event.action == "sentiment_overridden" and event.actor_id == officer.id
    assert event.before == {"sentiment": "neutral"} and event.after == {"sentiment": "negative"}
    assert "Resident was angry on the phone" in event.summary
    label = effective_label(registration_for(item))
    assert db.session.execute(select(label, func.count()).group_by(label)).all() == [("negative", 1)]


def test_removing_an_override_restores_the_scored_label():
    officer = make_staff()
    item = make_feedback("Thank you, brilliant service.")
    override_sentiment(item, "neutral", by=officer, reason="Routine thanks")
    override_sentiment(item, None, by=officer, reason="Scored label was right")
    assert item.effective_sentiment == "positive"
    assert item.sentiment_override_by_id is None and item.sentiment_override_at is None
    assert history_for(item)[0].action == "sentiment_override_removed"


@pytest.mark.parametrize(("label", "reason", "message"), [
    ("angry", "Because", "Select positive, neutral or negative"),
    ("negative", "   ", "Enter why you are changing the sentiment"),
])
def test_bad_overrides_are_refused_and_change_nothing(label, reason, message):
    item = make_feedback("Can I pay by card?")
    with pytest.raises(SentimentOverrideError, match=message):
        override_sentiment(item, label, by=make_staff(), reason=reason)
    assert item.sentiment_override_label is None and history_for(item) == []


def test_corrections_export_round_trips_into_training():
    officer = make_staff()
    first = make_feedback("Can I pay by card?")
    make_feedback("Thanks for the quick repair.")
    third = make_feedback('Great, "another" missed bin,\nthanks a lot.')
    override_sentiment(first, "negative", by=officer, reason="Angry caller")
    override_sentiment(third, "negative", by=officer, reason="Sarcasm")
    rows = list(export_corrections())
    assert rows == [("negative", "Can I pay by card?"), ("negative", 'Great, "another" missed bin,\nthanks a lot.')]
    stream = io.StringIO()
    assert write_corrections_csv(rows, stream) == 2
    assert stream.getvalue().startswith("label,text\nnegative,Can I pay by card?\n")


def test_corrections_csv_is_what_training_reads(tmp_path):
    path = tmp_path / "corrections.csv"
    with path.open("w", encoding="utf-8", newline="") as stream:
        write_corrections_csv([("negative", "Oh wonderful,\nanother letter.")], stream)
    assert load_corrections(path) == [("negative", "Oh wonderful,\nanother letter.")]
