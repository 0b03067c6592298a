"""Checking and importing channel statistics files: every problem has its row, column and what to do."""

from datetime import date

import pytest
from sqlalchemy import func, select

from channel_stats.importing import check_records, import_csv, stats_channels
from channel_stats.models import ChannelMonth, ChannelThreshold
from core.extensions import db
from core.models import AuditEvent
from tests.helpers import make_staff

HEADER = "month,channel,service,calls_offered,calls_answered,calls_queued,answered_within_20s,put_through_within_60s"
GOOD = HEADER + "\n2026-04,phone,,1000,950,600,850,540\n2026-04,phone,council-tax,200,190,100,170,90\n"


def _problems(text, charter):
    result, problems = import_csv(text, charter, by=None, source="test.csv")
    assert result is None
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 0, "a file with problems imports nothing"
    return [str(p) for p in problems]


def test_the_charter_names_the_channels_statistics_measure(charter):
    assert stats_channels(charter) == ["phone", "web_chat", "visit", "any"]


def test_a_good_file_imports_every_row_with_its_thresholds(charter):
    user = make_staff(role="policy_officer")
    result, problems = import_csv(GOOD.encode("utf-8-sig"), charter, by=user, source="april.csv")
    assert problems == []
    assert (result.imported, result.replaced) == (2, 0)
    assert result.summary() == "Imported 2 rows for April 2026 (0 replaced)"
    whole = db.session.scalar(select(ChannelMonth).where(ChannelMonth.service_area_id.is_(None)))
    assert (whole.month, whole.channel, whole.calls_offered, whole.calls_answered) == (date(2026, 4, 1), "phone",
                                                                                       1000, 950)
    assert whole.calls_abandoned is None  # not in the file: not measured
    assert {(t.measure, t.seconds, t.count) for t in whole.thresholds} == {("answered", 20, 850),
                                                                           ("put_through", 60, 540)}
    assert (whole.source, whole.imported_by_id) == ("april.csv", user.id)


@pytest.mark.parametrize(("text", "expected"), [
    # Wrong columns
    ("month,channel,calls_offered,calls_taken\n2026-04,phone,10,5\n",
     ["Row 1, service: add a column called service: the template has every column",
      "Row 1, calls_taken: this is not a column Charterline knows: use the names in the template, such as "
      "calls_offered or answered_within_20s"]),
    # Text in a number field
    (HEADER + "\n2026-04,phone,,1000,lots,600,850,540\n",
     ["Row 2, calls_answered: enter a whole number, like 120"]),
    (HEADER + "\n2026-04,phone,,1000,-5,600,,\n", ["Row 2, calls_answered: enter a whole number, 0 or more"]),
    # A month in the future (today is 15 May 2026)
    (HEADER + "\n2026-06,phone,,1000,950,600,850,540\n",
     ["Row 2, month: this month is in the future: enter 2026-05 or an earlier month"]),
    (HEADER + "\nApril 2026,phone,,1000,950,600,850,540\n",
     ["Row 2, month: enter the month as year and month, like 2026-04"]),
    # Answered above offered
    (HEADER + "\n2026-04,phone,,1000,1200,600,850,540\n",
     ["Row 2, calls_answered: 1,200 is more than calls_offered (1,000): check both figures"]),
    # A threshold count above its base
    (HEADER + "\n2026-04,phone,,1000,950,600,960,540\n",
     ["Row 2, answered_within_20s: 960 is more than calls_answered (950): check both figures"]),
    # A channel the charter does not have
    (HEADER + "\n2026-04,home_visit,,1000,950,600,850,540\n",
     ["Row 2, channel: the charter has no standard for this channel that channel statistics measure: enter one of "
      "phone, web_chat, visit, any"]),
    # A service the charter does not have
    (HEADER + "\n2026-04,phone,swimming,1000,950,600,850,540\n",
     ["Row 2, service: enter a service area code the charter has, like council-tax, or leave it blank for the "
      "whole council"]),
    # The same month, channel and service twice
    (HEADER + "\n2026-04,phone,all,1000,950,600,850,540\n2026-03,phone,,1,1,1,1,1\n2026-04,phone,,1,1,1,1,1\n",
     ["Row 4, month: row 2 has the same month, channel and service: keep one row for each"]),
])
def test_each_bad_input_is_refused_with_its_row_column_and_what_to_do(charter, text, expected):
    assert _problems(text, charter) == expected


def test_every_problem_in_a_file_is_reported_and_nothing_is_imported(charter):
    text = HEADER + "\n2026-04,phone,,1000,950,600,850,540\n2027-01,fax,,x,950,600,850,540\n"
    assert _problems(text, charter) == [
        "Row 3, month: this month is in the future: enter 2026-05 or an earlier month",
        "Row 3, channel: the charter has no standard for this channel that channel statistics measure: enter one "
        "of phone, web_chat, visit, any",
        "Row 3, calls_offered: enter a whole number, like 120",
    ]


def test_a_file_that_is_not_csv_text_is_refused(charter):
    assert _problems(b"\xff\xfe\x00m\x00o", charter) == [
        "The file must be a CSV file saved as UTF-8: in your spreadsheet, choose Save as, then 'CSV UTF-8'"]
    assert _problems("", charter) == ["The file is empty: download the template and fill it in"]


def test_reimporting_a_month_replaces_it_and_the_audit_keeps_what_it_replaced(charter):
    user = make_staff(role="policy_officer")
    import_csv(GOOD, charter, by=user, source="april.csv")
    again = HEADER + "\n2026-04,phone,,1100,1000,650,900,600\n"
    result, problems = import_csv(again, charter, by=user, source="april-corrected.csv")
    assert problems == [] and (result.imported, result.replaced) == (1, 1)
    rows = db.session.scalars(select(ChannelMonth).order_by(ChannelMonth.area_key)).all()
    assert [(r.calls_offered, r.source) for r in rows] == [(1100, "april-corrected.csv"), (200, "april.csv")]
    assert db.session.scalar(select(func.count(ChannelThreshold.id))) == 4  # the old thresholds went with the row
    replaced = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "channel_stats.replaced")).all()
    assert len(replaced) == 1
    assert replaced[0].before == {"month": "2026-04", "channel": "phone", "service": "all", "source": "april.csv",
                                  "calls_offered": 1000, "calls_answered": 950, "calls_queued": 600,
                                  "answered_within_20s": 850, "put_through_within_60s": 540}
    assert replaced[0].after["calls_offered"] == 1100 and replaced[0].actor_id == user.id
    # The row keeps its id, so its history is one trail: imported, then replaced.
    trail = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_id == rows[0].id,
                                                               AuditEvent.target_type == "channel_month")
                               .order_by(AuditEvent.id)).all()
    assert trail == ["channel_stats.imported", "channel_stats.replaced"]


def test_threshold_columns_may_be_named_in_minutes_or_hours(charter):
    text = ("month,channel,service,visitors_without_appointment,seen_within_15m,chats_offered,chats_connected,"
            "chat_connected_within_120s\n2026-04,visit,,300,280,,,\n2026-04,web_chat,,,,200,190,150\n")
    result, problems = import_csv(text, charter, by=None, source="visits.csv")
    assert problems == [] and result.imported == 2
    assert set(db.session.execute(select(ChannelThreshold.measure, ChannelThreshold.seconds)).all()) == {
        ("seen", 900), ("chat_connected", 120)}


def test_the_api_rows_are_checked_the_same_way(charter):
    rows, problems = check_records([{"month": "2026-04", "channel": "phone", "calls_offered": 10,
                                     "calls_answered": "9"}, {"month": "2026-04", "channel": "phone",
                                                              "service": "council-tax", "calls_bounced": 1}],
                                   charter)
    assert [str(p) for p in problems] == [
        "Row 2, calls_bounced: this is not a column Charterline knows: use the names in the template, such as "
        "calls_offered or answered_within_20s"]
    rows, problems = check_records([{"month": "2026-04", "channel": "phone", "calls_offered": 10,
                                     "calls_answered": "9"}], charter)
    assert [str(p) for p in problems] == ["Row 1, calls_answered: enter a whole number, like 120, or null"]


def test_figures_outside_the_headed_columns_and_semicolon_files_are_refused(charter):
    assert _problems("month,channel,service,calls_offered\n2026-04,phone,,1,200\n", charter) == [
        "Row 2: this row has a figure in a column with no heading: check for a comma in a number, or add the heading"]
    assert _problems("month;channel;service;calls_offered\n2026-04;phone;;1200\n", charter) == [
        "Row 1: separate the columns with commas, not semicolons: save the file as 'CSV UTF-8' (comma delimited)"]


def test_a_blank_column_heading_with_nothing_under_it_is_ignored(charter):
    result, problems = import_csv("month,channel,service,calls_offered,,\r\n2026-04,phone,,\"1,200\",,\r\n",
                                  charter, by=None, source="excel.csv")
    assert problems == [] and result.imported == 1
    assert db.session.scalar(select(ChannelMonth.calls_offered)) == 1200
