"""The feedback API's Idempotency-Key: a retry gets the first answer and stores nothing, even when it arrives at the
same moment; the same key with another body is refused; keys belong to their API key and last a day."""

from __future__ import annotations

import threading
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.idempotency import IdempotencyKey
from core.models import OutboxMessage, Role
from feedback import api
from feedback.models import FeedbackItem
from feedback.services import issue_api_key
from tests.feedback.test_api import COMPLAINT, auth
from tests.helpers import assert_matches_spec, make_staff

AT_ONCE = 4
KEY = "6f1c0e4a-3b8e-4d2c-9a57-0b6f2f6f3d21"


@pytest.fixture
def key(db):
    _key, raw = issue_api_key(name="Council website", per_minute=100, by=make_staff(role=Role.ADMIN))
    return raw


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def once(key: str = KEY) -> dict:
    return {"Idempotency-Key": key}


def older(db, *, hours: int) -> None:
    """Move the kept answers back in time."""
    for kept in db.session.scalars(select(IdempotencyKey)):
        kept.created_at -= timedelta(hours=hours)
    db.session.commit()


def post(client, body, raw, headers=None):
    return client.post("/api/v1/feedback", json=body, headers=headers or auth(raw))


def stored(db) -> tuple[int, int]:
    return (db.session.scalar(select(func.count()).select_from(FeedbackItem)),
            db.session.scalar(select(func.count()).select_from(OutboxMessage)))


def test_a_retry_with_the_same_key_gets_the_first_answer_and_stores_nothing(client, db, key, charter, spec):
    first = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    assert (again.status_code, again.get_json(), again.headers["Location"]) == (
        201, first.get_json(), first.headers["Location"])
    assert again.headers["Idempotent-Replayed"] == "true"
    assert_matches_spec(spec, "/api/v1/feedback", "post", again)
    assert stored(db) == (1, 1)
    # The tracking link given again is the item's, though the link itself is never kept.
    assert client.get(urlsplit(again.get_json()["tracking_url"]).path).status_code == 200
    assert "tracking_url" not in db.session.scalar(select(IdempotencyKey)).body


def test_without_a_key_each_request_is_new(client, db, key, charter):
    post(client, COMPLAINT, key)
    post(client, COMPLAINT, key)
    assert stored(db)[0] == 2


def test_the_same_key_with_a_different_body_is_refused_clearly(client, db, key, charter, spec):
    post(client, COMPLAINT, key, headers={**auth(key), **once()})
    other = post(client, {**COMPLAINT, "description": "Something else entirely."}, key,
                 headers={**auth(key), **once()})
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert "was used for a different request" in other.get_json()["errors"][0]["message"]
    assert_matches_spec(spec, "/api/v1/feedback", "post", other)
    assert stored(db) == (1, 1)


def test_keys_belong_to_the_api_key_that_sent_them(client, db, key, charter):
    _other, raw = issue_api_key(name="Kiosk", per_minute=100, by=make_staff(role=Role.ADMIN))
    first = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    second = post(client, COMPLAINT, raw, headers={**auth(raw), **once()})
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.get_json()["reference"] != second.get_json()["reference"]
    assert stored(db)[0] == 2


def test_a_refused_request_is_not_remembered(client, db, key, charter):
    refused = post(client, {**COMPLAINT, "kind": "praise"}, key, headers={**auth(key), **once()})
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "kind"
    fixed = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    assert fixed.status_code == 201 and stored(db)[0] == 1


@pytest.mark.parametrize("value", ["", " ", "x" * 256, "clé"])
def test_a_key_that_cannot_be_used_is_400(client, db, key, spec, value):
    response = post(client, COMPLAINT, key, headers={**auth(key), "Idempotency-Key": value})
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert_matches_spec(spec, "/api/v1/feedback", "post", response)
    assert stored(db)[0] == 0


def test_a_key_is_remembered_for_a_day_then_purged(client, db, key, charter, runner):
    first = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    older(db, hours=23)
    assert post(client, COMPLAINT, key, headers={**auth(key), **once()}).get_json() == first.get_json()
    older(db, hours=2)
    result = runner.invoke(args=["feedback", "purge"])
    assert result.exit_code == 0 and "1 expired Idempotency-Key." in result.output
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 0
    # Forgotten: the key can be used again, for a new request.
    again = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    assert again.status_code == 201 and again.get_json()["reference"] != first.get_json()["reference"]


def test_a_key_past_its_day_is_a_new_request_even_before_the_purge(client, db, key, charter):
    first = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    older(db, hours=25)
    again = post(client, COMPLAINT, key, headers={**auth(key), **once()})
    assert again.status_code == 201 and again.get_json()["reference"] != first.get_json()["reference"]
    assert db.session.scalar(select(func.count()).select_from(IdempotencyKey)) == 1


def test_retries_sent_at_once_store_once_and_all_get_the_first_answer(app, client, db, key, charter, monkeypatch):
    ready = threading.Barrier(AT_ONCE, timeout=30)
    refused: list[IntegrityError] = []
    real = api.submit_feedback

    def recording(*args, **kwargs):
        ready.wait()  # every retry is past the check for an earlier answer before any of them writes
        try:
            return real(*args, **kwargs)
        except IntegrityError as exc:
            refused.append(exc)
            raise

    monkeypatch.setattr(api, "submit_feedback", recording)
    db.session.rollback()
    start = threading.Barrier(AT_ONCE)
    answers: list = [None] * AT_ONCE

    def send(index: int) -> None:
        start.wait()
        try:
            answers[index] = app.test_client().post("/api/v1/feedback", json=COMPLAINT,
                                                    headers={**auth(key), **once()})
        except Exception as exc:  # noqa: BLE001  reported below
            answers[index] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(AT_ONCE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [getattr(a, "status_code", a) for a in answers] == [201] * AT_ONCE
    assert len({repr(sorted(a.get_json().items())) for a in answers}) == 1
    assert len(refused) == AT_ONCE - 1
    assert stored(db) == (1, 1)
