"""Reference data kept per process: read once, read again after any change, from this process or another."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.api_keys import ApiKey, authenticate, issue_api_key, revoke_api_key
from core.charters import active_service_area, service_areas_by_code
from core.extensions import db as _db
from core.models import ServiceArea
from core.reference_data import ReferenceStamp, forget_kept, kept, replace_stamp
from core.timesource import now
from tests.helpers import make_service_area, sent_statements


@pytest.fixture
def statements(db):
    """Every SQL statement this test sends."""
    with sent_statements(db.engine) as sent:
        yield sent


def stamp() -> str | None:
    return _db.session.scalar(select(ReferenceStamp.stamp))


def test_a_value_is_loaded_once_while_nothing_changes(db, statements):
    loads = []
    for _ in range(3):
        assert kept("test-value", lambda: loads.append(1) or "value") == "value"
        db.session.commit()  # each transaction checks the stamp once; the value itself is not read again
    assert len(loads) == 1
    assert sum("reference_stamp" in s for s in statements) == 3


def test_the_stamp_is_checked_once_a_transaction(db, statements):
    kept("one", lambda: 1)
    kept("two", lambda: 2)
    kept("one", lambda: 1)
    assert sum("reference_stamp" in s for s in statements) == 1


def test_a_change_to_watched_data_replaces_the_stamp_in_the_same_transaction(db):
    before = stamp()
    make_service_area(code="parks", name="Parks")
    assert stamp() != before
    area = db.session.scalar(select(ServiceArea).where(ServiceArea.code == "parks"))
    before = stamp()
    area.name = "Parks and open spaces"
    db.session.rollback()  # a change that is not kept leaves the stamp as it was
    assert stamp() == before


def test_a_change_only_to_an_ignored_attribute_keeps_the_stamp(db):
    key, raw = issue_api_key(name="Kiosk", scopes=["feedback:write"], by=None)
    before = stamp()
    authenticate(raw).last_used_at = now()
    db.session.commit()
    assert stamp() == before
    assert db.session.get(ApiKey, key.id).last_used_at is not None


def test_service_areas_are_kept_and_changes_are_seen_at_once(db, statements):
    make_service_area(code="parks", name="Parks")
    assert active_service_area("parks").name == "Parks"
    db.session.commit()
    reads = sum("FROM service_area" in s for s in statements)
    assert active_service_area("parks").name == "Parks"
    assert sum("FROM service_area" in s for s in statements) == reads
    # Another worker (its own session) closes the service: the next transaction here knows.
    with Session(db.engine) as other:
        other.scalars(select(ServiceArea).where(ServiceArea.code == "parks")).one().active = False
        other.commit()
    db.session.commit()
    assert active_service_area("parks") is None
    assert "parks" in service_areas_by_code()
    assert active_service_area(None) is None and active_service_area("no-such-service") is None


def test_a_kept_object_is_attached_as_a_copy(db):
    area_id = make_service_area(code="parks", name="Parks").id
    db.session.expunge_all()
    attached = active_service_area("parks")
    assert attached in db.session and attached.id == area_id
    assert service_areas_by_code()["parks"] not in db.session  # the kept copy never joins a session


def test_a_revoked_key_is_refused_in_the_next_transaction_of_every_process(db):
    key, raw = issue_api_key(name="CRM", scopes=["feedback:write"], by=None)
    assert authenticate(raw) is not None
    db.session.commit()
    with Session(db.engine) as other:
        other.get(ApiKey, key.id).revoked_at = now()
        other.commit()
    db.session.commit()
    assert authenticate(raw) is None


def test_a_transaction_that_changes_reference_data_reads_it_fresh(db):
    make_service_area(code="parks", name="Parks")
    assert active_service_area("libraries") is None
    db.session.add(ServiceArea(code="libraries", name="Libraries", regime="lgsco"))
    db.session.flush()
    assert active_service_area("libraries").name == "Libraries"
    db.session.rollback()
    assert active_service_area("libraries") is None


def test_without_a_stamp_row_nothing_is_kept(db):
    db.session.execute(ReferenceStamp.__table__.delete())
    db.session.commit()
    loads = []
    kept("test-value", lambda: loads.append(1))
    kept("test-value", lambda: loads.append(1))
    assert len(loads) == 2
    replace_stamp()  # a bulk change puts the row back
    db.session.commit()
    assert stamp() is not None


def test_forget_kept_loads_again(db):
    loads = []
    kept("test-value", lambda: loads.append(1))
    forget_kept()
    kept("test-value", lambda: loads.append(1))
    assert len(loads) == 2


def test_a_new_database_has_a_stamp(db):
    # create_all (tests) and migration 0008 both write the row; this checks the first.
    table = ReferenceStamp.__table__
    with db.engine.begin() as connection:
        table.drop(connection)
        table.create(connection)
        assert connection.execute(select(table.c.stamp)).scalar_one()


def test_revoking_through_the_service_is_seen_at_once(db):
    key, raw = issue_api_key(name="CRM", scopes=["feedback:write"], by=None)
    assert authenticate(raw).id == key.id
    revoke_api_key(authenticate(raw), by=None)
    assert authenticate(raw) is None
