"""The evidence for each commitment, against figures worked out by hand on a small council."""

from __future__ import annotations

from datetime import date

import pytest

from complaints import services
from core.models import CharterStatus, Role
from core.standards import Standard
from core.timesource import set_today
from reviews.cycles import ReviewYear, versions_in_force
from reviews.evidence import evidence_for
from reviews.evidence.results import Verdict
from tests.helpers import make_charter, make_complaint, make_feedback, make_staff
from tests.reviews.conftest import MONDAY, YEAR, at


def test_seven_of_ten_emails_acknowledged_on_time_is_70_percent_and_not_met(emails):
    item = evidence_for(YEAR).for_code("E-01")
    [measure] = item.measures
    assert (measure.met, measure.total) == (7, 10)  # the unacknowledged one is overdue, so it counts as missed
    assert measure.share == pytest.approx(0.7)
    # Wilson by hand, z = 1.96, n = 10, p = 0.7: centre 0.6445, half-width 0.2477.
    assert measure.interval.low == pytest.approx(0.3968, abs=5e-4)
    assert measure.interval.high == pytest.approx(0.8922, abs=5e-4)
    assert measure.target_share == pytest.approx(0.9) and not measure.target_is_default
    assert measure.verdict == item.verdict == Verdict.NOT_MET
    # Last year: one of the two emails of June 2024 was acknowledged by its due date (Wednesday 5 June).
    assert (measure.last_year_share, measure.last_year_total) == (0.5, 2)


def test_every_letter_on_time_meets_the_council_default_target(charter):
    for _ in range(4):
        make_feedback(channel="letter", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 9)))
    item = evidence_for(YEAR).for_code("L-01")
    [measure] = item.measures
    assert (measure.met, measure.total, item.verdict) == (4, 4, Verdict.MET)
    assert measure.target_share == 0.9 and measure.target_is_default


def test_an_item_still_within_its_time_is_not_counted(charter):
    set_today(date(2026, 3, 31))
    make_feedback(channel="letter", received_on=date(2026, 3, 30))  # due 6 April: still time
    make_feedback(channel="letter", received_on=date(2026, 3, 2))  # due 9 March, never acknowledged: missed
    [measure] = evidence_for(YEAR).for_code("L-01").measures
    assert (measure.met, measure.total) == (0, 1)


def test_verdicts_for_no_data_and_not_measurable(charter):
    evidence = evidence_for(YEAR)
    assert evidence.for_code("R-01").verdict == Verdict.NOT_MEASURABLE
    assert evidence.for_code("R-01").measures == ()
    assert evidence.for_code("E-01").verdict == Verdict.NO_DATA
    # Call answering is measured from channel statistics, and none are held.
    phone = evidence.for_code("P-01")
    assert phone.verdict == Verdict.NO_DATA and "outside Charterline" in phone.measures[0].note


def test_a_year_with_no_data_shows_no_data_for_every_measurable_commitment(emails):
    evidence = evidence_for(ReviewYear("harrow", date(2030, 4, 1), date(2031, 3, 31)))
    assert {c.code: c.verdict.value for c in evidence.commitments} == {
        "E-01": "no data", "L-01": "no data", "C-01": "no data", "P-01": "no data", "R-01": "not measurable"}


def test_complaint_stage_one_clocks_count_an_extension_as_the_code_says(charter):
    handler = make_staff(role=Role.CASE_HANDLER)
    set_today(date(2026, 3, 2))
    extended, late, overdue = (make_complaint(handler=handler, received_on=date(2026, 3, 2)) for _ in range(3))

    def send(letter, on):
        set_today(on)
        services.send_letter(letter, subject=letter.subject, body=letter.body, by=handler, on=on)

    def acknowledge(case, on):
        send(services.prepare_acknowledgement(case, ["The repair was late"], by=handler, on=on), on)

    def respond(case, on):
        set_today(on)
        services.save_findings(case, {p.id: ("upheld", "Checked.") for p in case.points_for(1)}, by=handler)
        send(services.prepare_response(case, by=handler, on=on), on)

    # Acknowledgements due Monday 9 March (5 working days); responses 10 working days after acknowledging.
    acknowledge(extended, date(2026, 3, 4))
    acknowledge(late, date(2026, 3, 4))
    acknowledge(overdue, date(2026, 3, 10))  # a day late; its response was due 24 March and never came
    send(services.prepare_extension(extended, days=5, reason="Waiting for the surveyor", by=handler,
                                    on=date(2026, 3, 16)), date(2026, 3, 16))
    respond(extended, date(2026, 3, 24))  # after the first due date (18 March), before the extended one (25 March)
    respond(late, date(2026, 3, 20))  # due 18 March
    set_today(date(2026, 4, 20))
    acknowledged, answered = evidence_for(YEAR).for_code("C-01").measures
    assert (acknowledged.met, acknowledged.total, acknowledged.verdict) == (2, 3, Verdict.MET)  # 67% >= 60%
    assert (answered.met, answered.total, answered.verdict) == (1, 3, Verdict.NOT_MET)
    assert evidence_for(YEAR).for_code("C-01").verdict == Verdict.NOT_MET  # every standard must be met


def test_each_item_is_measured_against_the_version_in_force_on_its_date():
    set_today(date(2026, 4, 20))
    first = make_charter(version=1, effective_from=date(2025, 4, 1), status=CharterStatus.RETIRED, commitments=[
        {"code": "E-01", "wording": "We will acknowledge emails within 2 working days.", "channel": "email",
         "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]}])
    second = make_charter(version=2, effective_from=date(2025, 10, 1), commitments=[
        {"code": "E-01", "wording": "We will acknowledge emails within 5 working days.", "channel": "email",
         "standards": [Standard("acknowledge", 5, "working_days", 0.5, "working-days:5")]},
        {"code": "E-02", "wording": "We will reply to emails within 10 working days.", "channel": "email",
         "standards": [Standard("reply", 10, "working_days", 0.8, "working-days:10")]}])
    # Acknowledged 4 working days after arriving: late under version 1 (2 days), on time under version 2 (5 days).
    make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 6)),
                  closed_at=at(date(2025, 6, 6)))
    make_feedback(channel="email", received_on=date(2025, 11, 3), acknowledged_at=at(date(2025, 11, 7)),
                  closed_at=at(date(2025, 11, 7)))
    spans = versions_in_force(YEAR)
    assert [(s.charter.id, s.starts_on, s.ends_on) for s in spans] == [
        (first.id, date(2025, 4, 1), date(2025, 9, 30)), (second.id, date(2025, 10, 1), date(2026, 3, 31))]
    evidence = evidence_for(YEAR)
    [acknowledged] = evidence.for_code("E-01").measures
    assert (acknowledged.met, acknowledged.total) == (1, 2)
    # Each case weighs its own version's target: (0.9 + 0.5) / 2 = 70%; 1 of 2 falls short of it.
    assert acknowledged.target_share == pytest.approx(0.7) and acknowledged.verdict == Verdict.NOT_MET
    assert evidence.for_code("E-01").commitment.wording == "We will acknowledge emails within 5 working days."
    # A commitment only in the second version is measured over its span only: the June email is not counted.
    [replied] = evidence.for_code("E-02").measures
    assert (replied.met, replied.total, replied.verdict) == (1, 1, Verdict.MET)


def test_call_answering_is_measured_from_imported_channel_statistics(charter):
    from channel_stats.importing import import_csv

    rows = ("month,channel,service,calls_offered,calls_answered,answered_within_150s\n"
            "2024-06,phone,,100,90,50\n2025-06,phone,,1000,950,880\n2025-07,phone,,500,480,470\n")
    result, problems = import_csv(rows, charter, by=None, source="calls.csv")
    assert problems == [] and result.imported == 3
    item = evidence_for(YEAR).for_code("P-01")
    [answered] = item.measures
    # 880 + 470 of 1,500 calls offered answered within 150 seconds: exactly the 90% target, so met.
    assert (answered.met, answered.total, answered.verdict, item.verdict) == (1350, 1500, Verdict.MET, Verdict.MET)
    assert answered.source == "Channel statistics imported by the council" and answered.note is None
    assert (answered.last_year_share, answered.last_year_total) == (0.5, 100)
    assert answered.link.endpoint == "channel_stats.rows"
    assert answered.link.as_dict() == {"channel": "phone", "from": "2025-04-01", "to": "2026-03-31",
                                      "scope": "council"}


def test_a_links_arguments_are_single_values_and_lists_where_a_name_is_repeated():
    from reviews.evidence.results import Link

    link = Link("complaints.case", (("complaint_id", 7), ("channel", "email"), ("channel", "web_form")))
    assert link.as_dict() == {"complaint_id": 7, "channel": ["email", "web_form"]}


def test_a_share_just_short_of_its_target_is_not_rounded_up_to_it():
    from reviews.evidence.results import share_words

    assert share_words(861 / 960, 0.9) == "89.7%"  # not "90%", which would read as met
    assert share_words(0.7, 0.9) == "70%" and share_words(0.9, 0.9) == "90%" and share_words(None, 0.9) == "–"
    assert share_words(0.8996, 0.9) == "89.9%"  # rounded down: never the target itself


def test_a_standard_counts_the_ways_in_intake_measures_against_it_and_never_information_requests(db, charter):
    """Intake measures a web form's acknowledgement against the email promise ("your email or web form"), and never
    measures anything against a promise about Freedom of Information requests: the review counts the same."""
    make_charter(council_slug="harrow", version=2, effective_from=date(2025, 4, 1), commitments=[
        {"code": "E-01", "wording": "We will acknowledge your email within 2 working days.", "channel": "email",
         "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]},
        {"code": "F-01", "wording": "We will acknowledge your Freedom of Information request within 2 working days.",
         "channel": "email", "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]}])
    make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 3)))
    make_feedback(channel="web_form", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 9)))
    make_feedback(channel="phone", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 3)))
    result = evidence_for(YEAR)
    email = result.for_code("E-01").measures[0]
    assert (email.met, email.total) == (1, 2)
    assert result.for_code("F-01").verdict.value == "no data"


def test_a_withdrawn_case_or_item_is_not_counted_as_a_missed_deadline(charter):
    handler = make_staff(role=Role.CASE_HANDLER)
    set_today(date(2026, 3, 2))
    kept, withdrawn = (make_complaint(handler=handler, received_on=date(2026, 3, 2), channel="phone") for _ in range(2))
    services.withdraw(withdrawn, reason="Sorted out by phone", by=handler, on=date(2026, 3, 3))
    make_feedback(channel="email", received_on=MONDAY, status="withdrawn")
    make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 3)))
    set_today(date(2026, 4, 20))
    acknowledged, _answered = evidence_for(YEAR).for_code("C-01").measures
    assert (acknowledged.met, acknowledged.total) == (0, 1)  # the open case's acknowledgement is overdue
    email = evidence_for(YEAR).for_code("E-01").measures[0]
    assert (email.met, email.total) == (1, 1)


def test_a_standard_only_an_earlier_version_had_is_measured_over_the_days_it_was_in_force():
    set_today(date(2026, 4, 20))
    make_charter(version=1, effective_from=date(2025, 4, 1), status=CharterStatus.RETIRED, commitments=[
        {"code": "E-01", "wording": "We will acknowledge emails within 2 working days and reply within 5.",
         "channel": "email", "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2"),
                                           Standard("reply", 5, "working_days", 0.9, "working-days:5")]}])
    make_charter(version=2, effective_from=date(2025, 10, 1), commitments=[
        {"code": "E-01", "wording": "We will acknowledge emails within 2 working days.", "channel": "email",
         "standards": [Standard("acknowledge", 2, "working_days", 0.9, "working-days:2")]}])
    make_feedback(channel="email", received_on=MONDAY, acknowledged_at=at(date(2025, 6, 3)),
                  closed_at=at(date(2025, 6, 5)), status="closed")
    acknowledged, replied = evidence_for(YEAR).for_code("E-01").measures
    assert replied.standard.metric == "reply" and (replied.met, replied.total) == (1, 1)
