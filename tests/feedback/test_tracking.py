"""The private tracking page: unguessable link, progress, messages, adding to it, withdrawing, choosing a complaint."""

from datetime import date

from markupsafe import Markup
from sqlalchemy import select

from core import events
from core.models import AuditEvent
from feedback.models import Attachment, FeedbackItem, FeedbackMessage
from tests.feedback import files
from tests.helpers import make_feedback, make_staff, page

TOKEN = "a-private-token-for-tests-0123456789abcdefghij"


def test_wrong_token_is_a_plain_not_found(client):
    make_feedback(token=TOKEN)
    response = client.get("/track/" + "b" * 43)
    soup = page(response, 404)
    assert soup.h1.get_text(strip=True) == "Page not found"
    assert client.get("/track/x").status_code == 404
    assert client.get("/track/" + "c" * 500).status_code == 404


def test_page_shows_status_dates_and_what_was_said(client):
    item = make_feedback(token=TOKEN, description="The <b>bin</b> was missed.", received_on=date(2026, 3, 6),
                         acknowledgement_due_on=date(2026, 3, 13))
    soup = page(client.get(f"/track/{TOKEN}"))
    assert soup.h1.get_text(strip=True) == f"Your complaint {item.reference}"
    text = soup.get_text(" ", strip=True)
    assert "Received" in text and "6 March 2026" in text
    assert "We will acknowledge it by 13 March 2026" in text
    assert "How we worked out this date" in text
    assert "The <b>bin</b> was missed." in text  # shown as text, not markup
    assert soup.select_one("meta[name=robots]")["content"] == "noindex, nofollow"


def test_tracking_pages_are_never_cached(client):
    make_feedback(token=TOKEN)
    assert client.get(f"/track/{TOKEN}").headers["Cache-Control"] == "no-store"


def test_staff_messages_appear_but_not_staff_names(client, db):
    item = make_feedback(token=TOKEN)
    officer = make_staff(name="Officer Secretname")
    db.session.add(FeedbackMessage(feedback_id=item.id, author="staff", staff_id=officer.id, body="We are on it."))
    db.session.commit()
    text = page(client.get(f"/track/{TOKEN}")).get_text(" ", strip=True)
    assert "From us" in text and "We are on it." in text and "Secretname" not in text


def message_token(client) -> str:
    """The one-time token the add-information page is issued with."""
    return page(client.get(f"/track/{TOKEN}/message")).select_one("input[name=submission]")["value"]


def test_resident_can_add_information(client, db):
    item = make_feedback(token=TOKEN)
    soup = page(client.post(f"/track/{TOKEN}/message", data={"body": ""}))
    assert [a.get_text(strip=True) for a in soup.select(".govuk-error-summary a")] == [
        "Enter the information you want to add"]
    response = client.post(f"/track/{TOKEN}/message", data={"body": "It happened again today.",
                                                            "submission": message_token(client)})
    assert response.location.endswith(f"/track/{TOKEN}")
    message = db.session.scalar(select(FeedbackMessage))
    assert (message.feedback_id, message.author, message.body) == (item.id, "resident", "It happened again today.")
    assert "It happened again today." in page(client.get(f"/track/{TOKEN}")).get_text()


def test_resident_can_add_documents_up_to_the_limit(client, db):
    item = make_feedback(token=TOKEN)
    response = client.post(f"/track/{TOKEN}/files", data={"files": [files.upload(files.PDF, "receipt.pdf")]},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert [a.original_name for a in db.session.scalars(select(Attachment))] == ["receipt.pdf"]
    many = [files.upload(files.PNG, f"{n}.png") for n in range(5)]
    soup = page(client.post(f"/track/{TOKEN}/files", data={"files": many}, content_type="multipart/form-data"))
    assert "You can only add 4 more files" in soup.select_one(".govuk-error-summary").get_text()
    assert len(db.session.get(FeedbackItem, item.id).attachments) == 1


def test_resident_can_withdraw_and_then_nothing_more_can_be_added(client, db):
    item = make_feedback(token=TOKEN)
    withdrawn = []
    events.feedback_withdrawn.connect(withdrawn.append, weak=False)
    try:
        response = client.post(f"/track/{TOKEN}/withdraw", data={"reason": "Sorted it myself."})
    finally:
        events.feedback_withdrawn.disconnect(withdrawn.append)
    assert response.status_code == 302
    db.session.refresh(item)
    assert item.status == "withdrawn" and item.withdrawn_at is not None
    assert withdrawn == [item]
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.withdrawn"))
    assert audit.actor_id is None and audit.after == {"status": "withdrawn"}
    soup = page(client.get(f"/track/{TOKEN}"))
    assert "Withdraw your complaint" not in soup.get_text()
    soup = page(client.post(f"/track/{TOKEN}/message", data={"body": "More"}))
    assert "cannot be changed" in soup.select_one(".govuk-error-summary").get_text()


def test_resident_keeps_their_choice_of_complaint_after_staff_reclassify(client, db):
    item = make_feedback(token=TOKEN, kind="service_request", resident_kind="complaint",
                         reclassified_reason="It is the first report.")
    soup = page(client.get(f"/track/{TOKEN}"))
    assert soup.select_one(f"a[href='/track/{TOKEN}/complaint']").get_text(strip=True) == (
        "Ask us to handle this as a complaint")
    assert "It is the first report." in page(client.get(f"/track/{TOKEN}/complaint")).get_text()
    client.post(f"/track/{TOKEN}/complaint", data={})
    db.session.refresh(item)
    assert item.kind == "complaint"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "feedback_item",
                                                                 AuditEvent.target_id == item.id)).all()
    assert actions == ["feedback.kept_as_complaint"]


def test_a_service_request_can_become_a_complaint_alongside_it(client, db):
    request_item = make_feedback(token=TOKEN, kind="service_request")
    soup = page(client.post(f"/track/{TOKEN}/complaint", data={"description": ""}))
    assert "Enter what you are unhappy about" in soup.select_one(".govuk-error-summary").get_text()
    submission = soup.select_one("input[name=submission]")["value"]
    response = client.post(f"/track/{TOKEN}/complaint", data={"description": "Nobody has come after 3 weeks.",
                                                              "submission": submission})
    complaint = db.session.scalar(select(FeedbackItem).where(FeedbackItem.kind == "complaint"))
    assert complaint.raised_from_id == request_item.id
    assert complaint.resident_id == request_item.resident_id
    assert db.session.get(FeedbackItem, request_item.id).kind == "service_request"  # it carries on
    new_page = page(client.get(response.location))
    assert new_page.h1.get_text(strip=True) == f"Your complaint {complaint.reference}"


def test_complaint_option_is_only_for_open_service_requests(client):
    make_feedback(token=TOKEN, kind="compliment")
    assert client.get(f"/track/{TOKEN}/complaint").status_code == 404


def test_higher_packages_can_add_a_section(client):
    make_feedback(token=TOKEN)

    def stage_section(item):
        return Markup('<h2 class="govuk-heading-m" id="stage">Stage 1</h2>')

    events.register_tracking_section(stage_section)
    try:
        soup = page(client.get(f"/track/{TOKEN}"))
    finally:
        events.TRACKING_SECTIONS.remove(stage_section)
    assert soup.select_one("#stage").get_text() == "Stage 1"


def test_tracking_is_rate_limited(limited_client):
    make_feedback(token=TOKEN)
    codes = [limited_client.get("/track/" + "z" * 43).status_code for _ in range(3)]
    codes.append(limited_client.get(f"/track/{TOKEN}").status_code)
    assert codes == [404, 404, 404, 429]
