"""Anonymising complaints: the case keeps its stages, dates, outcomes and learning; the words about the resident go.
Open cases, cases with unfinished business and residents under a restriction are kept."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from complaints import queries, services
from complaints.models import Complaint, ComplaintLetter, Restriction
from core.audit import history_for
from core.extensions import db
from core.models import AuditEvent, OutboxMessage, Role
from core.timesource import set_today
from feedback.retention import REMOVED, anonymise_past_retention, cutoffs
from reviews.cycles import ReviewYear
from reviews.evidence import evidence_for
from reviews.models import Review
from tests.complaints.conftest import ACKNOWLEDGED, acknowledge, respond, send
from tests.helpers import make_charter, make_complaint, page

#: Six years (2,192 days) before this day is 30 May 2026: the March 2026 cases below are past retention.
LATER = date(2032, 6, 1)
TOKEN = "a-complaint-token-for-retention-tests-0123456789"


def run():
    return anonymise_past_retention(cutoffs())


@pytest.fixture
def closed_case(case, people):
    """A complaint about a leak, acknowledged, extended, upheld with a remedy and a learning action, closed after
    stage 1 in March 2026, and tagged to a charter commitment."""
    from core.once import token_hash

    charter = make_charter(effective_from=date(2025, 4, 1))
    item = case.feedback
    item.commitments = list(charter.commitments)
    item.description = "Water is coming through the ceiling at 4 Mill Lane; my son has asthma."
    item.tracking_token_hash = token_hash(TOKEN)
    db.session.commit()
    first = people["first"]
    acknowledge(case, first, points=("The leak at 4 Mill Lane was not fixed", "Nobody called Mrs Example back"))
    send(services.prepare_extension(case, days=5, reason="Waiting for Mrs Example's own surveyor", by=first,
                                    on=date(2026, 3, 5)), first, date(2026, 3, 5))
    services.save_findings(case, {p.id: ("upheld", "Mrs Example reported it three times")
                                  for p in case.points_for(1)}, by=first)
    services.add_remedy(case, kind="financial", description="Pay Mrs Example for the damaged carpet",
                        responsible="Housing finance", due_on=date(2026, 4, 1), amount=Decimal("150.00"), by=first)
    respond(case, first, date(2026, 3, 12), outcome="upheld")
    services.complete_remedy(case.remedies[0], note="Paid to Mrs Example by cheque", by=first, on=date(2026, 3, 13))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    action = services.add_learning_action(case, description="Call back within a day after a leak is reported",
                                          owner="Repairs", due_on=date(2026, 4, 1),
                                          commitment_ids=[charter.commitments[0].id], by=first)
    services.update_learning_action(action, status="done", what_we_changed="Leaks get a call back the same day",
                                    by=first, on=date(2026, 3, 20))
    set_today(LATER)
    return case


def test_a_closed_complaint_past_retention_loses_the_words_and_keeps_the_facts(closed_case, db):
    before = {"stage": closed_case.stage, "state": closed_case.state, "closed_on": closed_case.closed_on,
              "regime": closed_case.regime, "outcome": closed_case.response_for(1).outcome,
              "clocks": [(c.kind, c.started_on, c.due_on, c.done_on) for c in closed_case.clocks],
              "remedy": (closed_case.remedies[0].kind, closed_case.remedies[0].amount,
                         closed_case.remedies[0].completed_on)}
    report = run()
    assert (report.items, report.parts[("complaint", "complaints")], report.residents) == (1, 1, 1)
    db.session.expire_all()
    case = db.session.get(Complaint, closed_case.id)
    assert {"stage": case.stage, "state": case.state, "closed_on": case.closed_on, "regime": case.regime,
            "outcome": case.response_for(1).outcome,
            "clocks": [(c.kind, c.started_on, c.due_on, c.done_on) for c in case.clocks],
            "remedy": (case.remedies[0].kind, case.remedies[0].amount, case.remedies[0].completed_on)} == before
    assert [p.summary for p in case.points] == [REMOVED, REMOVED]
    assert [f.reasons for f in case.response_for(1).findings] == [REMOVED, REMOVED]
    assert [f.outcome for f in case.response_for(1).findings] == ["upheld", "upheld"]
    assert (case.remedies[0].description, case.remedies[0].completion_note) == (REMOVED, REMOVED)
    assert case.remedies[0].responsible == "Housing finance"
    extension = case.clock(1, "respond").extensions[0]
    assert (extension.reason, extension.good_reason, extension.days) == (REMOVED, None, 5)
    letters = db.session.scalars(select(ComplaintLetter).where(ComplaintLetter.complaint_id == case.id)).all()
    assert letters and {(letter.body, letter.to_address) for letter in letters} == {(REMOVED, REMOVED)}
    assert all(letter.payload == {} for letter in letters)
    assert all(letter.subject.endswith(case.reference) for letter in letters)
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.related_type == "complaint")).all()
    assert messages and {(m.to_address, m.body) for m in messages} == {(REMOVED, REMOVED)}
    assert case.feedback.description == REMOVED and case.feedback.resident.name is None
    # Learning is the council's own, for "You said, we did": it stays.
    assert case.learning_actions[0].what_we_changed == "Leaks get a call back the same day"


def test_a_subject_edited_to_name_the_resident_goes_back_to_the_standard_one(case, people, db):
    first = people["first"]
    letter = services.prepare_acknowledgement(case, ["The leak was not fixed"], by=first, on=ACKNOWLEDGED)
    services.send_letter(letter, subject=f"Mrs Example, 4 Mill Lane: {case.reference}", body=letter.body, by=first,
                         on=ACKNOWLEDGED)
    respond(case, first, date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    set_today(LATER)
    assert run().items == 1
    db.session.expire_all()
    letters = db.session.scalars(select(ComplaintLetter).order_by(ComplaintLetter.id)).all()
    assert [item.subject for item in letters] == [f"We have received your complaint: {case.reference}",
                                                  f"Our response to your complaint: {case.reference}"]
    sent = db.session.scalars(select(OutboxMessage.subject).where(OutboxMessage.related_type == "complaint")
                              .order_by(OutboxMessage.id)).all()
    assert sent == [item.subject for item in letters]


def test_the_case_history_says_what_happened_without_the_words(closed_case, db):
    run()
    db.session.expire_all()
    events = history_for(db.session.get(Complaint, closed_case.id))
    assert (events[0].action, events[0].actor_id) == ("complaint.anonymised", None)
    assert events[0].after == {"cleared": "the complaint's points, findings, reasons, notes, remedies' descriptions "
                                          "and letters"}
    remedy_added = next(e for e in events if e.action == "complaint.remedy_added")
    assert remedy_added.summary == f"Remedy (financial remedy, stage 1 response): {REMOVED}"
    assert "Mrs Example" not in str([(e.summary, e.before, e.after) for e in events])
    assert any(e.summary == "Closed after the stage 1 response" for e in events)
    item_event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.anonymised"))
    assert "the complaint's points" in item_event.after["cleared"]


def test_the_figures_and_the_review_are_the_same_after_anonymisation(closed_case, db, client, login_as):
    year = ReviewYear("harrow", date(2025, 4, 1), date(2026, 3, 31))
    review = Review(council_slug="harrow", title=year.title, starts_on=year.starts_on, ends_on=year.ends_on)
    db.session.add(review)
    db.session.commit()

    def figures():
        evidence = evidence_for(year)
        counts = queries.dashboard(queries.parse_filters({"state": "all"}), LATER).counts
        return ([(c.code, c.verdict, [(m.met, m.total) for m in c.measures], c.voice) for c in evidence.commitments],
                counts)

    def review_page():
        pages = [page(client.get(f"/reviews/{review.id}/evidence")),
                 page(client.get(f"/reviews/{review.id}/evidence/T-01"))]
        return [table.get_text(" ", strip=True) for soup in pages for table in soup.select("main table")]

    login_as(Role.POLICY_OFFICER)
    before, shown = figures(), review_page()
    voice = before[0][0][3]
    assert voice.feedback_total == 1 and voice.learning and before[1] == [("Closed after stage 1", 1)]
    run()
    db.session.expire_all()
    assert figures() == before
    assert review_page() == shown


def test_complaints_still_needed_are_kept(case, people, db):
    acknowledge(case, people["first"])  # open at stage 1, however old
    set_today(LATER)
    assert run().items == 0
    assert case.feedback.anonymised_at is None


def test_a_case_closed_within_six_years_is_kept(case, people, db):
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    set_today(date(2032, 3, 13))  # six years, 2,192 days with two leap days, after the closure
    assert cutoffs().finished_before == date(2026, 3, 13)
    assert run().items == 0
    set_today(date(2032, 3, 14))
    assert run().items == 1


def test_a_stage_1_response_counts_as_resolved(case, people, db):
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    assert case.state == "responded" and case.feedback.status == "resolved"
    set_today(LATER)
    assert run().items == 1


def test_an_ombudsman_referral_waiting_for_a_decision_keeps_the_case(closed_case, people, db):
    set_today(date(2026, 3, 25))
    referral = services.add_referral(closed_case, ombudsman="lgsco", reference="25 012 345", kind="investigation",
                                     received_on=date(2026, 3, 25), by=people["officer"], on=date(2026, 3, 25))
    set_today(LATER)
    assert run().items == 0
    set_today(date(2026, 4, 1))
    services.decide_referral(referral, decision="not_upheld", decided_on=date(2026, 4, 1), notes="Mrs Example agreed",
                             by=people["officer"], on=date(2026, 4, 1))
    set_today(LATER)
    assert run().items == 1
    db.session.expire_all()
    assert (referral.notes, referral.decision, referral.reference) == (REMOVED, "not_upheld", "25 012 345")


def test_a_remedy_not_yet_done_keeps_the_case(case, people, db):
    acknowledge(case, people["first"])
    services.save_findings(case, {p.id: ("upheld", "Yes") for p in case.points_for(1)}, by=people["first"])
    remedy = services.add_remedy(case, kind="action", description="Fix the gutter", responsible="Repairs",
                                 due_on=date(2026, 4, 1), by=people["first"])
    respond(case, people["first"], date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    set_today(LATER)
    assert run().items == 0
    services.complete_remedy(remedy, note=None, by=people["first"], on=date(2026, 3, 20))
    # Done today: the case changed, so its six years start again.
    assert run().items == 0
    set_today(date(2038, 6, 3))
    assert run().items == 1


def test_a_learning_action_not_yet_done_keeps_the_case(case, people, db):
    first = people["first"]
    acknowledge(case, first)
    respond(case, first, date(2026, 3, 12), outcome="upheld")
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    action = services.add_learning_action(case, description="Call back within a day", owner="Repairs",
                                          due_on=date(2026, 9, 1), commitment_ids=[], by=first)
    set_today(LATER)
    assert run().items == 0
    services.update_learning_action(action, status="done", what_we_changed="Leaks get a call back the same day",
                                    by=first, on=LATER)
    # Done today: the case changed, so its six years start again.
    assert run().items == 0
    set_today(date(2038, 6, 3))
    assert run().items == 1


def _restrict(case, people):
    acknowledge(case, people["first"])
    letter = services.prepare_restriction(
        case, reason="Mrs Example phoned 40 times a day", restrictions="Writing only to Ms Officer",
        service_area_id=None, channels_open=["Reporting repairs"], review_on=None, by=people["officer"],
        on=ACKNOWLEDGED)
    send(letter, people["officer"], ACKNOWLEDGED)
    respond(case, people["first"], date(2026, 3, 12))
    services.close_after_stage1(case, by=people["officer"], on=date(2026, 3, 13))
    return db.session.scalar(select(Restriction))


def test_a_restriction_in_force_keeps_the_case_and_the_resident(case, people, db):
    restriction = _restrict(case, people)
    set_today(LATER)
    assert run().items == 0
    assert restriction.resident.name is not None


def test_a_resident_under_a_restriction_keeps_their_details_even_with_no_case_kept(people, db, client, login_as):
    from tests.helpers import make_feedback

    compliment = make_feedback(kind="compliment", received_on=date(2026, 3, 2))
    db.session.add(Restriction(resident_id=compliment.resident_id, decided_by_id=people["officer"].id,
                               decided_on=date(2026, 3, 2), reason="Recorded by hand", restrictions="Writing only",
                               channels_open=["Reporting repairs"], review_on=date(2032, 9, 1)))
    db.session.commit()
    set_today(LATER)
    report = run()
    assert (report.items, report.residents, report.residents_kept) == (1, 0, 1)
    assert compliment.resident.name is not None
    login_as(Role.VIEWER)
    text = page(client.get(f"/staff/feedback/{compliment.reference}")).get_text(" ", strip=True)
    assert "or a restriction on contact applies to them" in text


def test_an_ended_restriction_loses_its_reasons_with_the_resident(case, people, db):
    restriction = _restrict(case, people)
    set_today(date(2026, 4, 6))
    services.review_restriction(restriction, decision="end", reason="Mrs Example now writes once a week",
                                next_review_on=None, by=people["officer"], on=date(2026, 4, 6))
    set_today(LATER)
    report = run()
    assert (report.items, report.residents) == (1, 1)
    db.session.expire_all()
    assert (restriction.reason, restriction.restrictions, restriction.end_reason) == (REMOVED, REMOVED, REMOVED)
    assert (restriction.decided_on, restriction.ended_on) == (ACKNOWLEDGED, date(2026, 4, 6))
    trail = db.session.scalars(select(AuditEvent).where(AuditEvent.target_type == "contact_restriction")).all()
    assert "Mrs Example" not in str([(e.summary, e.before, e.after) for e in trail])
    assert any(e.summary == f"Restriction ended: {REMOVED}" for e in trail)


def test_a_resident_with_a_newer_complaint_keeps_their_details(closed_case, db):
    newer = make_complaint(resident=closed_case.feedback.resident, received_on=date(2032, 5, 3))
    report = run()
    assert (report.items, report.residents, report.residents_kept) == (1, 0, 1)
    db.session.expire_all()
    assert newer.feedback.resident.name is not None and closed_case.feedback.anonymised_at is not None


def test_a_dry_run_counts_the_complaints_and_changes_nothing(closed_case, db):
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    report = anonymise_past_retention(cutoffs(), dry_run=True)
    assert (report.items, report.parts[("complaint", "complaints")], report.residents) == (1, 1, 1)
    db.session.expire_all()
    assert closed_case.points[0].summary == "The leak at 4 Mill Lane was not fixed"
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events


def test_the_command_counts_the_complaints(closed_case, runner):
    result = runner.invoke(args=["feedback", "anonymise"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == ("Anonymised 1 feedback item and 1 complaint, removed 0 files and "
                                             "cleared the contact details of 1 resident.")


def test_an_anonymised_complaint_never_in_the_procedure_cannot_be_put_into_it(people, db, client, login_as):
    """A complaint recorded before the procedure existed, resolved, and anonymised: opening a case on it would leave
    an open case that can never be changed."""
    from feedback.models import FeedbackItem
    from tests.helpers import make_feedback

    item = make_feedback(kind="complaint", status="resolved", received_on=date(2019, 6, 3))
    set_today(LATER)
    assert run().items == 1
    login_as(Role.COMPLAINTS_OFFICER)
    assert item.reference not in page(client.get("/complaints/not-yet-opened")).text
    response = client.post(f"/complaints/open/{item.id}")
    assert response.status_code == 302 and response.location.endswith("/complaints/not-yet-opened")
    assert "so it cannot be put into the complaints procedure" in page(client.get(response.location)).text
    assert db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id)) is None
    assert db.session.get(FeedbackItem, item.id).status == "resolved"


# Pages

def test_the_case_page_shows_an_anonymised_case_and_offers_no_changes(closed_case, client, login_as, db):
    run()
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.get(f"/complaints/{closed_case.id}"))
    text = soup.get_text(" ", strip=True)
    assert soup.select_one(".app-anonymised").get_text(" ", strip=True).startswith("Anonymised on 1 June 2032.")
    assert "Details removed on 1 June 2032 under the retention policy" in text
    assert "Closed after stage 1" in text and "Upheld" in text and "£150.00" in text
    assert "Leaks get a call back the same day" in text
    assert "Mrs Example" not in text and "Mill Lane" not in text
    assert not soup.select(".app-actions")
    letter = db.session.scalar(select(ComplaintLetter).where(ComplaintLetter.complaint_id == closed_case.id))
    page(client.get(f"/complaints/{closed_case.id}/letters/{letter.id}"))


@pytest.mark.parametrize("path, data", [
    ("escalate", {"note": "Again", "version": "1"}),
    ("learning/new", {"description": "More", "owner": "Me"}),
    ("referrals/new", {"ombudsman": "lgsco", "reference": "1", "kind": "enquiry"}),
    ("restrict", {"reason": "x"}),
    ("assign/1", {"handler": "1"}),
])
def test_an_anonymised_case_cannot_be_changed(closed_case, client, login_as, db, path, data):
    run()
    login_as(Role.COMPLAINTS_OFFICER)
    state = (closed_case.stage, closed_case.state, len(closed_case.learning_actions), len(closed_case.referrals))
    for response in (client.get(f"/complaints/{closed_case.id}/{path}"),
                     client.post(f"/complaints/{closed_case.id}/{path}", data=data)):
        assert response.status_code == 302 and response.location.endswith(f"/complaints/{closed_case.id}")
    soup = page(client.get(f"/complaints/{closed_case.id}"))
    assert "This complaint was anonymised on 1 June 2032 under the retention policy" in soup.text
    db.session.expire_all()
    case = db.session.get(Complaint, closed_case.id)
    assert (case.stage, case.state, len(case.learning_actions), len(case.referrals)) == state


def test_a_draft_letter_on_an_anonymised_case_is_not_offered_for_sending(closed_case, client, login_as, db):
    draft = ComplaintLetter(complaint_id=closed_case.id, kind="extension", stage=1, status="draft",
                            subject=f"We need more time to respond to your complaint: {closed_case.reference}",
                            body="Dear Mrs Example", channel="email", to_address="someone@example.com")
    db.session.add(draft)
    db.session.commit()
    run()
    login_as(Role.COMPLAINTS_OFFICER)
    soup = page(client.get(f"/complaints/{closed_case.id}/letters/{draft.id}"))
    assert not soup.select("main form textarea") and not soup.select("main form button")
    assert REMOVED in soup.select_one("main").get_text()


def test_the_resident_sees_that_their_complaint_was_removed(closed_case, client):
    run()
    soup = page(client.get(f"/track/{TOKEN}"))
    text = soup.get_text(" ", strip=True)
    assert "We removed the details of your complaint on 1 June 2032" in text
    assert "Stage" not in text and "Ask for a review" not in text
    response = client.post(f"/complaints/track/{TOKEN}/escalate", data={"note": "Please review"})
    assert response.status_code == 302 and response.location.endswith(f"/track/{TOKEN}")
    assert db.session.get(Complaint, closed_case.id).stage == 1


def test_the_dashboard_and_its_export_list_anonymised_cases(closed_case, client, login_as):
    run()
    login_as(Role.VIEWER)
    soup = page(client.get("/complaints/?state=closed"))
    assert closed_case.reference in soup.get_text()
    exported = client.get("/complaints/export.csv?state=all").get_data(as_text=True)
    assert closed_case.reference in exported and "Mill Lane" not in exported
