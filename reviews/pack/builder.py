"""Building the annual standards-review pack for a review: every section, in order, from the review's evidence
and the domain packages' queries (each aggregated in SQL; nothing is counted twice)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from complaints.annual_report import complaints_year
from complaints.queries import you_said_we_did
from core.timesource import today
from feedback.queries import counts_by, equality_answers_without_kind, equality_counts, themes_in
from feedback.quotes import quotes_received
from reviews.cycles import ReviewYear, councils
from reviews.evidence import evidence_for
from reviews.evidence.results import ReviewEvidence
from reviews.pack.model import ReviewPack, Section
from reviews.pack.sections.handling_code import self_assessment
from reviews.pack.sections.performance import performance, summary
from reviews.pack.sections.records import KINDS, complaints, feedback
from reviews.pack.sections.voice import equalities, learning, residents_said, satisfaction
from surveys.commitment_figures import commitment_results
from surveys.equality import equality_answer_counts
from surveys.queries import Period

#: A section a higher package adds (co-design): built from the review (or its year) and its evidence.
SectionBuilder = Callable[[object, ReviewEvidence], Section]
_EXTENSION = "review_pack_sections"


def register_pack_section(app, after: str, build: SectionBuilder) -> None:
    """Add a section after the section with key ``after``; called from a package's ``init_app``, once per app."""
    sections = app.extensions.setdefault(_EXTENSION, [])
    if (after, build) not in sections:
        sections.append((after, build))


def build_pack(review) -> ReviewPack:
    """The pack for a ``Review`` or a ``ReviewYear``."""
    period = ReviewYear(review.council_slug, review.starts_on, review.ends_on)
    start, end = period.starts_on, period.ends_on
    evidence = evidence_for(review)
    by_channel, by_service, by_month = (counts_by(d, start, end) for d in ("channel", "service", "month"))
    year = complaints_year(start, end, today())
    actions = you_said_we_did(start, end)
    surveys = commitment_results(period=Period(start.replace(day=1), end))
    received = dict.fromkeys((k for k, _ in KINDS), 0)
    for _channel, kind, _sentiment, count in by_channel:
        received[kind] += count
    in_numbers = [(f"{heading} received", received[kind]) for kind, heading in KINDS]
    # Feedback is counted by its kind; the procedure counts the cases opened on it, which may include items first
    # recorded as comments or service requests.
    in_numbers += [("Complaints taken into the procedure at stage 1", year.stages[0].received),
                   ("Complaints escalated to stage 2", year.stages[1].received),
                   ("Survey answers on satisfaction", sum(f.tally.scored for f in surveys.by_channel)),
                   ("Changes made after complaints", len(actions))]
    sections = [
        summary(evidence, in_numbers),
        performance(evidence),
        feedback(by_channel, by_service, by_month),
        complaints(year, int(current_app.config["CHARTERLINE_HOMES"])),
        satisfaction(evidence, surveys.by_channel, surveys.minimum),
        residents_said(by_month, by_service, themes_in(start, end), quotes_received(start, end)),
        learning(actions),
        equalities(equality_counts(start, end), surveys.minimum, equality_answers_without_kind(start, end),
                   equality_answer_counts(start, end)),
    ]
    for after, build in current_app.extensions.get(_EXTENSION, []):
        keys = [section.key for section in sections]
        sections.insert(keys.index(after) + 1 if after in keys else len(sections), build(review, evidence))
    sections.append(self_assessment(year, len(actions)))
    return ReviewPack(council_slug=period.council_slug,
                      council_name=dict(councils()).get(period.council_slug, period.council_slug),
                      title=period.title, starts_on=start, ends_on=end, sections=tuple(sections))
