"""The evidence for every commitment of a charter over a review year: the one entry point, ``evidence_for``, that
the review's pages, the command line and the annual pack read, so no figure is computed twice.

Each item is measured against the charter version in force on its own date: the year is split into the spans
each version covered, each span is measured with that version's commitment of the same code (its standards'
rules and target shares), and the spans are added up. A commitment that exists in only some spans is measured
over those. The year's target share weighs each case by the target in force on its date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app

from core.clocks.closures import calendar_for_app
from core.models import Channel, Commitment
from core.queries import TagShare
from core.standards import Standard
from core.timesource import today
from feedback.queries import tagged_share
from reviews.cycles import ReviewYear, VersionSpan, versions_in_force
from reviews.evidence.channel_measures import channel_measure, channel_rows_link
from reviews.evidence.records import channels_of, complaint_counts, feedback_counts, from_records
from reviews.evidence.results import (
    CommitmentEvidence,
    Interval,
    Link,
    ReviewEvidence,
    StandardMeasure,
    Tally,
    Verdict,
    overall_verdict,
    verdict_of,
)
from reviews.evidence.voice import feedback_list_link, residents_voice, with_links
from surveys import comments

__all__ = ["evidence_for", "ReviewEvidence", "CommitmentEvidence", "StandardMeasure", "Verdict"]


def default_share() -> float:
    """The share of cases a standard must meet when the charter gives none (``CHARTERLINE_REVIEW_DEFAULT_SHARE``)."""
    return float(current_app.config["CHARTERLINE_REVIEW_DEFAULT_SHARE"])


def standard_key(standard: Standard) -> tuple[str, str | None]:
    """Standards are matched across charter versions by what they measure and what they are about."""
    return standard.metric, standard.subject


@dataclass
class _Year:
    """One year's spans, with a cache of the grouped rows each query returned (standards and both years share it)."""

    period: ReviewYear
    spans: list[VersionSpan]
    cache: dict


def _span_commitment(span: VersionSpan, code: str) -> Commitment | None:
    return next((c for c in span.charter.commitments if c.code == code), None)


def _measure_year(year: _Year, code: str, key: tuple, as_of: date, calendar, fallback: float
                  ) -> tuple[Tally, bool, Link | None, str | None]:
    """The standard ``key`` of commitment ``code`` measured over each span that has it, added up.

    Returns the tally, whether any span used the council's default target, the link to the items counted and a
    note when the standard could not be counted from what Charterline holds."""
    tally, used_default, note = Tally(), False, None
    covered: list[tuple[date, date, Commitment, Standard]] = []
    for span in year.spans:
        commitment = _span_commitment(span, code)
        standard = next((s for s in commitment.standards if standard_key(s) == key), None) if commitment else None
        if standard is None:
            continue
        target = standard.share if standard.share is not None else fallback
        used_default = used_default or standard.share is None
        met, total, why = _count(standard, commitment, span, year, as_of, calendar)
        note = note or why
        if total is None:
            continue
        tally += Tally(met, total, target * total)
        covered.append((span.starts_on, span.ends_on, commitment, standard))
    return tally, used_default, _link(covered), note


def _count(standard: Standard, commitment: Commitment, span: VersionSpan, year: _Year, as_of: date,
           calendar) -> tuple[int, int | None, str | None]:
    """(met, counted, a note when nothing could be counted); counted is None when the standard cannot be."""
    channels = channels_of(commitment)
    if from_records(standard, commitment) and standard.subject:
        measured = complaint_counts(standard, channels, span.starts_on, span.ends_on, as_of)
    elif from_records(standard, commitment):
        measured = feedback_counts(standard, channels, span.starts_on, span.ends_on, as_of, calendar, year.cache)
        if not measured.countable:
            return 0, None, "Charterline cannot work out due dates for this rule"
    else:
        result = channel_measure(commitment.channel, standard, span.charter.seconds_per_ring, span.starts_on,
                                 span.ends_on)
        if result is None:
            return 0, None, ("Neither Charterline's records nor channel statistics can measure this standard as "
                             "the charter words it")
        met, total = result
        return met, total, None if total else ("Measured outside Charterline: no channel statistics have been "
                                               "imported for it")
    return measured.met, measured.total, None


def _link(covered: list[tuple[date, date, Commitment, Standard]]) -> Link | None:
    """The list of the items counted over the spans measured (which follow one another)."""
    if not covered:
        return None
    start, end = covered[0][0], covered[-1][1]
    commitment, standard = covered[-1][2], covered[-1][3]
    if not from_records(standard, commitment):
        return channel_rows_link(commitment.channel, start, end)
    # The channels the standard counts (all of them: "email" covers the web form too), so the list holds exactly
    # the items counted.
    channels = channels_of(commitment) or []
    if standard.subject:
        stage = standard.subject.rsplit("-", 1)[1]
        kind = "acknowledge" if standard.metric == "acknowledge" else "respond"
        return Link("complaints.dashboard", (("state", "all"), ("clock", f"{stage}-{kind}"),
                                             ("clock_from", start.isoformat()), ("clock_to", end.isoformat()),
                                             *(("channel", channel) for channel in channels)))
    return feedback_list_link(start, end, channel=channels)


def _measures(code: str, latest: Commitment, this: _Year, last: _Year, fallback: float) -> list[StandardMeasure]:
    as_of, calendar = today(), calendar_for_app()
    measures = []
    for standard in _standards_in_year(code, latest, this):
        key = standard_key(standard)
        tally, used_default, link, note = _measure_year(this, code, key, as_of, calendar, fallback)
        before, _, _, _ = _measure_year(last, code, key, as_of, calendar, fallback)
        target = tally.target_share if tally.total else (standard.share if standard.share is not None else fallback)
        measures.append(StandardMeasure(
            standard=standard, words=standard.describe(), source=_source(standard, latest), met=tally.met,
            total=tally.total, share=tally.share, interval=Interval.for_count(tally.met, tally.total),
            target_share=target, target_is_default=used_default, verdict=verdict_of(tally),
            last_year_share=before.share, last_year_total=before.total, link=link if tally.total else None,
            note=None if tally.total else note))
    return measures


def _standards_in_year(code: str, latest: Commitment, year: _Year) -> list[Standard]:
    """Every standard the commitment had during the year: the latest version's, then any only an earlier version
    had (measured over the days it was in force), each once."""
    standards = {standard_key(s): s for s in latest.standards}
    for span in reversed(year.spans):
        commitment = _span_commitment(span, code)
        for standard in commitment.standards if commitment else ():
            standards.setdefault(standard_key(standard), standard)
    return list(standards.values())


def _source(standard: Standard, commitment: Commitment) -> str:
    if not from_records(standard, commitment):
        return "Channel statistics imported by the council"
    if standard.subject:
        stage = standard.subject.rsplit("-", 1)[1]
        return f"The complaint procedure's clocks at stage {stage}"
    channels = channels_of(commitment)
    channel = "every channel" if channels is None else " or ".join(Channel(c).label.lower() for c in channels)
    if standard.metric == "reply":
        # The list behind the figure shows withdrawn items too: nothing more was owed on them, so they are not
        # counted, and the page says so.
        return f"Feedback received through {channel}, except any withdrawn (the list shows them)"
    return f"Feedback received through {channel}"


def _latest_commitments(spans: list[VersionSpan]) -> list[Commitment]:
    """Every commitment code in force during the year, as the last version that had it words it, in charter order."""
    latest: dict[str, Commitment] = {}
    for span in spans:
        for commitment in span.charter.commitments:
            latest[commitment.code] = commitment
    return sorted(latest.values(), key=lambda c: (c.number, c.code))


def evidence_for(review, *, only: str | None = None, voice: bool = True) -> ReviewEvidence:
    """The evidence for every commitment in force during a review's year (a ``Review`` or a ``ReviewYear``), or
    only the commitment with code ``only``; last year's figures are the same measures over the year before.

    ``voice=False`` leaves out what residents said (``CommitmentEvidence.voice`` is None), for the summary and the
    command line, which show only the standards' figures."""
    period = ReviewYear(review.council_slug, review.starts_on, review.ends_on)
    fallback = default_share()
    last_period = period.previous()
    shared = {"range": (last_period.starts_on, period.ends_on)}
    this = _Year(period, versions_in_force(period), shared)
    last = _Year(last_period, versions_in_force(last_period), shared)
    commitments = _latest_commitments(this.spans) if this.spans else []
    if only is not None:
        commitments = [c for c in commitments if c.code == only]
    codes = [c.code for c in commitments]
    voices = (with_links(residents_voice(codes, period.starts_on, period.ends_on), period.starts_on,
                         period.ends_on) if voice else {})
    evidence = []
    for commitment in commitments:
        measures = _measures(commitment.code, commitment, this, last, fallback)
        versions = tuple(span.charter.version for span in this.spans if _span_commitment(span, commitment.code))
        evidence.append(CommitmentEvidence(commitment, overall_verdict(len(measures), measures),
                                           tuple(measures), voices.get(commitment.code), versions))
    final = this.spans[-1].charter if this.spans else None
    return ReviewEvidence(
        council_slug=period.council_slug, title=period.title, starts_on=period.starts_on, ends_on=period.ends_on,
        default_share=fallback, commitments=tuple(evidence),
        expectations=tuple(final.expectations) if final else (), versions=tuple(this.spans),
        # The summary's figure; a page for one commitment does not show it.
        tagged=(tagged_share(period.starts_on, period.ends_on) + comments.tagged_share(period.starts_on, period.ends_on)
                if only is None else TagShare()))
