"""`flask feedback anonymise`: a summary of what was done and kept, a dry run, --before, and clear errors."""

from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent
from core.timesource import set_today
from tests.feedback.test_retention import stored_file
from tests.helpers import make_feedback

TODAY = date(2030, 6, 3)


@pytest.fixture(autouse=True)
def _today():
    set_today(TODAY)


def test_the_command_anonymises_and_prints_a_summary(runner, upload_dir):
    item = make_feedback(kind="compliment", received_on=date(2023, 3, 6))
    stored_file(upload_dir, item)
    make_feedback(kind="comment", received_on=date(2030, 1, 6))
    result = runner.invoke(args=["feedback", "anonymise"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == ("Anonymised 1 feedback item and 0 complaints, removed 1 file and cleared the contact details "
                        "of 1 resident.")
    assert lines[1] == "By type: 1 compliment."
    assert lines[-1].startswith("Kept figures: type, service, charter commitments")
    assert "Traceback" not in result.output
    again = runner.invoke(args=["feedback", "anonymise"])
    assert again.exit_code == 0
    assert again.stdout.splitlines()[0].startswith("Anonymised 0 feedback items and 0 complaints, removed 0 files")


def test_a_dry_run_from_the_command_changes_nothing(runner):
    item = make_feedback(kind="compliment", received_on=date(2023, 3, 6), description="Thanks to Jo")
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = runner.invoke(args=["feedback", "anonymise", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ("Would anonymise 1 feedback item and 0 complaints, remove 0 files and "
                                             "clear the contact details of 1 resident.")
    assert result.stdout.splitlines()[-1] == "This was a dry run: nothing has been changed."
    db.session.expire_all()
    assert (item.anonymised_at, item.description, item.resident.name is not None) == (None, "Thanks to Jo", True)
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_before_only_brings_the_cutoffs_earlier(runner):
    older = make_feedback(kind="compliment", received_on=date(2019, 12, 2))
    newer = make_feedback(kind="compliment", received_on=date(2023, 3, 6))
    result = runner.invoke(args=["feedback", "anonymise", "--before", "2020-01-01"])
    assert result.exit_code == 0, result.output
    assert "Compliments and comments received before 1 January 2020; complaints and service requests closed before " \
           "1 January 2020" in result.stdout
    db.session.expire_all()
    assert older.anonymised_at is not None and newer.anonymised_at is None
    result = runner.invoke(args=["feedback", "anonymise", "--before", "2030-06-03"])
    assert "received before 2 June 2028; complaints and service requests closed before 2 June 2024" in result.stdout


@pytest.mark.parametrize("value, message", [
    ("last year", "Error: --before must be a date like 2020-03-31, not 'last year'"),
    ("2030-02-30", "Error: --before must be a date like 2020-03-31, not '2030-02-30'"),
    ("2030-06-04", "Error: --before must be today or earlier, not 2030-06-04"),
])
def test_bad_input_is_one_clear_line_and_exit_code_2(runner, value, message):
    item = make_feedback(kind="compliment", received_on=date(2023, 3, 6))
    result = runner.invoke(args=["feedback", "anonymise", "--before", value])
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert result.stdout == ""
    db.session.expire_all()
    assert item.anonymised_at is None


def test_a_failure_is_one_line_and_exit_code_1(runner, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from feedback import commands

    def broken(*args, **kwargs):
        raise OperationalError("UPDATE", {}, Exception("database is locked"))

    monkeypatch.setattr(commands, "anonymise_past_retention", broken)
    result = runner.invoke(args=["feedback", "anonymise"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1] == ("Error: anonymisation stopped (OperationalError). What was "
                                                      "finished is kept; run the command again to carry on.")
    assert "Traceback" not in result.output
