"""The contacts API's Idempotency-Key: a retry gets the first answer and logs nothing, even at the same moment; the
same key with another body is refused as documented; keys belong to their API key."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from core.api_keys import issue_api_key
from core.contacts import ContactRecord
from core.idempotency import IdempotencyKey, Idempotent
from core.timesource import set_today
from tests.helpers import assert_matches_spec, make_charter, make_service_area

PATH = "/api/v1/contacts"
AT_ONCE = 4
CALL = {"channel": "phone", "when": "2026-11-19T09:30:00Z", "service": "council-tax", "email": "r@example.com"}


@pytest.fixture
def key(db):
    set_today(date(2026, 11, 20))
    make_charter()
    make_service_area(code="council-tax")
    return issue_api_key(name="Telephony", scopes=["contacts:write"], by=None)[1]


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def send(client, raw, payload, idempotency_key="call-2026-11-19-0930"):
    return client.post(PATH, json=payload, headers={"Authorization": f"Bearer {raw}",
                                                     "Idempotency-Key": idempotency_key})


def contacts(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ContactRecord))


def test_a_retry_gets_the_first_answer_and_logs_nothing(client, db, key, spec):
    first = send(client, key, CALL)
    again = send(client, key, CALL)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert_matches_spec(spec, PATH, "post", again)
    assert contacts(db) == 1


def test_a_retry_of_a_repeated_reference_gets_the_same_answer(client, db, key):
    first = send(client, key, {**CALL, "reference": "CALL-1"}, "one")
    repeat = send(client, key, {**CALL, "reference": "CALL-1"}, "two")
    again = send(client, key, {**CALL, "reference": "CALL-1"}, "two")
    assert (first.status_code, repeat.status_code, again.status_code) == (201, 200, 200)
    assert again.json == repeat.json == first.json
    assert contacts(db) == 1


def test_the_same_key_with_a_different_body_is_a_documented_422(client, db, key, spec):
    send(client, key, CALL)
    other = send(client, key, {**CALL, "channel": "email"})
    assert other.status_code == 422
    assert [e["field"] for e in other.json["errors"]] == ["Idempotency-Key"]
    assert_matches_spec(spec, PATH, "post", other)
    assert contacts(db) == 1


def test_keys_belong_to_the_api_key_that_sent_them(client, db, key):
    other = issue_api_key(name="CRM", scopes=["contacts:write"], by=None)[1]
    assert send(client, key, CALL).status_code == 201
    assert send(client, other, CALL).status_code == 201
    assert contacts(db) == 2


def test_a_key_that_cannot_be_used_is_a_documented_400(client, db, key, spec):
    response = send(client, key, CALL, "x" * 300)
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "Idempotency-Key"
    assert_matches_spec(spec, PATH, "post", response)
    assert contacts(db) == 0


def test_retries_sent_at_once_log_once_and_all_get_the_first_answer(app, db, key):
    db.session.rollback()  # this thread holds nothing while the others write
    start = threading.Barrier(AT_ONCE)
    answers: list = [None] * AT_ONCE

    def post(index: int) -> None:
        start.wait()
        try:
            answers[index] = send(app.test_client(), key, CALL)
        except Exception as exc:  # noqa: BLE001  reported below
            answers[index] = exc

    threads = [threading.Thread(target=post, args=(i,)) for i in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [getattr(a, "status_code", a) for a in answers] == [201] * AT_ONCE
    assert len({repr(a.json) for a in answers}) == 1
    assert contacts(db) == 1
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


@pytest.mark.parametrize("reference", [None, "CALL-2"])
def test_a_retry_that_loses_a_race_gets_the_first_answer(client, db, key, monkeypatch, reference):
    payload = {**CALL, "reference": reference}
    first = send(client, key, payload)
    # The retry looks for an earlier answer before the first request commits: only the unique keys see them meet.
    real = Idempotent.earlier
    looked = []

    def too_early(self):
        looked.append(self)
        return None if len(looked) == 1 else real(self)

    monkeypatch.setattr(Idempotent, "earlier", too_early)
    again = send(client, key, payload)
    assert (again.status_code, again.json, again.headers["Idempotent-Replayed"]) == (201, first.json, "true")
    assert contacts(db) == 1
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1
