"""POST /api/v1/contacts: integrations log contacts with an API key; every problem comes back as JSON."""

import re
from datetime import date, datetime

import pytest

from core.api_keys import issue_api_key, revoke_api_key
from core.contacts import ContactRecord, find_by_reference
from core.timesource import set_today
from surveys import intake
from tests.helpers import assert_matches_spec, make_charter, make_service_area, spec_validator


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


def test_a_reference_is_a_repeat_only_for_the_key_that_sent_it(client, db, key):
    telephony, raw = key
    crm, crm_raw = issue_api_key(name="CRM", scopes=["contacts:write"], by=None)
    payload = {"channel": "phone", "when": "2026-11-19 09:30", "email": "caller@example.com", "reference": "REF-1"}
    first = _post(client, raw, payload)
    other = _post(client, crm_raw, {**payload, "channel": "email", "email": "writer@example.com"})
    again = _post(client, raw, payload)
    assert (first.status_code, other.status_code, again.status_code) == (201, 201, 200)
    assert other.json["channel"] == "email" and other.json["id"] != first.json["id"]  # not the telephony contact
    assert again.json["id"] == first.json["id"]
    contacts = db.session.scalars(db.select(ContactRecord).order_by(ContactRecord.id)).all()
    assert [(c.api_key_id, c.email) for c in contacts] == [(telephony.id, "caller@example.com"),
                                                           (crm.id, "writer@example.com")]


def test_a_repeat_that_loses_a_race_gets_the_contact_that_won(client, db, key, monkeypatch):
    _, raw = key
    payload = {"channel": "phone", "when": "2026-11-19 09:30", "reference": "REF-2"}
    first = _post(client, raw, payload)
    # The repeat is checked before the first request commits: only the unique index sees the two meet.
    calls = []

    def checked_too_early(*args, **kwargs):
        calls.append(args)
        return None if len(calls) == 1 else find_by_reference(*args, **kwargs)

    monkeypatch.setattr(intake, "find_by_reference", checked_too_early)
    second = _post(client, raw, payload)
    assert (second.status_code, second.json["id"]) == (200, first.json["id"])
    assert db.session.scalar(db.select(db.func.count()).select_from(ContactRecord)) == 1


def test_a_commitment_given_twice_is_linked_once(client, db, key):
    _, raw = key
    response = _post(client, raw, {"channel": "phone", "when": "2026-11-19 09:30", "commitments": ["T-01", "t-01"]})
    assert response.status_code == 201, response.json
    assert response.json["commitments"] == ["T-01"]


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


# The OpenAPI description matches what the contacts API does

PATH = "/api/v1/contacts"
#: A contact giving every field the description lists.
EVERY_FIELD = {"channel": "phone", "when": "2026-11-19 09:30", "occurred_at": "2026-11-19T09:30:00Z",
               "service": "council-tax", "email": "resident@example.com", "phone": "01632 960 001",
               "commitments": ["T-01"], "reference": "CALL-9"}


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _schema(spec, name):
    return spec["components"]["schemas"][name]


def _schema_problems(spec, body) -> list[str]:
    return [e.message for e in spec_validator(spec, "ContactSubmission").iter_errors(body)]


def test_the_operation_is_described_with_its_scope_and_every_answer(spec):
    operation = spec["paths"][PATH]["post"]
    assert operation["security"] == [{"apiKey": ["contacts:write"]}]
    assert "apiKey" in spec["components"]["securitySchemes"]
    assert set(operation["responses"]) == {"200", "201", "400", "401", "403", "422", "429"}
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ContactSubmission"}


def test_every_field_the_description_lists_is_accepted(client, key, spec):
    _, raw = key
    assert set(_schema(spec, "ContactSubmission")["properties"]) == set(EVERY_FIELD)
    assert _schema_problems(spec, EVERY_FIELD) == []
    response = _post(client, raw, EVERY_FIELD)
    assert response.status_code == 201, response.json
    assert_matches_spec(spec, PATH, "post", response)
    again = _post(client, raw, EVERY_FIELD)
    assert again.status_code == 200 and again.json == response.json
    assert_matches_spec(spec, PATH, "post", again)


@pytest.mark.parametrize("body", [
    {"channel": "phone", "occurred_at": "2026-11-19T09:30:00Z"},  # the other name for when
    {"channel": "phone", "when": "2026-11-19 09:30", "service": None, "email": None, "phone": None,
     "commitments": None, "reference": None},  # null is the same as leaving a field out
    {"channel": "phone", "when": "2026-11-19 09:30", "commitments": "T-01; t-01"},  # codes as one text
    {"channel": "phone", "when": "2026-11-19 09:30", "crm_case": {"id": 7}},  # other fields are ignored
])
def test_bodies_the_description_allows_are_accepted(client, key, spec, body):
    _, raw = key
    assert _schema_problems(spec, body) == []
    response = _post(client, raw, body)
    assert response.status_code == 201, response.json
    assert_matches_spec(spec, PATH, "post", response)


def test_every_channel_and_every_example_time_in_the_description_is_accepted(client, key, spec):
    _, raw = key
    set_today(date(2026, 11, 21))  # the examples are of 20 November 2026
    properties = _schema(spec, "ContactSubmission")["properties"]
    for channel in properties["channel"]["enum"]:
        assert _post(client, raw, {"channel": channel, "when": "2026-11-19 09:30"}).status_code == 201, channel
    for when in properties["when"]["examples"]:
        assert _schema_problems(spec, {"channel": "phone", "when": when}) == []
        assert _post(client, raw, {"channel": "phone", "when": when}).status_code == 201, when


def test_the_limits_in_the_description_are_the_apis(client, key, spec):
    _, raw = key
    properties = _schema(spec, "ContactSubmission")["properties"]
    base = {"channel": "phone", "when": "2026-11-19 09:30"}
    limit = properties["reference"]["maxLength"]
    assert _post(client, raw, {**base, "reference": "R" * limit}).status_code == 201
    assert _post(client, raw, {**base, "reference": "R" * (limit + 1)}).status_code == 422
    limit = properties["email"]["maxLength"]
    for extra, status in ((0, 201), (1, 422)):
        address = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * (limit - 197 + extra) + ".com"
        assert len(address) == limit + extra
        assert _post(client, raw, {**base, "email": address}).status_code == status, len(address)
    phone = re.compile(properties["phone"]["pattern"])
    for number, status in (("0163296000", 201), ("+44 (0)1632 960-001", 201), ("016329600", 422), ("0" * 21, 422)):
        assert bool(phone.search(number)) == (status == 201), number
        assert _post(client, raw, {**base, "phone": number}).status_code == status, number


@pytest.mark.parametrize("body, field", [
    ({"when": "2026-11-19 09:30"}, "channel"),
    ({"channel": "pigeon", "when": "2026-11-19 09:30"}, "channel"),
    ({"channel": "phone"}, "when"),
    ({"channel": "phone", "when": " "}, "when"),
    ({"channel": "phone", "occurred_at": ""}, "when"),
    ({"channel": "phone", "when": "2026-11-19 09:30", "occurred_at": "soon"}, "when"),
    ({"channel": "phone", "when": "2026-11-19 09:30", "email": "nope"}, "email"),
    ({"channel": "phone", "when": "2026-11-19 09:30", "email": "a" * 64 + "@" + ("b" * 63 + ".") * 3 + "uk"},
     "email"),
    ({"channel": "phone", "when": "2026-11-19 09:30", "phone": "123"}, "phone"),
    ({"channel": "phone", "when": "2026-11-19 09:30", "reference": "R" * 101}, "reference"),
])
def test_a_body_the_description_forbids_gets_the_documented_422(client, key, spec, body, field):
    _, raw = key
    assert _schema_problems(spec, body) != []
    response = _post(client, raw, body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == [field]
    assert_matches_spec(spec, PATH, "post", response)


def test_problems_the_description_cannot_express_still_come_back_as_documented(client, key, spec):
    _, raw = key
    body = {"channel": "phone", "when": "2026-02-30 09:30", "service": "moon-base", "commitments": ["X-1"]}
    # A date's shape is described, not whether the day exists; the service and charter codes are the council's data.
    assert _schema_problems(spec, body) == []
    response = _post(client, raw, body)
    assert [e["field"] for e in response.json["errors"]] == ["when", "service", "commitments"]
    assert _schema(spec, "ContactProblems")["properties"]["errors"]["items"]["properties"]["field"]["enum"] == [
        "channel", "when", "service", "email", "phone", "commitments", "reference", "Idempotency-Key"]
    assert_matches_spec(spec, PATH, "post", response)


def test_refusals_come_back_as_documented(client, db, key, spec):
    api_key, raw = key
    not_json = client.post(PATH, data="[1]", content_type="application/json",
                           headers={"Authorization": f"Bearer {raw}"})
    assert not_json.status_code == 400
    assert_matches_spec(spec, PATH, "post", not_json)
    _, feedback_only = issue_api_key(name="Feedback only", scopes=["feedback:write"], by=None)
    forbidden = _post(client, feedback_only, {"channel": "phone", "when": "2026-11-19 09:30"})
    assert forbidden.status_code == 403
    assert_matches_spec(spec, PATH, "post", forbidden)
    revoke_api_key(api_key, by=None)
    challenge = spec["paths"][PATH]["post"]["responses"]["401"]["headers"]["WWW-Authenticate"]["schema"]["const"]
    for refused in (_post(client, raw, {}), client.post(PATH, json={})):
        assert refused.status_code == 401
        assert refused.headers["WWW-Authenticate"] == challenge
        assert_matches_spec(spec, PATH, "post", refused)
