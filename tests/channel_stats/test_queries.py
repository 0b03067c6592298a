"""measure(): the share the charter review shows for a standard measured by channel statistics, against
hand-computed sums on a small fixture."""

from datetime import date

import pytest
from sqlalchemy import select

from channel_stats.importing import import_csv
from channel_stats.queries import ChannelMeasure, listed_rows, measure, missing_threshold_months
from core.extensions import db
from core.models import ServiceArea
from core.standards import Standard
from tests.helpers import make_service_area

FILE = """month,channel,service,calls_offered,calls_answered,calls_queued,callbacks_promised,callbacks_made,\
answered_within_20s,answered_within_30s,put_through_within_60s,visitors_without_appointment,seen_within_15m,\
visitors_with_appointment,seen_with_appointment_within_5m,chats_offered,chats_connected,chat_connected_within_2m,\
foi_due,foi_on_time
2026-01,phone,,1000,950,600,40,36,850,,540,,,,,,,,,
2026-02,phone,,800,760,500,20,20,700,720,,,,,,,,,,
2026-03,phone,council-tax,100,90,,,,80,,,,,,,,,,,
2026-04,phone,,500,480,,,,450,,,,,,,,,,,
2026-01,visit,,,,,,,,,,300,270,100,97,,,,,
2026-02,web_chat,,,,,,,,,,,,,,200,190,170,,
2026-01,any,,,,,,,,,,,,,,,,,40,36
"""
Q1 = (date(2026, 1, 1), date(2026, 3, 31))


@pytest.fixture
def imported(charter):
    result, problems = import_csv(FILE, charter, by=None, source="fixture.csv")
    assert problems == [], problems
    assert result.imported == 7


def test_answered_within_rings_is_answered_within_the_seconds_they_last_out_of_calls_offered(imported):
    # 4 rings of 5 seconds: answered_within_20s. January 850 of 1,000 offered, February 700 of 800; March was
    # imported only for council tax, so its row stands for the council (80 of 100); April is outside the period.
    assert measure("phone", Standard("answer", 4, "rings", 0.85), 5, *Q1) == ChannelMeasure(met=1630, total=1900,
                                                                                          months=3)
    # Without the length of a ring, rings cannot be measured.
    assert measure("phone", Standard("answer", 4, "rings", 0.85), None, *Q1) is None


def test_a_month_without_the_threshold_the_standard_names_is_left_out_and_listed(imported):
    thirty = Standard("answer", 30, "seconds", 0.9)
    assert measure("phone", thirty, None, *Q1) == ChannelMeasure(met=720, total=800, months=1)
    assert missing_threshold_months("phone", thirty, None, *Q1) == [date(2026, 1, 1), date(2026, 3, 1)]
    queue = Standard("put_through", 60, "seconds", 0.9)
    assert measure("phone", queue, None, *Q1) == ChannelMeasure(met=540, total=600, months=1)
    assert missing_threshold_months("phone", queue, None, *Q1) == [date(2026, 2, 1), date(2026, 3, 1)]


def test_call_backs_made_out_of_call_backs_promised(imported):
    back = Standard("call_back", 1, "working_days", None, "working-days:1")
    assert measure("phone", back, None, *Q1) == ChannelMeasure(met=56, total=60, months=2)


def test_one_service_area_and_the_period_by_each_months_first_day(imported):
    area = db.session.scalar(select(ServiceArea).where(ServiceArea.code == "council-tax"))
    twenty = Standard("answer", 20, "seconds", 0.9)
    assert measure("phone", twenty, None, *Q1, service_area_id=area.id) == ChannelMeasure(80, 100, 1)
    # February 700 of 800, March (council tax's row only) 80 of 100, April 450 of 500.
    assert measure("phone", twenty, None, date(2026, 2, 1), date(2026, 4, 30)) == ChannelMeasure(1230, 1400, 3)
    # January's first day is before 15 January, so January does not count.
    assert measure("phone", twenty, None, date(2026, 1, 15), date(2026, 2, 28)) == ChannelMeasure(700, 800, 1)


def test_visits_chats_and_information_rights(imported):
    assert measure("visit", Standard("see_visitor", 15, "minutes", 0.9), None, *Q1) == ChannelMeasure(270, 300, 1)
    assert measure("visit", Standard("see_appointment", 5, "minutes"), None, *Q1) == ChannelMeasure(97, 100, 1)
    assert measure("web_chat", Standard("connect_chat", 2, "minutes"), None, *Q1) == ChannelMeasure(170, 200, 1)
    foi = Standard("supply_information", 20, "working_days", 0.9, "foi")
    assert measure("any", foi, None, *Q1) == ChannelMeasure(36, 40, 1)
    # The charter promises subject access too, but nothing was imported for it: measurable, no data.
    sar = Standard("supply_information", 1, "calendar_months", 0.9, "sar")
    assert measure("any", sar, None, *Q1) == ChannelMeasure(0, 0, 0)


def test_standards_channel_statistics_do_not_measure(imported):
    assert measure("email", Standard("reply", 3, "working_days", 0.9, "working-days:3"), None, *Q1) is None
    assert measure("phone", Standard("acknowledge", 2, "working_days", None, "working-days:2"), None, *Q1) is None
    stage = Standard("reply", 10, "working_days", None, "working-days:10", "complaint-stage-1")
    assert measure("any", stage, None, *Q1) is None
    assert missing_threshold_months("email", Standard("reply", 3, "working_days"), None, *Q1) == []


def test_no_rows_is_a_measure_of_nothing(charter):
    assert measure("phone", Standard("answer", 20, "seconds"), None, *Q1) == ChannelMeasure(0, 0, 0)


def test_the_rows_behind_a_figure(imported):
    rows = listed_rows("phone", *Q1, council=True)
    assert [(row.month, row.calls_offered) for row in rows] == [(date(2026, 1, 1), 1000), (date(2026, 2, 1), 800),
                                                                (date(2026, 3, 1), 100)]


SERVICES = """month,channel,service,calls_offered,calls_answered,answered_within_20s
2026-01,phone,,1000,950,850
2026-01,phone,council-tax,400,380,300
2026-02,phone,council-tax,300,290,270
2026-02,phone,housing,200,150,100
"""


def test_a_month_imported_only_per_service_is_its_services_added_up_and_never_counted_twice(charter):
    make_service_area(code="housing", name="Housing")
    result, problems = import_csv(SERVICES, charter, by=None, source="services.csv")
    assert problems == [] and result.imported == 4
    twenty = Standard("answer", 20, "seconds", 0.9)
    # January: the council's own row (850 of 1,000), not council tax's as well; February: both services,
    # 270 + 100 of 300 + 200.
    assert measure("phone", twenty, None, date(2026, 1, 1), date(2026, 2, 28)) == ChannelMeasure(1220, 1500, 2)
    rows = listed_rows("phone", date(2026, 1, 1), date(2026, 2, 28), council=True)
    assert [(row.month.month, row.calls_offered) for row in rows] == [(1, 1000), (2, 300), (2, 200)]
    assert len(listed_rows("phone", date(2026, 1, 1), date(2026, 2, 28))) == 4


PARTLY = """month,channel,service,calls_offered,calls_answered,answered_within_20s,answered_within_30s,\
callbacks_promised,callbacks_made
2026-01,phone,council-tax,300,290,270,280,10,9
2026-01,phone,housing,200,150,100,,10,
2026-02,phone,council-tax,400,380,300,350,20,18
2026-02,phone,housing,100,90,80,85,5,5
"""


def test_a_month_imported_only_per_service_counts_only_when_every_service_has_what_the_standard_needs(charter):
    make_service_area(code="housing", name="Housing")
    result, problems = import_csv(PARTLY, charter, by=None, source="partly.csv")
    assert problems == [] and result.imported == 4
    period = (date(2026, 1, 1), date(2026, 2, 28))
    # January's housing row has no answered_within_30s: the whole of January is left out, not counted with council
    # tax alone. February: 350 + 85 of 400 + 100.
    thirty = Standard("answer", 30, "seconds", 0.9)
    assert measure("phone", thirty, None, *period) == ChannelMeasure(met=435, total=500, months=1)
    assert missing_threshold_months("phone", thirty, None, *period) == [date(2026, 1, 1)]
    # The same for a count of its own: January's housing row has no call-backs made. February: 18 + 5 of 20 + 5.
    back = Standard("call_back", 1, "working_days", None, "working-days:1")
    assert measure("phone", back, None, *period) == ChannelMeasure(met=23, total=25, months=1)
    assert missing_threshold_months("phone", back, None, *period) == [date(2026, 1, 1)]
    # Every row has answered_within_20s: both months, 270 + 100 + 300 + 80 of 300 + 200 + 400 + 100.
    twenty = Standard("answer", 20, "seconds", 0.9)
    assert measure("phone", twenty, None, *period) == ChannelMeasure(met=750, total=1000, months=2)
    assert missing_threshold_months("phone", twenty, None, *period) == []
    # One service's own figure is unchanged: council tax has both months (280 + 350 of 300 + 400).
    council_tax = db.session.scalar(select(ServiceArea.id).where(ServiceArea.code == "council-tax"))
    assert measure("phone", thirty, None, *period, service_area_id=council_tax) == ChannelMeasure(630, 700, 2)
