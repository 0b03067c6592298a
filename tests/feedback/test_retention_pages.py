"""Anonymised feedback on the pages: the resident's tracking page, the staff item page, the inbox, the export and
the privacy notice."""

import csv
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role
from core.timesource import set_today
from feedback.models import FeedbackItem, FeedbackMessage
from feedback.retention import REMOVED, anonymise_past_retention, cutoffs
from tests.feedback.test_retention import stored_file
from tests.helpers import make_feedback, make_resident, page

TODAY = date(2030, 6, 3)
TOKEN = "an-old-token-for-retention-tests-0123456789ab"


@pytest.fixture(autouse=True)
def _today():
    set_today(TODAY)


@pytest.fixture
def anonymised(upload_dir):
    """A comment from 2023, with a message and a file, anonymised in June 2030."""
    item = make_feedback(kind="comment", received_on=date(2023, 3, 6), token=TOKEN,
                         description="The warden at 9 Elm Road was rude", outcome_wanted="An apology",
                         resident=make_resident(name="Alex Oldname", email="alex@example.com"))
    db.session.add(FeedbackMessage(feedback_id=item.id, author="resident", body="Alex again, 07700 900456"))
    db.session.commit()
    stored_file(upload_dir, item, "alex-photo.pdf")
    anonymise_past_retention(cutoffs())
    db.session.expire_all()
    return item


# The resident's tracking page

def test_the_tracking_link_says_the_details_were_removed_and_why(client, anonymised):
    soup = page(client.get(f"/track/{TOKEN}"))
    assert soup.h1.get_text(strip=True) == f"Your comment {anonymised.reference}"
    text = soup.get_text(" ", strip=True)
    assert "We removed the details of your comment on 3 June 2030, under the council's retention policy." in text
    assert "We keep compliments and comments for 2 years from the day we receive them." in text
    assert f"quote the reference {anonymised.reference}" in text
    for gone in ("Elm Road", "apology", "07700", "alex-photo", REMOVED, "Add more information", "Withdraw"):
        assert gone not in text
    assert soup.select_one("meta[name=robots]")["content"] == "noindex, nofollow"


def test_a_complaint_says_how_long_complaints_are_kept(client):
    make_feedback(kind="complaint", status="closed", received_on=date(2023, 3, 6), token=TOKEN)
    anonymise_past_retention(cutoffs())
    text = page(client.get(f"/track/{TOKEN}")).get_text(" ", strip=True)
    assert "We keep complaints and service requests for 6 years after they are closed." in text


@pytest.mark.parametrize("action", ["message", "files", "withdraw", "complaint"])
def test_nothing_can_be_added_to_an_anonymised_item(client, anonymised, action):
    assert client.get(f"/track/{TOKEN}/{action}").location.endswith(f"/track/{TOKEN}")
    response = client.post(f"/track/{TOKEN}/{action}", data={"body": "More", "reason": "", "description": "x"})
    assert response.status_code == 302 and response.location.endswith(f"/track/{TOKEN}")
    assert db.session.scalar(select(func.count()).select_from(FeedbackMessage)) == 1
    assert db.session.get(FeedbackItem, anonymised.id).status == "received"


def test_an_item_not_yet_anonymised_shows_as_before(client):
    make_feedback(kind="comment", received_on=date(2029, 3, 5), token=TOKEN, description="The park is lovely")
    anonymise_past_retention(cutoffs())
    assert "The park is lovely" in page(client.get(f"/track/{TOKEN}")).get_text()


# Staff pages

def test_the_staff_page_shows_when_it_was_anonymised_and_what_is_left(client, login_as, anonymised):
    login_as(Role.CASE_HANDLER)
    soup = page(client.get(f"/staff/feedback/{anonymised.reference}"))
    text = soup.get_text(" ", strip=True)
    assert soup.select_one(".app-anonymised").get_text(" ", strip=True).startswith("Anonymised on 3 June 2030.")
    assert "Contact details removed on 3 June 2030 under the retention policy." in text
    assert "File removed on 3 June 2030 under the retention policy" in text
    assert "Type Comment" in text and "Received 6 March 2023" in text
    assert "Personal details removed under the retention policy" in text  # the history
    for gone in ("Elm Road", "Alex", "alex@example.com", "07700", "alex-photo"):
        assert gone not in text
    hrefs = [a["href"] for a in soup.select("a")]
    assert not any(h.startswith(f"/staff/feedback/{anonymised.reference}/") for h in hrefs)


@pytest.mark.parametrize("action, data", [
    ("status", {"status": "closed", "version": "1"}),
    ("message", {"body": "Hello"}),
    ("reclassify", {"kind": "complaint", "reason": "Because", "version": "1"}),
    ("tags", {"service_area": "", "version": "1"}),
    ("sentiment", {"label": "positive", "reason": "Because"}),
    ("files", {}),
])
def test_staff_cannot_change_an_anonymised_item(client, login_as, anonymised, action, data):
    login_as(Role.COMPLAINTS_OFFICER)
    response = client.post(f"/staff/feedback/{anonymised.reference}/{action}", data=data)
    assert response.status_code == 302 and response.location.endswith(f"/staff/feedback/{anonymised.reference}")
    soup = page(client.get(response.location))
    assert "was anonymised on 3 June 2030 under the retention policy, so it can no longer be changed" in soup.text
    db.session.expire_all()
    item = db.session.get(FeedbackItem, anonymised.id)
    assert (item.status, item.kind, item.sentiment_override_label) == ("received", "comment", None)
    assert db.session.scalar(select(func.count()).select_from(FeedbackMessage)) == 1


def test_a_shared_residents_details_stay_on_the_anonymised_item_with_the_reason(client, login_as):
    resident = make_resident(name="Kim Stillhere")
    old = make_feedback(kind="comment", received_on=date(2023, 3, 6), resident=resident)
    make_feedback(kind="comment", received_on=date(2030, 1, 6), resident=resident)
    anonymise_past_retention(cutoffs())
    login_as(Role.VIEWER)
    text = page(client.get(f"/staff/feedback/{old.reference}")).get_text(" ", strip=True)
    assert "Kim Stillhere" in text
    assert ("still kept because the resident has other feedback that we still keep, or a restriction on contact "
            "applies to them") in text


def test_the_inbox_and_export_show_anonymised_items_without_their_text(client, login_as, anonymised):
    make_feedback(kind="comment", received_on=date(2030, 1, 6), description="Lovely new bins")
    login_as(Role.VIEWER)
    soup = page(client.get("/staff/feedback"))
    rows = {row.select_one("a").get_text(strip=True): row.get_text(" ", strip=True) for row in soup.select("tbody tr")}
    assert "Anonymised" in rows[anonymised.reference]
    assert "Anonymised" not in "".join(v for k, v in rows.items() if k != anonymised.reference)
    response = client.get("/staff/feedback/export.csv")
    exported = {row[0]: row for row in csv.reader(io.StringIO(response.get_data(as_text=True)))}
    assert exported[anonymised.reference][1:3] == ["comment", "received"]
    assert exported[anonymised.reference][-1] == REMOVED
    assert "Elm Road" not in response.get_data(as_text=True)


def test_the_privacy_notice_gives_the_retention_periods(client, app, monkeypatch):
    text = page(client.get("/privacy")).get_text(" ", strip=True)
    assert ("We keep compliments and comments for 2 years from the day we receive them, and complaints and service "
            "requests for 6 years after the case is closed. A case that is still open is kept until it is "
            "closed.") in text
    assert "we remove it after 1 year" in text
    monkeypatch.setitem(app.config, "CHARTERLINE_FEEDBACK_RETENTION_DAYS", 90)
    assert "compliments and comments for 90 days" in page(client.get("/privacy")).get_text(" ", strip=True)
