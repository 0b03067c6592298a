"""The resident's form: one question a page, answers kept between pages, check answers, confirmation."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.models import OutboxMessage, Resident
from core.timesource import set_today
from feedback.models import EqualityMonitoring, FeedbackDraft, FeedbackItem
from tests.feedback.journey import assert_fieldsets_named, walk
from tests.helpers import page


def errors(soup) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")]


def only_item(db) -> FeedbackItem:
    items = db.session.scalars(select(FeedbackItem)).all()
    assert len(items) == 1
    return items[0]


def test_start_page_explains_the_choice_and_starts_the_form(client):
    soup = page(client.get("/feedback"))
    assert soup.h1.get_text(strip=True) == "Give feedback or make a complaint"
    assert "It is always your choice" in soup.get_text()
    assert soup.select_one("a.govuk-button--start")["href"] == "/feedback/type"


def test_first_question_offers_four_choices_with_the_difference_explained(client):
    soup = page(client.get("/feedback/type"))
    assert soup.h1.get_text(strip=True) == "What would you like to do?"
    assert [i["value"] for i in soup.select("input[name=kind]")] == [
        "compliment", "comment", "service_request", "complaint"]
    assert "You can make a complaint at any time" in soup.get_text()


def test_unanswered_question_gives_govuk_error(client):
    soup = page(client.post("/feedback/type", data={}))
    assert soup.title.get_text().startswith("Error: What would you like to do?")
    assert errors(soup) == ["Select what you would like to do"]


def test_later_questions_send_you_back_to_the_start_without_answers(client):
    response = client.get("/feedback/contact")
    assert response.status_code == 302 and response.location.endswith("/feedback/type")


def test_complaint_journey_records_everything_and_confirms(client, db, charter):
    set_today(date(2026, 3, 6))  # a Friday
    response = walk(client, description="The crew left rubbish everywhere.", happened_on=["4", "3", "2026"])
    assert response.location.endswith("/feedback/confirmation")
    item = only_item(db)
    assert item.reference == "CMP-2026-00001"
    assert (item.kind, item.resident_kind, item.channel, item.status) == ("complaint", "complaint", "web_form",
                                                                          "acknowledged")
    assert item.received_on == date(2026, 3, 6)
    assert item.happened_on == date(2026, 3, 4)
    assert item.service_area.code == "waste-recycling"
    assert [c.code for c in item.commitments] == ["HAR-03"]
    assert item.outcome_wanted == "Empty it this week."
    assert (item.resident.name, item.resident.email, item.resident.reply_by) == ("Ada Lovelace", "ada@example.com",
                                                                                  "email")
    # Harrow promises to acknowledge web forms within 24 hours: stricter than the code's 5 working days.
    assert item.acknowledgement_commitment.code == "HAR-03"
    assert item.acknowledgement_due_on == date(2026, 3, 9)  # 24 hours from a Friday: the next working day
    assert item.acknowledgement_met is True
    soup = page(client.get(response.location))
    assert soup.h1.get_text(" ", strip=True).startswith("We have received your complaint")
    assert "CMP-2026-00001" in soup.select_one(".govuk-panel").get_text()
    assert "7 March 2026" in soup.get_text()
    link = soup.select_one("a[href^='/track/']")["href"]
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 43  # 256 random bits, URL-safe base64
    assert token not in item.tracking_token_hash and len(item.tracking_token_hash) == 64
    assert page(client.get(link)).h1.get_text(strip=True) == "Your complaint CMP-2026-00001"


def test_acknowledgement_goes_through_the_outbox_with_reference_and_link(client, db, charter):
    walk(client)
    message = db.session.scalar(select(OutboxMessage))
    item = only_item(db)
    assert (message.channel, message.to_address, message.format) == ("email", "ada@example.com", "standard")
    assert message.subject == f"We have received your complaint: {item.reference}"
    assert "/track/" in message.body and item.reference in message.body
    assert (message.related_type, message.related_id) == ("feedback_item", item.id)


def test_letter_reply_with_braille_is_queued_as_a_braille_letter(client, db, charter):
    walk(client, contact={"name": "Bo Peep", "address": "1 Meadow Lane\nFenbridge", "postcode": "zz1 1ab"},
         reply_by="letter", adjustments=["braille"])
    message = db.session.scalar(select(OutboxMessage))
    assert (message.channel, message.format) == ("letter", "braille")
    assert message.to_address == "Bo Peep\n1 Meadow Lane\nFenbridge\nZZ1 1AB"
    assert only_item(db).resident.adjustments == ["braille"]


def test_anonymous_compliment_skips_reply_questions_and_is_acknowledged_on_screen(client, db, charter):
    walk(client, kind="compliment", commitments=["not-sure"], contact={}, description="Lovely staff.")
    item = only_item(db)
    assert item.reference.startswith("CPL-") and item.resident is None and item.commitments == []
    assert item.acknowledged_at is not None
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_service_request_asks_what_to_put_right(client, charter):
    client.post("/feedback/type", data={"kind": "service_request"})
    soup = page(client.get("/feedback/details"))
    assert soup.h1.get_text(strip=True) == "Tell us what needs putting right"
    assert soup.select_one("#outcome_wanted") is not None
    soup = page(client.post("/feedback/details", data={"description": "", "happened_on": ["", "", ""]}))
    assert errors(soup) == ["Enter what needs putting right"]


def test_compliment_does_not_ask_for_an_outcome(client):
    client.post("/feedback/type", data={"kind": "compliment"})
    soup = page(client.get("/feedback/details"))
    assert soup.select_one("#outcome_wanted") is None


@pytest.mark.parametrize("contact, expected", [
    ({}, ["Enter your full name", "Enter an email address, telephone number or postal address so we can reply to you"]),
    ({"name": "Al", "email": "not-an-email"}, ["Email address must be in the correct format, like name@example.com"]),
    ({"name": "Al", "phone": "call me"},
     ["Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"]),
    ({"name": "Al", "address": "1 Road", "postcode": "12345"}, ["Enter a real postcode, like AA1 1AA"]),
    ({"name": "x" * 121, "email": "a@example.com"}, ["Full name must be 120 characters or fewer"]),
])
def test_complaint_contact_details_are_checked(client, contact, expected):
    client.post("/feedback/type", data={"kind": "complaint"})
    soup = page(client.post("/feedback/contact", data=contact))
    assert errors(soup) == expected


def test_nothing_typed_is_lost_on_a_validation_error(client):
    client.post("/feedback/type", data={"kind": "complaint"})
    long_text = "It went wrong. " * 400  # over 5,000 characters
    soup = page(client.post("/feedback/details", data={"description": long_text, "happened_on": ["31", "2", "2026"],
                                                       "outcome_wanted": "Sort it out"}))
    assert errors(soup) == ["The date it happened must be a real date"]
    assert soup.select_one("#description").get_text() == long_text
    assert soup.select_one("#outcome_wanted").get_text() == "Sort it out"
    assert soup.select_one("#happened_on-day")["value"] == "31"
    assert_fieldsets_named(soup)
    soup = page(client.post("/feedback/details", data={"description": long_text, "happened_on": ["", "", ""]}))
    assert errors(soup) == ["Your answer must be 5,000 characters or fewer"]
    assert soup.select_one("#description").get_text() == long_text


def test_date_it_happened_cannot_be_in_the_future(client):
    set_today(date(2026, 3, 6))
    client.post("/feedback/type", data={"kind": "complaint"})
    soup = page(client.post("/feedback/details", data={"description": "x", "happened_on": ["7", "3", "2026"]}))
    assert errors(soup) == ["The date it happened must be today or in the past"]


def test_commitment_question_needs_an_answer_and_not_sure_is_exclusive(client, charter):
    client.post("/feedback/type", data={"kind": "comment"})
    soup = page(client.get("/feedback/promises"))
    assert len(soup.select("input[name=commitments]")) == len(charter.commitments) + 1
    assert errors(page(client.post("/feedback/promises", data={}))) == [
        "Select the promises it is about, or select none of these or I'm not sure"]
    assert errors(page(client.post("/feedback/promises", data={"commitments": ["HAR-01", "not-sure"]}))) == [
        "Select the promises it is about, or none of these or I'm not sure, not both"]


def test_reply_choices_are_only_the_ways_we_were_given(client, charter):
    walk(client, contact={"name": "Al", "phone": "07700 900123"}, reply_by="phone", send=False)
    soup = page(client.get("/feedback/reply"))
    assert [i["value"] for i in soup.select("input[name=reply_by]")] == ["phone"]
    assert errors(page(client.post("/feedback/reply", data={}))) == ["Select how you would like us to reply"]
    assert errors(page(client.post("/feedback/reply", data={"reply_by": "letter"}))) == [
        "Give us a postal address or choose another way for us to reply"]


def test_adjustments_need_details_for_interpreter_and_other(client, charter):
    walk(client, send=False)
    soup = page(client.post("/feedback/adjustments", data={"adjustments": ["interpreter", "other"]}))
    assert errors(soup) == ["Enter the language you need an interpreter for",
                            "Tell us what you need us to do differently"]
    assert errors(page(client.post("/feedback/adjustments", data={"adjustments": ["none", "bsl"]}))) == [
        "Select what you need us to do differently, or select no, not both"]


def test_interpreter_language_is_kept_with_the_resident(client, db, charter):
    walk(client, adjustments=["interpreter", "large_print"], language="Polish")
    resident = db.session.scalar(select(Resident))
    assert resident.adjustments == ["large_print", "interpreter"] or resident.adjustments == [
        "interpreter", "large_print"]
    assert resident.language == "Polish"


def test_every_equality_question_offers_prefer_not_to_say(client, charter):
    walk(client, send=False)
    soup = page(client.get("/feedback/about-you"))
    groups = {i["name"] for i in soup.select("input[type=radio]")}
    assert len(groups) == 6
    assert_fieldsets_named(soup)
    assert {i["name"] for i in soup.select("input[value=prefer_not_to_say]")} == groups


def test_equality_answers_are_stored_apart_from_the_case(client, db, charter):
    walk(client, equality={"age_band": "35_44", "sex": "prefer_not_to_say", "submit": "Continue"})
    row = db.session.scalar(select(EqualityMonitoring))
    assert (row.age_band, row.sex, row.ethnicity) == ("35_44", "prefer_not_to_say", None)
    assert row.service_area.code == "waste-recycling"
    assert row.kind == "complaint"  # the kind of feedback only, so the pack can say who complained
    assert not hasattr(row, "feedback_id") and not hasattr(row, "resident_id")


def test_equality_answers_given_with_a_comment_say_so(client, db, charter):
    walk(client, kind="comment", equality={"sex": "female", "submit": "Continue"})
    assert db.session.scalar(select(EqualityMonitoring.kind)) == "comment"


def test_skipping_equality_questions_stores_nothing(client, db, charter):
    walk(client)
    assert db.session.scalar(select(func.count()).select_from(EqualityMonitoring)) == 0


def test_check_page_lists_answers_with_change_links_that_come_back(client, charter):
    walk(client, send=False)
    soup = page(client.get("/feedback/check"))
    text = soup.select_one(".govuk-summary-list").get_text(" ", strip=True)
    assert "Make a complaint" in text and "Waste and recycling" in text and "My bin was missed." in text
    change = soup.select_one("a[href='/feedback/service?change=1']")
    assert change is not None
    response = client.post("/feedback/service?change=1", data={"service_area": "parking"})
    assert response.location.endswith("/feedback/check")
    assert "Parking" in page(client.get("/feedback/check")).select_one(".govuk-summary-list").get_text()


def test_changing_to_a_complaint_asks_for_the_missing_contact_details(client, charter):
    walk(client, kind="comment", commitments=["not-sure"], contact={}, send=False)
    client.post("/feedback/type?change=1", data={"kind": "complaint"})
    response = client.get("/feedback/check")
    assert response.location.endswith("/feedback/contact?change=1")


def test_html_typed_by_a_resident_is_shown_as_text(client, db, charter):
    walk(client, description="<script>alert('x')</script><b>bold</b>", send=False)
    html = client.get("/feedback/check").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    client.post("/feedback/check", data={"website": ""})
    assert only_item(db).description == "<script>alert('x')</script><b>bold</b>"


def test_spam_trap_records_nothing(client, db, charter):
    walk(client, send=False)
    response = client.post("/feedback/check", data={"website": "http://spam.example"})
    assert response.location.endswith("/feedback/sent")
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 0
    assert db.session.scalar(select(func.count()).select_from(FeedbackDraft)) == 0
    page(client.get("/feedback/sent"))


def test_spam_trap_is_hidden_from_people_without_javascript(client, charter):
    walk(client, send=False)
    soup = page(client.get("/feedback/check"))
    trap = soup.select_one("#website")
    assert trap.find_parent(class_="app-honeypot")["aria-hidden"] == "true"
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"


def test_answers_are_kept_on_the_server_not_in_the_cookie(client, db, charter):
    walk(client, description="Private words " * 50, send=False)
    cookie = client.get_cookie("session")
    assert "Private" not in cookie.value and len(cookie.value) < 500
    draft = db.session.scalar(select(FeedbackDraft))
    assert draft.answers["description"].startswith("Private words")


def test_draft_is_deleted_once_sent(client, db, charter):
    walk(client)
    assert db.session.scalar(select(func.count()).select_from(FeedbackDraft)) == 0
    assert client.get("/feedback/check").location.endswith("/feedback/type")


def test_references_count_up_within_the_year(client, db, charter):
    set_today(date(2026, 12, 31))
    walk(client)
    walk(client, kind="service_request")
    set_today(date(2026, 12, 31) + timedelta(days=1))
    walk(client, kind="comment", commitments=["not-sure"])
    references = sorted(db.session.scalars(select(FeedbackItem.reference)))
    assert references == ["CMP-2026-00001", "COM-2027-00001", "SR-2026-00002"]


def test_public_forms_are_protected_against_cross_site_requests(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/feedback/type", data={"kind": "complaint"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)


def test_public_form_submissions_are_rate_limited(limited_client):
    codes = [limited_client.post("/feedback/type", data={"kind": "complaint"}).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
