"""CSV exports that open cleanly in a spreadsheet: raw answers (one row per response) and aggregate figures."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from core.exports import safe_cell
from core.timesource import uk_time
from surveys.commitment_figures import CommitmentResults
from surveys.models import Question, QuestionType, Survey
from surveys.queries import RawResponse, SurveyResults, channel_label, raw_responses
from surveys.stats import Figures, suppression_note


def _line(cells: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(c) if c is not None else "" for c in cells])
    return buffer.getvalue()


def _columns(question: Question, number: int) -> list[tuple[str, str | None]]:
    """(heading, option) for each column a question needs: one per option on multiple choice questions."""
    heading = f"Q{number}. {question.text}"
    if question.type_enum == QuestionType.MULTIPLE:
        return [(f"{heading}: {label}", value) for value, label in question.choices()]
    if question.type_enum == QuestionType.TEXT:
        return [(heading, None), (f"{heading} (sentiment)", None)]
    return [(heading, None)]


def raw_answers_csv(survey: Survey) -> Iterator[str]:
    """One row per submitted response, one column per question; multiple choice options become Yes/blank columns.

    The survey's questions are read now, in the caller's session: a streamed download reads the rows after the
    view has returned and its session has closed, when the survey can no longer load them.

    The optional equality questions are left out: their answers are only ever published as totals, with small
    numbers suppressed (the annual pack), never row by row beside a response that can be traced to a contact.
    """
    questions = [question for question in survey.all_questions if not question.equality_key]
    headings = ["Response", "Submitted", "Channel", "Through", "Service"]
    for number, question in enumerate(questions, start=1):
        headings += [heading for heading, _ in _columns(question, number)]
    return _raw_lines(survey, questions, headings)


def _raw_lines(survey: Survey, questions: list[Question], headings: list[str]) -> Iterator[str]:
    yield "\ufeff" + _line(headings)  # the byte-order mark makes Excel read UTF-8
    for response in raw_responses(survey):
        yield _line(_raw_row(response, questions))


def _raw_row(response: RawResponse, questions: list[Question]) -> list[object]:
    row: list[object] = [response.id, uk_time(response.submitted_at).strftime("%Y-%m-%d %H:%M"),
                         channel_label(response.channel), "Invitation" if response.via == "invitation" else "Open link",
                         response.service or ""]
    for question in questions:
        given = response.answers.get(question.id, [])
        kind = question.type_enum
        if kind == QuestionType.MULTIPLE:
            chosen = {choice for choice, _, _ in given}
            row += ["Yes" if value in chosen else "" for value, _ in question.choices()]
        elif kind == QuestionType.TEXT:
            row += [given[0][1] if given else "", (given[0][2] or "") if given else ""]
        else:
            row.append(question.label_for(given[0][0]) if given else "")
    return row


AGGREGATE_HEADINGS = ["Group", "Item", "Satisfied answers", "Scored answers", "Satisfaction", "Satisfaction low (95%)",
                      "Satisfaction high (95%)", "Net satisfaction", "Yes answers", "Yes/no answers", "Said yes",
                      "Said yes low (95%)", "Said yes high (95%)", "NPS answers", "NPS", "Invitations sent",
                      "Invitations answered", "Response rate", "Response rate low (95%)", "Response rate high (95%)",
                      "Note"]


def _pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.1f}"


def _share(p, base: int) -> list[object]:
    """successes, base, share, low, high: blank (never 0 or 100) when the base is below the minimum."""
    if p is None:
        return ["", "" if base else 0, "", "", ""]
    return [p.successes, p.n, _pct(p.value), _pct(p.low), _pct(p.high)]


def _figures_row(group: str, item: Figures) -> list[object]:
    t = item.tally
    suppressed = (item.satisfaction_suppressed or item.said_yes_suppressed or item.nps_suppressed
                  or item.response_rate_suppressed)
    note = f"Figures based on {suppression_note(item.minimum)} are not shown" if suppressed else ""
    rate = _share(item.response_rate, t.invited)
    return [group, item.label, *_share(item.satisfaction, t.scored),
            item.net if item.net is not None else "",  # a number, so the spreadsheet can sum and chart it
            *_share(item.said_yes, t.yes_no),
            t.nps_answers if item.nps is not None else ("" if t.nps_answers else 0),
            item.nps if item.nps is not None else "",
            rate[1], rate[0], *rate[2:], note]


def survey_aggregates_csv(results: SurveyResults) -> str:
    """Per-question option counts, then figures by question, month and channel."""
    out = [_line(["Question", "Answer", "Count", "Share", "Share low (95%)", "Share high (95%)", "Note"])]
    for qr in results.questions:
        if qr.question.type_enum == QuestionType.TEXT:
            out.append(_line([f"Q{qr.number}. {qr.question.text}", "(free text answers)", qr.answered, "", "", "",
                              ""]))
            continue
        for option in qr.options:
            share = option.share
            note = "" if share else (suppression_note(results.minimum) if qr.suppressed else "")
            out.append(_line([f"Q{qr.number}. {qr.question.text}", option.label, option.count,
                              _pct(share.value if share else None), _pct(share.low if share else None),
                              _pct(share.high if share else None), note]))
    out.append("\r\n")
    out.append(_line(AGGREGATE_HEADINGS))
    out.append(_line(_figures_row("Survey", results.overall)))
    for qr in results.questions:
        if qr.figures is not None:
            out.append(_line(_figures_row("Question", qr.figures)))
    out += [_line(_figures_row("Month", f)) for f in results.by_month]
    out += [_line(_figures_row("Channel", f)) for f in results.by_channel]
    return "\ufeff" + "".join(out)


def commitment_aggregates_csv(results: CommitmentResults) -> str:
    out = [_line(AGGREGATE_HEADINGS + ["Commitment wording"])]
    for row in results.commitments:
        out.append(_line(_figures_row("Commitment", row.figures) + [row.wording]))
    out += [_line(_figures_row("Channel", f) + [""]) for f in results.by_channel]
    out += [_line(_figures_row("Month", f) + [""]) for f in results.by_month]
    return "\ufeff" + "".join(out)
