"""The procedure's rules: each one refuses with a message naming the rule, and each change is audited."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text

from complaints import services
from complaints.models import Complaint, ComplaintLetter, Restriction
from complaints.services import SAME_HANDLER, ComplaintRuleError, StaleCaseError
from core.audit import history_for
from core.events import (
    complaint_closed,
    feedback_recorded,
    feedback_withdrawn,
)
from core.extensions import db
from core.models import OutboxMessage, Resident, Role
from feedback.models import FeedbackItem
from tests.complaints.conftest import ACKNOWLEDGED, RECEIVED, acknowledge, respond, send
from tests.helpers import make_complaint, make_service_area, make_staff


def refused(message_part: str):
    return pytest.raises(ComplaintRuleError, match=message_part)


# --- Opening ---------------------------------------------------------------------------------------------


def test_the_regime_follows_the_service_area_and_the_acknowledgement_clock_starts_on_receipt():
    housing = make_complaint(service_area=make_service_area(regime="ho"), received_on=RECEIVED)
    waste = make_complaint(service_area=make_service_area(regime="lgsco"), received_on=RECEIVED)
    assert (housing.regime, waste.regime) == ("ho", "lgsco")
    assert housing.stage == 1 and housing.state == "received" and housing.is_open
    assert housing.due_on == date(2026, 3, 9)
    assert housing.clocks[0].rule == "ho-stage1-ack"
    assert history_for(housing)[0].action == "complaint.opened"


def test_opening_twice_returns_the_same_case_and_only_complaints_open():
    complaint = make_complaint()
    assert services.open_complaint(complaint.feedback) is complaint
    item = FeedbackItem(reference="COM-1", kind="comment", channel="email", received_on=RECEIVED, description="x")
    db.session.add(item)
    db.session.commit()
    with refused(r"Complaint Handling Code 1\.2"):
        services.open_complaint(item)


def test_recording_a_complaint_opens_it_and_withdrawing_the_item_withdraws_it(app):
    item = FeedbackItem(reference="CMP-SIG-1", kind="complaint", channel="email", received_on=RECEIVED,
                        description="The bins were missed")
    db.session.add(item)
    # Sent inside the recording's transaction: the case is written by the same commit as the item.
    feedback_recorded.send(item, by=None)
    db.session.commit()
    complaint = db.session.scalar(select(Complaint).where(Complaint.feedback_id == item.id))
    assert complaint.stage == 1 and complaint.clocks[0].due_on is not None
    feedback_withdrawn.send(item)
    assert complaint.state == "withdrawn" and not complaint.is_open


def test_a_restriction_never_blocks_recording_a_new_complaint(case, people):
    acknowledge(case, people["first"])
    letter = services.prepare_restriction(
        case, reason="Abusive calls", restrictions="Writing only", service_area_id=None,
        channels_open=["Reporting repairs"], review_on=None, by=people["officer"], on=ACKNOWLEDGED)
    send(letter, people["officer"], ACKNOWLEDGED)
    assert db.session.scalar(select(Restriction)).active
    again = make_complaint(resident=case.feedback.resident, received_on=date(2026, 3, 5))
    assert again.state == "received" and again.feedback.resident_id == case.feedback.resident_id


# --- Handlers --------------------------------------------------------------------------------------------


def test_only_a_complaints_officer_assigns_handlers(case, people):
    with refused(r"Only a complaints officer .*Complaint Handling Code 4\.1"):
        services.assign_handler(case, 1, people["second"], by=people["first"])
    services.assign_handler(case, 1, people["second"], by=people["officer"])
    assert case.handler_id == people["second"].id


def test_stage_2_handler_must_differ_from_stage_1(stage2, people):
    with refused(r"^The stage 2 response must be written by someone other than the stage 1 handler "
                 r"\(Complaint Handling Code 6\.13\)$"):
        services.assign_handler(stage2, 2, people["first"], by=people["officer"])
    services.assign_handler(stage2, 2, people["second"], by=people["officer"])
    assert stage2.handler_id == people["second"].id
    with refused("6.13"):  # nor can stage 1 be handed to the stage 2 handler afterwards
        services.assign_handler(stage2, 1, people["second"], by=people["officer"])


def test_a_stage_2_handler_waits_for_the_escalation(case, people):
    with refused("once the resident asks for a stage 2 review"):
        services.assign_handler(case, 2, people["second"], by=people["officer"])


def test_viewers_cannot_be_handlers(case, people):
    with refused("Choose an active case handler"):
        services.assign_handler(case, 1, make_staff(role=Role.VIEWER), by=people["officer"])


# --- Acknowledging and defining -------------------------------------------------------------------------


def test_acknowledging_defines_the_points_and_starts_the_response_clock(case, people):
    acknowledge(case, people["first"])
    assert case.state == "acknowledged"
    assert [p.summary for p in case.points_for(1)] == ["The repair was late", "Nobody called back"]
    assert case.clock(1, "acknowledge").done_on == ACKNOWLEDGED and case.clock(1, "acknowledge").met
    # Code 6.3: 10 working days from the acknowledgement, not from receipt.
    assert case.due_on == date(2026, 3, 18)
    assert case.feedback.status == "acknowledged"


def test_acknowledging_needs_points_and_a_handler(people):
    complaint = make_complaint(received_on=RECEIVED)
    with refused("Assign a stage 1 handler"):
        services.prepare_acknowledgement(complaint, ["x"], by=people["officer"], on=ACKNOWLEDGED)
    services.assign_handler(complaint, 1, people["first"], by=people["officer"])
    with refused(r"Define the complaint.*Complaint Handling Code 6\.2"):
        services.prepare_acknowledgement(complaint, ["  ", ""], by=people["first"], on=ACKNOWLEDGED)


def test_nothing_is_recorded_until_the_letter_is_sent(case, people):
    services.prepare_acknowledgement(case, ["A point"], by=people["first"], on=ACKNOWLEDGED)
    assert case.state == "received" and db.session.scalar(select(OutboxMessage)) is None


def test_redefining_keeps_findings_of_kept_points(case, people):
    acknowledge(case, people["first"])
    first, second = case.points_for(1)
    services.save_findings(case, {first.id: ("upheld", "a"), second.id: ("not_upheld", "b")}, by=people["first"])
    services.redefine_points(case, ["The repair was late", ], by=people["first"])
    response = case.response_for(1)
    assert [f.point_id for f in response.findings] == [first.id]
    with refused("Define the complaint"):
        services.redefine_points(case, [], by=people["first"])


# --- Extensions and pauses ------------------------------------------------------------------------------


def _extend(case, by, days, reason="Waiting for the contractor", good_reason=None, on=date(2026, 3, 10)):
    send(services.prepare_extension(case, days=days, reason=reason, good_reason=good_reason, by=by, on=on), by, on)


def test_extension_within_the_cap(case, people):
    acknowledge(case, people["first"])
    _extend(case, people["first"], 10)
    assert case.due_on == date(2026, 4, 1)
    extension = case.clock(1, "respond").extensions[0]
    assert (extension.previous_due_on, extension.new_due_on, extension.approved_by_id) == \
        (date(2026, 3, 18), date(2026, 4, 1), None)


def test_extension_beyond_the_cap_needs_a_good_reason_and_an_officer(case, people):
    acknowledge(case, people["first"])
    _extend(case, people["first"], 6)
    cap_message = (r"An extension of more than 10 working days at stage 1 needs a good reason recorded and a "
                   r"complaints officer's approval \(Complaint Handling Code 6\.4\)")
    with refused(cap_message):
        _extend(case, people["first"], 5, good_reason="Specialist survey")
    with refused(cap_message):
        _extend(case, people["officer"], 5)
    _extend(case, people["officer"], 5, good_reason="Specialist survey")
    approved = case.clock(1, "respond").extensions[1]
    assert approved.approved_by_id == people["officer"].id and approved.good_reason == "Specialist survey"
    assert case.clock(1, "respond").extended_days == 11


def test_stage_2_cap_is_20_working_days(stage2, people):
    services.assign_handler(stage2, 2, people["second"], by=people["officer"])
    acknowledge(stage2, people["second"], on=date(2026, 3, 18))
    _extend(stage2, people["second"], 20, on=date(2026, 3, 20))
    with refused("more than 20 working days at stage 2"):
        _extend(stage2, people["second"], 1, on=date(2026, 3, 20))


def test_extension_needs_a_reason_and_must_come_before_the_deadline(case, people):
    with refused(r"once the complaint has been acknowledged.*6\.4"):
        _extend(case, people["first"], 5)
    acknowledge(case, people["first"])
    with refused(r"Enter the reason.*6\.4"):
        _extend(case, people["first"], 5, reason=" ")
    with refused(r"on or before the current deadline of Wednesday 18 March 2026 \(Complaint Handling Code 6\.4 "
                 r"and 6\.5\)"):
        _extend(case, people["first"], 5, on=date(2026, 3, 19))


def test_pause_needs_a_reason_and_stops_the_clock_until_restarted(case, people):
    acknowledge(case, people["first"])
    with refused("a pause needs a recorded reason"):
        services.pause_clock(case, reason="", by=people["first"], on=date(2026, 3, 5))
    services.pause_clock(case, reason="Resident asked us to wait", by=people["first"], on=date(2026, 3, 5))
    assert case.due_on is None and case.is_open
    with refused("already paused"):
        services.pause_clock(case, reason="again", by=people["first"], on=date(2026, 3, 6))
    with refused("Restart the paused clock"):
        _extend(case, people["first"], 2)
    services.restart_clock(case, by=people["first"], on=date(2026, 3, 9))
    # 5 to 9 March did not count: 3 working days later than 18 March.
    assert case.due_on == date(2026, 3, 23)


# --- Refusals --------------------------------------------------------------------------------------------


def test_refusal_needs_an_exclusion_and_a_reason(case, people):
    with refused(r"Choose which exclusion applies \(Complaint Handling Code 2\.2\)"):
        services.prepare_refusal(case, exclusion="", reason="x", by=people["first"], on=ACKNOWLEDGED)
    with refused(r"Explain why the complaint is refused.*Complaint Handling Code 2\.1"):
        services.prepare_refusal(case, exclusion="legal_proceedings", reason="", by=people["first"], on=ACKNOWLEDGED)


def test_a_recent_matter_cannot_be_refused_as_too_old(people):
    complaint = make_complaint(handler=people["first"], received_on=RECEIVED, happened_on=date(2025, 6, 1))
    with refused(r"less than 12 months before .*Complaint Handling Code 2\.3"):
        services.prepare_refusal(complaint, exclusion="over_12_months", reason="Old", by=people["first"],
                                 on=ACKNOWLEDGED)
    complaint.feedback.happened_on = date(2025, 3, 1)
    db.session.commit()
    send(services.prepare_refusal(complaint, exclusion="over_12_months", reason="It happened in 2024.",
                                  by=people["first"], on=ACKNOWLEDGED), people["first"], ACKNOWLEDGED)
    assert complaint.state == "refused" and not complaint.is_open and complaint.refusal_exclusion == "over_12_months"


# --- Responses, stages and closing -------------------------------------------------------------------------


def test_a_response_answers_every_point(case, people):
    acknowledge(case, people["first"])
    first = case.points_for(1)[0]
    with refused(r"Give a decision and reasons for every point of the complaint \(Complaint Handling Code 6\.7\)"):
        services.save_findings(case, {first.id: ("upheld", "Late")}, by=people["first"])
    with refused("6.7"):
        services.prepare_response(case, by=people["first"], on=date(2026, 3, 12))


def test_stage_1_response_then_resident_escalates_without_a_reason(case, people):
    acknowledge(case, people["first"])
    respond(case, people["first"], date(2026, 3, 12), outcome="partly_upheld")
    assert case.state == "responded" and not case.is_open and case.response_for(1).outcome == "partly_upheld"
    assert case.clock(1, "respond").met
    services.escalate(case, on=date(2026, 3, 16), via="resident")
    assert (case.stage, case.state, case.due_on) == (2, "received", date(2026, 3, 23))
    assert case.handler_id is None and case.escalated_via == "resident"


def test_there_are_exactly_two_stages(stage2):
    with refused(r"exactly two stages.*Complaint Handling Code 5\.2"):
        services.escalate(stage2, on=date(2026, 3, 17), via="staff")
    with pytest.raises(Exception, match="complaint_two_stages|CHECK constraint"):
        db.session.execute(text("UPDATE complaint SET stage = 0 WHERE id = :id"), {"id": stage2.id})
        db.session.commit()
    db.session.rollback()


def test_escalation_waits_for_the_stage_1_response(case):
    with refused("once the stage 1 response has been sent"):
        services.escalate(case, on=date(2026, 3, 5), via="resident")


def test_stage_2_response_by_the_stage_1_handler_is_refused(stage2, people):
    officer = people["officer"]
    services.assign_handler(stage2, 2, people["second"], by=officer)
    acknowledge(stage2, people["second"], on=date(2026, 3, 18))
    points = stage2.points_for(2)
    with refused(re.escape(SAME_HANDLER)):
        services.save_findings(stage2, {p.id: ("upheld", "x") for p in points}, by=people["first"])
    services.save_findings(stage2, {p.id: ("upheld", "x") for p in points}, by=people["second"])
    with refused("6.13"):
        services.prepare_response(stage2, by=people["first"], on=date(2026, 3, 25))


def test_final_response_closes_the_case_and_announces_it(stage2, people):
    services.assign_handler(stage2, 2, people["second"], by=people["officer"])
    acknowledge(stage2, people["second"], on=date(2026, 3, 18))
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender, kwargs))

    complaint_closed.connect(listener)
    try:
        respond(stage2, people["second"], date(2026, 4, 1), outcome="not_upheld")
    finally:
        complaint_closed.disconnect(listener)
    assert stage2.state == "closed" and stage2.closed_on == date(2026, 4, 1)
    assert heard == [(stage2, {"feedback": stage2.feedback, "regime": "lgsco", "stage": 2})]
    assert stage2.feedback.status == "closed"


# --- Remedies, referrals and learning -------------------------------------------------------------------------


def test_remedies_say_who_does_what_by_when(case, people):
    acknowledge(case, people["first"])
    by = people["first"]
    with refused(r"Say who will do it and by when \(Complaint Handling Code 7"):
        services.add_remedy(case, kind="action", description="Fix the door", responsible="", due_on=None, by=by)
    with refused("Enter the amount of the financial remedy"):
        services.add_remedy(case, kind="financial", description="Pay", responsible="Finance",
                            due_on=date(2026, 3, 30), by=by)
    remedy = services.add_remedy(case, kind="financial", description="Time and trouble", responsible="Finance",
                                 due_on=date(2026, 3, 30), amount=Decimal("75.50"), by=by)
    assert remedy.response_id == case.response_for(1).id and remedy.amount == Decimal("75.50")
    respond(case, by, date(2026, 3, 12))
    # Code 6.6: the response goes when the answer is known; the action is tracked to completion afterwards.
    assert remedy.completed_on is None
    services.complete_remedy(remedy, note="Paid", by=by, on=date(2026, 3, 20))
    assert remedy.completed_on == date(2026, 3, 20)
    with refused("already marked as done"):
        services.complete_remedy(remedy, note=None, by=by, on=date(2026, 3, 21))


def test_ombudsman_referral_with_ordered_remedies(stage2, people):
    officer = people["officer"]
    referral = services.add_referral(stage2, ombudsman="lgsco", reference="25 012 345", kind="investigation",
                                     received_on=date(2026, 3, 20), by=officer, on=date(2026, 3, 20))
    assert referral.remedies_complete is None and referral.decision_label == "Waiting for a decision"
    services.decide_referral(referral, decision="upheld", decided_on=date(2026, 3, 25), notes=None, by=officer,
                             on=date(2026, 3, 26))
    ordered = services.add_remedy(stage2, kind="apology", description="Apologise", responsible="Director",
                                  due_on=date(2026, 4, 1), referral=referral, by=officer)
    assert referral.remedies_complete is False
    services.complete_remedy(ordered, note=None, by=officer, on=date(2026, 3, 30))
    assert referral.remedies_complete is True
    with refused("not in the future"):
        services.decide_referral(referral, decision="upheld", decided_on=date(2026, 4, 30), notes=None, by=officer,
                                 on=date(2026, 3, 26), version=referral.version_id)


def test_learning_only_from_upheld_complaints_and_done_needs_what_changed(case, people, db):
    from tests.helpers import make_charter

    commitment = make_charter().commitments[0]
    case.feedback.commitments.append(commitment)
    db.session.commit()
    acknowledge(case, people["first"])
    with refused(r"upheld or partly upheld \(Complaint Handling Code 9\.1\)"):
        services.add_learning_action(case, description="Text reminders", owner="Repairs", due_on=date(2026, 5, 1),
                                     commitment_ids=[], by=people["first"])
    respond(case, people["first"], date(2026, 3, 12), outcome="upheld")
    action = services.add_learning_action(case, description="Text reminders", owner="Repairs",
                                          due_on=date(2026, 5, 1), commitment_ids=[commitment.id],
                                          by=people["first"])
    with refused('Say what changed: residents read it in "You said, we did"'):
        services.update_learning_action(action, status="done", what_we_changed="", by=people["first"],
                                        on=date(2026, 4, 20))
    services.update_learning_action(action, status="done", what_we_changed="Texts go out the day before",
                                    by=people["first"], on=date(2026, 4, 20))
    from complaints.queries import you_said_we_did

    rows = you_said_we_did(date(2026, 4, 1), date(2027, 3, 31))
    assert rows == [action] and rows[0].commitments == [commitment]
    assert you_said_we_did(date(2025, 4, 1), date(2026, 3, 31)) == []


# --- Letters, locking and the audit trail -------------------------------------------------------------------------


def test_what_was_sent_is_kept_verbatim_and_queued(case, people):
    letter = services.prepare_acknowledgement(case, ["The repair was late"], by=people["first"], on=ACKNOWLEDGED)
    edited = letter.body.replace("Yours sincerely", "With best wishes")
    services.send_letter(letter, subject="Your complaint", body=edited, by=people["first"], on=ACKNOWLEDGED)
    message = db.session.get(OutboxMessage, letter.outbox_message_id)
    assert letter.status == "sent" and letter.body == message.body == edited.strip() + "\n"
    assert "With best wishes" in message.body and message.subject == "Your complaint"
    assert message.channel == "email" and message.to_address == case.feedback.resident.email
    with refused("already been sent"):
        services.send_letter(letter, subject="x", body=edited, by=people["first"], on=ACKNOWLEDGED)


def test_an_edited_letter_must_keep_what_the_code_requires(case, people):
    acknowledge(case, people["first"])
    on = date(2026, 3, 10)
    letter = services.prepare_extension(case, days=5, reason="Waiting for a survey", by=people["first"], on=on)
    stripped = letter.body.replace("0300 061 0614", "")
    with refused(r"must still include the Ombudsman's phone number \(Complaint Handling Code 6\.4 and 6\.5\)"):
        services.send_letter(letter, subject=letter.subject, body=stripped, by=people["first"], on=on)
    assert case.clock(1, "respond").extensions == []


def test_large_print_letters_go_by_post_in_large_print(people):
    resident = Resident(name="Ida Print", email="ida@example.com", address="1 Lane", postcode="AB1 2CD",
                        reply_by="email", adjustments=["large_print"])
    complaint = make_complaint(handler=people["first"], resident=resident, received_on=RECEIVED)
    acknowledge(complaint, people["first"])
    letter = db.session.scalar(select(ComplaintLetter))
    message = db.session.get(OutboxMessage, letter.outbox_message_id)
    assert (message.channel, message.format, message.status) == ("letter", "large_print", "to_print")
    assert message.to_address == "Ida Print\n1 Lane\nAB1 2CD"


def test_a_stale_version_is_refused_not_overwritten(case, people):
    seen = case.version_id
    services.assign_handler(case, 1, people["second"], by=people["officer"], version=seen)
    with pytest.raises(StaleCaseError, match="Someone else changed this case"):
        services.assign_handler(case, 1, people["first"], by=people["officer"], version=seen)
    assert case.handler_id == people["second"].id


def test_a_concurrent_write_is_refused_at_commit(case, people):
    # Another officer's transaction commits first: the database row's version moves on under us.
    db.session.execute(text("UPDATE complaint SET version_id = version_id + 1 WHERE id = :id"), {"id": case.id})
    with pytest.raises(StaleCaseError, match="Someone else changed this case"):
        services.assign_handler(case, 1, people["second"], by=people["officer"])
    db.session.expire_all()
    assert db.session.get(Complaint, case.id).handler_id == people["first"].id


def test_every_change_is_an_audit_event(case, people):
    acknowledge(case, people["first"])
    services.pause_clock(case, reason="Waiting", by=people["first"], on=date(2026, 3, 5))
    services.restart_clock(case, by=people["first"], on=date(2026, 3, 6))
    actions = [event.action for event in history_for(case)]
    assert actions[:3] == ["complaint.restarted", "complaint.paused", "complaint.acknowledgement_sent"]
    assert history_for(case)[0].actor_id == people["first"].id
    assert history_for(case)[1].summary == "Clock paused: Waiting"
