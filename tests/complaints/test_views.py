"""Complaints pages: who may do what, the dashboard's filters, sorting, counts and CSV, and each step's page."""

import csv
import hashlib
import io
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import request

from complaints import services
from complaints.models import Complaint, ComplaintLetter, Restriction
from complaints.views import page_numbers, tracking_section
from core.extensions import db
from core.models import OutboxMessage, Resident, Role
from core.timesource import set_today
from tests.complaints.conftest import acknowledge, respond, send
from tests.helpers import make_charter, make_complaint, make_service_area, make_staff, page

TODAY = date(2026, 3, 18)


@pytest.fixture(autouse=True)
def fixed_today():
    set_today(TODAY)


def _redirected(response) -> bool:
    """The POST succeeded and the browser went on to the next page (where its banner is shown once)."""
    return response.status_code == 200 and len(response.history) == 1 and response.history[0].status_code == 302


def _case_with(handler, **overrides) -> Complaint:
    return make_complaint(handler=handler, received_on=overrides.pop("received_on", date(2026, 3, 16)), **overrides)


# --- Who may do what ---------------------------------------------------------------------------------------


def test_any_staff_can_read_but_not_change(client, login_as):
    login_as(Role.VIEWER)
    complaint = _case_with(make_staff())
    page(client.get("/complaints/"))
    page(client.get(f"/complaints/{complaint.id}"))
    assert client.get(f"/complaints/{complaint.id}/acknowledge").status_code == 403
    assert client.post(f"/complaints/{complaint.id}/acknowledge", data={"points": "x"}).status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    complaint = _case_with(make_staff())
    response = client.get(f"/complaints/{complaint.id}")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_a_handler_changes_only_their_own_cases(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    mine, theirs = _case_with(me), _case_with(make_staff())
    page(client.get(f"/complaints/{mine.id}/acknowledge"))
    assert client.get(f"/complaints/{theirs.id}/acknowledge").status_code == 403
    assert client.get(f"/complaints/{mine.id}/assign/1").status_code == 403
    assert client.get(f"/complaints/{mine.id}/restrict").status_code == 403


def test_the_officer_assigns_and_reassigns_handlers(client, login_as):
    login_as(Role.COMPLAINTS_OFFICER)
    first, second = make_staff(name="Fay First"), make_staff(name="Sam Second")
    complaint = _case_with(first)
    soup = page(client.get(f"/complaints/{complaint.id}/assign/1"))
    assert soup.select_one("#handler option[selected]").text.startswith("Fay First")
    response = client.post(f"/complaints/{complaint.id}/assign/1",
                           data={"handler": str(second.id), "version": complaint.version_id})
    assert response.status_code == 302
    assert "Sam Second is the stage 1 handler" in client.get(response.location).get_data(as_text=True)
    assert complaint.handler_id == second.id


def test_same_handler_at_stage_2_is_refused_on_the_page(client, login_as):
    officer = login_as(Role.COMPLAINTS_OFFICER)
    first = make_staff()
    complaint = _case_with(first)
    acknowledge(complaint, first, on=TODAY)
    respond(complaint, first, TODAY)
    services.escalate(complaint, on=TODAY, via="resident", by=officer)
    soup = page(client.post(f"/complaints/{complaint.id}/assign/2",
                            data={"handler": str(first.id), "version": complaint.version_id}))
    assert soup.select_one(".govuk-error-summary").get_text(" ", strip=True).count(
        "The stage 2 response must be written by someone other than the stage 1 handler "
        "(Complaint Handling Code 6.13)") == 1
    assert soup.title.text.startswith("Error: ")


def test_a_stale_form_is_refused_with_a_clear_message(client, login_as):
    login_as(Role.COMPLAINTS_OFFICER)
    first, second, third = make_staff(), make_staff(), make_staff()
    complaint = _case_with(first)
    seen = complaint.version_id
    assert _redirected(client.post(f"/complaints/{complaint.id}/assign/1",
                       data={"handler": str(second.id), "version": seen}, follow_redirects=True))
    soup = page(client.post(f"/complaints/{complaint.id}/assign/1", data={"handler": str(third.id), "version": seen}))
    assert "Someone else changed this case while you were working on it" in soup.select_one(
        ".govuk-error-summary").text
    assert complaint.handler_id == second.id


# --- The steps, through the pages ------------------------------------------------------------------------------


def test_acknowledge_edit_the_letter_and_send_it(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    response = client.post(f"/complaints/{complaint.id}/acknowledge",
                           data={"points": "The repair was late\n- Nobody called back\n\n", "version":
                                 complaint.version_id})
    letter = db.session.scalar(db.select(ComplaintLetter))
    assert response.location.endswith(f"/complaints/{complaint.id}/letters/{letter.id}")
    soup = page(client.get(response.location))
    assert "1. The repair was late" in soup.select_one("#body").text
    assert complaint.state == "received"  # nothing recorded until the letter is sent
    edited = soup.select_one("#body").text.replace("Yours sincerely", "Kind regards")
    response = client.post(response.location, data={"subject": "Your complaint", "body": edited,
                                                     "version": complaint.version_id})
    assert response.status_code == 302
    assert "Acknowledgement letter emailed" in client.get(response.location).get_data(as_text=True)
    assert complaint.state == "acknowledged"
    message = db.session.scalar(db.select(OutboxMessage))
    assert "Kind regards" in message.body and message.subject == "Your complaint"
    sent = page(client.get(f"/complaints/{complaint.id}/letters/{letter.id}"))
    assert sent.select_one("#body") is None and "Kind regards" in sent.text
    page(client.get(f"/complaints/{complaint.id}/letters/{letter.id}/print"))


def test_a_letter_missing_a_required_part_is_not_sent(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    client.post(f"/complaints/{complaint.id}/acknowledge", data={"points": "The repair was late",
                                                                 "version": complaint.version_id})
    letter = db.session.scalar(db.select(ComplaintLetter))
    body = letter.body.replace("The repair was late", "your repair")
    soup = page(client.post(f"/complaints/{complaint.id}/letters/{letter.id}",
                            data={"subject": letter.subject, "body": body, "version": complaint.version_id}))
    assert "The letter must still include point 1 (Complaint Handling Code 6.2)" in soup.select_one(
        ".govuk-error-summary").text
    assert complaint.state == "received"


def test_extension_over_the_cap_is_refused_for_a_handler(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    acknowledge(complaint, me, on=TODAY)
    soup = page(client.post(f"/complaints/{complaint.id}/extend",
                            data={"days": "11", "reason": "Waiting for a survey", "good_reason": "Specialist",
                                  "version": complaint.version_id}))
    assert ("An extension of more than 10 working days at stage 1 needs a good reason recorded and a complaints "
            "officer's approval (Complaint Handling Code 6.4)") in soup.select_one(".govuk-error-summary").text
    soup = page(client.post(f"/complaints/{complaint.id}/extend", data={"days": "ten", "reason": "",
                                                                        "version": complaint.version_id}))
    errors = soup.select_one(".govuk-error-summary").text
    assert "whole number from 1 to 60" in errors and "Enter why more time is needed" in errors


@pytest.mark.parametrize("days", ["\u00b2", "\u2460"])
def test_extension_days_in_other_digits_are_refused_not_a_crash(client, login_as, days):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    acknowledge(complaint, me, on=TODAY)
    soup = page(client.post(f"/complaints/{complaint.id}/extend", data={"days": days, "reason": "Waiting",
                                                                        "version": complaint.version_id}))
    assert "whole number from 1 to 60" in soup.select_one(".govuk-error-summary").text


def test_dashboard_filters_in_other_digits_are_ignored(client, login_as):
    login_as(Role.COMPLAINTS_OFFICER)
    page(client.get("/complaints/?stage=\u00b2&handler=\u2460&page=\u00b3"))


def test_a_breach_month_past_the_calendar_is_ignored(client, login_as):
    login_as(Role.COMPLAINTS_OFFICER)
    for month in ("9999-12", "0001-01", "2026-13"):
        page(client.get(f"/complaints/?breached={month}"))


def _listed(soup) -> set[str]:
    return {a.get_text(strip=True) for a in soup.select("main tbody tr td:first-child a")}


def test_the_complaints_list_takes_channels_and_ignores_unknown_ones(client, login_as):
    cases = {channel: make_complaint(channel=channel).feedback.reference
             for channel in ("email", "letter", "phone")}
    login_as(Role.COMPLAINTS_OFFICER)
    two = page(client.get("/complaints/?channel=letter&channel=phone"))
    assert _listed(two) == {cases["letter"], cases["phone"]}
    assert sorted(box["value"] for box in two.select("input[name=channel][checked]")) == ["letter", "phone"]
    export = two.select_one("a[href^='/complaints/export.csv']")["href"]
    assert parse_qs(urlsplit(export).query)["channel"] == ["letter", "phone"]
    rows = client.get(export).get_data(as_text=True).splitlines()[1:]
    assert {line.split(",")[0] for line in rows} == {cases["letter"], cases["phone"]}
    assert _listed(page(client.get("/complaints/?channel=nonsense&channel=any"))) == set(cases.values())
    # "My cases" given ?mine= as well (the export's own argument) still shows the page.
    assert _listed(page(client.get("/complaints/mine?channel=email&mine=1"))) == set()


def test_findings_remedies_and_the_response_letter(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    acknowledge(complaint, me, on=TODAY, points=["Late repair"])
    point = complaint.points_for(1)[0]
    soup = page(client.post(f"/complaints/{complaint.id}/findings", data={"version": complaint.version_id}))
    assert "Select a decision on point 1" in soup.select_one(".govuk-error-summary").text
    assert _redirected(client.post(f"/complaints/{complaint.id}/findings", data={
        f"outcome_{point.id}": "upheld", f"reasons_{point.id}": "The job was booked late.",
        "version": complaint.version_id}, follow_redirects=True))
    soup = page(client.post(f"/complaints/{complaint.id}/remedies/new", data={
        "kind": "financial", "description": "Payment", "responsible": "Finance", "due_on": ["27", "3", "2026"],
        "amount": "£12.345", "point": "", "version": complaint.version_id}))
    assert "Enter the amount in pounds" in soup.select_one(".govuk-error-summary").text
    assert _redirected(client.post(f"/complaints/{complaint.id}/remedies/new", data={
        "kind": "financial", "description": "Payment", "responsible": "Finance", "due_on": ["27", "3", "2026"],
        "amount": "£50", "point": str(point.id), "version": complaint.version_id}, follow_redirects=True))
    response = client.post(f"/complaints/{complaint.id}/respond", data={"version": complaint.version_id})
    letter = db.session.scalar(db.select(ComplaintLetter).where(ComplaintLetter.kind == "stage1_response"))
    assert response.location.endswith(f"/letters/{letter.id}")
    assert "Financial remedy: Payment (£50.00)" in letter.body
    assert _redirected(client.post(response.location, data={
        "subject": letter.subject, "body": letter.body, "version": complaint.version_id}, follow_redirects=True))
    assert complaint.state == "responded"
    remedy = complaint.remedies[0]
    page(client.get(f"/complaints/{complaint.id}/remedies/{remedy.id}/done"))
    assert _redirected(client.post(f"/complaints/{complaint.id}/remedies/{remedy.id}/done", data={
        "note": "Paid", "version": complaint.version_id}, follow_redirects=True))
    assert remedy.completed_on == TODAY


def test_every_step_page_renders(client, login_as):
    officer = login_as(Role.COMPLAINTS_OFFICER)
    charter = make_charter()
    complaint = _case_with(officer, commitments=[charter.commitments[0]])
    for path in ("acknowledge", "refuse", "withdraw", "assign/1", "restrict", "referrals/new"):
        page(client.get(f"/complaints/{complaint.id}/{path}"))
    acknowledge(complaint, officer, on=TODAY)
    for path in ("extend", "pause", "points", "findings", "remedies/new"):
        page(client.get(f"/complaints/{complaint.id}/{path}"))
    respond(complaint, officer, TODAY)
    for path in ("escalate", "close", "learning/new"):
        page(client.get(f"/complaints/{complaint.id}/{path}"))
    soup = page(client.get(f"/complaints/{complaint.id}"))
    assert soup.select_one("#deadlines") is not None
    assert "How this date was worked out" in soup.text


def test_pause_and_restart_from_the_case_page(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    acknowledge(complaint, me, on=TODAY)
    soup = page(client.post(f"/complaints/{complaint.id}/pause", data={"reason": "", "version":
                                                                          complaint.version_id}))
    assert "Enter why the clock is paused" in soup.select_one(".govuk-error-summary").text
    assert _redirected(client.post(f"/complaints/{complaint.id}/pause", data={
        "reason": "In hospital", "version": complaint.version_id}, follow_redirects=True))
    soup = page(client.get(f"/complaints/{complaint.id}"))
    assert soup.find("button", string="Restart the clock") is not None
    client.post(f"/complaints/{complaint.id}/restart", data={"version": complaint.version_id})
    assert complaint.due_on is not None


def test_refusal_through_the_pages(client, login_as):
    me = login_as(Role.CASE_HANDLER)
    complaint = _case_with(me)
    soup = page(client.post(f"/complaints/{complaint.id}/refuse", data={"reason": "", "version":
                                                                           complaint.version_id}))
    assert "Select which exclusion applies" in soup.select_one(".govuk-error-summary").text
    response = client.post(f"/complaints/{complaint.id}/refuse", data={
        "exclusion": "already_considered", "reason": "We answered this in 2025.", "version": complaint.version_id})
    letter_page = page(client.get(response.location))
    assert "right to ask the Ombudsman" in letter_page.select_one("#body").text
    assert _redirected(client.post(response.location, data={
        "subject": "Your complaint", "body": letter_page.select_one("#body").text, "version": complaint.version_id},
        follow_redirects=True))
    assert complaint.state == "refused"


def test_commitments_posted_for_a_case_with_none_are_ignored(client, login_as):
    """No commitment, so no boxes on the page: a posted value is ignored rather than an error linked to nothing."""
    me = login_as(Role.COMPLAINTS_OFFICER)
    complaint = _case_with(me)
    soup = page(client.post(f"/complaints/{complaint.id}/learning/new", data={"commitments": "not a number"}))
    assert "Enter what the council will change" in soup.select_one(".govuk-error-summary").text


def test_referral_learning_and_restriction_pages(client, login_as):
    officer = login_as(Role.COMPLAINTS_OFFICER)
    charter = make_charter()
    complaint = _case_with(officer, commitments=[charter.commitments[0]])
    acknowledge(complaint, officer, on=TODAY)
    respond(complaint, officer, TODAY)
    assert _redirected(client.post(f"/complaints/{complaint.id}/referrals/new", data={
        "ombudsman": "lgsco", "reference": "25 000 111", "kind": "enquiry",
        "received_on": ["18", "3", "2026"]}, follow_redirects=True))
    referral = complaint.referrals[0]
    page(client.get(f"/complaints/{complaint.id}/referrals/{referral.id}"))
    assert _redirected(client.post(f"/complaints/{complaint.id}/referrals/{referral.id}", data={
        "decision": "not_upheld", "decided_on": ["18", "3", "2026"], "notes": "",
        "version": referral.version_id}, follow_redirects=True))
    assert referral.decision == "not_upheld"
    assert _redirected(client.post(f"/complaints/{complaint.id}/learning/new", data={
        "description": "Check the booking system", "owner": "Repairs manager", "due_on": ["1", "5", "2026"],
        "commitments": [str(charter.commitments[0].id)]}, follow_redirects=True))
    action = complaint.learning_actions[0]
    assert action.commitments == [charter.commitments[0]]
    page(client.get(f"/complaints/{complaint.id}/learning/{action.id}"))
    page(client.get("/complaints/learning"))
    response = client.post(f"/complaints/{complaint.id}/restrict", data={
        "reason": "Abusive calls", "restrictions": "Writing only", "scope": "all",
        "channels_open": ["Reporting repairs"], "review_on": ["", "", ""], "version": complaint.version_id})
    letter = db.session.scalar(db.select(ComplaintLetter).where(ComplaintLetter.kind == "restriction"))
    assert _redirected(client.post(response.location, data={
        "subject": letter.subject, "body": letter.body, "version": complaint.version_id}, follow_redirects=True))
    restriction = db.session.scalar(db.select(Restriction))
    assert restriction.review_on == date(2026, 9, 18)
    soup = page(client.get("/complaints/restrictions"))
    assert "All council services" in soup.text
    assert [t.get_text() for t in soup.select("tbody .govuk-tag")] == ["On track", "In force"]
    page(client.get(f"/complaints/restrictions/{restriction.id}"))
    page(client.get(f"/complaints/restrictions/{restriction.id}/review"))
    assert _redirected(client.post(f"/complaints/restrictions/{restriction.id}/review", data={
        "decision": "end", "reason": "Behaviour has improved", "next_review_on": ["", "", ""],
        "version": restriction.version_id}, follow_redirects=True))
    assert not restriction.active


def test_restricted_residents_are_flagged_on_their_cases(client, login_as):
    officer = login_as(Role.COMPLAINTS_OFFICER)
    complaint = _case_with(officer)
    services.prepare_restriction(complaint, reason="r", restrictions="s", service_area_id=None,
                                 channels_open=["Reporting repairs"], review_on=None, by=officer, on=TODAY)
    send(db.session.scalar(db.select(ComplaintLetter)), officer, TODAY)
    other = _case_with(officer, resident=complaint.feedback.resident)
    soup = page(client.get(f"/complaints/{other.id}"))
    assert "This resident's contact with the council is restricted" in soup.select_one(".app-restriction-flag").text
    dashboard = page(client.get("/complaints/?state=all"))
    assert len(dashboard.find_all(string="Contact restricted")) == 2


# --- Dashboard ---------------------------------------------------------------------------------------------------


@pytest.fixture
def caseload():
    """Cases due at different times, in both stages and regimes, for two handlers."""
    ann, ben = make_staff(name="Ann"), make_staff(name="Ben")
    housing, waste = make_service_area(regime="ho", name="Housing"), make_service_area(name="Waste")
    commitment = make_charter().commitments[0]
    cases = {
        # received 9 March: acknowledgement was due 16 March, so overdue on 18 March.
        "overdue": _case_with(ann, received_on=date(2026, 3, 9), service_area=housing),
        # received 12 March: due 19 March, within 2 working days.
        "soon": _case_with(ben, received_on=date(2026, 3, 12), service_area=waste, commitments=[commitment]),
        # received 18 March: due 25 March.
        "later": _case_with(ann, received_on=date(2026, 3, 18), service_area=waste),
    }
    closed = _case_with(ben, received_on=date(2026, 2, 2), service_area=housing)
    services.withdraw(closed, reason=None, by=None, on=date(2026, 2, 3))
    return {"ann": ann, "ben": ben, "housing": housing, "waste": waste, "commitment": commitment,
            "closed": closed, **cases}


def _refs(soup) -> list[str]:
    return [a.text for a in soup.select("tbody a.govuk-link")]


@pytest.mark.parametrize(("query", "expected"), [
    ("", ["overdue", "soon", "later"]),
    ("due=overdue", ["overdue"]),
    ("due=due_soon", ["soon"]),
    ("due=on_track", ["later"]),
    ("regime=ho", ["overdue"]),
    ("stage=2", []),
    ("state=withdrawn", ["closed"]),
    ("state=all&sort=received", ["closed", "overdue", "soon", "later"]),
    ("sort=-due", ["later", "soon", "overdue"]),
])
def test_dashboard_filters_and_sorting(client, login_as, caseload, query, expected):
    login_as(Role.VIEWER)
    soup = page(client.get(f"/complaints/?{query}"))
    assert _refs(soup) == [caseload[k].reference for k in expected]


def test_dashboard_filters_by_handler_service_and_commitment(client, login_as, caseload):
    login_as(Role.VIEWER)
    assert _refs(page(client.get(f"/complaints/?handler={caseload['ann'].id}"))) == [
        caseload["overdue"].reference, caseload["later"].reference]
    assert _refs(page(client.get(f"/complaints/?service={caseload['waste'].id}"))) == [
        caseload["soon"].reference, caseload["later"].reference]
    assert _refs(page(client.get(f"/complaints/?commitment={caseload['commitment'].id}"))) == [
        caseload["soon"].reference]


def test_due_tags_and_counts(client, login_as, caseload):
    login_as(Role.VIEWER)
    soup = page(client.get("/complaints/?state=all"))
    tags = [tag.text for tag in soup.select("tbody .govuk-tag")]
    assert tags == ["Overdue", "Due in 1 day", "On track"]
    assert [t["class"][-1] for t in soup.select("tbody .govuk-tag")] == \
        ["govuk-tag--red", "govuk-tag--yellow", "govuk-tag--green"]
    counts = {row.dt.text: row.dd.text for row in soup.select(".app-counts .govuk-summary-list__row")}
    assert counts == {"Stage 1: to acknowledge": "3", "Withdrawn": "1"}


def test_my_cases(client, login_as, caseload):
    me = login_as(Role.CASE_HANDLER)
    mine = _case_with(me)
    soup = page(client.get("/complaints/mine"))
    assert _refs(soup) == [mine.reference]


def test_pagination(client, login_as):
    login_as(Role.VIEWER)
    handler = make_staff()
    for _ in range(27):
        _case_with(handler)
    first = page(client.get("/complaints/"))
    assert len(_refs(first)) == 25 and "27 cases" in first.text
    assert len(_refs(page(client.get("/complaints/?page=2")))) == 2
    assert page_numbers(1, 1) == [1]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]


def test_csv_export_follows_the_filters(client, login_as, caseload):
    login_as(Role.VIEWER)
    caseload["overdue"].feedback.resident.name = "=HYPERLINK(1)"
    caseload["overdue"].feedback.service_area.name = "=cmd|' /C calc'!A0"
    db.session.commit()
    response = client.get("/complaints/export.csv?due=overdue")
    assert response.mimetype == "text/csv"
    assert "attachment; filename=complaints-2026-03-18.csv" == response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Reference", "Code", "Service"]
    assert [r[0] for r in rows[1:]] == [caseload["overdue"].reference]
    assert rows[1][1:] == ["HO", "'=cmd|' /C calc'!A0", "1", "Stage 1: to acknowledge", "Ann", "2026-03-09",
                           "2026-03-16", "Overdue", ""]
    everything = list(csv.reader(io.StringIO(client.get("/complaints/export.csv?state=all").get_data(as_text=True))))
    assert len(everything) == 5


# --- The resident's request for stage 2 ------------------------------------------------------------------------


def _tracked(handler, token="secret-token-123") -> Complaint:
    resident = Resident(name="Tess Track", email="tess@example.com", reply_by="email")
    complaint = _case_with(handler, resident=resident,
                           tracking_token_hash=hashlib.sha256(token.encode()).hexdigest())
    return complaint


def test_resident_asks_for_stage_2_without_a_reason(client):
    handler = make_staff()
    complaint = _tracked(handler)
    soup = page(client.get("/complaints/track/secret-token-123/escalate"))
    assert "once we have sent you our stage 1 response" in soup.text
    assert client.post("/complaints/track/secret-token-123/escalate", data={}).status_code == 200
    assert complaint.stage == 1
    acknowledge(complaint, handler, on=TODAY)
    respond(complaint, handler, TODAY)
    soup = page(client.get("/complaints/track/secret-token-123/escalate"))
    assert [b.get_text(strip=True) for b in soup.select("main button")] == ["Ask for a review (stage 2)"]
    assert "You do not have to tell us why" in soup.text
    soup = page(client.post("/complaints/track/secret-token-123/escalate", data={"note": ""}))
    assert soup.h1.text.strip() == "You have asked for a review"
    assert (complaint.stage, complaint.state, complaint.escalated_via) == (2, "received", "resident")
    soup = page(client.get("/complaints/track/secret-token-123/escalate"))
    assert "You have already asked for a review" in soup.text


def test_unknown_tokens_are_not_found(client):
    assert client.get("/complaints/track/nope/escalate").status_code == 404


def test_tracking_section_shows_stage_dates_and_the_button(app):
    handler = make_staff()
    complaint = _tracked(handler, token="tok-abc")
    acknowledge(complaint, handler, on=TODAY)
    with app.test_request_context("/track/tok-abc"):
        request.view_args = {"token": "tok-abc"}
        html = str(tracking_section(complaint.feedback))
    assert "Stage 1: we are looking into your complaint" in html
    assert "We will send our response by" in html and "Ask for a review" not in html
    respond(complaint, handler, TODAY)
    with app.test_request_context("/track/tok-abc"):
        request.view_args = {"token": "tok-abc"}
        html = str(tracking_section(complaint.feedback))
    assert 'action="/complaints/track/tok-abc/escalate"' in html and "Ask for a review (stage 2)" in html
    with app.test_request_context("/elsewhere"):
        request.view_args = {}
        assert "reply to our response or contact us" in str(tracking_section(complaint.feedback))


def test_tracking_section_is_empty_for_other_feedback(app):
    from feedback.models import FeedbackItem

    item = FeedbackItem(reference="CPL-1", kind="compliment", channel="email", received_on=TODAY, description="x")
    db.session.add(item)
    db.session.commit()
    with app.test_request_context("/"):
        assert tracking_section(item) is None


def test_feedback_changed_into_a_complaint_is_put_into_the_procedure(client, login_as):
    from feedback.models import FeedbackItem

    login_as(Role.CASE_HANDLER)
    item = FeedbackItem(reference="SR-2026-00001", kind="complaint", channel="phone", received_on=TODAY,
                        description="Reclassified from a service request")
    db.session.add(item)
    db.session.commit()
    soup = page(client.get("/complaints/not-yet-opened"))
    assert "SR-2026-00001" in soup.select_one("tbody").text
    response = client.post(f"/complaints/open/{item.id}", follow_redirects=True)
    assert _redirected(response)
    complaint = db.session.scalar(db.select(Complaint).where(Complaint.feedback_id == item.id))
    assert complaint.stage == 1 and complaint.due_on == date(2026, 3, 25)
    assert "Every complaint is in the procedure" in page(client.get("/complaints/not-yet-opened")).text


HUGE = "9" * 20


@pytest.mark.parametrize("parameter", ["page", "service", "handler", "commitment", "stage"])
def test_dashboard_ignores_numbers_too_big_for_the_database(client, login_as, parameter):
    me = login_as(Role.COMPLAINTS_OFFICER)
    _case_with(me)
    page(client.get(f"/complaints/?{parameter}={HUGE}"))
    page(client.get(f"/complaints/mine?{parameter}={2**31}"))
    assert client.get(f"/complaints/export.csv?{parameter}={HUGE}").status_code == 200


@pytest.mark.parametrize("query", ["_anchor=x", "endpoint=x", "_external=1", "_scheme=ftp", "values=x"])
def test_query_words_that_are_not_filters_are_left_out_of_the_page_links(client, login_as, query):
    me = login_as(Role.COMPLAINTS_OFFICER)
    _case_with(me)
    for path in ("/complaints/", "/complaints/mine"):
        soup = page(client.get(f"{path}?{query}&stage=1"))
        [export] = soup.select("a[href^='/complaints/export.csv']")
        assert query not in export["href"] and "stage=1" in export["href"]


def test_a_page_past_the_last_shows_the_last(client, login_as):
    login_as(Role.VIEWER)
    complaint = _case_with(make_staff())
    soup = page(client.get("/complaints/?page=7"))
    assert _refs(soup) == [complaint.reference]


@pytest.mark.parametrize("path", [f"/complaints/{HUGE}", f"/complaints/{2**31}", f"/complaints/1/letters/{HUGE}",
                                  f"/surveys/{HUGE}", f"/surveys/{2**31}"])
def test_a_record_number_too_big_for_the_database_is_not_found(client, login_as, path):
    login_as(Role.ADMIN)
    assert client.get(path).status_code == 404


def test_a_residents_second_request_for_stage_2_at_once_says_they_have_asked(client, monkeypatch):
    handler = make_staff()
    complaint = _tracked(handler)
    acknowledge(complaint, handler, on=TODAY)
    respond(complaint, handler, TODAY)
    real_escalate = services.escalate

    def first_click_won(case, **kwargs):  # the other click saved first, so this one's save finds the case changed
        real_escalate(case, **kwargs)
        raise services.StaleCaseError("Someone else changed this case")

    monkeypatch.setattr("complaints.views.resident.services.escalate", first_click_won)
    soup = page(client.post("/complaints/track/secret-token-123/escalate", data={"note": ""}))
    assert "You have already asked for a review" in soup.text
    assert not soup.select(".govuk-error-summary") and "Someone else" not in soup.text
    assert (complaint.stage, complaint.escalated_via) == (2, "resident")


@pytest.mark.parametrize("action", ["respond", "restart"])
def test_a_refused_button_on_the_case_page_says_why_there(client, login_as, action):
    me = login_as(Role.COMPLAINTS_OFFICER)
    complaint = _case_with(me)
    stale = complaint.version_id - 1  # the page was older than the case
    response = client.post(f"/complaints/{complaint.id}/{action}", data={"version": stale}, follow_redirects=True)
    assert response.request.path == f"/complaints/{complaint.id}"
    soup = page(response)
    banner = soup.select_one(".govuk-notification-banner")
    assert "Someone else changed this case while you were working on it" in banner.get_text()
