"""Contacts in: field checks shared by form, API and CSV, and CSV imports with a per-row error report."""

from datetime import datetime

import pytest

from core.contacts import ContactRecord
from core.models import Role
from core.timesource import set_today
from surveys import intake
from surveys.models import ContactImport
from tests.helpers import make_charter, make_service_area, make_staff

HEADER = "channel,when,service,email,phone,commitments,reference\n"


@pytest.fixture
def setting(db):
    set_today(datetime(2026, 11, 20).date())
    make_charter()  # commitments T-01 and T-02 in the council's published charter
    make_service_area(code="council-tax", regime="lgsco")
    return make_staff(role=Role.POLICY_OFFICER)


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(ContactRecord))


def test_check_contact_accepts_a_good_contact_and_converts_uk_time_to_utc(setting):
    data, problems = intake.check_contact({"channel": "Phone", "when": "2026-07-01 14:05", "service": "council-tax",
                                           "email": "Resident@Example.com", "commitments": "t-01; T-02"},
                                          intake.Lookups.load())
    assert problems == []
    assert data.channel == "phone"
    assert data.occurred_at == datetime(2026, 7, 1, 13, 5)  # British Summer Time is UTC+1
    assert data.email == "resident@example.com"
    assert [c.code for c in data.commitments] == ["T-01", "T-02"]


@pytest.mark.parametrize(("raw", "field", "message"), [
    ({"when": "2026-11-01"}, "channel", "Enter the channel, for example phone, email or visit"),
    ({"channel": "fax", "when": "2026-11-01"}, "channel", "Channel must be one of phone, email"),
    ({"channel": "phone"}, "when", "Enter when the contact happened"),
    ({"channel": "phone", "when": "last Tuesday"}, "when", "When must be a date and time like 2026-11-20 14:05"),
    ({"channel": "phone", "when": "2030-01-01"}, "when", "When must be in the past"),
    ({"channel": "phone", "when": "2026-11-01", "service": "moon"}, "service", "Service moon is not one of ours"),
    ({"channel": "phone", "when": "2026-11-01", "email": "not-an-email"}, "email", "Email address must be in"),
    ({"channel": "phone", "when": "2026-11-01", "phone": "call me"}, "phone", "Phone number must be a UK"),
    ({"channel": "phone", "when": "2026-11-01", "commitments": "T-99"}, "commitments",
     "Commitment T-99 is not in the published charter"),
])
def test_check_contact_names_every_problem(setting, raw, field, message):
    data, problems = intake.check_contact(raw, intake.Lookups.load())
    assert data is None
    assert problems[0][0] == field
    assert problems[0][1].startswith(message)


def test_a_clean_file_is_imported_at_once(setting, db):
    content = (HEADER + "phone,2026-11-19 10:00,council-tax,a@example.com,,T-01,CRM-1\n"
               "email,19/11/2026 11:30,,,01632 960001,,CRM-2\n\n").encode()
    batch = intake.import_contacts_file(filename="contacts.csv", content=content, by=setting)
    assert (batch.status, batch.imported_count, batch.problems) == ("imported", 2, [])
    assert _count(db) == 2


def test_a_file_with_errors_imports_nothing_and_reports_every_bad_row(setting, db):
    content = (HEADER +
               "phone,2026-11-19 10:00,council-tax,a@example.com,,T-01,CRM-1\n"  # line 2: good
               "fax,2026-11-19 10:00,,,,,\n"  # line 3: bad channel
               "phone,yesterday,,,,,\n"  # line 4: bad date
               "email,2026-11-19 12:00,,b@example.com,,T-77,CRM-4\n"  # line 5: unknown commitment
               "visit,2026-11-19 13:00,,,,,CRM-1\n").encode()  # line 6: reference repeated from line 2
    batch = intake.import_contacts_file(filename="contacts.csv", content=content, by=setting)
    assert batch.status == "pending"
    assert _count(db) == 0
    assert [(p["line"], p["field"]) for p in batch.problems] == [
        (3, "channel"), (4, "when"), (5, "commitments"), (6, "reference")]
    assert batch.problems[3]["message"] == "Reference CRM-1 is also on line 2"
    assert len(batch.rows) == 1

    intake.import_good_rows(batch, by=setting)
    assert (batch.status, batch.imported_count, _count(db)) == ("imported", 1, 1)
    with pytest.raises(intake.ImportFileError, match="already been dealt with"):
        intake.import_good_rows(batch, by=setting)


def test_the_officer_can_decline_to_import_anything(setting, db):
    batch = intake.import_contacts_file(filename="x.csv", content=(HEADER + "fax,2026-11-19,,,,,\n"
                                                                   "phone,2026-11-19,,,,,\n").encode(), by=setting)
    intake.discard_import(batch, by=setting)
    assert batch.status == "discarded" and _count(db) == 0


def test_a_reference_imported_before_is_reported(setting, db):
    row = "phone,2026-11-19 10:00,,,,,CRM-9\n"
    intake.import_contacts_file(filename="a.csv", content=(HEADER + row).encode(), by=setting)
    batch = intake.import_contacts_file(filename="b.csv", content=(HEADER + row).encode(), by=setting)
    assert batch.problems == [{"line": 2, "field": "reference", "message": "Reference CRM-9 was imported before"}]
    assert _count(db) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b"name,date\nphone,2026-11-19\n", "channel and when are missing"),
    (HEADER.encode(), "no contacts in it"),
    (b"\xff\xfe\x00c\x00h", "must be a CSV file saved as UTF-8"),
])
def test_unreadable_files_get_one_clear_message(setting, content, message):
    with pytest.raises(intake.ImportFileError, match=message):
        intake.import_contacts_file(filename="x.csv", content=content, by=setting)


def test_excel_files_with_a_byte_order_mark_or_windows_encoding_are_read(setting, db):
    utf8 = "\ufeff" + HEADER + "phone,2026-11-19 10:00,,,,,\n"
    intake.import_contacts_file(filename="a.csv", content=utf8.encode("utf-8"), by=setting)
    windows = HEADER + "phone,2026-11-19 10:00,,,,,Café-1\n"
    intake.import_contacts_file(filename="b.csv", content=windows.encode("cp1252"), by=setting)
    assert _count(db) == 2
    assert db.session.scalar(db.select(ContactImport).order_by(ContactImport.id.desc())).imported_count == 1
