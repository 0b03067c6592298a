"""The audit trail: events for records not yet written wait for their id and are written by the same flush."""

from datetime import date

import pytest
from sqlalchemy import event, select

from core.audit import history_for, record_audit
from core.extensions import db
from core.models import AuditEvent, OutboxMessage, ServiceArea
from core.outbox import queue_message


def count_flushes():
    flushes = []

    def seen(session, _context):
        flushes.append(len(session.new))

    event.listen(db.session(), "after_flush", seen)
    return flushes


def test_an_event_for_a_new_record_is_written_with_it_by_one_commit(app):
    area = ServiceArea(code="parks", name="Parks", regime="lgsco")
    db.session.add(area)
    flushes = count_flushes()
    audit = record_audit(area, "service_area.added", by=None, summary="Parks added")
    message = queue_message(to="r@example.com", subject="Added", body="Parks", related=area)
    assert flushes == [] and audit.target_id is None  # nothing written yet
    db.session.commit()
    assert len(flushes) == 1  # the record, its event and its message are written together
    assert (audit.target_type, audit.target_id) == ("service_area", area.id)
    assert (message.related_type, message.related_id) == ("service_area", area.id)
    assert [e.action for e in history_for(area)] == ["service_area.added"]


def test_a_query_in_the_same_transaction_sees_the_waiting_event(app):
    area = ServiceArea(code="roads", name="Roads", regime="lgsco")
    db.session.add(area)
    record_audit(area, "service_area.added", by=None)
    found = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "service_area.added"))
    assert found is not None and found.target_id == area.id


def test_rolling_back_forgets_waiting_events(app):
    area = ServiceArea(code="libraries", name="Libraries", regime="lgsco")
    db.session.add(area)
    record_audit(area, "service_area.added", by=None)
    db.session.rollback()
    db.session.add(ServiceArea(code="museums", name="Museums", regime="lgsco"))
    db.session.commit()
    assert db.session.scalars(select(AuditEvent)).all() == []


def test_an_event_for_a_record_never_added_refuses_the_commit(app):
    record_audit(ServiceArea(code="ghost", name="Ghost", regime="lgsco"), "service_area.added", by=None)
    db.session.add(ServiceArea(code="real", name="Real", regime="lgsco"))
    with pytest.raises(ValueError, match="AuditEvent refers to a ServiceArea that was never added"):
        db.session.commit()
    db.session.rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_an_event_for_a_saved_record_is_added_at_once(app):
    area = ServiceArea(code="halls", name="Halls", regime="lgsco")
    db.session.add(area)
    db.session.commit()
    audit = record_audit(area, "service_area.renamed", by=None, before={"on": date(2026, 1, 2)})
    assert audit in db.session.new and audit.target_id == area.id and audit.before == {"on": "2026-01-02"}
