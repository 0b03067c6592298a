"""Writing new rows directly: the same rows, keys and side effects as the flush, one INSERT each."""

from datetime import date

import pytest
from sqlalchemy import func, literal, select
from sqlalchemy.exc import IntegrityError

from complaints.models import Complaint, ComplaintClock
from core.audit import history_for, record_audit
from core.direct_insert import execute_taking_keys, insert_pending
from core.models import Commitment, Resident, ServiceArea
from core.reference_data import ReferenceStamp
from feedback.models import FeedbackItem, feedback_commitment
from tests.helpers import make_charter, make_service_area, sent_statements


@pytest.fixture
def statements(db):
    """Every statement this test sends, as text."""
    with sent_statements(db.engine) as sent:
        yield sent


def kinds(sent: list[str]) -> list[str]:
    """"INSERT <table>" for each INSERT, the first word of any other statement; the pool's pings left out."""
    words = [statement.split() for statement in sent if statement.strip(" ;") not in ("", "SELECT 1")]
    return [f"INSERT {w[2]}" if w[0] == "INSERT" else w[0] for w in words]


def inserts(statements: list[str]) -> list[str]:
    return [kind for kind in kinds(statements) if kind.startswith("INSERT")]


def new_complaint(area: ServiceArea, commitments: list[Commitment]) -> Complaint:
    item = FeedbackItem(reference="CMP-2026-00001", kind="complaint", resident_kind="complaint", status="received",
                        channel="web_form", service_area=area, received_on=date(2026, 3, 2),
                        description="The crew were rude and left rubbish everywhere.", tracking_token_hash="h" * 64,
                        resident=Resident(name="Sam Example", email="sam@example.com", reply_by="email"))
    item.commitments = commitments
    complaint = Complaint(feedback=item, regime="lgsco", stage=1, state="received")
    complaint.clocks.append(ComplaintClock(stage=1, kind="acknowledge", rule="lgsco-stage1-ack",
                                           started_on=date(2026, 3, 2), due_on=date(2026, 3, 9)))
    return complaint


def test_a_new_graph_is_written_parents_first_with_its_keys_and_links(db, statements):
    area = make_service_area()
    commitments = make_charter().commitments
    db.session.refresh(area)  # loaded, as the service's merged copies are
    complaint = new_complaint(area, commitments)
    db.session.add(complaint)
    statements.clear()
    insert_pending()
    assert inserts(statements) == ["INSERT resident", "INSERT feedback_item", "INSERT feedback_commitment",
                                   "INSERT complaint", "INSERT complaint_clock"]
    item = complaint.feedback
    assert complaint in db.session and not db.session.new
    assert item.resident_id == item.resident.id and complaint.feedback_id == item.id
    assert complaint.clocks[0].complaint_id == complaint.id
    written = len(statements)
    db.session.commit()
    assert len(statements) == written  # nothing was left for the flush
    db.session.expire_all()
    stored = db.session.get(FeedbackItem, item.id)
    assert [c.code for c in stored.commitments] == ["T-01", "T-02"]
    assert stored.resident.email == "sam@example.com"
    assert db.session.scalar(select(func.count()).select_from(feedback_commitment)) == 2


def test_defaults_are_written_and_kept_on_the_object(db, statements):
    complaint = new_complaint(make_service_area(), [])
    db.session.add(complaint)
    insert_pending()
    item = complaint.feedback
    written = len(statements)
    # Column defaults are on the object as stored: reading them sends no query.
    assert item.version_id == 1 and item.received_at is not None and item.resident.created_at is not None
    assert complaint.is_open is not None and complaint.version_id == 1
    assert len(statements) == written
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(FeedbackItem, item.id).received_at == item.received_at


def test_text_is_scored_and_waiting_audit_records_are_written(db):
    complaint = new_complaint(make_service_area(), [])
    db.session.add(complaint)
    record_audit(complaint.feedback, "feedback.recorded", by=None, summary="Complaint received")
    insert_pending()
    db.session.commit()
    item = complaint.feedback
    assert item.sentiment_label == "negative" and item.sentiment_version
    assert [e.action for e in history_for(item)] == ["feedback.recorded"]


def test_changes_to_stored_rows_are_left_to_the_flush(db, statements):
    area = make_service_area(name="Waste")
    complaint = new_complaint(area, [])
    db.session.add(complaint)
    area.name = "Waste and recycling"
    statements.clear()
    insert_pending()
    assert "UPDATE" not in kinds(statements)
    db.session.commit()
    assert "UPDATE" in kinds(statements)
    db.session.expire_all()
    assert db.session.get(ServiceArea, area.id).name == "Waste and recycling"


def test_reference_data_written_directly_replaces_the_stamp(db):
    before = db.session.scalar(select(ReferenceStamp.stamp))
    db.session.add(ServiceArea(code="parks", name="Parks", regime="lgsco"))
    insert_pending()
    db.session.commit()
    assert db.session.scalar(select(ReferenceStamp.stamp)) != before


def test_a_rollback_undoes_direct_writes(db):
    complaint = new_complaint(make_service_area(), [])
    db.session.add(complaint)
    insert_pending()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 0
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 0


def test_nothing_new_writes_nothing(db, statements):
    insert_pending()
    assert kinds(statements) == []


def test_on_postgresql_the_keys_come_first_in_one_query_and_no_insert_waits_for_an_answer(db, statements):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the pipeline is PostgreSQL's")
    area = make_service_area()
    db.session.refresh(area)
    db.session.add(new_complaint(area, make_charter().commitments))
    insert_pending()  # the first write also looks up each table's sequence
    db.session.commit()
    db.session.refresh(area)
    complaint = new_complaint(area, [])
    complaint.feedback.reference, complaint.feedback.tracking_token_hash = "CMP-2026-00002", "i" * 64
    db.session.add(complaint)
    statements.clear()
    insert_pending()
    assert kinds(statements) == ["SELECT", "INSERT resident", "INSERT feedback_item", "INSERT complaint",
                                 "INSERT complaint_clock"]
    assert complaint.feedback.id and complaint.clocks[0].complaint_id == complaint.id
    db.session.commit()


def test_a_row_the_database_refuses_raises_the_usual_error_and_nothing_is_kept(db):
    area = make_service_area()
    db.session.add(new_complaint(area, []))
    insert_pending()
    db.session.commit()
    db.session.add(new_complaint(area, []))  # the same reference again: the unique index refuses it
    with pytest.raises(IntegrityError):
        insert_pending()
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(FeedbackItem)) == 1
    assert db.session.scalar(select(func.count()).select_from(Resident)) == 1


def test_a_statement_run_just_before_the_write_brings_the_new_rows_keys_with_it_on_postgresql(db, statements):
    area = make_service_area()
    db.session.refresh(area)
    complaint = new_complaint(area, [])
    db.session.add(complaint)
    statements.clear()
    assert execute_taking_keys(select(literal(7)), {}) == [(7,)]
    item = complaint.feedback
    if db.engine.dialect.name == "postgresql":
        assert kinds(statements) == ["SELECT", "SELECT"]  # sent together: the statement and the keys
        assert item.id and item.resident.id and complaint.id and complaint.clocks[0].id
    else:
        assert kinds(statements) == ["SELECT"] and item.id is None  # keys come back from each INSERT instead
    statements.clear()
    insert_pending()
    assert "SELECT" not in kinds(statements)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Complaint, complaint.id).feedback.resident.email == "sam@example.com"
