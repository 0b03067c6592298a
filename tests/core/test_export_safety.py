"""Every CSV export neutralises text a spreadsheet would run as a formula (a cell starting with = + - @, a tab or a
return gets a leading single quote), through one helper, and leaves numbers as numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from core.exports import safe_cell, unsafe_cell
from core.models import Role
from core.sentiment.service import override_sentiment
from core.sentiment.train import load_corrections
from core.timesource import set_today
from surveys import queries as survey_queries
from surveys.commitment_figures import commitment_results
from surveys.exports import commitment_aggregates_csv, survey_aggregates_csv
from tests.helpers import make_charter, make_complaint, make_feedback, make_service_area, make_staff
from tests.surveys.factories import make_response, make_survey

#: One hostile text for each character a spreadsheet starts a formula with.
HOSTILE = ["=HYPERLINK(\"http://evil.example\")", "+1+2", "-1+2", "@SUM(A1:A9)", "\t=1+2", "\r=1+2"]


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_text_is_quoted_and_read_back(text):
    assert safe_cell(text) == "'" + text
    assert unsafe_cell(safe_cell(text)) == text


@pytest.mark.parametrize("value", [-1, -2.5, Decimal("-0.5"), 0, 7, None, True, date(2026, 3, 2), "Plain words",
                                   "", "a=b", " =1"])
def test_numbers_dates_and_ordinary_text_are_left_alone(value):
    assert safe_cell(value) is value
    if isinstance(value, str):
        assert unsafe_cell(value) == value


@pytest.fixture(autouse=True)
def _today():
    set_today(date(2026, 3, 18))


@pytest.mark.parametrize("text", HOSTILE)
def test_feedback_export(client, login_as, db, text):
    make_feedback(description=text, service_area=make_service_area(name=text))
    login_as(Role.VIEWER)
    rows = _rows(client.get("/staff/feedback/export.csv").get_data(as_text=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["What the resident told us"] == "'" + text
    assert row["Service"] == "'" + text


@pytest.mark.parametrize("text", HOSTILE)
def test_complaints_export(client, login_as, db, text):
    make_complaint(handler=make_staff(name=text), service_area=make_service_area(name=text),
                   received_on=date(2026, 3, 9))
    login_as(Role.VIEWER)
    rows = _rows(client.get("/complaints/export.csv").get_data(as_text=True))
    assert rows[0][2] == "Service" and rows[0][5] == "Handler"
    assert (rows[1][2], rows[1][5]) == ("'" + text, "'" + text)


@pytest.mark.parametrize("text", HOSTILE)
def test_survey_exports(client, login_as, db, text):
    charter = make_charter(commitments=[{"code": "T-01", "wording": text, "channel": "any"}])
    survey = make_survey([
        {"type": "rating", "text": text, "commitments": [charter.commitments[0]]},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])
    make_response(survey, ["5", text])
    login_as(Role.POLICY_OFFICER)
    answers = _rows(client.get(f"/surveys/{survey.id}/export/answers.csv").get_data(as_text=True))
    assert answers[0][5] == f"Q1. {text}"  # a heading starting "Q1." is safe as it is
    assert answers[1][6] == "'" + text
    figures = _rows(survey_aggregates_csv(survey_queries.survey_results(survey)))
    assert figures[1][0] == f"Q1. {text}"
    commitments = _rows(commitment_aggregates_csv(commitment_results()))
    assert commitments[1][-1] == "'" + text


def test_survey_figures_keep_negative_numbers_as_numbers(db):
    survey = make_survey([{"type": "rating", "text": "How satisfied are you?"}])
    for value in ["1"] * 10:
        make_response(survey, [value])
    rows = _rows(survey_aggregates_csv(survey_queries.survey_results(survey)))
    headings = next(row for row in rows if row and row[0] == "Group")
    overall = dict(zip(headings, rows[rows.index(headings) + 1], strict=True))
    assert overall["Net satisfaction"].startswith("-") and float(overall["Net satisfaction"]) < 0


@pytest.mark.parametrize("text", HOSTILE)
def test_sentiment_corrections_export_is_safe_and_still_trains(runner, tmp_path, db, text):
    item = make_feedback(description=text)
    override_sentiment(item, "negative", by=make_staff(), reason="Checked by hand")
    path = tmp_path / "corrections.csv"
    assert runner.invoke(args=["sentiment", "corrections", "--output", str(path)]).exit_code == 0
    with path.open(encoding="utf-8", newline="") as stream:
        assert list(csv.reader(stream))[1] == ["negative", "'" + text]
    assert load_corrections(path) == [("negative", text)]
