"""API keys: shown once, stored only as a hash, revocable, scoped and rate-limited per key."""

import pytest
from flask import Blueprint, g

from app import create_app
from core.api_keys import ApiKey, authenticate, issue_api_key, require_api_key, revoke_api_key
from core.audit import history_for
from core.extensions import db as database
from core.extensions import limiter
from tests.helpers import make_staff

probe = Blueprint("api_key_probe", __name__)


@probe.get("/api/v1/probe")
@require_api_key("probe:read")
def probe_view():
    return {"key": g.api_key.name}


@pytest.fixture
def second_app(app):
    """Make a second app on the same database, with the probe route and the given settings; closed afterwards."""
    made = []

    def make(**config):
        other = create_app({**{k: app.config[k] for k in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
                            "WTF_CSRF_ENABLED": False, "CHARTERLINE_COUNCIL": "harrow", **config})
        other.register_blueprint(probe)
        made.append(other)
        return other

    yield make
    for other in made:
        with other.app_context():
            database.engine.dispose()


def test_the_key_is_shown_once_and_only_its_hash_is_stored(db):
    admin = make_staff(role="admin")
    key, raw = issue_api_key(name="Telephony", scopes=["contacts:write"], by=admin)
    assert raw.startswith("chl_") and len(raw) > 40
    stored = db.session.get(ApiKey, key.id)
    assert raw not in (stored.key_hash, stored.prefix) and stored.key_hash != raw
    assert raw.startswith(stored.prefix)
    assert authenticate(raw) is stored
    assert authenticate(raw + "x") is None
    assert authenticate("not a key") is None
    assert history_for(stored)[0].action == "api_key.issued"


def test_a_revoked_key_stops_working_at_once(db):
    key, raw = issue_api_key(name="CRM", scopes=["contacts:write"], by=None)
    revoke_api_key(key, by=None)
    assert authenticate(raw) is None
    assert history_for(key)[0].action == "api_key.revoked"


def test_require_api_key_checks_presence_validity_and_scope(second_app, db):
    client = second_app(RATELIMIT_ENABLED=False).test_client()
    _, good = issue_api_key(name="Probe", scopes=["probe:read"], by=None)
    _, wrong_scope = issue_api_key(name="Other", scopes=["contacts:write"], by=None)
    missing = client.get("/api/v1/probe")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert missing.json == {"errors": [{"message": "Send a valid API key as 'Authorization: Bearer <key>'"}]}
    assert client.get("/api/v1/probe", headers={"Authorization": "Bearer chl_nonsense"}).status_code == 401
    assert client.get("/api/v1/probe", headers={"Authorization": f"Bearer {wrong_scope}"}).status_code == 403
    ok = client.get("/api/v1/probe", headers={"Authorization": f"Bearer {good}"})
    assert ok.status_code == 200 and ok.json == {"key": "Probe"}


def _probe(client, raw: str) -> int:
    return client.get("/api/v1/probe", headers={"Authorization": f"Bearer {raw}"}).status_code


def test_each_key_has_its_own_rate_limit(second_app, db, monkeypatch):
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)  # put the shared limiter back afterwards
    client = second_app(RATELIMIT_ENABLED=True).test_client()
    _, busy = issue_api_key(name="Busy", scopes=["probe:read"], by=None, per_minute=2)
    _, quiet = issue_api_key(name="Quiet", scopes=["probe:read"], by=None, per_minute=2)
    generous, generous_raw = issue_api_key(name="Generous", scopes=["probe:read"], by=None, per_minute=5)
    assert [_probe(client, busy) for _ in range(3)] == [200, 200, 429]
    limited = client.get("/api/v1/probe", headers={"Authorization": f"Bearer {busy}"})
    assert limited.json == {"errors": [{"message": "Too many requests"}]}
    assert _probe(client, quiet) == 200
    assert [_probe(client, generous_raw) for _ in range(5)] == [200] * 5
    assert db.session.get(ApiKey, generous.id).per_minute == 5
