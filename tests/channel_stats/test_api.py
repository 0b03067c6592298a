"""POST /api/v1/channel-statistics: the import's rows as JSON, with an API key; problems come back as JSON."""

import pytest
from sqlalchemy import func, select

from channel_stats.models import ChannelMonth
from core.api_keys import issue_api_key
from core.extensions import db
from tests.helpers import assert_matches_spec

PATH = "/api/v1/channel-statistics"
ROWS = [{"month": "2026-04", "channel": "phone", "service": None, "calls_offered": 1000, "calls_answered": 950,
         "answered_within_20s": 850},
        {"month": "2026-04", "channel": "phone", "service": "council-tax", "calls_offered": 200,
         "calls_answered": 190}]


@pytest.fixture
def raw(charter):
    return issue_api_key(name="Telephony", scopes=["channel-stats:write"], by=None)[1]


@pytest.fixture
def spec(client):
    return client.get("/api/v1/openapi.json").get_json()


def _post(client, raw, payload, **headers):
    return client.post(PATH, json=payload, headers={"Authorization": f"Bearer {raw}", **headers})


def test_rows_are_imported(client, raw, spec):
    response = _post(client, raw, ROWS)
    assert response.status_code == 201, response.json
    assert {k: v for k, v in response.json.items() if k != "warnings"} == {"imported": 2, "replaced": 0,
                                                                          "months": ["2026-04"]}
    # The council tax row has no answered_within_20s; neither row has the queue or call-back figures.
    assert ("phone (council-tax), April 2026: no answered_within_20s, so the review leaves this month out of “Time "
            "to answer a call: 4 rings (85% of cases)”") in response.json["warnings"]
    assert len(response.json["warnings"]) == 5
    assert_matches_spec(spec, PATH, "post", response)
    row = db.session.scalar(select(ChannelMonth).where(ChannelMonth.area_key == 0))
    assert (row.calls_offered, row.source, [t.count for t in row.thresholds]) == (1000, "API: Telephony", [850])
    again = _post(client, raw, ROWS[:1])
    assert (again.json["imported"], again.json["replaced"]) == (1, 1)


def test_problems_come_back_with_row_and_column_and_nothing_is_stored(client, raw, spec):
    response = _post(client, raw, [ROWS[0], {**ROWS[1], "month": "2026-07", "calls_answered": 201}])
    assert response.status_code == 422
    assert response.json == {"errors": [
        {"row": 2, "column": "month",
         "message": "Row 2, month: this month is in the future: enter 2026-05 or an earlier month"},
    ]}
    assert_matches_spec(spec, PATH, "post", response)
    response = _post(client, raw, [{**ROWS[1], "calls_answered": 201}])
    assert response.json["errors"] == [{"row": 1, "column": "calls_answered",
                                        "message": "Row 1, calls_answered: 201 is more than calls_offered (200): "
                                                   "check both figures"}]
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 0


def test_a_body_that_is_not_an_array_and_a_key_without_the_scope(client, raw, spec, charter):
    response = _post(client, raw, ROWS[0])
    assert response.status_code == 400
    assert_matches_spec(spec, PATH, "post", response)
    other = issue_api_key(name="Website", scopes=["feedback:write"], by=None)[1]
    assert _post(client, other, ROWS).status_code == 403
    assert client.post(PATH, json=ROWS).status_code == 401


def test_a_retry_with_the_same_idempotency_key_is_answered_again_and_stores_nothing_new(client, raw):
    first = _post(client, raw, ROWS, **{"Idempotency-Key": "batch-1"})
    second = _post(client, raw, ROWS, **{"Idempotency-Key": "batch-1"})
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json == first.json and second.headers["Idempotent-Replayed"] == "true"
    assert db.session.scalar(select(func.count(ChannelMonth.id))) == 2
