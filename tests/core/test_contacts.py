"""Contact records: what happened, how to reach the resident, and anonymisation that keeps the counts."""

from datetime import datetime

import pytest
from sqlalchemy.exc import IntegrityError

from core import contacts
from core.api_keys import issue_api_key
from core.contacts import ContactRecord, anonymise_contacts, find_by_reference, record_contact
from tests.helpers import make_charter, make_service_area


def test_a_contact_keeps_its_service_regime_commitments_and_tidy_details(db):
    charter = make_charter()
    housing = make_service_area(regime="ho")
    contact = record_contact(channel="phone", occurred_at=datetime(2026, 11, 2, 10), source="form",
                             service_area=housing, email="  Tenant@Example.COM ", phone=" 01632 960003 ",
                             commitments=charter.commitments)
    db.session.commit()
    assert (contact.email, contact.phone, contact.regime) == ("tenant@example.com", "01632 960003", "ho")
    assert [c.code for c in contact.commitments] == ["T-01", "T-02"]
    assert record_contact(channel="email", occurred_at=datetime(2026, 11, 2), source="api", regime="lgsco",
                          email="").email is None


def test_an_outside_reference_is_recorded_once_per_source(db):
    record_contact(channel="phone", occurred_at=datetime(2026, 11, 2), source="api", external_reference="CALL-7")
    db.session.commit()
    assert find_by_reference("api", "CALL-7") is not None
    assert find_by_reference("import", "CALL-7") is None
    record_contact(channel="phone", occurred_at=datetime(2026, 11, 2), source="import", external_reference="CALL-7")
    db.session.commit()
    with pytest.raises(IntegrityError):
        record_contact(channel="phone", occurred_at=datetime(2026, 11, 2), source="api", external_reference="CALL-7")
    db.session.rollback()


def test_an_integrations_reference_is_recorded_once_per_api_key(db):
    telephony, _ = issue_api_key(name="Telephony", scopes=["contacts:write"], by=None)
    crm, _ = issue_api_key(name="CRM", scopes=["contacts:write"], by=None)
    sent = record_contact(channel="phone", occurred_at=datetime(2026, 11, 2), source="api",
                          external_reference="CALL-8", api_key_id=telephony.id)
    db.session.commit()
    assert find_by_reference("api", "CALL-8", api_key_id=telephony.id) == sent
    assert find_by_reference("api", "CALL-8", api_key_id=crm.id) is None
    assert find_by_reference("api", "CALL-8") is None  # a reference without a key is another one again
    record_contact(channel="email", occurred_at=datetime(2026, 11, 2), source="api", external_reference="CALL-8",
                   api_key_id=crm.id)
    db.session.commit()
    with pytest.raises(IntegrityError):
        record_contact(channel="phone", occurred_at=datetime(2026, 11, 2), source="api",
                       external_reference="CALL-8", api_key_id=telephony.id)
    db.session.rollback()


def test_anonymisation_clears_contact_details_of_old_contacts_only(db):
    old = record_contact(channel="phone", occurred_at=datetime(2025, 1, 1), source="form", email="a@example.com",
                         phone="01632 960004")
    new = record_contact(channel="phone", occurred_at=datetime(2026, 11, 1), source="form", email="b@example.com")
    db.session.commit()
    assert anonymise_contacts(occurred_before=datetime(2026, 1, 1)) == 1
    assert anonymise_contacts(occurred_before=datetime(2026, 1, 1)) == 0  # already done
    db.session.expire_all()
    assert (old.email, old.phone, old.channel) == (None, None, "phone") and old.anonymised_at is not None
    assert new.email == "b@example.com"
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 2


def test_the_parts_told_of_cleared_contacts_get_their_ids_before_the_commit(db, monkeypatch):
    old = record_contact(channel="phone", occurred_at=datetime(2025, 6, 1), source="form", email="a@example.com")
    older = record_contact(channel="phone", occurred_at=datetime(2025, 1, 1), source="form", phone="01632 960001")
    record_contact(channel="phone", occurred_at=datetime(2026, 6, 1), source="form", email="b@example.com")
    db.session.commit()
    told = []

    def handler(ids):
        # Still in the transaction that cleared them: the change is there, not yet committed.
        emails = db.session.scalars(db.select(ContactRecord.email).where(ContactRecord.id.in_(ids))).all()
        told.append((ids, emails, db.session().in_transaction()))

    monkeypatch.setattr(contacts, "CONTACTS_CLEARED", [])
    assert contacts.on_contacts_cleared(handler) is handler
    contacts.on_contacts_cleared(handler)  # registered once however often it is asked
    assert anonymise_contacts(occurred_before=datetime(2026, 1, 1)) == 2
    assert told == [(sorted([old.id, older.id]), [None, None], True)]
    assert anonymise_contacts(occurred_before=datetime(2026, 1, 1)) == 0
    assert len(told) == 1  # nothing newly cleared, nobody told


def test_a_contact_is_recorded_unheld_and_a_held_one_is_kept_and_anonymised_like_any_other(db):
    contact = record_contact(channel="phone", occurred_at=datetime(2025, 1, 1), source="complaint",
                             email="c@example.com", external_reference="complaint-7", related=("feedback_item", 42))
    db.session.commit()
    assert contact.held_at is None
    contact.held_at = datetime(2025, 1, 5)
    db.session.commit()
    assert find_by_reference("complaint", "complaint-7") == contact  # a held contact is still the complaint's
    assert anonymise_contacts(occurred_before=datetime(2026, 1, 1)) == 1
    db.session.expire_all()
    assert (contact.email, contact.held_at) == (None, datetime(2025, 1, 5))
