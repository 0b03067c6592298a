"""The JSON API: keys, rate limits, field-by-field errors, and an OpenAPI description that matches what it does."""

import re
from datetime import date

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from core.models import OutboxMessage, Role
from core.timesource import set_today
from feedback.models import EqualityMonitoring, FeedbackItem
from feedback.services import issue_api_key, revoke_api_key
from tests.helpers import assert_matches_spec, make_staff, spec_validator


@pytest.fixture
def key(db):
    _key, raw = issue_api_key(name="Council website", per_minute=100, by=make_staff(role=Role.ADMIN))
    return raw


def auth(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


COMPLAINT = {
    "kind": "complaint",
    "description": "The recycling was not collected for three weeks.",
    "service_area": "waste-recycling",
    "commitments": ["HAR-03"],
    "happened_on": "2026-03-02",
    "channel": "web_form",
    "resident": {"name": "Gil Hart", "email": "gil@example.com", "reply_by": "email", "adjustments": ["easy_read"]},
    "equality": {"age_band": "65_74", "disability": "prefer_not_to_say"},
}


def post(client, body, raw=None, **kwargs):
    return client.post("/api/v1/feedback", json=body, headers=auth(raw) if raw else {}, **kwargs)


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


# Recording

def test_create_returns_201_with_reference_location_and_tracking_link(client, db, key, charter, spec):
    set_today(date(2026, 3, 6))
    response = post(client, COMPLAINT, key)
    assert response.status_code == 201
    body = response.get_json()
    assert body["reference"] == "CMP-2026-00001" and body["status"] == "acknowledged"
    # Friday 6 March 2026 + 24 hours is Saturday, which rolls forward to the next working day, Monday 9 March.
    assert body["received_on"] == "2026-03-06" and body["acknowledgement_due_on"] == "2026-03-09"
    assert "/track/" in body["tracking_url"]
    assert response.headers["Location"] == "/api/v1/feedback/CMP-2026-00001"
    assert_matches_spec(spec, "/api/v1/feedback", "post", response)
    item = db.session.scalar(select(FeedbackItem))
    assert item.api_key_id is not None and item.resident.adjustments == ["easy_read"]
    assert db.session.scalar(select(OutboxMessage.to_address)) == "gil@example.com"
    assert db.session.scalar(select(EqualityMonitoring.age_band)) == "65_74"


def test_staff_systems_can_give_the_day_it_arrived(client, db, key):
    set_today(date(2026, 3, 6))
    response = post(client, {"kind": "compliment", "description": "Thanks!", "channel": "phone",
                             "received_on": "2026-03-02"}, key)
    assert response.status_code == 201
    item = db.session.scalar(select(FeedbackItem))
    assert (item.channel, item.received_on) == ("phone", date(2026, 3, 2))


def test_read_back_own_feedback_only(client, db, key, spec):
    reference = post(client, {"kind": "comment", "description": "More benches please."}, key).get_json()["reference"]
    response = client.get(f"/api/v1/feedback/{reference}", headers=auth(key))
    assert response.status_code == 200
    assert response.get_json()["reference"] == reference and response.get_json()["commitments"] == []
    assert_matches_spec(spec, "/api/v1/feedback/{reference}", "get", response)
    _other, other_raw = issue_api_key(name="Kiosk", per_minute=10, by=make_staff(role=Role.ADMIN))
    hidden = client.get(f"/api/v1/feedback/{reference}", headers=auth(other_raw))
    assert hidden.status_code == 404
    assert_matches_spec(spec, "/api/v1/feedback/{reference}", "get", hidden)


# Refusals

def test_no_key_or_wrong_key_is_401(client, spec):
    for response in (post(client, COMPLAINT), post(client, COMPLAINT, "cl_not-a-real-key")):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert_matches_spec(spec, "/api/v1/feedback", "post", response)
    assert client.get("/api/v1/feedback/CMP-2026-00001").status_code == 401


def test_a_key_sent_any_other_way_than_the_authorization_header_is_not_read(client, key):
    for headers in ({"X-API-Key": key}, {"Authorization": key}, {"Authorization": f"Basic {key}"}):
        response = client.post("/api/v1/feedback", json=COMPLAINT, headers=headers)
        assert response.status_code == 401
        assert response.get_json() == {"errors": [{"message": "Send your API key in the Authorization header"}]}
    assert post(client, COMPLAINT, key).status_code != 401  # the same key, sent as documented, is read


def test_a_key_without_the_feedback_scope_is_403(client, db):
    _key, raw = issue_api_key(name="Telephony", per_minute=10, by=make_staff(role=Role.ADMIN),
                              scopes=["contacts:write"])
    response = post(client, COMPLAINT, raw)
    assert response.status_code == 403
    assert response.get_json() == {"errors": [{"message": "This API key may not use feedback:write"}]}


def test_revoked_key_is_403(client, db, key, spec):
    from feedback.services import find_api_key

    revoke_api_key(find_api_key(key), by=make_staff(role=Role.ADMIN))
    response = post(client, COMPLAINT, key)
    assert response.status_code == 403
    assert_matches_spec(spec, "/api/v1/feedback", "post", response)


def test_body_that_is_not_json_is_400(client, key, spec):
    response = client.post("/api/v1/feedback", data="kind=complaint", headers=auth(key),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert_matches_spec(spec, "/api/v1/feedback", "post", response)


def problems(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


@pytest.mark.parametrize("change, expected", [
    ({"kind": None, "description": None}, {"kind": "Enter the kind of feedback", "description": "Enter what happened"}),
    ({"kind": "grumble"}, {"kind": "Must be one of: compliment, comment, complaint, service_request"}),
    ({"description": 42}, {"description": "Must be text"}),
    ({"description": "x" * 5001}, {"description": "Your answer must be 5,000 characters or fewer"}),
    ({"happened_on": "2026-02-30"}, {"happened_on": "Must be a real date in the format YYYY-MM-DD"}),
    ({"happened_on": "2026-03-07"}, {"happened_on": "Must be today or in the past"}),
    ({"service_area": "moon-base"}, {"service_area": "There is no service area with the code 'moon-base'"}),
    ({"commitments": ["HAR-99"]}, {"commitments": "There is no commitment with the code 'HAR-99' in the charter"}),
    ({"commitments": "HAR-01"}, {"commitments": "Must be a list of text values"}),
    ({"channel": "pigeon"}, {"channel": "Must be one of: web_form, phone, email, letter, visit, home_visit, web_chat, "
                                        "social_media, voicemail"}),
    ({"resident": {"name": "Gil", "email": "gil@", "reply_by": "email"}},
     {"resident.email": "Email address must be in the correct format, like name@example.com"}),
    ({"resident": {}}, {"resident.name": "Enter your full name",
                        "resident.email": "Enter an email address, telephone number or postal address so we can "
                                          "reply to you"}),
    ({"resident": {"name": "Gil", "phone": "07700 900123", "reply_by": "letter"}},
     {"resident.reply_by": "Give us a postal address or choose another way for us to reply"}),
    ({"resident": {"name": "Gil", "email": "g@example.com", "reply_by": "email", "adjustments": ["interpreter"]}},
     {"resident.language": "Enter the language you need an interpreter for"}),
    ({"resident": "Gil"}, {"resident": "Must be an object"}),
    ({"equality": {"sex": "sometimes"}}, {"equality.sex": "Select an answer from the list, or prefer not to say"}),
    ({"mood": "cross"}, {"mood": "Is not a field this API accepts"}),
    ({"resident": {"name": "Gil", "email": "g@example.com", "reply_by": "email", "shoe_size": 9}},
     {"resident.shoe_size": "Is not a field this API accepts"}),
])
def test_validation_errors_are_422_field_by_field(client, key, charter, spec, change, expected):
    set_today(date(2026, 3, 6))
    body = {k: v for k, v in {**COMPLAINT, **change}.items() if v is not None}
    response = post(client, body, key)
    assert problems(response) == expected
    assert_matches_spec(spec, "/api/v1/feedback", "post", response)


def test_a_json_array_is_refused_clearly(client, key):
    assert problems(post(client, ["complaint"], key)) == {"": "The request body must be a JSON object"}


def test_html_is_stored_as_typed(client, db, key):
    post(client, {"kind": "comment", "description": "<img src=x onerror=alert(1)>"}, key)
    assert db.session.scalar(select(FeedbackItem.description)) == "<img src=x onerror=alert(1)>"


def test_the_api_needs_no_csrf_token_but_its_key(app, client, key):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = post(client, {"kind": "comment", "description": "Fine."}, key)
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


def test_each_key_has_its_own_rate_limit(limited_client, db):
    admin = make_staff(role=Role.ADMIN)
    _slow, slow_raw = issue_api_key(name="Kiosk", per_minute=2, by=admin)
    _fast, fast_raw = issue_api_key(name="Website", per_minute=50, by=admin)
    body = {"kind": "comment", "description": "Hello"}
    codes = [post(limited_client, body, slow_raw).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    limited = post(limited_client, body, slow_raw)
    assert limited.get_json() == {"errors": [{"message": "Too many requests"}]}
    assert post(limited_client, body, fast_raw).status_code == 201


# The description matches the implementation

def api_routes(app) -> set[tuple[str, str]]:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            path = rule.rule.replace("<", "{").replace(">", "}")
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    return routes


def test_spec_lists_exactly_the_api_routes_the_app_serves(app, spec):
    described = {(path, method) for path, operations in spec["paths"].items() for method in operations}
    assert ("/api/v1/contacts", "post") in described  # added by surveys through core's registry
    assert described == api_routes(app)


def scoped_operations(spec) -> list[tuple[str, str, str, str]]:
    """(path, url, method, scope) of every operation that needs a key; the url fills each path parameter in."""
    return [(path, re.sub(r"\{[^}]+\}", "X-2026-99999", path), method, scope)
            for path, operations in spec["paths"].items() for method, operation in operations.items()
            for requirement in operation.get("security", spec["security"]) for scope in requirement.get("apiKey", [])]


def test_every_operation_names_the_scope_its_key_needs(client, db, spec):
    operations = scoped_operations(spec)
    scopes = {scope for *_, scope in operations}
    assert scopes == {"feedback:write", "feedback:read", "contacts:write", "channel-stats:write"}
    admin = make_staff(role=Role.ADMIN)
    for path, url, method, scope in operations:
        _right, right = issue_api_key(name="Right", per_minute=100, by=admin, scopes=[scope])
        _other, other = issue_api_key(name="Other", per_minute=100, by=admin, scopes=sorted(scopes - {scope}))
        allowed = client.open(url, method=method, json={}, headers=auth(right))
        assert allowed.status_code not in (401, 403), (path, method, allowed.get_json())
        refused = client.open(url, method=method, json={}, headers=auth(other))
        assert refused.status_code == 403, (path, method)
        assert_matches_spec(spec, path, method, refused)


def test_every_operation_answers_429_as_documented_once_the_key_is_spent(limited_client, db, spec):
    admin = make_staff(role=Role.ADMIN)
    for path, url, method, scope in scoped_operations(spec):
        _key, raw = issue_api_key(name="Slow", per_minute=1, by=admin, scopes=[scope])
        first = limited_client.open(url, method=method, json={}, headers=auth(raw))
        spent = limited_client.open(url, method=method, json={}, headers=auth(raw))
        assert (first.status_code != 429, spent.status_code) == (True, 429), (path, method)
        assert_matches_spec(spec, path, method, spent)


def test_spec_is_a_valid_openapi_31_document_with_valid_schemas(spec):
    assert spec["openapi"].startswith("3.1")
    for schema in spec["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_example_request_matches_the_request_schema(spec):
    assert list(spec_validator(spec, "FeedbackSubmission").iter_errors(COMPLAINT)) == []


def test_every_required_field_in_the_spec_is_required_by_the_api(client, key, spec):
    required = spec["components"]["schemas"]["FeedbackSubmission"]["required"]
    for field in required:
        body = {k: v for k, v in COMPLAINT.items() if k != field}
        assert field in problems(post(client, body, key)), field


def test_every_field_the_spec_describes_is_accepted_and_no_other(client, key, charter, spec):
    properties = spec["components"]["schemas"]["FeedbackSubmission"]["properties"]
    assert set(properties) == set(COMPLAINT) | {"outcome_wanted", "received_on"}
    resident = spec["components"]["schemas"]["Resident"]["properties"]
    full_resident = {"name": "Gil", "email": "g@example.com", "phone": "07700 900123", "address": "1 Road",
                     "postcode": "ZZ1 1AB", "reply_by": "letter", "adjustments": ["other", "interpreter"],
                     "adjustments_other": "Call after 6pm", "language": "Welsh"}
    assert set(resident) == set(full_resident)
    body = {**COMPLAINT, "outcome_wanted": "Collect it", "received_on": "2026-03-02", "happened_on": "2026-03-01",
            "resident": full_resident}
    assert list(spec_validator(spec, "FeedbackSubmission").iter_errors(body)) == []
    set_today(date(2026, 3, 6))
    assert post(client, body, key).status_code == 201


def test_every_enum_value_in_the_spec_is_accepted(client, key, spec):
    schemas = spec["components"]["schemas"]
    for kind in schemas["FeedbackSubmission"]["properties"]["kind"]["enum"]:
        body = {**COMPLAINT, "kind": kind, "service_area": None, "commitments": []}
        body = {k: v for k, v in body.items() if v is not None}
        assert post(client, body, key).status_code == 201, kind
    for channel in schemas["FeedbackSubmission"]["properties"]["channel"]["enum"]:
        body = {"kind": "comment", "description": "x", "channel": channel}
        assert post(client, body, key).status_code == 201, channel
    for name, question in schemas["EqualityMonitoring"]["properties"].items():
        for answer in question["enum"]:
            body = {"kind": "comment", "description": "x", "equality": {name: answer}}
            assert post(client, body, key).status_code == 201, (name, answer)


def test_length_limits_in_the_spec_are_the_apis(client, key, spec):
    properties = spec["components"]["schemas"]["FeedbackSubmission"]["properties"]
    for field in ("description", "outcome_wanted"):
        limit = properties[field]["maxLength"]
        at_limit = {"kind": "comment", "description": "x", field: "x" * limit}
        assert post(client, at_limit, key).status_code == 201
        assert field in problems(post(client, {**at_limit, field: "x" * (limit + 1)}, key))
    resident = spec["components"]["schemas"]["Resident"]["properties"]
    limit = resident["name"]["maxLength"]
    body = {"kind": "comment", "description": "x", "resident": {"name": "x" * (limit + 1)}}
    assert "resident.name" in problems(post(client, body, key))
