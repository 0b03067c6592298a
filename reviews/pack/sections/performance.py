"""The pack's summary (the year in numbers, promises kept and missed, the biggest changes from last year) and its
performance against every commitment, read straight from the review's evidence."""

from __future__ import annotations

from reviews.evidence.results import ReviewEvidence, StandardMeasure, Verdict
from reviews.pack.model import NO_DATA, Chart, Column, Kind, Section, Table, empty_section

#: Changes from last year the summary lists.
BIGGEST_CHANGES = 3


def performance(evidence: ReviewEvidence) -> Section:
    title = "Performance against every commitment"
    if not evidence.commitments:
        return empty_section("performance", title)
    rows = []
    for item in evidence.commitments:
        if not item.measures:
            rows.append((item.code, item.commitment.wording, "No numeric standard", item.verdict.label,
                         None, None, None, 0, None, None, None))
        for measure in item.measures:
            interval = measure.interval
            rows.append((item.code, item.commitment.wording, measure.words, measure.verdict.label, measure.share,
                         measure.target_share, measure.met, measure.total, interval.low if interval else None,
                         interval.high if interval else None, measure.last_year_share))
    table = Table("performance", "Performance against every commitment", (
        Column("Code"), Column("Commitment"), Column("Standard"), Column("Verdict"),
        Column("Share met", Kind.SHARE), Column("Target", Kind.SHARE), Column("Met", Kind.COUNT),
        Column("Cases", Kind.COUNT), Column("Interval from", Kind.SHARE), Column("Interval to", Kind.SHARE),
        Column("Last year", Kind.SHARE)), tuple(rows))
    text = ("Each standard's share of cases that met it, with its 95% interval, against the share the charter "
            f"sets (or the council's default of {evidence.default_share:.0%} where it sets none), and last year's "
            "share of the same measure.",)
    return Section("performance", title, text, (table,))


def _changes(evidence: ReviewEvidence) -> list[tuple[str, StandardMeasure, float]]:
    changed = [(item.code, measure, measure.share - measure.last_year_share)
               for item in evidence.commitments for measure in item.measures
               if measure.share is not None and measure.last_year_share is not None]
    return sorted(changed, key=lambda change: (-abs(change[2]), change[0]))[:BIGGEST_CHANGES]


def summary(evidence: ReviewEvidence, in_numbers: list[tuple[str, int]]) -> Section:
    """The year in numbers (counts the other sections give in full), promises kept and missed, and the biggest
    changes in a standard's share from last year."""
    title = "Summary"
    kept, missed = evidence.count(Verdict.MET), evidence.count(Verdict.NOT_MET)
    if not evidence.commitments and not any(count for _, count in in_numbers):
        return empty_section("summary", title)
    numbers = Table("year-in-numbers", "The year in numbers", (Column("Figure"), Column("Number", Kind.COUNT)),
                    tuple(in_numbers))
    verdicts = Table("promises", "Promises kept and missed", (Column("Verdict"), Column("Commitments", Kind.COUNT)),
                     tuple((verdict.label, evidence.count(verdict)) for verdict in Verdict))
    tables = [numbers, verdicts]
    changes = _changes(evidence)
    if changes:
        tables.append(Table("biggest-changes", "Biggest changes from last year", (
            Column("Code"), Column("Standard"), Column("Last year", Kind.SHARE), Column("This year", Kind.SHARE),
            Column("Change in points", Kind.DECIMAL)),
            tuple((code, m.words, m.last_year_share, m.share, round(change * 100, 1)) for code, m, change in changes)))
    measured = kept + missed
    text = (f"Commitments with figures for the year: {measured}. Kept: {kept}. Missed: {missed}."
            if measured else f"No commitment could be measured this year. {NO_DATA}.",)
    chart = Chart("promises", "Promises kept and missed", "bar", ("Commitments",),
                  f"{kept} commitments met their standards, {missed} did not, "
                  f"{evidence.count(Verdict.NO_DATA)} had no data and {evidence.count(Verdict.NOT_MEASURABLE)} "
                  "have no numeric standard.")
    return Section("summary", title, text, tuple(tables), (chart,))
