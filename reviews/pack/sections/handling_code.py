"""A draft self-assessment against the Complaint Handling Codes (the annual report's first part, Code 8.1), each
requirement's evidence filled in from the year's figures and a column left for the governing body's response."""

from __future__ import annotations

from complaints.annual_report import ComplaintsYear
from reviews.pack.model import Column, Section, Table, empty_section
from reviews.pack.sections.records import refusal_label


def _of(met: int, total: int) -> str:
    return f"{met:,} of {total:,} ({met / total:.0%})" if total else "none counted"


def self_assessment(year: ComplaintsYear, learning_completed: int) -> Section:
    title = "Complaint Handling Code self-assessment (draft)"
    first, second = year.stages
    if not (first.received or second.received or year.refused):
        return empty_section("self-assessment", title)
    refused = ", ".join(f"{count} ({refusal_label(reason).lower()})"
                        for reason, count in sorted(year.refused.items(), key=lambda item: str(item[0])))
    rows = (
        ("2.2", "Complaints are refused only for the reasons the Code allows",
         f"{sum(year.refused.values()):,} refused" + (f": {refused}" if refused else "")),
        ("5.2", "The procedure has exactly two stages",
         f"{first.received:,} complaints at stage 1 and {second.received:,} at stage 2; no other stage is recorded"),
        ("6.2", "Stage 1 complaints are acknowledged within 5 working days", _of(*first.acknowledged)),
        ("6.3", "Stage 1 responses are sent within 10 working days of the acknowledgement", _of(*first.answered)),
        ("6.4", "Extensions are no more than 10 working days without good reason, and explained",
         f"{first.extensions:,} extensions at stage 1 and {second.extensions:,} at stage 2"),
        ("6.11", "Stage 2 requests are acknowledged within 5 working days", _of(*second.acknowledged)),
        ("6.13", "Stage 2 responses are sent within 20 working days of the acknowledgement", _of(*second.answered)),
        ("8.1", "An annual report analyses performance, including the types of complaint refused",
         "This pack: the complaints section and the refusals by reason"),
        ("9.1 to 9.3", "Learning from complaints improves services",
         f"{learning_completed:,} learning actions completed in the year"),
    )
    table = Table("self-assessment", "Draft self-assessment against the Complaint Handling Code", (
        Column("Code section"), Column("Requirement"), Column("Evidence from the year"),
        Column("Governing body's response")), tuple((*row, None) for row in rows))
    text = ("The governing body reviews this draft and adds its response to each requirement (Complaint Handling "
            "Codes 8.1 and 9.7).",)
    return Section("self-assessment", title, text, (table,))
