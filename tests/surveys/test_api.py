"""POST /api/v1/contacts: integrations log contacts with an API key; every problem comes back as JSON."""

from datetime import date, datetime

import pytest

from core.api_keys import issue_api_key
from core.contacts import ContactRecord
from core.timesource import set_today
from tests.helpers import make_charter, make_service_area


@pytest.fixture
def key(db):
    set_today(date(2026, 11, 20))
    make_charter()
    make_service_area(code="council-tax")
    return issue_api_key(name="Telephony", scopes=["contacts:write"], by=None)


def _post(client, raw, payload, **kwargs):
    return client.post("/api/v1/contacts", json=payload, headers={"Authorization": f"Bearer {raw}"}, **kwargs)


def test_an_integration_logs_a_contact(client, db, key):
    api_key, raw = key
    response = _post(client, raw, {"channel": "phone", "occurred_at": "2026-11-19T09:30:00Z", "service": "council-tax",
                                   "email": "resident@example.com", "commitments": ["T-01"], "reference": "CALL-1"})
    assert response.status_code == 201, response.json
    assert response.json == {"id": response.json["id"], "channel": "phone", "occurred_at": "2026-11-19T09:30:00Z",
                             "service": "council-tax", "commitments": ["T-01"], "reference": "CALL-1"}
    contact = db.session.get(ContactRecord, response.json["id"])
    assert (contact.source, contact.api_key_id, contact.email) == ("api", api_key.id, "resident@example.com")
    assert contact.occurred_at == datetime(2026, 11, 19, 9, 30)


def test_sending_the_same_reference_twice_records_it_once(client, db, key):
    _, raw = key
    payload = {"channel": "phone", "when": "2026-11-19 09:30", "reference": "CALL-2"}
    first, second = _post(client, raw, payload), _post(client, raw, payload)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["id"] == second.json["id"]
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 1


def test_every_problem_comes_back_with_its_field(client, key):
    _, raw = key
    response = _post(client, raw, {"channel": "pigeon", "email": "nope", "commitments": ["X-1"]})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["channel", "when", "email", "commitments"]


@pytest.mark.parametrize("body", ["not json", "[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_refused(client, key, body):
    _, raw = key
    response = client.post("/api/v1/contacts", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 400
    assert response.json["errors"][0]["message"].startswith("Send a JSON object")


def test_no_key_no_contact(client, db, key):
    response = client.post("/api/v1/contacts", json={"channel": "phone", "when": "2026-11-19 09:30"})
    assert response.status_code == 401
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 0


def test_a_key_without_the_contacts_scope_is_refused(client, db):
    _, raw = issue_api_key(name="Feedback only", scopes=["feedback:write"], by=None)
    assert _post(client, raw, {"channel": "phone", "when": "2026-11-01"}).status_code == 403


def test_the_api_needs_no_csrf_token(app, client, key, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    _, raw = key
    assert _post(client, raw, {"channel": "phone", "when": "2026-11-19 09:30"}).status_code == 201
