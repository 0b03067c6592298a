"""NUL characters in API text: PostgreSQL cannot store them, so both APIs refuse them with a 422 naming the field."""

import pytest
from sqlalchemy import func, select

from core.api_keys import issue_api_key
from core.contacts import ContactRecord
from feedback.models import FeedbackItem

SCOPES = ["feedback:write", "contacts:write"]


@pytest.fixture
def key(db, charter):
    return issue_api_key(name="Council website", scopes=SCOPES, by=None, per_minute=100)[1]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "comment", "description": "Bins\x00"}, "description"),
    ({"kind": "complaint", "description": "Late.", "outcome_wanted": "\x00",
      "resident": {"name": "Gil", "email": "gil@example.com", "reply_by": "email"}}, "outcome_wanted"),
    ({"kind": "complaint", "description": "Late.",
      "resident": {"name": "G\x00il", "email": "gil@example.com", "reply_by": "email"}}, "resident.name"),
])
def test_feedback_text_with_nul_is_refused(client, db, key, body, field):
    response = client.post("/api/v1/feedback", json=body, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 422, response.get_json()
    assert {"field": field, "message": "Must not contain the NUL character (U+0000)"} in response.get_json()["errors"]
    assert db.session.scalar(select(func.count(FeedbackItem.id))) == 0


def test_a_contact_reference_with_nul_is_refused(client, db, key):
    response = client.post("/api/v1/contacts", headers={"Authorization": f"Bearer {key}"}, json={
        "channel": "phone", "occurred_at": "2026-01-05T09:30:00Z", "reference": "CALL\x001"})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"] == [{"field": "reference", "message": "Reference must not contain the NUL "
                                                                                "character (U+0000)"}]
    assert db.session.scalar(select(func.count(ContactRecord.id))) == 0
