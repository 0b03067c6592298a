"""The typed results of a review's evidence: what the pages, the command line and the annual pack all read."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from core.models import Commitment, Expectation
from core.queries import TagShare
from core.standards import Standard
from feedback.quotes import QuoteRow
from surveys.stats import Figures, wilson_interval


class Verdict(StrEnum):
    """How a commitment or one of its standards did over the year."""

    MET = "met"
    NOT_MET = "not met"
    NO_DATA = "no data"
    NOT_MEASURABLE = "not measurable"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def colour(self) -> str:
        """The GOV.UK tag colour."""
        return {"met": "green", "not met": "red", "no data": "grey", "not measurable": "blue"}[self.value]


@dataclass(frozen=True)
class Interval:
    """A 95% Wilson score interval for a share."""

    low: float
    high: float

    @classmethod
    def for_count(cls, met: int, total: int) -> Interval | None:
        return cls(*wilson_interval(met, total)) if total else None

    def __str__(self) -> str:
        return f"{self.low:.0%} to {self.high:.0%}"


@dataclass(frozen=True)
class Tally:
    """Cases that met a standard out of the cases measured, and the cases the target expected to meet it."""

    met: int = 0
    total: int = 0
    #: Sum over the cases of the target share in force on each case's date (so a target that changed mid-year
    #: weighs each case by its own version's target).
    expected: float = 0.0

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.met + other.met, self.total + other.total, self.expected + other.expected)

    @property
    def share(self) -> float | None:
        return self.met / self.total if self.total else None

    @property
    def target_share(self) -> float | None:
        return self.expected / self.total if self.total else None


@dataclass(frozen=True)
class Link:
    """Where the items behind a figure are listed: an endpoint and its query arguments."""

    endpoint: str
    arguments: tuple[tuple[str, object], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The arguments for ``url_for``: a list for a name given more than once (a query parameter repeated), the
        value itself otherwise, so a part of the path (a complaint's id) can be one of them."""
        collected: dict[str, list] = {}
        for key, value in self.arguments:
            collected.setdefault(key, []).append(value)
        return {key: values if len(values) > 1 else values[0] for key, values in collected.items()}


@dataclass(frozen=True)
class StandardMeasure:
    """One standard of a commitment measured over the year."""

    standard: Standard
    #: The standard in words ("Time to acknowledge: 3 working days (90% of cases)").
    words: str
    #: Where the figure comes from ("Feedback received by email", "Call statistics imported").
    source: str
    met: int
    total: int
    share: float | None
    interval: Interval | None
    #: The share of cases that must meet the standard; the council's default when the charter gives none.
    target_share: float | None
    target_is_default: bool
    verdict: Verdict
    last_year_share: float | None
    last_year_total: int
    #: The list of the items counted, or None when they are not kept in Charterline.
    link: Link | None
    #: Why a standard could not be measured (no figures imported, a rule Charterline cannot count).
    note: str | None = None

    @property
    def share_text(self) -> str:
        """The share as a whole percentage, or to one decimal place when rounding would make a share short of its
        target look the same as the target (89.7% against 90%)."""
        return share_words(self.share, self.target_share)


@dataclass(frozen=True)
class MonthCount:
    month: date
    compliments: int = 0
    comments: int = 0
    complaints: int = 0
    service_requests: int = 0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    #: The list behind each count, by the count's name ("compliments", "positive" ...).
    links: Mapping[str, Link] = field(default_factory=dict, compare=False)

    #: The counts the month table shows, in its order, each with what it counts in words.
    FIELDS = (("compliments", "compliments"), ("comments", "comments"), ("complaints", "complaints"),
              ("service_requests", "service requests"), ("positive", "pieces of feedback that read as positive"),
              ("neutral", "pieces of feedback that read as neutral"),
              ("negative", "pieces of feedback that read as negative"))

    def counts(self) -> list[tuple[int, Link | None, str]]:
        """Each count in the table's order, with the list of the items it counts and what it counts in words."""
        return [(getattr(self, name), self.links.get(name), words) for name, words in self.FIELDS]

    @property
    def total(self) -> int:
        return self.compliments + self.comments + self.complaints + self.service_requests


@dataclass(frozen=True)
class LearningRaised:
    reference: str
    description: str
    status: str
    due_on: date
    completed_on: date | None
    #: The complaint the action was raised on, at its learning.
    link: Link | None = None


@dataclass(frozen=True)
class ResidentsVoice:
    """What residents said about a commitment over the year."""

    #: Survey figures for the questions tagged to the commitment (with intervals; suppressed below the minimum).
    survey: Figures | None
    survey_minimum: int
    #: Compliments, comments and complaints tagged to it, and the sentiment of what they wrote, by month.
    months: tuple[MonthCount, ...]
    themes: tuple[tuple[str, int], ...]
    learning: tuple[LearningRaised, ...]
    #: The list of the feedback tagged to the commitment over the year.
    link: Link | None = None
    #: Quotes staff chose from the feedback tagged to it (feedback.quotes), anonymised.
    quotes: tuple[QuoteRow, ...] = ()
    #: The survey results narrowed to the questions tagged to the commitment, over the year.
    survey_link: Link | None = None

    @property
    def feedback_total(self) -> int:
        return sum(month.total for month in self.months)


@dataclass(frozen=True)
class CommitmentEvidence:
    commitment: Commitment
    verdict: Verdict
    measures: tuple[StandardMeasure, ...]
    voice: ResidentsVoice | None
    #: The charter versions (numbers) the commitment was measured under.
    versions: tuple[int, ...] = ()

    @property
    def code(self) -> str:
        return self.commitment.code

    @property
    def headline(self) -> StandardMeasure | None:
        """The measure a summary shows: the first one not met, else the first with cases, else the first."""
        measured = [m for m in self.measures if m.total]
        missed = [m for m in measured if m.verdict == Verdict.NOT_MET]
        return (missed or measured or list(self.measures) or [None])[0]


@dataclass(frozen=True)
class ReviewEvidence:
    council_slug: str
    title: str
    starts_on: date
    ends_on: date
    default_share: float
    commitments: tuple[CommitmentEvidence, ...]
    expectations: tuple[Expectation, ...] = ()
    versions: tuple = field(default=())
    #: Feedback, complaints and survey comments of the year, and how many are tagged to a commitment: an item on no
    #: commitment is in no commitment's figures, so the share says how complete the per-promise figures are.
    tagged: TagShare = field(default_factory=TagShare)

    def for_code(self, code: str) -> CommitmentEvidence | None:
        return next((c for c in self.commitments if c.code == code), None)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for c in self.commitments if c.verdict == verdict)


def share_words(share: float | None, target: float | None) -> str:
    if share is None:
        return "–"
    if target is not None and share < target and round(share * 100) >= round(target * 100):
        # One decimal place, rounded down where rounding would reach the target: a share below its target never
        # reads as the target (89.96% is "89.9%", not "90.0%").
        if round(share * 1000) >= round(target * 1000):
            return f"{math.floor(share * 1000) / 10:.1f}%"
        return f"{share:.1%}"
    return f"{share:.0%}"


def verdict_of(tally: Tally) -> Verdict:
    """Met when the share that met the standard reaches the target share; no data when nothing was measured."""
    if not tally.total:
        return Verdict.NO_DATA
    # Compare counts rather than rounded shares: met / total >= expected / total.
    return Verdict.MET if tally.met >= tally.expected - 1e-9 else Verdict.NOT_MET


def overall_verdict(commitment_standards: int, measures: list[StandardMeasure]) -> Verdict:
    """Not measurable with no standards; met only if every measured standard is met; no data if none measured."""
    if not commitment_standards:
        return Verdict.NOT_MEASURABLE
    measured = [m.verdict for m in measures if m.verdict in (Verdict.MET, Verdict.NOT_MET)]
    if not measured:
        return Verdict.NO_DATA
    return Verdict.NOT_MET if Verdict.NOT_MET in measured else Verdict.MET
