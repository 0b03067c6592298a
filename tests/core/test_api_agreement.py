"""The API description and the APIs' checks agree both ways. Walking each request schema, every constraint it
declares (type, required, enum, minLength, maxLength, pattern, format, additionalProperties) is one the API enforces:
a value breaking it gets a 422 naming the field. And what the API enforces is declared: its limits and choices are
the schema's, and values the schema allows at its edges are accepted."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from core.api_keys import issue_api_key
from core.clocks.calendar import FIRST_YEAR
from core.contacts import ContactRecord
from core.timesource import set_today
from feedback.models import FeedbackItem, FeedbackKind
from feedback.rules import ADJUSTMENTS, API_CHANNELS, EQUALITY_QUESTIONS, LIMITS, REPLY_METHODS
from surveys.intake import REFERENCE_MAX_LENGTH
from tests.helpers import assert_matches_spec, make_charter, make_service_area, spec_validator
from tests.hostile_strings import UNSTORABLE

FEEDBACK = "/api/v1/feedback"
CONTACTS = "/api/v1/contacts"
#: A complaint with everything the rules need, so a single broken field is the only problem.
FEEDBACK_BASE = {"kind": "complaint", "description": "The bin was missed.",
                 "resident": {"name": "Ed Nash", "email": "ed@example.com", "reply_by": "email"}}
CONTACT_BASE = {"channel": "phone", "when": "2026-11-19 09:30"}
#: A value each format refuses that the schema's other rules (pattern, type) allow.
BAD_FORMAT = {"email": "not-an-email", "date": "2026-02-30"}


@pytest.fixture
def raw_key(db):
    set_today(date(2026, 11, 20))
    make_charter()
    make_service_area(code="council-tax")
    return issue_api_key(name="Everything", scopes=["feedback:write", "feedback:read", "contacts:write"], by=None,
                         per_minute=10_000)[1]


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _post(client, raw_key, path, body):
    return client.post(path, json=body, headers={"Authorization": f"Bearer {raw_key}"})


def _resolve(spec: dict, schema: dict) -> dict:
    """The schema itself, following $ref and a nullable anyOf [schema, null]."""
    if "$ref" in schema:
        return _resolve(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]])
    branches = [b for b in schema.get("anyOf", []) if b != {"type": "null"}]
    if len(branches) == 1 and "properties" not in schema:
        return _resolve(spec, branches[0])
    return schema


def _types(schema: dict) -> set[str]:
    declared = schema.get("type", [])
    return {declared} if isinstance(declared, str) else set(declared)


def _not_matching(pattern: str) -> str:
    return next(v for v in ("", " ", "?", "not valid at all") if not re.search(pattern, v))


def _breaks(spec: dict, schema: dict) -> list[tuple[str, object]]:
    """(constraint, value) for each constraint the field's schema declares, with a value that breaks only it."""
    schema = _resolve(spec, schema)
    types = _types(schema)
    found: list[tuple[str, object]] = []
    if types or "anyOf" in schema:
        found.append(("type", 12345 if "number" not in types and "integer" not in types else "text"))
    if "object" in types:
        found.append(("type:text", "an object was expected"))
    if "array" in types:
        found.append(("type:object", {"an": "object"}))
        items = schema.get("items", {})
        found.append(("items.type", [12345]))
        if "enum" in items:
            found.append(("items.enum", ["not-a-listed-value"]))
    if "anyOf" in schema and not types:  # commitments: a list of texts, or one text
        found.append(("anyOf", {"an": "object"}))
        found.append(("items.type", [{"an": "object"}]))
    if "enum" in schema:
        found.append(("enum", "not-a-listed-value"))
    if "minLength" in schema:
        found.append(("minLength", ""))
    if "maxLength" in schema:
        found.append(("maxLength", "a" * (schema["maxLength"] + 1)))
    if "pattern" in schema:
        found.append(("pattern", _not_matching(schema["pattern"])))
    formats = [schema.get("format")] + [branch.get("format") for branch in schema.get("anyOf", [])]
    found += [("format", BAD_FORMAT[name]) for name in formats if name in BAD_FORMAT]
    return found


def _with(base: dict, path: str, value: object) -> dict:
    body = {key: dict(val) if isinstance(val, dict) else val for key, val in base.items()}
    *parents, name = path.split(".")
    target = body
    for parent in parents:
        target = target.setdefault(parent, {})
    target[name] = value
    return body


def _field_cases(spec: dict, schema_name: str) -> list[tuple[str, str, object]]:
    """(dotted field, constraint, breaking value) for every property, one level into nested objects."""
    cases = []
    top = spec["components"]["schemas"][schema_name]
    for name, prop in top["properties"].items():
        cases += [(name, constraint, value) for constraint, value in _breaks(spec, prop)]
        inner = _resolve(spec, prop)
        for child, child_prop in inner.get("properties", {}).items() if inner is not top else ():
            cases += [(f"{name}.{child}", constraint, value) for constraint, value in _breaks(spec, child_prop)]
        if inner.get("additionalProperties") is False:
            cases.append((f"{name}.unexpected", "additionalProperties", "x"))
    if top.get("additionalProperties") is False:
        cases.append(("unexpected", "additionalProperties", "x"))
    return cases


def _assert_refused(client, raw_key, spec, path, schema_name, body, field):
    assert list(spec_validator(spec, schema_name).iter_errors(body)), f"the description allows {body}"
    response = _post(client, raw_key, path, body)
    assert response.status_code == 422, (body, response.status_code, response.get_data(as_text=True)[:500])
    fields = [problem["field"] for problem in response.get_json()["errors"]]
    assert field in fields, (body, fields)
    assert_matches_spec(spec, path, "post", response)


def test_every_constraint_of_a_feedback_submission_is_enforced(client, raw_key, spec):
    cases = _field_cases(spec, "FeedbackSubmission")
    assert {c for _, c, _ in cases} >= {"type", "enum", "minLength", "maxLength", "pattern", "format",
                                         "additionalProperties", "items.type", "items.enum"}
    for field, _constraint, value in cases:
        _assert_refused(client, raw_key, spec, FEEDBACK, "FeedbackSubmission", _with(FEEDBACK_BASE, field, value),
                        field)
    for required in spec["components"]["schemas"]["FeedbackSubmission"]["required"]:
        body = {k: v for k, v in FEEDBACK_BASE.items() if k != required}
        _assert_refused(client, raw_key, spec, FEEDBACK, "FeedbackSubmission", body, required)


def test_every_constraint_of_a_contact_is_enforced(client, raw_key, spec):
    cases = _field_cases(spec, "ContactSubmission")
    assert {c for _, c, _ in cases} >= {"type", "enum", "maxLength", "pattern", "format", "items.type"}
    for field, _constraint, value in cases:
        base = {"channel": "phone"} if field == "occurred_at" else CONTACT_BASE
        # Problems with occurred_at are reported under when, its other name.
        _assert_refused(client, raw_key, spec, CONTACTS, "ContactSubmission", _with(base, field, value),
                        "when" if field == "occurred_at" else field)
    schema = spec["components"]["schemas"]["ContactSubmission"]
    for required in schema["required"]:
        _assert_refused(client, raw_key, spec, CONTACTS, "ContactSubmission",
                        {k: v for k, v in CONTACT_BASE.items() if k != required}, required)
    # One of when and occurred_at must hold text: null is the same as leaving it out.
    for body in ({"channel": "phone"}, {"channel": "phone", "when": None, "occurred_at": None}):
        _assert_refused(client, raw_key, spec, CONTACTS, "ContactSubmission", body, "when")


@pytest.mark.parametrize("value", [{"id": 7}, ["CALL-1"], 42, True])
def test_a_contact_reference_that_is_not_text_is_refused_not_stored_as_python(client, db, raw_key, value):
    response = _post(client, raw_key, CONTACTS, {**CONTACT_BASE, "reference": value})
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "reference", "message": "Reference must be text"}]
    assert db.session.query(ContactRecord).count() == 0


def test_the_apis_limits_and_choices_are_the_descriptions(spec):
    schemas = spec["components"]["schemas"]
    submission, resident = schemas["FeedbackSubmission"]["properties"], schemas["Resident"]["properties"]
    for name in ("description", "outcome_wanted"):
        assert submission[name]["maxLength"] == LIMITS[name]
    for name in ("name", "email", "phone", "address", "postcode", "adjustments_other", "language"):
        assert resident[name]["maxLength"] == LIMITS[name], name
    assert submission["description"]["minLength"] == 1
    assert submission["kind"]["enum"] == [k.value for k in FeedbackKind]
    assert [c for c in submission["channel"]["enum"] if c] == [c.value for c in API_CHANNELS]
    assert [c for c in resident["reply_by"]["enum"] if c] == list(REPLY_METHODS)
    assert resident["adjustments"]["items"]["enum"] == list(ADJUSTMENTS)
    assert schemas["FeedbackSubmission"]["required"] == ["kind", "description"]
    for name, (_question, options) in EQUALITY_QUESTIONS.items():
        assert schemas["EqualityMonitoring"]["properties"][name]["enum"] == [code for code, _ in options]
    contact = schemas["ContactSubmission"]["properties"]
    assert contact["reference"]["maxLength"] == REFERENCE_MAX_LENGTH
    assert schemas["ContactSubmission"]["required"] == ["channel"]


@pytest.mark.parametrize(("field", "value"), [
    ("description", "d" * LIMITS["description"]),
    ("outcome_wanted", "o" * LIMITS["outcome_wanted"]),
    ("resident.name", "n" * LIMITS["name"]),
    ("received_on", f"{FIRST_YEAR}-01-01"),
    ("happened_on", None),
    ("channel", None),
    ("equality", None),
    ("equality.sex", "prefer_not_to_say"),
    ("commitments", None),
])
def test_feedback_the_description_allows_at_its_edges_is_accepted(client, raw_key, spec, field, value):
    body = _with(FEEDBACK_BASE, field, value)
    assert list(spec_validator(spec, "FeedbackSubmission").iter_errors(body)) == []
    response = _post(client, raw_key, FEEDBACK, body)
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert_matches_spec(spec, FEEDBACK, "post", response)


@pytest.mark.parametrize(("when", "stored"), [
    ("2026-11-19T09:30:00+05:30", datetime(2026, 11, 19, 4, 0)),
    ("2026-11-19T09:30:00-08:00", datetime(2026, 11, 19, 17, 30)),
    ("2026-07-01T09:30:00Z", datetime(2026, 7, 1, 9, 30)),
    ("2026-07-01 10:30", datetime(2026, 7, 1, 9, 30)),  # British Summer Time, UTC+1
])
def test_contact_times_with_offsets_are_stored_and_sent_back_in_utc(client, db, raw_key, spec, when, stored):
    response = _post(client, raw_key, CONTACTS, {"channel": "phone", "occurred_at": when})
    assert response.status_code == 201, response.get_json()
    assert db.session.get(ContactRecord, response.get_json()["id"]).occurred_at == stored
    sent = response.get_json()["occurred_at"]
    assert datetime.fromisoformat(sent).utcoffset().total_seconds() == 0  # has a zone, and it is UTC
    assert datetime.fromisoformat(sent).replace(tzinfo=None) == stored
    assert_matches_spec(spec, CONTACTS, "post", response)


@pytest.mark.parametrize("when", ["0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00", "0001-01-01",
                                  f"{FIRST_YEAR - 1}-12-31 23:00", "20261119T0930"])
def test_contact_times_outside_the_years_held_are_refused(client, db, raw_key, when):
    response = _post(client, raw_key, CONTACTS, {"channel": "phone", "when": when})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["when"]


def test_feedback_timestamps_are_sent_in_utc_with_their_zone(client, db, raw_key, spec):
    reference = _post(client, raw_key, FEEDBACK, FEEDBACK_BASE).get_json()["reference"]
    item = db.session.query(FeedbackItem).one()
    item.acknowledged_at = datetime(2026, 11, 20, 9, 15, 30)
    db.session.commit()
    response = client.get(f"{FEEDBACK}/{reference}", headers={"Authorization": f"Bearer {raw_key}"})
    assert response.get_json()["acknowledged_at"] == "2026-11-20T09:15:30Z"
    assert_matches_spec(spec, f"{FEEDBACK}/{{reference}}", "get", response)


@pytest.mark.parametrize("field", ["reference", "service", "email", "phone", "when", "occurred_at", "commitments"])
@pytest.mark.parametrize("text", [pytest.param(text, id=name) for name, text in UNSTORABLE])
def test_a_contact_with_text_the_database_cannot_store_is_refused(client, db, raw_key, field, text):
    base = {"channel": "phone"} if field == "occurred_at" else CONTACT_BASE
    response = _post(client, raw_key, CONTACTS, {**base, field: [text] if field == "commitments" else text})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["when" if field == "occurred_at" else field]
    assert db.session.query(ContactRecord).count() == 0
