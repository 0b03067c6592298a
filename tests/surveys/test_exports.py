"""CSV exports: raw answers one row per response with one column per question (and per multiple choice option),
free text kept, formulas defused; aggregate figures with intervals and suppression notes."""

import csv
import io

from surveys import queries
from surveys.commitment_figures import commitment_results
from surveys.exports import (
    AGGREGATE_HEADINGS,
    commitment_aggregates_csv,
    raw_answers_csv,
    safe_cell,
    survey_aggregates_csv,
)
from tests.helpers import make_charter
from tests.surveys.factories import make_response, make_survey


def _rows(text: str) -> list[list[str]]:
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.reader(io.StringIO(text[1:])))


def _survey():
    charter = make_charter()
    return make_survey([
        {"type": "rating", "text": "How satisfied are you?", "commitments": [charter.commitments[1]]},
        {"type": "multiple_choice", "text": "What helped?", "options": ["Speed", "Kindness", "Clarity"]},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])


def test_raw_answers_have_one_row_per_response_and_one_column_per_question_option(db):
    survey = _survey()
    first = make_response(survey, ["5", ["Speed", "Clarity"], "Lovely, thank you\nfrom me"])
    make_response(survey, ["2", ["Kindness"], "=HYPERLINK(\"http://evil\")"], channel="email")
    make_response(survey, ["3", ["Speed"], None])
    rows = _rows("".join(raw_answers_csv(survey)))
    assert rows[0] == ["Response", "Submitted", "Channel", "Through", "Service",
                       "Q1. How satisfied are you?",
                       "Q2. What helped?: Speed", "Q2. What helped?: Kindness", "Q2. What helped?: Clarity",
                       "Q3. Anything else?", "Q3. Anything else? (sentiment)"]
    assert len(rows) == 4
    # Stored at 10:00 UTC; the download gives the UK time, BST in October.
    assert rows[1] == [str(first.id), "2026-10-15 11:00", "Phone", "Open link", "", "Very satisfied",
                       "Yes", "", "Yes", "Lovely, thank you\nfrom me", "positive"]
    assert rows[2][5:10] == ["Fairly dissatisfied", "", "Yes", "", "'=HYPERLINK(\"http://evil\")"]
    assert rows[3][9] == ""


def test_raw_answers_stream_in_batches(db):
    survey = _survey()
    for n in range(5):
        make_response(survey, [str(n % 5 + 1), ["Speed"], None])
    from surveys import exports

    batches = list(queries.raw_responses(survey, batch=2))
    assert [r.id for r in batches] == sorted(r.id for r in batches) and len(batches) == 5
    assert len(_rows("".join(exports.raw_answers_csv(survey)))) == 6


def test_formulas_are_defused_but_numbers_are_not():
    assert safe_cell("=1+1") == "'=1+1"
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)"
    assert safe_cell("-5 stars") == "'-5 stars"
    assert safe_cell(-1) == -1
    assert safe_cell("Fine") == "Fine"


def test_survey_aggregates_have_counts_intervals_and_suppression_notes(db):
    survey = _survey()
    for value in ["5", "5", "4", "4", "4", "3", "2", "1", "5", "4", "4", "5"]:
        make_response(survey, [value, ["Kindness"], None])
    text = survey_aggregates_csv(queries.survey_results(survey))
    options, figures = text[1:].split("\r\n\r\n")
    option_rows = list(csv.reader(io.StringIO(options)))
    assert option_rows[0] == ["Question", "Answer", "Count", "Share", "Share low (95%)", "Share high (95%)", "Note"]
    assert option_rows[1] == ["Q1. How satisfied are you?", "Very satisfied", "4", "33.3", "13.8", "60.9", ""]
    figure_rows = list(csv.reader(io.StringIO(figures)))
    assert figure_rows[0] == AGGREGATE_HEADINGS
    survey_row = dict(zip(AGGREGATE_HEADINGS, figure_rows[1], strict=True))
    assert survey_row["Satisfied answers"] == "9" and survey_row["Scored answers"] == "12"
    # 9 satisfied, 1 neither, 2 dissatisfied: (9 − 2) / 12 = 0.583
    assert survey_row["Satisfaction"] == "75.0" and survey_row["Net satisfaction"] == "0.58"
    assert survey_row["Said yes"] == "" and survey_row["Yes/no answers"] == "0"  # not asked: a true zero


def test_suppressed_figures_are_blank_with_a_note_never_zero_or_a_hundred(db):
    survey = _survey()
    for _ in range(3):
        make_response(survey, ["5", ["Speed"], None])
    text = survey_aggregates_csv(queries.survey_results(survey))
    options, figures = text[1:].split("\r\n\r\n")
    very_satisfied = list(csv.reader(io.StringIO(options)))[1]
    assert very_satisfied[2:] == ["3", "", "", "", "fewer than 10 responses"]
    survey_row = dict(zip(AGGREGATE_HEADINGS, list(csv.reader(io.StringIO(figures)))[1], strict=True))
    assert survey_row["Satisfaction"] == "" and survey_row["Satisfied answers"] == ""
    assert "fewer than 10 responses" in survey_row["Note"]


def test_commitment_aggregates(db):
    survey = _survey()
    for value in ["5"] * 10:
        make_response(survey, [value, ["Speed"], None])
    rows = _rows(commitment_aggregates_csv(commitment_results()))
    assert rows[0] == AGGREGATE_HEADINGS + ["Commitment wording"]
    t02 = dict(zip(rows[0], rows[1], strict=True))
    assert (t02["Group"], t02["Item"], t02["Satisfaction"], t02["Satisfaction low (95%)"]) == (
        "Commitment", "T-02", "100.0", "72.2")
    assert t02["Commitment wording"] == "We will treat you with respect."
