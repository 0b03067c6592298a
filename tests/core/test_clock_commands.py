"""`flask clocks due` and `flask clocks recompute`: the command-line contract other tools rely on."""

from datetime import date

import pytest

from core.clocks.models import ClosureDate
from core.models import AuditEvent
from core.timesource import set_today
from tests.helpers import make_complaint

D = date.fromisoformat


def due(runner, *args):
    return runner.invoke(args=["clocks", "due", *args])


# mySociety Alaveteli FOI vectors and calendar-day vectors (deadline-vectors.md).
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["foi", "2008-10-01"], "2008-10-29"),
        (["foi", "2007-02-01"], "2007-03-01"),
        (["foi", "2008-02-01"], "2008-02-29"),
        (["foi", "2009-03-12"], "2009-04-14"),
        (["foi", "2009-03-13"], "2009-04-15"),
        (["foi", "2009-03-14"], "2009-04-15"),
        (["foi", "2009-03-15"], "2009-04-15"),
        (["foi", "2009-03-16"], "2009-04-16"),
        (["working-days:20", "2009-03-12", "--calendar", "england-and-wales"], "2009-04-09"),
        (["working-days:20", "2009-03-12"], "2009-04-09"),  # the council default is England and Wales
        (["working-days:40", "2009-03-12", "--calendar", "uk"], "2009-05-13"),
        (["foi-pit", "2009-03-12"], "2009-05-13"),
        (["calendar-days:20", "2008-10-01", "--calendar", "uk"], "2008-10-21"),
        (["calendar-days:20", "2008-10-04", "--calendar", "uk"], "2008-10-24"),
        (["calendar-days:20", "2008-10-05", "--calendar", "uk"], "2008-10-27"),
        (["calendar-days:20", "2008-10-06", "--calendar", "uk"], "2008-10-27"),
        (["calendar-days:20", "2008-10-07", "--calendar", "uk"], "2008-10-27"),
        (["calendar-days:20", "2008-12-04", "--calendar", "uk"], "2008-12-24"),
        (["calendar-days:20", "2008-12-05", "--calendar", "uk"], "2008-12-29"),
        (["sar", "2026-01-30"], "2026-03-02"),
        (["sar", "2024-01-30"], "2024-02-29"),
        (["lgsco-stage1-response", "2026-03-31", "--calendar", "scotland"], "2026-04-15"),
        (["ho-stage2-ack", "2026-07-08", "--calendar", "northern-ireland"], "2026-07-16"),
    ],
)
def test_due_prints_the_date_alone(runner, args, expected):
    result = due(runner, *args)
    assert result.exit_code == 0, result.output
    assert result.stdout == expected + "\n"
    assert result.stderr == ""


def test_due_explain_prints_the_date_first_then_the_explanation(runner):
    result = due(runner, "foi", "2009-03-12", "--explain")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "2009-04-14"
    assert "Received on Thursday 12 March 2009 (day 0)." in lines
    assert "Tuesday 17 March 2009 was not counted: Saint Patrick's Day (Northern Ireland), a bank holiday." in lines
    assert lines[-1].startswith("Due by Tuesday 14 April 2009.")


def test_due_counts_the_councils_closure_dates(runner, db):
    db.session.add(ClosureDate(day=D("2026-03-04"), name="Staff training day"))
    db.session.commit()
    assert due(runner, "working-days:5", "2026-03-02").stdout == "2026-03-10\n"
    # FOIA s.10(6) defines working days itself: closures do not move FOI deadlines.
    assert due(runner, "foi", "2026-03-02").stdout == "2026-03-31\n"


def test_due_uses_the_configured_default_calendar(app, runner):
    app.config["CHARTERLINE_CALENDAR"] = "scotland"
    try:
        assert due(runner, "working-days:1", "2026-11-27").stdout == "2026-12-01\n"  # St Andrew's Day
    finally:
        app.config["CHARTERLINE_CALENDAR"] = "england-and-wales"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["fio", "2009-03-12"], "Error: Unknown rule 'fio'. Use one of: foi, foi-pit"),
        (["calendar-days:0", "2009-03-12"],
         "Error: In rule 'calendar-days:0', N must be a whole number from 1 to 3660"),
        (["foi", "2009-13-12"], "Error: RECEIVED must be a real date written as YYYY-MM-DD, like 2026-03-02"),
        (["foi", "12/03/2009"], "Error: RECEIVED must be a real date written as YYYY-MM-DD"),
        (["foi", "20090312"], "Error: RECEIVED must be a real date written as YYYY-MM-DD"),
        (["foi", "2009-03-12", "--calendar", "wales"], "Error: --calendar must be one of england-and-wales, scotland"),
        (["foi", "2100-12-20"], "Error: Cannot work out the foi due date: 20 working days after Monday 20 December"),
        (["sar", "1899-06-01"], "Error: Cannot work out the sar due date: "),
    ],
)
def test_due_errors_are_one_line_on_stderr_with_exit_2(runner, args, message):
    result = due(runner, *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_recompute_moves_every_open_deadline_and_says_how_many(runner, db):
    from complaints.models import Complaint

    set_today(D("2026-12-22"))
    complaint = make_complaint(received_on=D("2026-12-21"))
    # As if the bank holidays had changed since the due date was worked out.
    complaint.due_on = complaint.clocks[0].due_on = D("2026-12-29")
    db.session.commit()

    result = runner.invoke(args=["clocks", "recompute"])

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["1 open due date has moved."]
    assert db.session.get(Complaint, complaint.id).due_on == D("2026-12-30")
    event = db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "complaint.due_date_moved"))
    assert event.summary == ("Due date moved from Tuesday 29 December 2026 to Wednesday 30 December 2026: "
                             "the bank holidays or the deadline rules changed")
    again = runner.invoke(args=["clocks", "recompute"])
    assert again.stdout.splitlines() == ["0 open due dates have moved."]
