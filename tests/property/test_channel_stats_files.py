"""Channel statistics take any file or JSON body: every row checked and imported whole, or nothing imported and
each problem reported with its row; never an error page."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from channel_stats.importing import check_csv, check_records
from channel_stats.models import ChannelMonth
from core.extensions import db
from core.models import Role
from core.timesource import set_today
from tests.property.conftest import answered
from tests.property.strategies import any_text, hostile, hostile_bytes, json_values, mixed_text

COLUMNS = ["month", "channel", "service", "calls_offered", "calls_answered", "answered_within_30s",
           "visitors_without_appointment", "seen_within_15m", "foi_due", "foi_on_time"]
GOOD = {"month": ["2026-04", "2026-03", "2026-4", "2026-06"], "channel": ["phone", "visit", "any", "email"],
        "service": ["", "all", "council-tax", "nowhere"]}
NUMBERS = st.one_of(st.integers(min_value=0, max_value=2000).map(str), st.just(""), st.just("1,200"))


def cell(column: str, clean: bool):
    good = st.sampled_from(GOOD[column]) if column in GOOD else NUMBERS
    if clean:
        return good
    return st.one_of(good, good, good, mixed_text.map(lambda text: text.replace("\x00", "")))


@st.composite
def csv_files(draw) -> bytes:
    """A CSV with the real columns (sometimes shuffled or with others) and rows of mostly good values."""
    header = draw(st.one_of(st.just(COLUMNS), st.permutations(COLUMNS), st.lists(st.one_of(
        st.sampled_from(COLUMNS), any_text.map(lambda text: text.replace("\x00", ""))), max_size=8)))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        clean = draw(st.booleans())
        row = [draw(cell(column, clean)) for column in header]
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            row = row[:-1] if draw(st.booleans()) else [*row, draw(mixed_text)]
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))


@pytest.fixture
def officer(login_as, charter):
    set_today(date(2026, 5, 15))
    return login_as(Role.POLICY_OFFICER)


@hostile
@given(st.one_of(csv_files(), csv_files(), hostile_bytes))
def test_any_file_is_good_to_import_or_has_problems_with_rows(officer, charter, content):
    rows, problems = check_csv(content, charter)
    event(f"{bool(rows)} rows, {bool(problems)} problems")
    assert bool(problems) or bool(rows)
    assert all(str(problem) and (problem.row is None or problem.row >= 1) for problem in problems)


@hostile
@given(st.one_of(csv_files(), csv_files(), hostile_bytes))
def test_the_import_page_answers_any_upload_and_imports_all_or_nothing(client, officer, charter, content):
    before = db.session.scalar(select(func.count(ChannelMonth.id)))
    rows, problems = check_csv(content, charter)
    response = client.post("/channel-statistics/import", data={"file": (io.BytesIO(content), "stats.csv")},
                           content_type="multipart/form-data")
    answered(response)
    after = db.session.scalar(select(func.count(ChannelMonth.id)))
    if problems:
        assert response.status_code == 200 and after == before
    else:
        assert response.status_code == 302 and after >= before


@hostile
@given(st.one_of(json_values, st.lists(st.one_of(json_values, st.fixed_dictionaries(
    {"month": st.sampled_from(GOOD["month"]), "channel": st.sampled_from(GOOD["channel"])},
    optional={"calls_offered": json_values, "calls_answered": st.integers(-5, 3000), "service": json_values,
              "answered_within_30s": st.integers(0, 3000)})), max_size=4)))
def test_any_json_rows_are_checked_without_error(officer, charter, body):
    rows, problems = check_records(body, charter)
    assert bool(problems) != bool(rows)
