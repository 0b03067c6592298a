"""A change to the council's calendar moves every running complaint deadline at once, in the same transaction."""

from datetime import date

from sqlalchemy import delete, select

from complaints import services
from complaints.models import Complaint, ComplaintClock
from core.clocks.closures import add_closure, announce_change, remove_closure
from core.extensions import db
from core.models import AuditEvent
from tests.complaints.conftest import acknowledge
from tests.helpers import make_complaint

D = date.fromisoformat


def _history(complaint: Complaint) -> list[str]:
    query = select(AuditEvent.summary).where(AuditEvent.target_type == "complaint",
                                             AuditEvent.target_id == complaint.id,
                                             AuditEvent.action == "complaint.due_date_moved")
    return list(db.session.scalars(query.order_by(AuditEvent.id)))


def test_a_closure_inside_a_running_stage1_response_window_moves_the_deadline_at_once(case, people):
    acknowledge(case, people["first"])  # acknowledged Wednesday 4 March: response due Wednesday 18 March
    assert case.due_on == D("2026-03-18")
    change = add_closure(day=D("2026-03-13"), name="Office move", by=people["officer"])
    assert change.moved == 1
    db.session.expire_all()
    case = db.session.get(Complaint, case.id)
    assert case.due_on == services.running_clock(case).due_on == D("2026-03-19")
    assert _history(case) == ["Due date moved from Wednesday 18 March 2026 to Thursday 19 March 2026: "
                              "closure date added: Friday 13 March 2026 (Office move)"]
    # The explanation names the closure too.
    explanation = services.explain(services.running_clock(case))
    assert "Friday 13 March 2026 was not counted: the council was closed (Office move)." in explanation

    back = remove_closure(change.closure, by=people["officer"])
    assert back.moved == 1
    db.session.expire_all()
    assert db.session.get(Complaint, case.id).due_on == D("2026-03-18")
    assert _history(case)[-1] == ("Due date moved from Thursday 19 March 2026 to Wednesday 18 March 2026: "
                                  "closure date removed: Friday 13 March 2026 (Office move)")


def test_only_deadlines_the_closure_falls_within_move(people):
    early = make_complaint(received_on=D("2026-03-02"))  # acknowledgement due Monday 9 March
    later = make_complaint(received_on=D("2026-03-16"))  # acknowledgement due Monday 23 March
    change = add_closure(day=D("2026-03-18"), name="Staff training day", by=people["officer"])
    assert change.moved == 1
    assert db.session.get(Complaint, early.id).due_on == D("2026-03-09")
    assert db.session.get(Complaint, later.id).due_on == D("2026-03-24")


def test_closed_and_paused_cases_keep_their_dates(case, people):
    acknowledge(case, people["first"])
    services.pause_clock(case, reason="The resident is in hospital", by=people["first"], on=D("2026-03-05"))
    assert case.due_on is None
    assert add_closure(day=D("2026-03-13"), name="Office move", by=people["officer"]).moved == 0
    assert _history(case) == []


def test_an_extension_agreed_on_the_last_day_stays_valid_when_a_closure_is_removed(case, people):
    acknowledge(case, people["first"])
    change = add_closure(day=D("2026-03-13"), name="Office move", by=people["officer"])
    on = D("2026-03-19")  # the moved deadline
    letter = services.prepare_extension(case, days=2, reason="Site visit", by=people["first"], on=on)
    services.send_letter(letter, subject=letter.subject, body=letter.body, by=people["first"], on=on)
    assert db.session.get(Complaint, case.id).due_on == D("2026-03-23")
    assert remove_closure(change.closure, by=people["officer"]).moved == 1
    assert db.session.get(Complaint, case.id).due_on == D("2026-03-20")


def test_announcing_a_change_with_nothing_to_move_moves_nothing(case):
    assert announce_change("the bank holidays or the deadline rules changed") == 0


def test_an_open_case_without_a_running_clock_is_passed_over(people):
    without = make_complaint(received_on=D("2026-03-16"))
    with_clock = make_complaint(received_on=D("2026-03-16"))
    db.session.execute(delete(ComplaintClock).where(ComplaintClock.complaint_id == without.id))
    db.session.commit()
    db.session.expire_all()
    change = add_closure(day=D("2026-03-18"), name="Staff training day", by=people["officer"])
    assert change.moved == 1
    assert db.session.get(Complaint, with_clock.id).due_on == D("2026-03-24")
    assert _history(db.session.get(Complaint, without.id)) == []
