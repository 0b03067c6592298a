"""Clock services: starting and changing clocks with an audit trail, closure dates, and recomputation."""

from datetime import date

import pytest

from core.clocks import closures as clock_service
from core.clocks.models import Clock, ClockStatus, ClosureDate
from core.clocks.rules import ClockError
from core.models import AuditEvent
from core.timesource import set_today
from tests.helpers import make_service_area, make_staff

D = date.fromisoformat


@pytest.fixture
def officer():
    return make_staff(role="complaints_officer")


@pytest.fixture
def admin():
    return make_staff(role="admin")


@pytest.fixture
def subject():
    return make_service_area()


def events(db, action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_start_clock_stores_inputs_and_due_date(db, subject, officer):
    clock = clock_service.start_clock(subject, "lgsco-stage1-response", started_on=D("2026-03-31"), by=officer)
    db.session.commit()
    assert (clock.subject_type, clock.subject_id) == ("service_area", subject.id)
    assert (clock.rule, clock.calendar, clock.started_on) == ("lgsco-stage1-response", "england-and-wales",
                                                             D("2026-03-31"))
    assert clock.due_on == D("2026-04-16")
    assert clock.status == ClockStatus.OPEN
    [event] = events(db, "clock.started")
    assert event.actor_id == officer.id
    assert event.summary == ("lgsco-stage1-response clock started on Tuesday 31 March 2026; "
                             "due by Thursday 16 April 2026")


def test_start_clock_on_another_calendar(db, subject):
    clock = clock_service.start_clock(subject, "lgsco-stage1-response", started_on=D("2026-03-31"), by=None,
                                      calendar="scotland")
    assert clock.due_on == D("2026-04-15")


def test_start_clock_refuses_an_unknown_rule(db, subject):
    with pytest.raises(ClockError, match="Unknown rule 'stage9'"):
        clock_service.start_clock(subject, "stage9", started_on=D("2026-03-31"), by=None)
    assert db.session.scalar(db.select(db.func.count()).select_from(Clock)) == 0


def test_pause_and_resume(db, subject, officer):
    # FOIA s.10(2): fees notice Thursday 5 March 2026, fee received Tuesday 10 March; both days excluded.
    clock = clock_service.start_clock(subject, "foi", started_on=D("2026-03-02"), by=officer)
    clock_service.pause_clock(clock, on=D("2026-03-05"), reason="waiting for the fee", by=officer)
    assert clock.due_on is None
    deadline = clock_service.resume_clock(clock, on=D("2026-03-10"), by=officer)
    db.session.commit()
    assert clock.due_on == deadline.due == D("2026-04-08")
    assert clock.ledger == [{"type": "pause", "first_day": "2026-03-05", "last_day": "2026-03-10",
                             "reason": "waiting for the fee"}]
    [paused] = events(db, "clock.paused")
    assert paused.before["due_on"] == "2026-03-31" and paused.after["due_on"] is None
    [resumed] = events(db, "clock.resumed")
    assert resumed.summary == ("Clock restarted after a pause from Thursday 5 March 2026 to Tuesday 10 March 2026. "
                               "Due by Wednesday 8 April 2026.")


def test_resume_needs_a_paused_clock(db, subject):
    clock = clock_service.start_clock(subject, "foi", started_on=D("2026-03-02"), by=None)
    with pytest.raises(ClockError, match="The foi clock is not paused"):
        clock_service.resume_clock(clock, on=D("2026-03-10"), by=None)
    clock_service.pause_clock(clock, on=D("2026-03-05"), reason="waiting for the fee", by=None)
    with pytest.raises(ClockError, match="cannot restart before then"):
        clock_service.resume_clock(clock, on=D("2026-03-04"), by=None)


def test_extend_within_and_over_the_cap(db, subject, officer):
    clock = clock_service.start_clock(subject, "lgsco-stage1-response", started_on=D("2026-03-31"), by=officer)
    clock_service.extend_clock(clock, on=D("2026-04-10"), amount=5, reason="a site visit is needed",
                               agreed_by="Complaints manager", by=officer)
    assert clock.due_on == D("2026-04-23")
    with pytest.raises(ClockError, match="Extensions totalling 12 working days are more than the 10 working days "
                                         "allowed for lgsco-stage1-extended"):
        clock_service.extend_clock(clock, on=D("2026-04-14"), amount=7, reason="more", agreed_by="Manager",
                                   by=officer)
    assert clock.due_on == D("2026-04-23")
    assert len(clock.ledger) == 1
    [event] = events(db, "clock.extended")
    assert event.summary == ("Clock extended by 5 working days, agreed by Complaints manager: a site visit is "
                             "needed. Due by Thursday 23 April 2026.")


def test_reset(db, subject):
    clock = clock_service.start_clock(subject, "foi", started_on=D("2026-03-02"), by=None)
    clock_service.reset_clock(clock, on=D("2026-03-20"), reason="the requester clarified the request", by=None)
    assert clock.due_on == D("2026-04-21")
    assert events(db, "clock.reset")[0].summary.startswith("Clock restarted on Friday 20 March 2026")


def test_stop_clock_records_on_time_or_late_and_freezes_the_clock(db, subject, officer):
    clock = clock_service.start_clock(subject, "lgsco-stage1-ack", started_on=D("2026-12-21"), by=officer)
    clock_service.stop_clock(clock, on=D("2026-12-31"), by=officer)
    assert (clock.status, clock.stopped_on) == (ClockStatus.STOPPED, D("2026-12-31"))
    [event] = events(db, "clock.stopped")
    assert event.after["late"] is True
    assert event.summary == "Clock stopped on Thursday 31 December 2026: late (due by Wednesday 30 December 2026)"
    with pytest.raises(ClockError, match="already stopped"):
        clock_service.stop_clock(clock, on=D("2027-01-04"), by=officer)
    with pytest.raises(ClockError, match="stopped on Thursday 31 December 2026 and cannot be changed"):
        clock_service.pause_clock(clock, on=D("2026-12-22"), reason="x", by=officer)


def test_explain_clock(db, subject):
    clock = clock_service.start_clock(subject, "foi", started_on=D("2026-03-02"), by=None)
    clock_service.pause_clock(clock, on=D("2026-03-05"), reason="waiting for the fee", by=None)
    lines = clock_service.explain_clock(clock)
    assert "The clock has been paused since Thursday 5 March 2026: waiting for the fee." in lines


def test_calendar_for_app_uses_config_and_closures_in_force(app, db, admin):
    closure = clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
    calendar = clock_service.calendar_for_app()
    assert calendar.name == "england-and-wales"
    assert calendar.reason_not_working(D("2026-12-24")) == "Christmas Eve closure"
    assert clock_service.calendar_for_app("scotland").reason_not_working(D("2026-12-24")) == "Christmas Eve closure"
    clock_service.remove_closure(closure, by=admin)
    assert clock_service.calendar_for_app().is_working_day(D("2026-12-24"))
    assert db.session.get(ClosureDate, closure.id).removed_at is not None
    assert [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))] == [
        "closure.added", "closure.removed"]


def test_closure_dates_are_read_once_and_again_after_a_change(app, db, admin):
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    reads = []

    def count(_connection, _cursor, statement, *_rest):
        if "FROM closure_date" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        clock_service.calendar_for_app()
        clock_service.calendar_for_app("scotland")
        db.session.commit()
        clock_service.calendar_for_app()  # kept by the process across transactions
        assert len(reads) == 1
        # A closure in hand in this transaction counts at once.
        db.session.add(ClosureDate(day=D("2026-12-29"), name="Winter closure", created_by_id=admin.id))
        assert clock_service.calendar_for_app().reason_not_working(D("2026-12-29")) == "Winter closure"
        db.session.commit()
        # Another process (its own session) changes one: this process reads them again in its next transaction.
        with Session(db.engine) as other:
            other.scalars(db.select(ClosureDate)).one().name = "Staff training day"
            other.commit()
        before = len(reads)
        assert clock_service.calendar_for_app().reason_not_working(D("2026-12-29")) == "Staff training day"
        assert len(reads) == before + 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


@pytest.mark.parametrize(
    ("day", "name", "message"),
    [
        ("2026-12-24", " ", "Enter what the closure is for"),
        ("2026-12-26", "Boxing Day", "Saturday 26 December 2026 is already not a working day: Saturday"),
        ("2026-12-25", "Christmas", "Friday 25 December 2026 is already not a working day: Christmas Day"),
        ("2101-01-03", "Far future", "must be between 1900 and 2100"),
    ],
)
def test_add_closure_refuses(db, admin, day, name, message):
    with pytest.raises(ClockError, match=message):
        clock_service.add_closure(day=D(day), name=name, by=admin)


def test_add_closure_refuses_a_second_closure_on_the_same_day(db, admin):
    clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
    with pytest.raises(ClockError, match="already not a working day: Christmas Eve closure"):
        clock_service.add_closure(day=D("2026-12-24"), name="Again", by=admin)


def test_recompute_moves_clocks_when_a_closure_is_added_and_removed(db, subject, admin):
    complaint = clock_service.start_clock(subject, "lgsco-stage1-ack", started_on=D("2026-12-21"), by=None)
    foi = clock_service.start_clock(subject, "foi", started_on=D("2026-12-21"), by=None)
    db.session.commit()
    assert complaint.due_on == D("2026-12-30")

    closure = clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
    report = clock_service.recompute_open_clocks(on=D("2026-12-31"))
    assert report.checked == 2
    [moved] = report.moved
    assert (moved.clock_id, moved.was, moved.now) == (complaint.id, D("2026-12-30"), D("2026-12-31"))
    assert moved.why == "closure dates added: Thursday 24 December 2026 (Christmas Eve closure)"
    assert not moved.overdue
    assert db.session.get(Clock, complaint.id).due_on == D("2026-12-31")
    assert db.session.get(Clock, foi.id).due_on == foi.due_on

    clock_service.remove_closure(closure, by=admin)
    [back] = clock_service.recompute_open_clocks(on=D("2027-01-04")).moved
    assert (back.was, back.now, back.overdue) == (D("2026-12-31"), D("2026-12-30"), True)
    assert back.why == "closure dates removed: Thursday 24 December 2026 (Christmas Eve closure)"
    assert clock_service.recompute_open_clocks(on=D("2027-01-04")).moved == []


def test_recompute_skips_stopped_clocks_and_keeps_history_valid(db, subject, admin):
    stopped = clock_service.start_clock(subject, "lgsco-stage1-ack", started_on=D("2026-12-21"), by=None)
    clock_service.stop_clock(stopped, on=D("2026-12-22"), by=None)
    # An extension agreed on the last day of the clock stays valid if a closure is later removed.
    extended = clock_service.start_clock(subject, "lgsco-stage1-response", started_on=D("2026-12-10"), by=None)
    clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
    clock_service.recompute_open_clocks(on=D("2026-12-11"))
    db.session.refresh(extended)
    assert extended.due_on == D("2026-12-29")
    clock_service.extend_clock(extended, on=D("2026-12-29"), amount=2, reason="site visit", agreed_by="Manager",
                               by=None)
    db.session.commit()
    closure = db.session.scalar(db.select(ClosureDate))
    clock_service.remove_closure(closure, by=admin)
    report = clock_service.recompute_open_clocks(on=D("2026-12-11"))
    assert report.problems == []
    assert [m.clock_id for m in report.moved] == [extended.id]
    assert report.checked == 1


def test_recompute_when_nothing_explains_the_move(db, subject):
    clock = clock_service.start_clock(subject, "foi", started_on=D("2026-03-02"), by=None)
    clock.due_on = D("2026-03-30")
    db.session.commit()
    set_today(D("2026-03-03"))
    [moved] = clock_service.recompute_open_clocks(on=D("2026-03-03")).moved
    assert moved.why == "the bank holidays or the deadline rules changed"
    assert moved.now == D("2026-03-31")
