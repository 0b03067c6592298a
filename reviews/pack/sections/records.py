"""The pack's feedback section (by channel, service and month) and complaints section (the Complaint Handling
Codes' annual report, 8.1, and the Tenant Satisfaction Measures CH01 and CH02 for housing)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from complaints.annual_report import ComplaintsYear
from complaints.models import Exclusion, Outcome, ReferralDecision, RemedyKind
from core.models import CHANNEL_LABELS, Channel
from reviews.pack.model import Cell, Chart, Column, Kind, Section, Table, empty_section

KINDS = (("compliment", "Compliments"), ("comment", "Comments"), ("complaint", "Complaints"),
         ("service_request", "Service requests"))
NO_SERVICE = "No service given"


def _kind_table(key: str, name: str, first: str, rows: list[tuple], label) -> Table:
    """Rows of (key, kind, sentiment, count) as one line per key with a column per kind and the total."""
    counts: dict[object, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for value, kind, _sentiment, count in rows:
        counts[value][kind] += count
    ordered = sorted(counts, key=lambda value: (value is None, value if isinstance(value, date) else str(value)))
    body = tuple((label(value), *(counts[value][kind] for kind, _ in KINDS), sum(counts[value].values()))
                 for value in ordered)
    return Table(key, name, (Column(first), *(Column(heading, Kind.COUNT) for _, heading in KINDS),
                             Column("Total", Kind.COUNT)), body)


def channel_label(value: str) -> str:
    return CHANNEL_LABELS[Channel(value)] if value in Channel._value2member_map_ else value


def month_label(value: date) -> str:
    return f"{value:%B %Y}"


def feedback(by_channel: list[tuple], by_service: list[tuple], by_month: list[tuple]) -> Section:
    title = "Feedback"
    if not by_channel:
        return empty_section("feedback", title)
    months = _kind_table("feedback-by-month", "Feedback by month", "Month", by_month, month_label)
    tables = (
        _kind_table("feedback-by-channel", "Feedback by channel", "Channel", by_channel, channel_label),
        _kind_table("feedback-by-service", "Feedback by service", "Service", by_service,
                    lambda name: name or NO_SERVICE),
        months,
    )
    total = sum(count for *_, count in by_channel)
    busiest = max(months.rows, key=lambda row: row[-1])
    text = (f"{total:,} compliments, comments, complaints and service requests were received in the year.",)
    chart = Chart("feedback-by-month", "Feedback by month", "line", tuple(h for _, h in KINDS),
                  f"The busiest month was {busiest[0]}, with {busiest[-1]:,} items.")
    return Section("feedback", title, text, tables, (chart,))


def refusal_label(reason: str | None) -> str:
    return Exclusion(reason).label if reason in Exclusion._value2member_map_ else "Another reason"


def _share(met: int, total: int) -> float | None:
    return met / total if total else None


def _stage_rows(year: ComplaintsYear) -> tuple[tuple[Cell, ...], ...]:
    rows = []
    for stage in year.stages:
        ack_met, ack_total = stage.acknowledged
        ans_met, ans_total = stage.answered
        rows.append((f"Stage {stage.stage}", stage.received, ack_met, ack_total, _share(ack_met, ack_total),
                     ans_met, ans_total, _share(ans_met, ans_total), stage.extensions))
    return tuple(rows)


def _outcome_rows(year: ComplaintsYear) -> tuple[tuple[Cell, ...], ...]:
    return tuple((f"Stage {stage.stage}", *(stage.outcomes.get(outcome.value, 0) for outcome in Outcome),
                  None if stage.average_working_days is None else round(stage.average_working_days, 1))
                 for stage in year.stages)


def _housing(year: ComplaintsYear, homes: int) -> Table | None:
    """Tenant Satisfaction Measures (Regulator of Social Housing, Technical Requirements): CH01, complaints received
    per 1,000 homes at each stage, when the number of homes is configured; CH02, the share of complaints answered
    within the Housing Ombudsman Code's timescales at each stage (answered on time / answered)."""
    rows: list[tuple[Cell, ...]] = []
    if homes:
        for stage in (1, 2):
            received = year.housing_received[stage]
            rows.append(("CH01", f"Stage {stage} complaints received per 1,000 homes", received, homes,
                         round(received / homes * 1000, 1)))
    for stage in (1, 2):
        met, answered = year.housing_answered[stage]
        rows.append(("CH02", f"Stage {stage} complaints answered within the Code's timescales", met, answered,
                     None if not answered else round(met / answered * 100, 1)))
    if not any(row[3] for row in rows if row[0] == "CH02") and not any(year.housing_received.values()):
        return None
    return Table("tenant-satisfaction-measures", "Tenant Satisfaction Measures for housing complaints", (
        Column("Measure"), Column("What it counts"), Column("Count", Kind.COUNT), Column("Out of", Kind.COUNT),
        Column("Result (per 1,000 homes, or %)", Kind.DECIMAL)), tuple(rows))


def complaints(year: ComplaintsYear, homes: int) -> Section:
    title = "Complaints"
    if not (year.received or year.stages[1].received or year.refused or any(s.answered[1] for s in year.stages)):
        return empty_section("complaints", title)
    stages = Table("complaints-by-stage", "Complaints at each stage", (
        Column("Stage"), Column("Received", Kind.COUNT), Column("Acknowledged on time", Kind.COUNT),
        Column("Acknowledgements counted", Kind.COUNT), Column("Share acknowledged on time", Kind.SHARE),
        Column("Answered on time", Kind.COUNT), Column("Answers counted", Kind.COUNT),
        Column("Share answered on time", Kind.SHARE), Column("Extensions", Kind.COUNT)), _stage_rows(year))
    outcomes = Table("complaints-outcomes", "Outcomes of the responses sent, and the time taken", (
        Column("Stage"), *(Column(outcome.label, Kind.COUNT) for outcome in Outcome),
        Column("Average working days to answer", Kind.DECIMAL)), _outcome_rows(year))
    refused = Table("complaints-refused", "Complaints refused, by reason (Complaint Handling Code 2.2)", (
        Column("Reason"), Column("Refused", Kind.COUNT)),
        tuple((refusal_label(reason), count)
              for reason, count in sorted(year.refused.items(), key=lambda item: str(item[0]))))
    escalation = Table("complaints-escalation", "Complaints escalated to stage 2", (
        Column("Stage 1 responses sent", Kind.COUNT), Column("Escalated to stage 2", Kind.COUNT),
        Column("Escalation rate", Kind.SHARE)),
        ((year.stage1_answered, year.escalated, _share(year.escalated, year.stage1_answered)),))
    remedies = Table("remedies", "Remedies agreed on complaints received in the year", (
        Column("Remedy"), Column("Remedies", Kind.COUNT), Column("Financial total", Kind.MONEY)),
        tuple((RemedyKind(kind).label, count, amount if kind == RemedyKind.FINANCIAL else None)
              for kind, (count, amount) in sorted(year.remedies.items())))
    referrals = Table("ombudsman-enquiries", "Ombudsman enquiries and investigations received", (
        Column("Ombudsman"), Column("Kind"), Column("Received", Kind.COUNT)),
        tuple(({"ho": "Housing Ombudsman"}.get(ombudsman, "Local Government and Social Care Ombudsman"),
               kind.capitalize(), count) for (ombudsman, kind), count in sorted(year.referrals.items())))
    decisions = Table("ombudsman-decisions", "Ombudsman decisions made in the year", (
        Column("Decision"), Column("Decisions", Kind.COUNT)),
        tuple((ReferralDecision(decision).label, count) for decision, count in sorted(year.decisions.items())))
    tables = [stages, outcomes, refused, escalation, remedies, referrals, decisions]
    housing = _housing(year, homes)
    if housing is not None:
        tables.append(housing)
    first = year.stages[0]
    text = [f"{first.received:,} complaints were received at stage 1 and {year.stages[1].received:,} at stage 2.",
            "A response on or before its due date is on time; the due date includes any extension the Code allows "
            "(Complaint Handling Codes 6.4 and 6.13)."]
    chart = Chart("complaints-by-stage", "Complaints answered on time at each stage", "bar",
                  ("Answered on time", "Answers counted"),
                  "; ".join(f"stage {s.stage}: {s.answered[0]:,} of {s.answered[1]:,} answered on time"
                            for s in year.stages).capitalize() + ".")
    return Section("complaints", title, tuple(text), tuple(t for t in tables if t.rows), (chart,))
