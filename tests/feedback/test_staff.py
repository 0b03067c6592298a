"""Staff pages: the inbox with filters, search, sorting, paging and CSV export; recording; changing an item; keys."""

import csv
import io
import re
from datetime import date, datetime

import pytest
from sqlalchemy import select

from core.models import AuditEvent, OutboxMessage, Role, ServiceArea
from core.timesource import set_today
from feedback.models import ApiKey, FeedbackItem, FeedbackMessage
from tests.feedback.journey import assert_fieldsets_named
from tests.helpers import make_feedback, make_resident, page


def references(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select("tbody a.govuk-link")]


def error_list(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]


# Who may see what

def test_inbox_needs_a_signed_in_member_of_staff(client):
    response = client.get("/staff/feedback")
    assert response.status_code == 302 and "/sign-in" in response.location


@pytest.mark.parametrize("path", ["/staff/feedback/new", "/admin/api-keys"])
def test_viewers_cannot_record_or_manage_keys(client, login_as, path):
    login_as(Role.VIEWER)
    assert client.get(path).status_code == 403


def test_viewer_can_read_but_not_change(client, login_as):
    item = make_feedback()
    login_as(Role.VIEWER)
    soup = page(client.get(f"/staff/feedback/{item.reference}"))
    assert soup.select_one(f"a[href='/staff/feedback/{item.reference}/tags']") is None
    assert client.post(f"/staff/feedback/{item.reference}/status", data={"status": "closed"}).status_code == 403
    assert client.get("/staff/feedback").status_code == 200


def test_unknown_reference_is_not_found(client, login_as):
    login_as(Role.CASE_HANDLER)
    assert client.get("/staff/feedback/CMP-2026-99999").status_code == 404


# Inbox filters

@pytest.fixture
def mixed(charter, db):
    parking = db.session.scalar(select(ServiceArea).where(ServiceArea.code == "parking"))
    waste = db.session.scalar(select(ServiceArea).where(ServiceArea.code == "waste-recycling"))
    items = {
        "parking": make_feedback(kind="complaint", service_area=parking, channel="phone", received_on=date(2026, 1, 5),
                                 description="Ticket while parked with a permit", sentiment_label="negative",
                                 commitments=[charter.commitments[0]]),
        "thanks": make_feedback(kind="compliment", service_area=waste, received_on=date(2026, 2, 10),
                                description="Lovely crew", sentiment_label="positive", status="closed",
                                resident=make_resident(name="Zora Quill", email="zora@example.com")),
        "bins": make_feedback(kind="service_request", service_area=waste, received_on=date(2026, 3, 15),
                              description="Green bin missed", sentiment_override_label="neutral",
                              sentiment_label="negative", commitments=[charter.commitments[2]]),
    }
    return {name: item.reference for name, item in items.items()}


@pytest.mark.parametrize("query, expected", [
    ("", ["bins", "thanks", "parking"]),
    ("kind=compliment", ["thanks"]),
    ("status=closed", ["thanks"]),
    ("service=waste-recycling", ["bins", "thanks"]),
    ("commitment=HAR-01", ["parking"]),
    ("channel=phone", ["parking"]),
    ("sentiment=negative", ["parking"]),  # the officer's correction wins over the score
    ("sentiment=neutral", ["bins"]),
    ("q=permit", ["parking"]),
    ("q=zora%40example", ["thanks"]),
    ("q=QUILL", ["thanks"]),
    ("q=100%25", []),
    ("received_from=1&received_from=2&received_from=2026&received_to=28&received_to=2&received_to=2026", ["thanks"]),
    ("sort=received&order=asc", ["parking", "thanks", "bins"]),
    ("sort=kind&order=asc", ["parking", "thanks", "bins"]),
])
def test_inbox_filters_search_and_sorts(client, login_as, mixed, query, expected):
    login_as(Role.VIEWER)
    soup = page(client.get(f"/staff/feedback?{query}"))
    assert references(soup) == [mixed[name] for name in expected]


def test_inbox_search_finds_by_reference(client, login_as, mixed):
    login_as(Role.VIEWER)
    assert references(page(client.get(f"/staff/feedback?q={mixed['bins']}"))) == [mixed["bins"]]


def test_inbox_counts_by_type(client, login_as, mixed):
    login_as(Role.VIEWER)
    soup = page(client.get("/staff/feedback"))
    assert_fieldsets_named(soup)
    summary = soup.select_one("#results-summary").get_text(" ", strip=True)
    assert "Showing 1 to 3 of 3 items" in summary
    assert "1 complaint, 1 compliment, 1 service request" in summary


def test_inbox_date_range_errors_are_govuk_style(client, login_as, mixed):
    login_as(Role.VIEWER)
    soup = page(client.get("/staff/feedback?received_from=31&received_from=2&received_from=2026"
                           "&received_to=&received_to=&received_to="))
    assert error_list(soup) == ["The from date must be a real date"]
    soup = page(client.get("/staff/feedback?received_from=5&received_from=3&received_from=2026"
                           "&received_to=1&received_to=3&received_to=2026"))
    assert error_list(soup) == ["The to date must be the same as or after the from date"]


def test_the_inbox_takes_several_channels_and_refuses_an_unknown_one(client, login_as, charter):
    made = {channel: make_feedback(channel=channel, received_on=date(2026, 1, 5)).reference
            for channel in ("email", "web_form", "phone")}
    login_as(Role.VIEWER)
    both = page(client.get("/staff/feedback?channel=email&channel=web_form"))
    assert set(references(both)) == {made["email"], made["web_form"]}
    assert set(references(page(client.get("/staff/feedback?channel=phone")))) == {made["phone"]}
    assert set(references(page(client.get("/staff/feedback?channel=")))) == set(made.values())  # "All", as it was
    refused = page(client.get("/staff/feedback?channel=email&channel=nonsense"))
    errors = [a.get_text(strip=True) for a in refused.select(".govuk-error-summary a")]
    assert errors == ["Select channels from the list"]
    assert "Select channels from the list" in refused.select_one(".govuk-error-message").get_text()
    assert set(references(refused)) == set(made.values())  # the filters are not applied until they are right
    export = client.get("/staff/feedback/export.csv?channel=nonsense")
    assert export.status_code == 302 and "channel=nonsense" in export.location
    rows = client.get("/staff/feedback/export.csv?channel=phone&channel=web_form").get_data(as_text=True)
    assert {line.split(",")[0] for line in rows.splitlines()[1:]} == {made["phone"], made["web_form"]}


@pytest.mark.parametrize("query", ["endpoint=x", "_anchor=x", "_external=1"])
def test_a_refused_export_goes_back_to_the_list_with_only_its_filters(client, login_as, db, query):
    login_as(Role.COMPLAINTS_OFFICER)
    export = client.get(f"/staff/feedback/export.csv?channel=nonsense&channel=phone&{query}")
    assert (export.status_code, export.location) == (302, "/staff/feedback?channel=nonsense&channel=phone")
    make_feedback(channel="phone")
    soup = page(client.get(f"/staff/feedback?channel=phone&{query}"))
    assert soup.find("a", string=re.compile("Download these"))["href"] == "/staff/feedback/export.csv?channel=phone"


def test_inbox_pages_fifty_at_a_time(client, login_as, db):
    for n in range(55):
        make_feedback(received_on=date(2026, 1, 1 + n % 28), resident=None)
    login_as(Role.VIEWER)
    first = page(client.get("/staff/feedback?kind=complaint"))
    assert len(references(first)) == 50
    next_link = first.select_one(".govuk-pagination__next a")["href"]
    assert "kind=complaint" in next_link and "page=2" in next_link
    second = page(client.get(next_link))
    assert len(references(second)) == 5
    assert not set(references(first)) & set(references(second))
    assert len(references(page(client.get("/staff/feedback?page=99")))) == 5  # past the end: the last page
    assert len(references(page(client.get("/staff/feedback?page=" + "9" * 20)))) == 5  # beyond any database integer


def test_inbox_flags_acknowledgements_that_are_overdue_or_due_today(client, login_as):
    set_today(date(2026, 3, 9))
    make_feedback(acknowledgement_due_on=date(2026, 3, 6), description="late one")
    make_feedback(acknowledgement_due_on=date(2026, 3, 9), description="today one")
    make_feedback(acknowledgement_due_on=date(2026, 3, 6), acknowledged_at=datetime(2026, 3, 5, 10),
                  acknowledgement_met=True, description="done one")
    login_as(Role.VIEWER)
    tags = [t.get_text(strip=True) for t in page(client.get("/staff/feedback")).select("tbody .govuk-tag")]
    assert sorted(tags) == ["Due today", "On time", "Overdue since 6 Mar 2026"]


# CSV export

def read_csv(response) -> list[dict]:
    assert response.headers["Content-Type"].startswith("text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment; filename=feedback-")
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_export_is_the_filtered_list(client, login_as, mixed):
    set_today(date(2026, 4, 1))
    login_as(Role.POLICY_OFFICER)
    rows = read_csv(client.get("/staff/feedback/export.csv?service=waste-recycling&sort=received&order=asc"))
    assert [r["Reference"] for r in rows] == [mixed["thanks"], mixed["bins"]]
    assert rows[1]["Charter commitments"] == "HAR-03"
    assert rows[1]["Sentiment"] == "neutral"
    assert rows[0]["Service"] == "Waste and recycling" and rows[0]["Received on"] == "2026-02-10"


def test_export_joins_several_commitments(client, login_as, charter):
    make_feedback(commitments=charter.commitments[:3])
    login_as(Role.VIEWER)
    rows = read_csv(client.get("/staff/feedback/export.csv"))
    assert sorted(rows[0]["Charter commitments"].split("; ")) == ["HAR-01", "HAR-02", "HAR-03"]


def test_export_defuses_spreadsheet_formulas(client, login_as):
    make_feedback(description="=HYPERLINK(\"http://evil.example\")")
    login_as(Role.VIEWER)
    rows = read_csv(client.get("/staff/feedback/export.csv"))
    assert rows[0]["What the resident told us"].startswith("'=HYPERLINK")


def test_export_needs_staff(client):
    assert client.get("/staff/feedback/export.csv").status_code == 302


# Recording on a resident's behalf

def recorded(**overrides) -> dict:
    data = {"channel": "phone", "received_on": ["2", "3", "2026"], "kind": "complaint",
            "service_area": "waste-recycling", "commitments": ["HAR-20"], "description": "Called about missed bins.",
            "happened_on": ["", "", ""], "name": "Ed Nash", "phone": "07700 900456", "email": "ed@example.com",
            "reply_by": "email", "adjustments": ["large_print"]}
    data.update(overrides)
    return data


def record_token(client) -> str:
    """The one-time token the recording page was issued with."""
    return page(client.get("/staff/feedback/new")).select_one("input[name=submission]")["value"]


def test_officer_records_a_phone_complaint_with_the_day_it_arrived(client, login_as, db, charter):
    set_today(date(2026, 3, 4))
    officer = login_as(Role.CASE_HANDLER)
    response = client.post("/staff/feedback/new", data=recorded(submission=record_token(client)))
    item = db.session.scalar(select(FeedbackItem))
    assert response.location.endswith(f"/staff/feedback/{item.reference}")
    assert (item.channel, item.received_on, item.recorded_by_id) == ("phone", date(2026, 3, 2), officer.id)
    assert [c.code for c in item.commitments] == ["HAR-20"]
    assert item.resident.adjustments == ["large_print"]
    assert item.acknowledgement_due_on == date(2026, 3, 9)  # 5 working days from day 0, 2 March
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == "ed@example.com"
    soup = page(client.get(response.location))
    banner = soup.select_one(".govuk-notification-banner").get_text(" ", strip=True)
    assert item.reference in banner and "/track/" in banner
    assert "Recorded by" in soup.get_text() and officer.name in soup.get_text()


def test_recording_errors_keep_what_was_typed(client, login_as, charter):
    set_today(date(2026, 3, 4))
    login_as(Role.COMPLAINTS_OFFICER)
    token = record_token(client)
    soup = page(client.post("/staff/feedback/new", data=recorded(
        channel="", received_on=["5", "3", "2026"], name="", email="bad", description="Kept words",
        submission=token)))
    assert error_list(soup) == [
        "Select how it reached us", "The date it was received must be today or in the past",
        "Enter your full name", "Email address must be in the correct format, like name@example.com"]
    assert soup.select_one("#description").get_text() == "Kept words"
    assert_fieldsets_named(soup)
    assert soup.select_one("#phone")["value"] == "07700 900456"
    assert soup.select_one("input[name=submission]")["value"] == token  # corrected and sent, still the one item


def test_policy_officers_cannot_record(client, login_as):
    login_as(Role.POLICY_OFFICER)
    assert client.post("/staff/feedback/new", data=recorded()).status_code == 403


# Changing an item

def test_retag_page_saves_service_and_commitments(client, login_as, db, charter):
    item = make_feedback()
    login_as(Role.CASE_HANDLER)
    for change in ("tags", "reclassify", "status"):
        assert_fieldsets_named(page(client.get(f"/staff/feedback/{item.reference}/{change}")))
    response = client.post(f"/staff/feedback/{item.reference}/tags", data={
        "version": item.version_id, "service_area": "parking", "commitments": ["HAR-01", "HAR-04"]})
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.service_area.code == "parking" and [c.code for c in item.commitments] == ["HAR-01", "HAR-04"]
    history = page(client.get(f"/staff/feedback/{item.reference}")).select_one("#history").find_next("table")
    assert "Service and commitments changed" in history.get_text()


def test_reclassify_needs_a_reason(client, login_as, db):
    item = make_feedback()
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.post(f"/staff/feedback/{item.reference}/reclassify",
                            data={"version": item.version_id, "kind": "service_request", "reason": ""}))
    assert error_list(soup) == ["Enter the reason for the change"]
    client.post(f"/staff/feedback/{item.reference}/reclassify",
                data={"version": item.version_id, "kind": "service_request", "reason": "A first report."})
    db.session.refresh(item)
    assert item.kind == "service_request"


def test_a_stale_form_is_refused_with_a_clear_message(client, login_as, db):
    item = make_feedback()
    login_as(Role.CASE_HANDLER)
    stale = item.version_id
    client.post(f"/staff/feedback/{item.reference}/status", data={"version": stale, "status": "in_progress"})
    soup = page(client.post(f"/staff/feedback/{item.reference}/status", data={"version": stale, "status": "closed"}))
    assert "Someone else changed this item" in error_list(soup)[0]
    db.session.refresh(item)
    assert item.status == "in_progress"


def test_message_page_sends_to_the_resident(client, login_as, db):
    item = make_feedback()
    login_as(Role.CASE_HANDLER)
    assert error_list(page(client.post(f"/staff/feedback/{item.reference}/message", data={"body": ""}))) == [
        "Enter your message"]
    client.post(f"/staff/feedback/{item.reference}/message", data={"body": "An engineer will call on Monday."})
    assert db.session.scalar(select(FeedbackMessage.body)) == "An engineer will call on Monday."
    assert db.session.scalar(select(OutboxMessage.subject)).startswith("A message about your complaint")


def test_item_page_shows_resident_details_and_adjustments(client, login_as):
    item = make_feedback(resident=make_resident(name="Fay Orr", adjustments=["interpreter"], language="Tigrinya"))
    login_as(Role.VIEWER)
    text = page(client.get(f"/staff/feedback/{item.reference}")).get_text(" ", strip=True)
    assert "Fay Orr" in text and "An interpreter: Tigrinya" in text


# API keys

def test_admin_issues_a_key_shown_once_and_revokes_it(client, login_as, db):
    login_as(Role.ADMIN)
    assert error_list(page(client.post("/admin/api-keys/new", data={"name": "", "per_minute": "0"}))) == [
        "Enter which system the key is for", "Select what the key may do", "Enter a number from 1 to 100,000"]
    soup = page(client.post("/admin/api-keys/new", data={"name": "Library kiosk", "per_minute": "30",
                                                         "scopes": ["feedback:write", "contacts:write"]}))
    raw = soup.select_one("#api-key").get_text(strip=True)
    key = db.session.scalar(select(ApiKey))
    assert raw.startswith(key.prefix) and raw not in page(client.get("/admin/api-keys")).get_text()
    client.post(f"/admin/api-keys/{key.id}/revoke")
    db.session.refresh(key)
    assert key.revoked_at is not None
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "api_key")).all()
    assert sorted(actions) == ["api_key.issued", "api_key.revoked"]


def test_an_officer_corrects_the_sentiment_and_reports_use_it(client, login_as, db):
    officer = login_as(Role.CASE_HANDLER)
    item = make_feedback(kind="comment", description="Lovely service, thank you so much.")
    assert item.sentiment_label == "positive"
    soup = page(client.post(f"/staff/feedback/{item.reference}/sentiment", data={"label": "", "reason": ""}))
    assert error_list(soup) == ["Select positive, neutral or negative", "Enter why you are changing the sentiment"]
    response = client.post(f"/staff/feedback/{item.reference}/sentiment",
                           data={"label": "negative", "reason": "Sarcastic: they go on to complain."})
    assert response.status_code == 302
    db.session.refresh(item)
    assert (item.sentiment_label, item.effective_sentiment) == ("positive", "negative")
    assert item.sentiment_override_by_id == officer.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "sentiment_overridden"))
    assert event.target_id == item.id and "Sarcastic" in event.summary
    soup = page(client.get("/staff/feedback?sentiment=negative"))
    assert item.reference in soup.get_text()
