"""A small council for the review tests: one charter with a standard of each kind, and the review year
April 2025 to March 2026."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from core.models import Expectation
from core.standards import Standard
from core.timesource import set_today
from reviews.cycles import ReviewYear
from tests.helpers import make_charter, make_feedback

YEAR = ReviewYear("harrow", date(2025, 4, 1), date(2026, 3, 31))
#: Monday 2 June 2025: acknowledging within 2 working days means by Wednesday 4 June.
MONDAY = date(2025, 6, 2)

COMMITMENTS = [
    {"code": "E-01", "wording": "We will acknowledge your email within 2 working days.", "channel": "email",
     "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]},
    {"code": "L-01", "wording": "We will acknowledge your letter within 5 working days.", "channel": "letter",
     "standards": [Standard("acknowledge", 5, "working_days", None, "working-days:5")]},
    {"code": "C-01", "wording": "We will acknowledge and answer complaints within the Code's timescales.",
     "channel": "any",
     "standards": [Standard("acknowledge", 5, "working_days", 0.6, None, "complaint-stage-1"),
                   Standard("reply", 10, "working_days", 0.6, None, "complaint-stage-1")]},
    {"code": "P-01", "wording": "We aim to answer your call within 2 minutes and 30 seconds.", "channel": "phone",
     "standards": [Standard("answer", 150, "seconds", 0.9)]},
    {"code": "R-01", "wording": "We will treat you with respect.", "channel": "any"},
]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0)


@pytest.fixture
def charter():
    set_today(date(2026, 4, 20))
    charter = make_charter(commitments=COMMITMENTS, effective_from=date(2024, 4, 1))
    charter.expectations = [Expectation(number=1, wording="Treat our staff with courtesy.")]
    from core.extensions import db

    db.session.commit()
    return charter


@pytest.fixture
def emails(charter):
    """Ten emails received on Monday 2 June 2025: 7 acknowledged on time, 2 late and 1 never; plus one by a visit
    and one by phone (other channels), and two the year before (one on time)."""
    items = [make_feedback(channel="email", kind="comment", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 3)))
             for _ in range(6)]
    items.append(make_feedback(channel="email", kind="compliment", received_on=MONDAY,
                               acknowledged_at=at(date(2025, 6, 4))))
    items += [make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 5)))
              for _ in range(2)]
    items.append(make_feedback(channel="email", received_on=MONDAY))
    others = [make_feedback(channel="visit", received_on=MONDAY),
              make_feedback(channel="phone", received_on=MONDAY, acknowledged_at=at(MONDAY))]
    make_feedback(channel="email", received_on=date(2024, 6, 3), acknowledged_at=at(date(2024, 6, 4)))
    make_feedback(channel="email", received_on=date(2024, 6, 3), acknowledged_at=at(date(2024, 6, 10)))
    return items, others
