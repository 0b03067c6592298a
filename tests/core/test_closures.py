"""The council's calendar: closure dates in force, adding and removing them, and announcing the change."""

from datetime import date

import pytest

from core.clocks import closures as clock_service
from core.clocks.models import ClosureDate
from core.clocks.rules import ClockError
from core.events import calendar_changed
from core.models import AuditEvent
from tests.helpers import make_staff

D = date.fromisoformat


@pytest.fixture
def admin():
    return make_staff(role="admin")


def events(db, action):
    return list(db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)))


def test_calendar_for_app_uses_config_and_closures_in_force(app, db, admin):
    closure = clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin).closure
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


def test_a_closure_change_is_announced_once_in_its_own_transaction(db, admin):
    heard = []

    def receiver(_sender, *, reason, **_extra):
        # Inside the transaction: the closure is already in the calendar and not yet committed.
        heard.append((reason, clock_service.calendar_for_app().is_working_day(D("2026-12-24"))))
        return 3

    calendar_changed.connect(receiver)
    try:
        change = clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
        assert change.moved == 3
        assert heard == [("closure date added: Thursday 24 December 2026 (Christmas Eve closure)", False)]
        removed = clock_service.remove_closure(change.closure, by=admin)
        assert removed.moved == 3
        assert heard[-1][0] == "closure date removed: Thursday 24 December 2026 (Christmas Eve closure)"
        assert heard[-1][1] is True
        assert clock_service.remove_closure(change.closure, by=admin).moved == 0  # already removed: no change
        assert len(heard) == 2
    finally:
        calendar_changed.disconnect(receiver)


def test_a_receiver_that_fails_leaves_the_calendar_unchanged(db, admin):
    def receiver(_sender, **_extra):
        raise RuntimeError("could not move the deadlines")

    calendar_changed.connect(receiver)
    try:
        with pytest.raises(RuntimeError):
            clock_service.add_closure(day=D("2026-12-24"), name="Christmas Eve closure", by=admin)
        db.session.rollback()
    finally:
        calendar_changed.disconnect(receiver)
    assert db.session.scalars(db.select(ClosureDate)).all() == []
