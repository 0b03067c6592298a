"""The contacts CSV import takes any file: every row checked and reported, or one sentence about the file."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.contacts import ContactRecord
from core.extensions import db
from core.models import Role
from core.timesource import set_today
from surveys import intake
from surveys.models import ContactImport
from tests.property.conftest import answered
from tests.property.strategies import any_text, hostile, hostile_bytes, mixed_text

COLUMNS = intake.CSV_COLUMNS

GOOD = {"channel": ["phone", "email", "Visit"], "when": ["2026-11-19 09:30", "2026-11-19", "19/11/2026 14:05"],
        "service": ["council-tax", ""], "email": ["x@example.com", ""], "phone": ["07700 900123", ""],
        "commitments": ["HAR-03", "HAR-03; HAR-04", ""], "reference": ["CALL-1", "CALL-2", "CALL-3", ""]}


def cell(column: str, clean: bool):
    good = st.sampled_from(GOOD.get(column, [""]))
    if clean:
        return good
    # NUL marks a file as binary and refuses it whole (hostile_bytes covers that): leave it out of the cells.
    return st.one_of(good, good, good, mixed_text.map(lambda text: text.replace("\x00", "")))


@st.composite
def csv_files(draw) -> bytes:
    """A CSV with the real columns (sometimes shuffled, renamed or missing) and rows of mostly good values with
    any text here and there, sometimes with too many or too few cells."""
    header = draw(st.one_of(st.just(COLUMNS), st.just(COLUMNS), st.permutations(COLUMNS), st.lists(st.one_of(
        st.sampled_from(COLUMNS), any_text.map(lambda text: text.replace("\x00", ""))), max_size=9)))
    rows = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        clean = draw(st.booleans())
        row = [draw(cell(column, clean)) for column in header]
        if draw(st.integers(min_value=0, max_value=5)) == 0:
            row = row[:-1] if draw(st.booleans()) else [*row, draw(mixed_text)]
        rows.append(row)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
    return out.getvalue().encode(encoding, errors="replace")


@pytest.fixture
def officer(login_as, charter):
    set_today(date(2026, 11, 20))
    return login_as(Role.POLICY_OFFICER)


def _contacts() -> int:
    return db.session.scalar(select(func.count(ContactRecord.id)))


@hostile
@given(st.one_of(csv_files(), csv_files(), hostile_bytes))
def test_any_file_is_checked_row_by_row_or_refused_with_a_reason(officer, content):
    try:
        good, problems = intake.read_contact_csv(content)
    except intake.ImportFileError as exc:
        event(f"file refused: {str(exc)[:40]}")
        assert str(exc)
        return
    event(f"{bool(good)} good rows, {bool(problems)} problems")
    assert all(isinstance(p["line"], int) and p["message"] for p in problems)
    references = [row["reference"] for row in good if row["reference"]]
    assert len(references) == len(set(references)), "a reference would be imported twice"


@hostile
@given(st.one_of(csv_files(), csv_files(), hostile_bytes),
       st.one_of(st.just("contacts.csv"), st.builds("{}.csv".format, any_text), any_text))
def test_the_import_page_answers_any_upload(client, officer, content, filename):
    before = _contacts()
    response = client.post("/surveys/contacts/import", data={"file": (io.BytesIO(content), filename or "x.csv")},
                           content_type="multipart/form-data")
    answered(response)
    event(f"{response.status_code} {response.headers.get('Location', '')[:25]}")
    if response.status_code == 302 and "/contacts/imports/" in response.headers["Location"]:
        # Problems found: nothing imported yet; the report page shows them and importing the good rows works once.
        answered(client.get(response.headers["Location"]), success=(200,))
        batch = db.session.scalar(select(ContactImport).order_by(ContactImport.id.desc()))
        for _ in range(2):
            answered(client.post(response.headers["Location"], data={"decision": "import"}))
        assert _contacts() - before == len(batch.rows)
