"""Factories (make_*), page assertions and API-description checks shared by the tests."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import event

from core.auth import hash_password
from core.extensions import db
from core.models import Charter, CharterStatus, Commitment, ServiceArea, StaffUser
from core.standards import Standard

_counter = itertools.count(1)

#: Hashing is deliberately slow; tests reuse one hash per password.
_HASHES: dict[str, str] = {}


def _hash(password: str) -> str:
    if password not in _HASHES:
        _HASHES[password] = hash_password(password)
    return _HASHES[password]


def make_staff(*, role: str = "case_handler", password: str = "a long test password", **overrides) -> StaffUser:
    n = next(_counter)
    fields = {"email": f"staff{n}@example.gov.uk", "name": f"Staff Member {n}", "role": role,
              "password_hash": _hash(password)}
    fields.update(overrides)
    user = StaffUser(**fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_service_area(**overrides) -> ServiceArea:
    n = next(_counter)
    fields = {"code": f"service-{n}", "name": f"Service {n}", "regime": "lgsco"}
    fields.update(overrides)
    area = ServiceArea(**fields)
    db.session.add(area)
    db.session.commit()
    return area


def make_charter(*, commitments: list[dict] | None = None, **overrides) -> Charter:
    n = next(_counter)
    fields = {"council_slug": "harrow", "council_name": "Test Council", "title": f"Charter {n}", "version": 1,
              "status": CharterStatus.PUBLISHED, "effective_from": date(2026, 4, 1)}
    fields.update(overrides)
    charter = Charter(**fields)
    specs = commitments if commitments is not None else [
        {"code": "T-01", "wording": "We will reply to your email within 3 working days.", "channel": "email",
         "standards": [Standard("reply", 3, "working_days", 0.9, "working-days:3")]},
        {"code": "T-02", "wording": "We will treat you with respect.", "channel": "any"},
    ]
    charter.commitments = [Commitment(number=i + 1, **spec) for i, spec in enumerate(specs)]
    db.session.add(charter)
    db.session.commit()
    return charter


def page(response, status: int = 200) -> BeautifulSoup:
    """Parse an HTML response and check the page rules every Charterline page keeps."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}"
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    title = soup.title.get_text(strip=True)
    heading = " ".join(h1s[0].get_text().split())
    expected_start = ("Error: " if soup.select(".govuk-error-summary") else "") + heading
    assert title.startswith(expected_start), f"title {title!r} does not start with {expected_start!r}"
    for link in soup.select(".govuk-error-summary a"):
        target = link["href"].lstrip("#")
        assert soup.find(id=target) is not None, f"error summary links to missing id #{target}"
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), "duplicate ids on the page"
    return soup


def make_resident(**overrides):
    from core.models import Resident

    n = next(_counter)
    fields = {"name": f"Resident {n}", "email": f"resident{n}@example.com", "reply_by": "email", "adjustments": []}
    fields.update(overrides)
    resident = Resident(**fields)
    db.session.add(resident)
    db.session.commit()
    return resident


def make_feedback(**overrides):
    """A feedback item recorded as if through the online form; pass `token=` to know its tracking token."""
    from core.once import token_hash
    from feedback.models import FeedbackItem, FeedbackKind

    n = next(_counter)
    token = overrides.pop("token", f"test-token-{n}-{'x' * 30}")
    kind = overrides.pop("kind", FeedbackKind.COMPLAINT.value)
    # Numbered from 90000 so they never meet the references the service itself issues.
    fields = {"reference": f"{FeedbackKind(kind).prefix}-2026-{90000 + n}", "kind": kind, "channel": "web_form",
              "received_on": date(2026, 3, 2), "description": f"Feedback number {n}: the bin was missed.",
              "tracking_token_hash": token_hash(token), "acknowledgement_due_on": date(2026, 3, 9),
              "acknowledgement_rule": "working-days:5"}
    if "resident" not in overrides:
        fields["resident"] = make_resident()
    fields.update(overrides)
    item = FeedbackItem(**fields)
    db.session.add(item)
    db.session.commit()
    return item


def make_complaint(**overrides):
    """A complaint under the procedure at stage 1, on a new feedback item; overrides go to the feedback item
    (service_area, resident, received_on, happened_on, description, commitments ...) or, for `handler`, assign
    the stage 1 handler."""
    from complaints.services import open_complaint
    from core.models import Resident
    from feedback.models import FeedbackItem

    n = next(_counter)
    handler = overrides.pop("handler", None)
    fields = {
        "reference": f"CMP-TEST-{n:05d}", "kind": "complaint", "channel": "web_form",
        "received_on": date(2026, 3, 2), "description": "The repair was not done and nobody called me back.",
    }
    fields.update(overrides)
    if "service_area" not in fields and "service_area_id" not in fields:
        fields["service_area"] = make_service_area()
    if "resident" not in fields and "resident_id" not in fields:
        fields["resident"] = Resident(name=f"Resident {n}", email=f"resident{n}@example.com", reply_by="email")
    item = FeedbackItem(**fields)
    db.session.add(item)
    db.session.commit()
    complaint = open_complaint(item)
    if handler is not None:
        complaint.stage1_handler_id = handler.id
        complaint.handler_id = handler.id
        db.session.commit()
    return complaint


def spec_validator(spec: dict, schema_name: str) -> Draft202012Validator:
    """A validator for one named schema of the served OpenAPI document (formats checked too)."""
    return Draft202012Validator({"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]},
                                format_checker=FormatChecker())


def assert_matches_spec(spec: dict, path: str, method: str, response) -> None:
    """The response's status is documented for the operation, and its JSON body matches that status's schema."""
    documented = spec["paths"][path][method]["responses"]
    assert str(response.status_code) in documented, f"{response.status_code} is not documented for {method} {path}"
    schema = documented[str(response.status_code)]["content"]["application/json"]["schema"]
    name = schema["$ref"].rsplit("/", 1)[1]
    errors = [e.message for e in spec_validator(spec, name).iter_errors(response.get_json())]
    assert errors == [], f"{response.status_code} response does not match {name}: {errors}"


@contextmanager
def sent_statements(engine) -> Iterator[list[str]]:
    """Every SQL statement sent in the block, as text."""
    sent: list[str] = []

    def note(_connection, _cursor, statement, *_rest):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


@contextmanager
def user_loaded_per_request(app) -> Iterator[None]:
    """Test requests share the test's app context, where Flask-Login keeps the last user it loaded: forget it at
    the start of each request, so every request (from any test client) is judged by its own session cookie."""
    from flask import g, request_started

    def forget(_sender, **_extra):
        g.pop("_login_user", None)

    request_started.connect(forget, app)
    try:
        yield
    finally:
        request_started.disconnect(forget, app)


def sign_in_directly(client, user) -> None:
    """Sign ``user`` in on ``client`` by writing the session as sign-in does, without the deliberately slow
    password check."""
    import time

    from flask import g

    from core.auth import SEEN_AT, SIGNED_IN_AT

    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())
    # Requests share the test's app context, where Flask-Login keeps the user it last loaded.
    g.pop("_login_user", None)
