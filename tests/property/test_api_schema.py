"""Every documented API operation, driven by schemathesis from /api/v1/openapi.json through the WSGI app."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from core.api_keys import issue_api_key
from core.charters import load_charter_file
from core.timesource import set_today

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"
SCOPES = ["feedback:write", "feedback:read", "contacts:write", "channel-stats:write"]
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]


def _served_document() -> dict:
    """The document as the app serves it. Tests are generated at collection, before the session's app exists,
    so a throwaway app on an in-memory database serves it here; the tests send their requests to the real one."""
    from app import create_app

    throwaway = create_app({"TESTING": True, "SECRET_KEY": "schema", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                            "RATELIMIT_ENABLED": False})
    return throwaway.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_served_document())


@pytest.fixture
def api_key(db):
    load_charter_file(HARROW)  # real service areas and commitments, so valid examples reach the database
    _key, raw = issue_api_key(name="Schema tests", scopes=SCOPES, by=None, per_minute=1_000_000)
    return raw


@schema.parametrize()
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_every_operation_answers_as_documented(case, app, api_key):
    """Valid and invalid bodies alike (NUL bytes, any Unicode, wrong types): never a 5xx, and every answer is a
    status the document lists for the operation, with a body that matches its schema."""
    set_today(None)
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)


GOOD_FEEDBACK = {"kind": "complaint", "description": "The recycling was not collected.",
                 "service_area": "waste-recycling", "commitments": ["HAR-03"], "channel": "phone",
                 "resident": {"name": "Gil Hart", "email": "gil@example.com", "reply_by": "email"}}
GOOD_CONTACT = {"channel": "phone", "occurred_at": "2026-01-05T09:30:00Z", "service": "waste-recycling",
                "commitments": ["HAR-03"], "reference": "CALL-1"}


@pytest.mark.parametrize(("path", "body"), [
    # Inputs that have broken the APIs: each must get a documented 4xx with the documented body, never a 500.
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "description": "Bins\x00"}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "description": "\U0001f600"}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "received_on": "1800-01-01"}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "received_on": "0001-01-01"}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "equality": {"age_band": ["65_74"]}}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "equality": {"sex": {"a": 1}}}),
    ("/api/v1/feedback", {**GOOD_FEEDBACK, "resident": ["Gil"]}),
    ("/api/v1/feedback", [GOOD_FEEDBACK]),
    ("/api/v1/contacts", {**GOOD_CONTACT, "reference": {"id": 1}}),
    ("/api/v1/contacts", {**GOOD_CONTACT, "reference": ["CALL-1"]}),
    ("/api/v1/contacts", {**GOOD_CONTACT, "reference": "CALL\x001"}),
    ("/api/v1/contacts", {**GOOD_CONTACT, "occurred_at": "0001-01-01T00:00:00Z"}),
    ("/api/v1/contacts", [GOOD_CONTACT]),
])
def test_known_hostile_bodies_get_a_documented_answer(client, api_key, path, body):
    from tests.helpers import assert_matches_spec

    spec = client.get("/api/v1/openapi.json").get_json()
    response = client.post(path, json=body, headers={"Authorization": f"Bearer {api_key}"})
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert_matches_spec(spec, path, "post", response)
