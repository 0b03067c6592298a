"""What residents said about each commitment over a review year: survey satisfaction, feedback and its sentiment by
month, the top themes, the quotes staff chose and the learning raised; composed from the feedback, complaints and
surveys queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, timedelta

from complaints.models import LearningStatus
from complaints.queries import case_ids, learning_by_commitment
from feedback.quotes import QuoteRow, quotes_received
from feedback.tallies import tagged_by_month, themes_by_commitment
from reviews.evidence.results import LearningRaised, Link, MonthCount, ResidentsVoice
from surveys.commitment_figures import figures_for_commitments
from surveys.queries import Period, minimum_responses

#: Themes shown per commitment.
TOP_THEMES = 5

_KIND_FIELDS = {"compliment": "compliments", "comment": "comments", "complaint": "complaints",
                "service_request": "service_requests"}


def months_between(start: date, end: date) -> list[date]:
    """The first day of each month from start's to end's."""
    months, month = [], date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return months


def residents_voice(codes: list[str], start: date, end: date) -> dict[str, ResidentsVoice]:
    """For each code: a handful of grouped queries for all codes together, never one per commitment or month."""
    survey = figures_for_commitments(codes, period=Period(date(start.year, start.month, 1), end))
    counts: dict[str, dict[date, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for code, month, kind, sentiment, count in tagged_by_month(codes, start, end):
        cell = counts[code][month]
        cell[_KIND_FIELDS[kind]] += count
        if sentiment in ("positive", "neutral", "negative"):
            cell[sentiment] += count
    themes = themes_by_commitment(codes, start, end)
    learning: dict[str, list[LearningRaised]] = defaultdict(list)
    for code, reference, description, status, due_on, completed_on in learning_by_commitment(codes, start, end):
        learning[code].append(LearningRaised(reference, description, LearningStatus(status).label, due_on,
                                             completed_on))
    quoted: dict[str, list[QuoteRow]] = defaultdict(list)
    for quote in quotes_received(start, end):
        for code in quote.commitments:
            quoted[code].append(quote)
    months = months_between(start, end)
    return {
        code: ResidentsVoice(
            survey=survey.get(code), survey_minimum=minimum_responses(),
            months=tuple(MonthCount(month, **counts[code][month]) for month in months),
            themes=tuple(themes[code].most_common(TOP_THEMES)),
            learning=tuple(learning[code]),
            link=feedback_list_link(start, end, commitment=code),
            quotes=tuple(quoted[code]),
        )
        for code in codes
    }


def feedback_list_link(start: date, end: date, **filters) -> Link:
    """The staff feedback list narrowed to what was received from start to end, and any other filters; a filter
    given a list (channels) is repeated, one value each."""
    arguments = [(key, one) for key, value in filters.items() if value
                 for one in (value if isinstance(value, list | tuple) else [value])]
    for name, day in (("received_from", start), ("received_to", end)):
        arguments += [(name, day.day), (name, day.month), (name, day.year)]
    return Link("feedback.inbox", tuple(arguments))


def with_links(voices: dict[str, ResidentsVoice], start: date, end: date) -> dict[str, ResidentsVoice]:
    """Each figure of what residents said with the list behind it: every monthly count the feedback list narrowed to
    the commitment, the kind (or sentiment) and the month's days within the year; the survey figure the survey
    results narrowed to the commitment's questions and the year's months; each learning action its complaint."""
    cases = case_ids([action.reference for voice in voices.values() for action in voice.learning])
    return {code: replace(
        voice,
        months=tuple(replace(month, links=_month_links(code, month.month, start, end)) for month in voice.months),
        learning=tuple(replace(action, link=_case_link(cases.get(action.reference))) for action in voice.learning),
        survey_link=Link("surveys.commitments", (("commitment", code), ("start", f"{start:%Y-%m}"),
                                                 ("end", f"{end:%Y-%m}"))),
    ) for code, voice in voices.items()}


def _month_links(code: str, month: date, start: date, end: date) -> dict[str, Link]:
    first = max(month, start)
    last = min(date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1), end)
    links = {name: feedback_list_link(first, last, commitment=code, kind=kind) for kind, name in _KIND_FIELDS.items()}
    for sentiment in ("positive", "neutral", "negative"):
        links[sentiment] = feedback_list_link(first, last, commitment=code, sentiment=sentiment)
    return links


def _case_link(complaint_id: int | None) -> Link | None:
    return None if complaint_id is None else Link("complaints.case", (("complaint_id", complaint_id),
                                                                      ("_anchor", "learning")))
