"""Reads for the charter review: each commitment of the published charter with what the other packages measured."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from complaints.queries import you_said_we_did
from core.charters import describe_standard, published_charter
from core.models import Charter, Commitment
from feedback.queries import CommitmentFeedback, feedback_by_commitment


@dataclass
class CommitmentReview:
    commitment: Commitment
    standard: str | None
    feedback: CommitmentFeedback

    @property
    def on_time_share(self) -> float | None:
        """Share of acknowledgements sent by the commitment's standard, when any were measured."""
        measured = self.feedback.acknowledged
        return self.feedback.acknowledged_on_time / measured if measured else None

    @property
    def kept(self) -> bool | None:
        """Whether the standard's target share was met; None when there is no target or nothing measured."""
        share = self.on_time_share
        standards = self.commitment.standards
        target = standards[0].share if standards else None
        if share is None or target is None:
            return None
        return share >= target


@dataclass
class CharterReview:
    charter: Charter | None
    start: date
    end: date
    commitments: list[CommitmentReview]
    learning: list


def default_period(today: date) -> tuple[date, date]:
    """The 12 months up to and including today."""
    return today - timedelta(days=364), today


def charter_review(council_slug: str, start: date, end: date) -> CharterReview:
    charter = published_charter(council_slug)
    counts = feedback_by_commitment(start, end)
    rows = [
        CommitmentReview(c, describe_standard(c), counts.get(c.code, CommitmentFeedback(c.code)))
        for c in (charter.commitments if charter else [])
    ]
    return CharterReview(charter, start, end, rows, you_said_we_did(start, end))
