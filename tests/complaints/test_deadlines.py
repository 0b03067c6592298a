"""Stage clocks counted in working days, checked against published vectors and the Codes' timescales."""

from datetime import date

import pytest

from complaints import deadlines
from complaints.deadlines import ACKNOWLEDGE, RESPOND, stage_due
from core.clocks.ledger import Extension, Pause


@pytest.mark.parametrize(("stage", "clock", "start", "due"), [
    # Codes 6.2 and 6.11: acknowledge within 5 working days.
    (1, ACKNOWLEDGE, date(2026, 3, 2), date(2026, 3, 9)),
    (2, ACKNOWLEDGE, date(2026, 3, 2), date(2026, 3, 9)),
    # Received on a Saturday: the same due date as the Friday before (deadline-vectors.md, both projects).
    (1, ACKNOWLEDGE, date(2026, 3, 7), date(2026, 3, 13)),
    (1, ACKNOWLEDGE, date(2026, 3, 6), date(2026, 3, 13)),
    # Good Friday 3 April and Easter Monday 6 April 2026 are not working days.
    (1, ACKNOWLEDGE, date(2026, 3, 27), date(2026, 4, 7)),
    # Code 6.3: respond within 10 working days of acknowledging.
    (1, RESPOND, date(2026, 4, 1), date(2026, 4, 17)),
    # Stage 2: 20 working days. mySociety Alaveteli vector: 2009-03-12 + 20 WD with England and Wales
    # holidays is 2009-04-09.
    (2, RESPOND, date(2009, 3, 12), date(2009, 4, 9)),
])
def test_stage_clocks(stage, clock, start, due):
    assert stage_due("lgsco", stage, clock, start)[0] == due
    assert stage_due("ho", stage, clock, start)[0] == due


def test_uk_union_calendar_matches_the_alaveteli_vectors(app, monkeypatch):
    # deadline-vectors.md: with every UK nation's holidays, 2009-03-12 + 20 WD is 2009-04-14, + 40 WD 2009-05-13.
    monkeypatch.setitem(app.config, "CHARTERLINE_CALENDAR", "uk")
    assert stage_due("lgsco", 2, RESPOND, date(2009, 3, 12))[0] == date(2009, 4, 14)
    extended = [Extension(date(2009, 3, 20), 20, "complex", "Olu Officer")]
    assert stage_due("lgsco", 2, RESPOND, date(2009, 3, 12), extended)[0] == date(2009, 5, 13)


def test_extension_adds_working_days_and_is_explained():
    extended = [Extension(date(2026, 3, 10), 10, "survey needed", "Fay First")]
    due, lines = stage_due("ho", 1, RESPOND, date(2026, 3, 2), extended)
    assert due == date(2026, 3, 30)
    assert ("On Tuesday 10 March 2026 the deadline was extended by 10 working days, agreed by Fay First: "
            "survey needed.") in lines
    assert lines[0] == ("The council must respond at stage 1 within 20 working days "
                        "(Housing Ombudsman Complaint Handling Code 6.3; rule ho-stage1-response).")
    assert lines[-1] == ("Due by Monday 30 March 2026. It is on time if done on or before that day, "
                         "and overdue from Tuesday 31 March 2026.")


def test_pauses_stop_the_count_and_an_open_pause_has_no_due_date():
    start = date(2026, 3, 2)
    assert stage_due("lgsco", 1, RESPOND, start)[0] == date(2026, 3, 16)
    paused = [Pause(date(2026, 3, 4), date(2026, 3, 6), "resident in hospital")]
    assert stage_due("lgsco", 1, RESPOND, start, paused)[0] == date(2026, 3, 19)
    due, lines = stage_due("lgsco", 1, RESPOND, start, [Pause(date(2026, 3, 4), None, "waiting")])
    assert due is None
    assert lines[-1].startswith("There is no due date while the clock is paused.")


def test_days_approved_beyond_the_cap_are_added_and_explained():
    # Code 6.4: beyond 10 working days only with a good reason; the engine caps, the approved excess follows.
    extended = [Extension(date(2026, 3, 10), 6, "survey needed", "Fay First"),
                Extension(date(2026, 3, 12), 9, "specialist survey", "Olu Officer")]
    due, lines = stage_due("ho", 1, RESPOND, date(2026, 3, 2), extended)
    # 25 working days from Monday 2 March, skipping Good Friday and Easter Monday.
    assert due == date(2026, 4, 8)
    assert ("On Thursday 12 March 2026 a further 5 working days beyond the usual limit of 10 working days was "
            "approved by Olu Officer: specialist survey.") in lines
    assert "Friday 3 April 2026 was not counted: Good Friday." in lines
    assert lines[-1].startswith("Due by Wednesday 8 April 2026.")


def test_explanation_names_the_bank_holidays_skipped():
    _, lines = stage_due("lgsco", 1, ACKNOWLEDGE, date(2026, 3, 27))
    assert "Friday 3 April 2026 was not counted: Good Friday, a bank holiday." in lines
    assert "Monday 6 April 2026 was not counted: Easter Monday, a bank holiday." in lines


@pytest.mark.parametrize(("today", "due", "left"), [
    (date(2026, 3, 2), date(2026, 3, 2), 0),
    (date(2026, 3, 2), date(2026, 3, 4), 2),
    (date(2026, 3, 6), date(2026, 3, 9), 1),  # Friday to Monday
    (date(2026, 3, 10), date(2026, 3, 9), -1),
    (date(2026, 4, 7), date(2026, 4, 2), -1),  # Easter in between
])
def test_working_days_until(today, due, left):
    assert deadlines.working_days_until(today, due) == left


def test_rule_names_follow_the_clock_engine():
    assert deadlines.rule_name("lgsco", 1, ACKNOWLEDGE) == "lgsco-stage1-ack"
    assert deadlines.rule_name("ho", 2, RESPOND) == "ho-stage2-response"
    assert deadlines.EXTENSION_CAP == {1: 10, 2: 20}
