"""Synthetic feedback for benchmarks: compliments, comments and service requests, acknowledged and closed, some
tagged to a commitment, bulk inserted; and the stage clocks of synthetic complaints."""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select

from bench.synthetic.complaints import BATCH
from complaints.models import Complaint, ComplaintClock
from core.extensions import db
from feedback.models import FeedbackItem, feedback_commitment

TEXTS = ("The bin was missed again this week.", "Thank you for fixing the street light so quickly.",
         "Nobody answered the phone for twenty minutes.", "I am still waiting for a reply to my email.",
         "The library opening hours are confusing.", "The pothole outside the school is getting worse.")
CHANNELS = ("web_form", "email", "phone", "letter", "visit")
#: Days from receipt to the acknowledgement and to closing; most on time, some late.
ACKNOWLEDGED_AFTER = [0, 0, 1, 1, 1, 2, 2, 3, 5]
CLOSED_AFTER = [2, 4, 5, 6, 8, 10, 15]


def progress(label: str, total: int):
    """A counter printed on one line of stderr as batches are written."""
    done = 0

    def step(batch: int) -> None:
        nonlocal done
        done += batch
        print(f"\r  {label}: {done:,} of {total:,}", end="", file=sys.stderr, flush=True)

    return step


def insert_rows(table, rows: list[dict]) -> None:
    if rows:
        db.session.connection().execute(insert(table), rows)


def load_feedback(first_id: int, count: int, commitments: list[int], rng: random.Random, today: date,
                  days: int, tagged_share: float = 0.75) -> None:
    """``count`` compliments, comments and service requests received over the ``days`` before ``today``, each
    acknowledged and most closed, ``tagged_share`` of them tagged to a commitment."""
    step = progress("other feedback", count)
    items, links = [], []
    for n in range(first_id, first_id + count):
        kind = rng.choice(("compliment", "comment", "service_request"))
        tagged = rng.random() < tagged_share
        received = today - timedelta(days=rng.randint(0, days))
        moment = datetime.combine(received, datetime.min.time()) + timedelta(hours=9)
        acknowledged = moment + timedelta(days=rng.choice(ACKNOWLEDGED_AFTER))
        closed = moment + timedelta(days=rng.choice(CLOSED_AFTER))
        polarity = rng.uniform(-1, 1)
        items.append({
            "id": n, "reference": f"FB-B-{n:07d}", "kind": kind, "resident_kind": kind, "tagged": tagged,
            "status": "closed" if closed.date() <= today else "acknowledged", "channel": rng.choice(CHANNELS),
            "received_on": received, "received_at": moment, "description": rng.choice(TEXTS), "version_id": 1,
            "acknowledged_at": acknowledged if acknowledged.date() <= today else None,
            "acknowledged_on": acknowledged.date() if acknowledged.date() <= today else None,
            "closed_at": closed if closed.date() <= today else None,
            "closed_on": closed.date() if closed.date() <= today else None,
            "sentiment_polarity": polarity, "sentiment_subjectivity": 0.5, "sentiment_version": "bench",
            "sentiment_label": "positive" if polarity > 0.2 else ("negative" if polarity < -0.2 else "neutral"),
            "themes": [rng.choice(("bins", "roads", "phones", "waiting", "opening hours"))]})
        if tagged:
            links.append({"feedback_id": n, "commitment_id": rng.choice(commitments)})
        if len(items) == BATCH:
            insert_rows(FeedbackItem.__table__, items)
            insert_rows(feedback_commitment, links)
            db.session.commit()
            step(len(items))
            items, links = [], []
    insert_rows(FeedbackItem.__table__, items)
    insert_rows(feedback_commitment, links)
    db.session.commit()
    step(len(items))
    print(file=sys.stderr)


def load_clocks(rng: random.Random) -> None:
    """A stage 1 acknowledgement clock per synthetic complaint and a response clock for most; about 1 in 10 late."""
    rows = []
    cases = db.session.execute(select(Complaint.id, Complaint.is_open, Complaint.due_on, FeedbackItem.received_on)
                               .join(FeedbackItem, FeedbackItem.id == Complaint.feedback_id)).all()
    step = progress("clocks for complaints", len(cases))
    for complaint_id, is_open, due_on, received in cases:
        acknowledge_due = received + timedelta(days=7)
        rows.append({"complaint_id": complaint_id, "stage": 1, "kind": "acknowledge", "rule": "bench",
                     "started_on": received, "due_on": acknowledge_due,
                     "done_on": acknowledge_due + timedelta(days=rng.choice([-3, -2, -1, 0, 0, 0, 0, 0, 0, 2]))})
        respond_due = due_on if is_open else received + timedelta(days=21)
        rows.append({"complaint_id": complaint_id, "stage": 1, "kind": "respond", "rule": "bench",
                     "started_on": received, "due_on": respond_due,
                     "done_on": None if is_open else respond_due + timedelta(days=rng.choice([-5, -1, 0, 0, 3]))})
        if len(rows) >= BATCH:
            insert_rows(ComplaintClock.__table__, rows)
            db.session.commit()
            step(len(rows) // 2)
            rows = []
    insert_rows(ComplaintClock.__table__, rows)
    db.session.commit()
    step(len(rows) // 2)
    print(file=sys.stderr)


def count_tagged_months() -> float:
    """Build the monthly counts the charter review reads (feedback.tallies) for items loaded straight into the
    tables, as a council would after an import (``flask feedback tallies --rebuild``); returns the seconds taken."""
    from feedback.tallies import rebuild

    started = time.perf_counter()
    months = rebuild()
    taken = time.perf_counter() - started
    print(f"  monthly counts of tagged feedback: {months} months recounted in {taken:.1f} s", file=sys.stderr)
    return taken
