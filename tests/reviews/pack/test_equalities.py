"""The pack's Equalities section for who answered our surveys: the year's answers to the optional equality questions
of post-contact surveys, counted by hand, with small counts not shown, and the same figures on the page, in the CSV
files and in the spreadsheet."""

from __future__ import annotations

from datetime import date

import pytest

from core.models import Role
from reviews.pack.builder import build_pack
from tests.helpers import page
from tests.reviews.conftest import YEAR
from tests.reviews.pack.test_pages import _review, csv_files, xlsx_sheets
from tests.surveys.factories import make_response, make_survey

SEX = {"type": "single_choice", "text": "What is your sex?", "options": ["Female", "Male", "Prefer not to say"],
       "required": False, "equality_key": "sex", "section": 2}
AGE = {"type": "single_choice", "text": "What is your age?", "options": ["18 to 24", "25 to 34"],
       "required": False, "equality_key": "age_band", "section": 2}


@pytest.fixture
def answered(app, charter, monkeypatch):
    """Four answers in July 2025: Female three times (18 to 24 twice), Male once (18 to 24); one the year before;
    three from a consultation, which the consultation's own section counts."""
    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 3)
    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}, SEX, AGE], sections=2)
    july = date(2025, 7, 1)
    for values in (["good", "Female", "18 to 24"], ["good", "Female", "18 to 24"], ["poor", "Female", None],
                   ["good", "Male", "18 to 24"]):
        make_response(survey, values, month=july)
    make_response(survey, ["good", "Male", "25 to 34"], month=date(2025, 3, 1))
    consultation = make_survey([SEX | {"section": 1}], slug="charter-consultation-7", state="closed")
    for _ in range(3):
        make_response(consultation, ["Male"], month=july)
    return survey


def test_survey_answers_are_counted_with_small_counts_hidden(answered):
    section = build_pack(YEAR).section("equalities")
    assert [table.key for table in section.tables] == ["equalities-surveys"]
    assert section.tables[0].rows == (
        ("What is your age?", "18 to 24", 3, None),
        ("What is your sex?", "Female", 3, None),
        ("What is your sex?", "Male", None, "Fewer than 3 responses"),  # 1 in the year; March and the consultation
    )                                                                   # are not counted
    assert section.text[0] == "Nobody answered the equality questions when they gave feedback this year."
    assert section.text[-1] == "Counts from fewer than 3 responses are not shown."


def test_the_same_figure_on_the_page_in_the_csv_and_in_the_spreadsheet(client, login_as, db, answered):
    review = _review(db)
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/reviews/{review.id}/pack"))
    rows = [[c.get_text(strip=True) for c in row.select("th, td")]
            for row in soup.select("#equalities-surveys tbody tr")]
    assert rows[1] == ["What is your sex?", "Female", "3", "–"]
    assert rows[2][3] == "Fewer than 3 responses"

    files = csv_files(client.get(f"/reviews/{review.id}/pack/csv").data)
    table = next(rows for name, rows in files.items() if name.endswith("-equalities-surveys.csv"))
    assert table[0] == ["Question", "Answer", "People", "Note"]
    assert table[2] == ["What is your sex?", "Female", "3", ""]
    assert table[3][2:] == ["", "Fewer than 3 responses"]

    book = xlsx_sheets(client.get(f"/reviews/{review.id}/pack/xlsx").data)
    sheet = next(rows for name, rows in book.items() if name.endswith("equalities-surveys"))
    assert sheet[3][:3] == ["What is your sex?", "Female", 3.0]
    assert sheet[4][3] == "Fewer than 3 responses"
