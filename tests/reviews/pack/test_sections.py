"""Each section of the pack against figures counted by hand from a small council's year (April 2025 to March
2026): three complaints in the year and one the year before, with their clocks, responses and remedies."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintExtension,
    ComplaintResponse,
    LearningAction,
    OmbudsmanReferral,
    Remedy,
)
from core.extensions import db
from reviews.cycles import ReviewYear
from reviews.pack.builder import build_pack
from reviews.pack.model import NO_DATA
from tests.helpers import make_feedback
from tests.reviews.conftest import YEAR


def _case(received: date, regime: str, clocks: list[tuple], **fields) -> Complaint:
    item = make_feedback(kind="complaint", received_on=received)
    complaint = Complaint(feedback_id=item.id, regime=regime, **fields)
    db.session.add(complaint)
    db.session.flush()
    for stage, kind, started, due, done in clocks:
        db.session.add(ComplaintClock(complaint_id=complaint.id, stage=stage, kind=kind, rule="test",
                                      started_on=started, due_on=due, done_on=done))
    db.session.flush()
    return complaint


@pytest.fixture
def complaints(charter):
    """A (LGSCO): acknowledged and answered on time at stage 1 (10 working days, upheld), escalated on 1 July,
    acknowledged late at stage 2 and answered on time (20 working days, partly upheld); an apology and £150.
    B (housing): answered at stage 1 after a 10-day extension, on time (15 working days, not upheld).
    C (housing): refused on 3 September, the matter more than 12 months old. D: received the year before."""
    a = _case(date(2025, 6, 2), "lgsco", [
        (1, "acknowledge", date(2025, 6, 2), date(2025, 6, 9), date(2025, 6, 4)),
        (1, "respond", date(2025, 6, 4), date(2025, 6, 18), date(2025, 6, 18)),
        (2, "acknowledge", date(2025, 7, 1), date(2025, 7, 8), date(2025, 7, 10)),
        (2, "respond", date(2025, 7, 10), date(2025, 8, 7), date(2025, 8, 7))],
        stage=2, state="closed", is_open=False, escalated_on=date(2025, 7, 1))
    b = _case(date(2025, 6, 2), "ho", [
        (1, "acknowledge", date(2025, 6, 2), date(2025, 6, 9), date(2025, 6, 9)),
        (1, "respond", date(2025, 6, 9), date(2025, 7, 7), date(2025, 6, 30))], state="responded")
    _case(date(2025, 9, 1), "ho", [(1, "acknowledge", date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 3))],
          state="refused", is_open=False, refused_on=date(2025, 9, 3), refusal_exclusion="over_12_months")
    _case(date(2024, 12, 2), "lgsco", [(1, "acknowledge", date(2024, 12, 2), date(2024, 12, 9), date(2024, 12, 3))])
    extended = db.session.query(ComplaintClock).filter_by(complaint_id=b.id, kind="respond").one()
    db.session.add_all([
        ComplaintExtension(clock_id=extended.id, agreed_on=date(2025, 6, 20), days=10, reason="Site visit",
                           previous_due_on=date(2025, 6, 23), new_due_on=date(2025, 7, 7)),
        ComplaintResponse(complaint_id=a.id, stage=1, outcome="upheld", sent_on=date(2025, 6, 18)),
        ComplaintResponse(complaint_id=a.id, stage=2, outcome="partly_upheld", sent_on=date(2025, 8, 7)),
        ComplaintResponse(complaint_id=b.id, stage=1, outcome="not_upheld", sent_on=date(2025, 6, 30)),
        Remedy(complaint_id=a.id, kind="apology", description="Sorry", responsible="Waste", due_on=date(2025, 8, 8)),
        Remedy(complaint_id=a.id, kind="financial", description="Time and trouble", responsible="Waste",
               due_on=date(2025, 8, 8), amount=Decimal("150.00")),
        OmbudsmanReferral(complaint_id=a.id, ombudsman="lgsco", reference="25 001 234", kind="enquiry",
                          received_on=date(2025, 9, 1), decision="not_upheld", decided_on=date(2025, 12, 1)),
        LearningAction(complaint_id=a.id, description="Crews missed assisted collections", owner="Waste",
                       due_on=date(2025, 9, 1), status="done", what_we_changed="Assisted collections are checked",
                       completed_on=date(2025, 8, 20)),
    ])
    db.session.commit()


def _rows(pack, key):
    return {row[0]: row[1:] for row in pack.table(key).rows}


def test_the_complaints_section_against_hand_counted_figures(app, complaints, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_HOMES", 500)
    pack = build_pack(YEAR)
    stages = _rows(pack, "complaints-by-stage")
    # Received, acknowledged on time of counted, answered on time of counted, extensions.
    assert stages["Stage 1"] == (3, 3, 3, 1.0, 2, 2, 1.0, 1)
    assert stages["Stage 2"] == (1, 0, 1, 0.0, 1, 1, 1.0, 0)
    # Upheld, partly upheld, not upheld; average working days (stage 1: (10 + 15) / 2; stage 2: 20).
    assert _rows(pack, "complaints-outcomes") == {"Stage 1": (1, 0, 1, 12.5), "Stage 2": (0, 1, 0, 20.0)}
    assert _rows(pack, "complaints-refused") == {"The matter arose more than 12 months ago": (1,)}
    assert pack.table("complaints-escalation").rows == ((2, 1, 0.5),)
    assert _rows(pack, "remedies") == {"Apology": (1, None), "Financial remedy": (1, Decimal("150.00"))}
    assert pack.table("ombudsman-enquiries").rows == (("Local Government and Social Care Ombudsman", "Enquiry", 1),)
    assert pack.table("ombudsman-decisions").rows == (("Not upheld: no fault found", 1),)
    # CH01: 2 housing complaints at stage 1 per 500 homes = 4.0 per 1,000; CH02: 1 of 1 answered on time.
    assert pack.table("tenant-satisfaction-measures").rows == (
        ("CH01", "Stage 1 complaints received per 1,000 homes", 2, 500, 4.0),
        ("CH01", "Stage 2 complaints received per 1,000 homes", 0, 500, 0.0),
        ("CH02", "Stage 1 complaints answered within the Code's timescales", 1, 1, 100.0),
        ("CH02", "Stage 2 complaints answered within the Code's timescales", 0, 0, None))


def test_ch01_is_left_out_without_the_number_of_homes(app, complaints):
    pack = build_pack(YEAR)
    assert [row[0] for row in pack.table("tenant-satisfaction-measures").rows] == ["CH02", "CH02"]


def test_learning_and_the_self_assessment_read_the_same_year(app, complaints):
    pack = build_pack(YEAR)
    assert pack.table("you-said-we-did").rows == (
        (None, "Crews missed assisted collections", "Assisted collections are checked", date(2025, 8, 20)),)
    assessment = {row[0]: row[2] for row in pack.table("self-assessment").rows}
    assert assessment["2.2"] == "1 refused: 1 (the matter arose more than 12 months ago)"
    assert assessment["6.2"] == "3 of 3 (100%)"
    assert assessment["6.11"] == "0 of 1 (0%)"
    assert assessment["9.1 to 9.3"] == "1 learning actions completed in the year"
    assert all(row[3] is None for row in pack.table("self-assessment").rows)
    numbers = dict(pack.table("year-in-numbers").rows)
    assert numbers["Complaints received"] == 4 - 1  # D was received the year before
    assert numbers["Complaints taken into the procedure at stage 1"] == 3
    assert numbers["Complaints escalated to stage 2"] == 1


def test_a_year_with_no_data_says_so_in_every_section(app, charter):
    pack = build_pack(ReviewYear("harrow", date(2030, 4, 1), date(2031, 3, 31)))
    for section in pack.sections:
        if section.key not in ("performance", "summary"):
            assert section.text == (NO_DATA,), section.key
    assert pack.section("summary").text == (f"No commitment could be measured this year. {NO_DATA}.",)
    # The commitments in force are still listed, each with no data.
    assert {row[3] for row in pack.table("performance").rows} == {"No data", "Not measurable"}


def test_satisfaction_by_channel_and_commitment_with_suppression(app, charter):
    from tests.surveys.factories import make_response, make_survey

    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?",
                           "commitments": [charter.commitments[0]]}])
    # Phone: 7 good, 2 average, 1 poor -> 70% satisfied, net (7 - 1) / 10 = +0.60. Email: 3 answers, below 10.
    for value in ["good"] * 7 + ["average"] * 2 + ["poor"]:
        make_response(survey, [value], channel="phone", month=date(2025, 6, 1))
    for _ in range(3):
        make_response(survey, ["good"], channel="email", month=date(2025, 7, 1))
    make_response(survey, ["poor"], channel="phone", month=date(2025, 3, 1))  # the year before
    pack = build_pack(YEAR)
    channels = _rows(pack, "satisfaction-by-channel")
    assert channels["Email"] == (3, None, None, None, None, "Fewer than 10 responses")
    phone = channels["Phone"]
    assert phone[0:2] == (10, 0.7) and phone[4:] == (0.6, None)
    assert phone[2] == pytest.approx(0.3968, abs=1e-4) and phone[3] == pytest.approx(0.8922, abs=1e-4)
    # E-01 is asked about in both channels: 13 answers, 10 good.
    assert _rows(pack, "satisfaction-by-commitment")["E-01"][:2] == (13, 10 / 13)


def test_what_residents_said_by_month_and_service_with_the_top_themes(app, emails):
    counted, _others = emails
    for item in counted[:3]:
        item.sentiment_override_label = "negative"
    counted[-1].themes = ["missed bin", "rude staff"]
    db.session.commit()
    pack = build_pack(YEAR)
    # 11 comments and complaints in June 2025 (the compliment is left out): 3 read as negative; the first three are
    # comments, one of them changed from neutral.
    months = _rows(pack, "sentiment-by-month")
    assert months == {"June 2025": (0, 8, 3, 0)}
    assert dict(pack.table("top-themes").rows) == {"missed bin": 11, "rude staff": 1}
    assert pack.section("residents-said").text == (
        "3 of the 11 comments, complaints and service requests read as negative.",
        "No quotes were chosen from the feedback received this year.")
    assert "feedback-quotes" not in [table.key for table in pack.section("residents-said").tables]


def test_equality_answers_below_the_minimum_are_not_counted(app, charter, monkeypatch):
    from feedback.models import EqualityMonitoring

    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 3)
    # Female: 3 complaints, 1 comment, 1 given before the kind was kept -> 3 who complained, 5 in all.
    # Male: 1 complaint, 1 compliment -> 1 and 2, both too few. Disability yes: 3 complaints, 1 comment -> 3 and 4.
    given = [("female", "yes", "complaint")] * 3 + [("female", "yes", "comment"), ("female", None, None),
                                                     ("male", None, "complaint"), ("male", None, "compliment")]
    db.session.add_all([EqualityMonitoring(submitted_on=date(2025, 7, 1), sex=sex, disability=disability, kind=kind)
                        for sex, disability, kind in given])
    db.session.add(EqualityMonitoring(submitted_on=date(2025, 3, 1), sex="male", kind="complaint"))  # the year before
    db.session.commit()
    section = build_pack(YEAR).section("equalities")
    rows = {(row[0], row[1]): row[2:] for row in section.tables[0].rows}
    assert rows == {
        ("What is your sex?", "Female"): (3, 5, None),
        ("What is your sex?", "Male"): (None, None, "Fewer than 3 responses"),
        ("Do you consider yourself to have a disability or long-term health condition?", "Yes"): (3, 4, None),
    }
    assert [column.heading for column in section.tables[0].columns][2:4] == [
        "People who complained", "Everyone who gave feedback"]
    assert section.text[1] == ("1 set of answers given before we kept the kind of feedback they came with are counted "
                               "in everyone who gave feedback only.")


def test_complaints_below_the_minimum_are_hidden_while_everyone_is_shown(app, charter, monkeypatch):
    from feedback.models import EqualityMonitoring

    monkeypatch.setitem(app.config, "CHARTERLINE_SURVEY_MIN_RESPONSES", 2)
    # 18-24: 1 complaint and 2 comments -> complaints hidden, 3 in all; no answers without a kind, so no such line.
    db.session.add_all([EqualityMonitoring(submitted_on=date(2025, 5, 1), age_band="18_24", kind=kind)
                        for kind in ("complaint", "comment", "comment")])
    db.session.commit()
    section = build_pack(YEAR).section("equalities")
    assert section.tables[0].rows == (("What is your age?", "18 to 24", None, 3, "Fewer than 2 responses"),)
    assert not any("before we kept" in text for text in section.text)
    assert "None of our surveys after a contact asked the equality questions this year" in section.text[1]
