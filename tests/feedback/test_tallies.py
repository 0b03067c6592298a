"""The monthly counts of tagged feedback the charter review reads (feedback.tallies): right from the start, kept
right through every kind of change, and checked or rebuilt from the command line."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from sqlalchemy import delete, insert, select

from core.extensions import db
from core.sentiment import service as sentiment_service
from core.sentiment.scoring import Sentiment
from feedback.models import FeedbackItem, feedback_commitment
from feedback.tallies import StaleMonth, differences, rebuild, tagged_by_month, themes_by_commitment
from tests.core.sentiment_fixtures import mark_scored_by_old_version
from tests.helpers import make_charter, make_feedback

YEAR = (date(2026, 4, 1), date(2027, 3, 31))


def _charter():
    return make_charter(commitments=[
        {"code": "A-01", "wording": "We will answer your email.", "channel": "email"},
        {"code": "A-02", "wording": "We will treat you with respect.", "channel": "any"},
        {"code": "A-03", "wording": "We will keep our streets clean.", "channel": "any"},
    ])


def _item(charter, codes, *, kind="comment", day=date(2026, 5, 4), sentiment="negative", themes=("bins",)):
    item = make_feedback(kind=kind, received_on=day, commitments=[c for c in charter.commitments if c.code in codes])
    # Scored when written, then set for the test: the counts follow whatever the item holds.
    item.sentiment_label, item.themes = sentiment, list(themes)
    db.session.commit()
    return item


def _months(codes=("A-01", "A-02", "A-03")):
    return sorted(tagged_by_month(list(codes), *YEAR))


def test_counts_by_commitment_month_kind_and_sentiment():
    charter = _charter()
    _item(charter, ["A-01", "A-02"], day=date(2026, 5, 4))
    _item(charter, ["A-01"], day=date(2026, 5, 29), kind="compliment", sentiment="positive", themes=("staff",))
    _item(charter, ["A-01"], day=date(2026, 6, 1), kind="complaint", themes=("bins", "missed collection"))
    _item(charter, ["A-02"], day=date(2026, 3, 31))  # the year before
    _item(charter, [], day=date(2026, 5, 5))  # on no commitment
    may, june = date(2026, 5, 1), date(2026, 6, 1)
    assert _months() == [("A-01", may, "comment", "negative", 1), ("A-01", may, "compliment", "positive", 1),
                         ("A-01", june, "complaint", "negative", 1), ("A-02", may, "comment", "negative", 1)]
    # Compliments are praise: their themes are not counted.
    assert themes_by_commitment(["A-01", "A-02", "A-03"], *YEAR) == {
        "A-01": Counter({"bins": 2, "missed collection": 1}), "A-02": Counter({"bins": 1}), "A-03": Counter()}
    assert differences() == []


def test_an_item_not_scored_counts_with_no_sentiment():
    charter = _charter()
    item = _item(charter, ["A-03"])
    item.sentiment_label = None
    db.session.commit()
    assert _months(["A-03"]) == [("A-03", date(2026, 5, 1), "comment", None, 1)]


def test_every_kind_of_change_moves_the_counts():
    charter = _charter()
    item = _item(charter, ["A-01"])
    other = _item(charter, ["A-02"], day=date(2026, 7, 9))
    _months()  # counted once, so what follows must be recounted
    item.commitments = [c for c in charter.commitments if c.code == "A-03"]
    item.kind = "complaint"
    item.sentiment_override_label = "neutral"
    item.received_on = date(2026, 8, 3)
    item.themes = ["potholes"]
    db.session.commit()
    db.session.delete(other)
    db.session.commit()
    assert _months() == [("A-03", date(2026, 8, 1), "complaint", "neutral", 1)]
    assert themes_by_commitment(["A-01", "A-03"], *YEAR) == {"A-01": Counter(), "A-03": Counter({"potholes": 1})}
    assert db.session.scalar(select(StaleMonth.month)) is None  # every mark read was cleared
    assert differences() == []


def test_a_rescoring_batch_marks_the_months_it_changed(monkeypatch):
    charter = _charter()
    _item(charter, ["A-01"])
    assert _months(["A-01"])[0][3] == "negative"
    mark_scored_by_old_version(FeedbackItem)  # straight to the table: sets "neutral", and marks nothing
    monkeypatch.setattr(sentiment_service, "score", lambda text: Sentiment(0.5, 0.5, "positive", "council-9"))
    monkeypatch.setattr(sentiment_service, "VERSION", "council-9")
    sentiment_service.rescore()
    assert _months(["A-01"]) == [("A-01", date(2026, 5, 1), "comment", "positive", 1)]


def test_differences_name_a_month_changed_behind_the_counts_and_rebuild_mends_it(runner):
    charter = _charter()
    item = _item(charter, ["A-01"], day=date(2026, 9, 14))
    assert runner.invoke(args=["feedback", "tallies"]).output.strip() == "The monthly counts agree with the items."
    # A tag written straight to the table, as a bulk load would: no flush, so no mark.
    db.session.execute(insert(feedback_commitment).values(feedback_id=item.id, commitment_id=charter.commitments[1].id))
    db.session.commit()
    assert differences() == [
        "September 2026: 1 of the counts in feedback_tagged_month differ from the items (1 counted, the items give 2)",
        "September 2026: 1 of the counts in feedback_theme_month differ from the items (1 counted, the items give 2)"]
    result = runner.invoke(args=["feedback", "tallies", "--check"])
    assert result.exit_code == 1
    assert "September 2026: 1 of the counts in feedback_tagged_month differ" in result.output
    result = runner.invoke(args=["feedback", "tallies", "--rebuild"])
    assert result.exit_code == 0 and result.output.startswith("Recounted 1 months in ")
    assert differences() == []
    assert [row[0] for row in _months()] == ["A-01", "A-02"]


def test_random_changes_always_agree_with_a_count_from_the_items():
    """Forty random changes of every kind; after each, the counts read equal a count straight from the items."""
    charter = _charter()
    rng = random.Random(2026)
    commitments = list(charter.commitments)
    items = [_item(charter, ["A-01"])]
    for _ in range(40):
        action = rng.choice(["add", "tag", "kind", "sentiment", "day", "themes", "delete"])
        item = rng.choice(items)
        if action == "add" or len(items) < 2:
            items.append(_item(charter, rng.sample(["A-01", "A-02", "A-03"], rng.randint(0, 2)),
                               day=date(2026, rng.randint(4, 12), rng.randint(1, 28))))
        elif action == "tag":
            item.commitments = rng.sample(commitments, rng.randint(0, 3))
        elif action == "kind":
            item.kind = rng.choice(["compliment", "comment", "complaint", "service_request"])
        elif action == "sentiment":
            item.sentiment_override_label = rng.choice([None, "positive", "neutral", "negative"])
        elif action == "day":
            item.received_on = date(2026, rng.randint(4, 12), rng.randint(1, 28))
        elif action == "themes":
            item.themes = rng.sample(["bins", "potholes", "staff", "waiting"], rng.randint(0, 2))
        else:
            db.session.delete(item)
            items.remove(item)
        db.session.commit()
        if rng.random() < 0.5:
            _months()
    assert differences() == []


def test_rebuild_on_an_empty_database_counts_nothing():
    assert rebuild() == 0
    assert differences() == []


def test_a_month_another_read_has_just_recounted_is_left_as_it_counted_it(monkeypatch):
    """Two reads find the same stale month: the second to take its mark finds it gone and does not count again."""
    from feedback import tallies

    charter = _charter()
    _item(charter, ["A-01"])
    take, counted = tallies._take, []

    def recounted_first(month):
        with db.engine.begin() as other:  # another read's recount, committed first
            other.execute(delete(StaleMonth).where(StaleMonth.month == month))
        return take(month)

    monkeypatch.setattr(tallies, "_take", recounted_first)
    monkeypatch.setattr(tallies, "counted_month", lambda month: counted.append(month))
    assert tallies.refresh(*YEAR) == 0 and counted == []


def test_a_period_starting_part_way_through_a_month_counts_only_its_days():
    """A review year from 6 April to 5 April: the first and last months count only the days within it."""
    charter = _charter()
    for day in (date(2026, 4, 5), date(2026, 4, 6), date(2026, 7, 1), date(2027, 4, 5), date(2027, 4, 6)):
        _item(charter, ["A-01"], day=day, themes=("bins",))
    year = (["A-01"], date(2026, 4, 6), date(2027, 4, 5))
    assert tagged_by_month(*year) == [("A-01", date(2026, 4, 1), "comment", "negative", 1),
                                      ("A-01", date(2026, 7, 1), "comment", "negative", 1),
                                      ("A-01", date(2027, 4, 1), "comment", "negative", 1)]
    assert themes_by_commitment(*year) == {"A-01": Counter({"bins": 3})}
    assert tagged_by_month(["A-01"], date(2026, 4, 6), date(2026, 4, 20)) == [
        ("A-01", date(2026, 4, 1), "comment", "negative", 1)]


def test_an_item_tagged_to_one_code_in_two_charter_versions_counts_once():
    first = _charter()
    second = make_charter(version=2, commitments=[{"code": "A-01", "wording": "We will answer your email soon.",
                                                   "channel": "email"}])
    item = _item(first, ["A-01"], themes=("bins",))
    item.commitments = [*item.commitments, second.commitments[0]]
    db.session.commit()
    assert _months(["A-01"]) == [("A-01", date(2026, 5, 1), "comment", "negative", 1)]
    assert themes_by_commitment(["A-01"], *YEAR) == {"A-01": Counter({"bins": 1})}
