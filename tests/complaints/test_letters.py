"""Every letter says what the Complaint Handling Codes require, in plain words, as it was sent."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from complaints import services
from complaints.letters import OMBUDSMEN, recipient
from complaints.models import ComplaintLetter
from core.models import Resident
from tests.complaints.conftest import acknowledge, respond, send
from tests.helpers import make_complaint, make_service_area


def _sent(kind: str) -> str:
    from core.extensions import db

    letter = db.session.scalar(select(ComplaintLetter).where(ComplaintLetter.kind == kind,
                                                             ComplaintLetter.status == "sent"))
    return letter.body


def _contact_details(body: str, regime: str) -> None:
    ombudsman = OMBUDSMEN[regime]
    for part in (ombudsman.name, ombudsman.website, ombudsman.phone, ombudsman.post):
        assert part in body, part


def test_acknowledgement_logs_defines_and_dates_the_complaint(case, people):
    acknowledge(case, people["first"])
    body = _sent("acknowledgement")
    assert case.reference in body
    assert "We have logged it at stage 1 of our complaints procedure" in body
    assert "Our procedure has two stages" in body  # Code 5.2
    # HO Code 6.2: acknowledged, defined and logged; the resident can correct the definition.
    assert "1. The repair was late" in body and "2. Nobody called back" in body
    assert "If we have got any of this wrong" in body
    assert "by Wednesday 18 March 2026" in body and "10 working days" in body  # Code 6.3
    assert "large print, Braille or easy read" in body  # reasonable adjustments (Code 5.6)
    assert people["first"].name in body


def test_stage_2_acknowledgement_says_no_reason_was_needed(stage2, people):
    services.assign_handler(stage2, 2, people["second"], by=people["officer"])
    acknowledge(stage2, people["second"], on=date(2026, 3, 18), points=["Whether the repair delay was handled"])
    body = [letter.body for letter in stage2.letters if letter.kind == "acknowledgement"][-1]
    assert "stage 2, the final stage" in body
    assert "You did not need to give us a reason" in body  # Code 6.12
    assert "final response by Friday 17 April 2026" in body and "20 working days" in body


@pytest.mark.parametrize("regime", ["lgsco", "ho"])
def test_extension_gives_reasons_new_date_and_the_ombudsman(people, regime):
    complaint = make_complaint(handler=people["first"], received_on=date(2026, 3, 2),
                               service_area=make_service_area(regime=regime))
    acknowledge(complaint, people["first"])
    on = date(2026, 3, 10)
    send(services.prepare_extension(complaint, days=5, reason="The surveyor is on leave", by=people["first"],
                                    on=on), people["first"], on)
    body = _sent("extension")
    assert "The surveyor is on leave" in body  # Code 6.4: reasons clearly explained
    assert "by Wednesday 18 March 2026" in body and "by Wednesday 25 March 2026" in body
    _contact_details(body, regime)  # Code 6.5


def test_refusal_gives_reasons_and_the_right_to_go_to_the_ombudsman(case, people):
    letter = services.prepare_refusal(case, exclusion="legal_proceedings", reason="You have started a court claim.",
                                      by=people["first"], on=date(2026, 3, 4))
    send(letter, people["first"], date(2026, 3, 4))
    body = _sent("refusal")
    assert "Legal proceedings have started." in body and "You have started a court claim." in body
    assert "You have the right to ask the Ombudsman to look at our decision" in body
    _contact_details(body, "lgsco")


def test_stage_1_response_covers_every_point_remedy_and_how_to_escalate(case, people):
    acknowledge(case, people["first"])
    services.add_remedy(case, kind="financial", description="Payment for the missed visits",
                        responsible="Finance team", due_on=date(2026, 3, 27), amount=Decimal("120"),
                        by=people["first"])
    respond(case, people["first"], date(2026, 3, 12), outcome="partly_upheld")
    body = _sent("stage1_response")
    assert "response to your complaint at stage 1" in body
    assert "1. The repair was late" in body and "2. Nobody called back" in body
    assert body.count("We partly uphold this part of your complaint.") == 2
    assert "We checked the job records." in body
    assert ("Financial remedy: Payment for the missed visits (£120.00). Finance team will do this by Friday "
            "27 March 2026.") in body
    assert "We will keep you updated on the actions that are still to be done" in body  # Code 6.6
    assert "ask us to review your complaint at stage 2" in body and "You do not have to give a reason" in body


@pytest.mark.parametrize(("regime", "limit"), [
    ("ho", "within 12 months of the date of this final response"),
    ("lgsco", "within 12 months of when you first knew about the problem"),
])
def test_final_response_gives_the_ombudsman_and_the_time_limit(people, regime, limit):
    complaint = make_complaint(handler=people["first"], received_on=date(2026, 3, 2),
                               service_area=make_service_area(regime=regime))
    acknowledge(complaint, people["first"])
    respond(complaint, people["first"], date(2026, 3, 12))
    services.escalate(complaint, on=date(2026, 3, 16), via="resident")
    services.assign_handler(complaint, 2, people["second"], by=people["officer"])
    acknowledge(complaint, people["second"], on=date(2026, 3, 18))
    respond(complaint, people["second"], date(2026, 4, 1), outcome="not_upheld")
    body = _sent("stage2_response")
    assert "This is our final response" in body and "This is the end of our complaints procedure" in body
    assert "The officer who handled stage 1 has not been involved" in body  # Code 6.13
    assert "We do not uphold this part of your complaint." in body
    _contact_details(body, regime)
    assert limit in body


def test_restriction_letter_gives_reasons_review_appeal_and_the_ombudsman(case, people):
    acknowledge(case, people["first"])
    letter = services.prepare_restriction(
        case, reason="Repeated abusive phone calls to staff.", restrictions="Contact by letter only.",
        service_area_id=None, channels_open=["Reporting repairs", "Reporting a safeguarding concern or an emergency"],
        review_on=None, by=people["officer"], on=date(2026, 3, 5))
    send(letter, people["officer"], date(2026, 3, 5))
    body = _sent("restriction")
    assert "Repeated abusive phone calls to staff." in body and "Contact by letter only." in body
    assert "- Reporting repairs" in body and "all council services" in body
    assert "We will still record and look into any new complaint you make" in body
    assert "We will review this decision on Saturday 5 September 2026" in body  # default 6 months
    assert "You can appeal against this decision" in body
    _contact_details(body, "lgsco")


def test_restriction_review_period_is_configurable(case, people, app, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_RESTRICTION_REVIEW_MONTHS", 12)
    acknowledge(case, people["first"])
    letter = services.prepare_restriction(case, reason="r", restrictions="s", service_area_id=None,
                                          channels_open=["Reporting repairs"], review_on=None,
                                          by=people["officer"], on=date(2026, 3, 5))
    assert letter.payload["review_on"] == "2027-03-05"


def test_recipient_follows_how_the_resident_asked_to_hear_from_us():
    assert recipient(None)[0] == "letter"
    by_email = Resident(name="A", email="a@example.com", reply_by="email")
    assert recipient(by_email) == ("email", "a@example.com", "standard")
    by_post = Resident(name="B", email="b@example.com", address="2 Road", postcode="X1 1XX", reply_by="letter")
    assert recipient(by_post) == ("letter", "B\n2 Road\nX1 1XX", "standard")
    braille = Resident(name="C", address="3 Road", adjustments=["braille"], reply_by="letter")
    assert recipient(braille) == ("letter", "C\n3 Road", "braille")
