"""The import page, the template CSV, the list of months and the rows behind a figure."""

import csv
import io
from datetime import date

from sqlalchemy import func, select

from channel_stats.models import ChannelMonth
from channel_stats.template import template_csv
from core.extensions import db
from core.models import Role
from tests.helpers import page

BAD = (b"month,channel,service,calls_offered,calls_answered,answered_within_20s\n"
       b"2026-04,phone,,1000,1200,850\n2026-04,fax,,10,5,5\n")
GOOD = (b"month,channel,service,calls_offered,calls_answered,answered_within_20s\n"
        b"2026-04,phone,,1000,950,850\n2026-04,phone,council-tax,200,190,170\n")


def _upload(client, content: bytes, name="april.csv"):
    return client.post("/channel-statistics/import", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_a_bad_file_is_refused_with_its_problems_then_a_good_one_is_imported(client, login_as, charter):
    login_as(Role.POLICY_OFFICER)
    soup = page(_upload(client, BAD))
    summary = soup.select_one(".govuk-error-summary").get_text(" ", strip=True)
    assert "The file has 2 problems, listed below: nothing was imported" in summary
    assert soup.title.get_text().startswith("Error: Import channel statistics")
    problems = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in soup.select("#problems tbody tr")]
    assert problems == [
        ["2", "calls_answered", "1,200 is more than calls_offered (1,000): check both figures"],
        ["3", "channel", "The charter has no standard for this channel that channel statistics measure: enter one "
                         "of phone, web_chat, visit, any"],
    ]
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 0

    soup = page(_upload(client, GOOD))
    banner = soup.select_one(".govuk-notification-banner--success").get_text(" ", strip=True)
    assert "Imported 2 rows for April 2026 (0 replaced)." in banner
    # The charter's queue standard needs figures the file does not have: the officer is told at once.
    assert ("Phone, April 2026: no calls_queued or put_through_within_60s, so the review leaves this month out of "
            "“Time to put a queued call through: 60 seconds (90% of cases)”.") in soup.get_text()
    assert [td.get_text(strip=True) for td in soup.select("#imported tbody tr")[0].select("td")][:5] == [
        "Phone", "Whole council", "April 2026", "April 2026", "1"]

    soup = page(_upload(client, GOOD))
    assert "(2 replaced)" in soup.select_one(".govuk-notification-banner--success").get_text()


def test_no_file_chosen(client, login_as, charter):
    login_as(Role.POLICY_OFFICER)
    soup = page(client.post("/channel-statistics/import", data={}, content_type="multipart/form-data"))
    assert "Select a CSV file" in soup.select_one(".govuk-error-summary").get_text()


def test_the_template_has_the_charters_columns_and_an_example_row_per_channel(client, login_as, charter):
    rows = list(csv.reader(io.StringIO(template_csv(charter, date(2026, 4, 1)))))
    assert rows[0] == [
        "month", "channel", "service", "calls_offered", "calls_answered", "calls_abandoned", "calls_queued",
        "average_wait_seconds", "longest_wait_seconds", "callbacks_promised", "callbacks_made", "chats_offered",
        "chats_connected", "visitors_without_appointment", "visitors_with_appointment", "foi_due", "foi_on_time",
        "answered_within_20s", "put_through_within_60s", "chat_connected_within_2m", "seen_within_15m",
        "seen_with_appointment_within_5m"]
    assert [row[:3] for row in rows[1:]] == [["2026-04", "phone", "all"], ["2026-04", "web_chat", "all"],
                                             ["2026-04", "visit", "all"], ["2026-04", "any", "all"]]
    phone = dict(zip(rows[0], rows[1], strict=True))
    assert (phone["calls_offered"], phone["answered_within_20s"], phone["visitors_with_appointment"]) == (
        "1200", "960", "")
    # The template imports as it is.
    login_as(Role.POLICY_OFFICER)
    response = client.get("/channel-statistics/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    soup = page(_upload(client, response.data, "channel-statistics-template.csv"))
    assert "Imported 4 rows for April 2026" in soup.select_one(".govuk-notification-banner").get_text()


def test_the_rows_page_filters_by_channel_and_period(client, login_as, charter):
    login_as(Role.POLICY_OFFICER)
    _upload(client, GOOD)
    soup = page(client.get("/channel-statistics/rows?channel=phone&from=2026-04&to=2026-04-30"))
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select("#rows tbody tr")]
    assert [row[:5] for row in rows] == [["April 2026", "Phone", "Whole council", "1,000", "950"],
                                         ["April 2026", "Phone", "Council tax", "200", "190"]]
    assert "Calls answered within 20 seconds" in soup.select_one("#rows thead").get_text()
    # The rows behind a whole-council figure: the council's own row for April, not council tax's as well.
    soup = page(client.get("/channel-statistics/rows?channel=phone&from=2026-04&to=2026-04-30&scope=council"))
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select("#rows tbody tr")]
    assert [row[:3] for row in rows] == [["April 2026", "Phone", "Whole council"]]
    assert soup.select_one("input[name=scope]")["value"] == "council"
    assert "Show every row, services included" in soup.get_text()
    soup = page(client.get("/channel-statistics/rows?channel=web_chat&from=2026-04&to=2026-04-30"))
    assert soup.select("#rows") == [] and "No channel statistics are imported" in soup.get_text()
    soup = page(client.get("/channel-statistics/rows?from=2026-13"))
    assert "Enter the start as a real date or month" in soup.select_one(".govuk-error-summary").get_text()


def test_viewers_see_the_figures_but_cannot_import(client, login_as, charter):
    login_as(Role.VIEWER)
    assert client.get("/channel-statistics/").status_code == 200
    assert client.get("/channel-statistics/import").status_code == 403
    assert _upload(client, GOOD).status_code == 403
