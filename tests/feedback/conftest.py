"""Feedback fixtures: evidence files go to a throwaway folder; Harrow's charter is the one residents see."""

from pathlib import Path

import pytest

from core.charters import load_charter_file

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "CHARTERLINE_UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def charter():
    loaded, _created = load_charter_file(HARROW)
    return loaded


@pytest.fixture
def limited_client(app):
    """A second app with rate limits on (the shared test app has them off), and a low public limit."""
    from app import create_app
    from core.extensions import db, limiter

    limited = create_app({**{key: app.config[key] for key in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI",
                                                                 "CHARTERLINE_COUNCIL", "CHARTERLINE_UPLOAD_DIR")},
                          "TESTING": True, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": True,
                          "CHARTERLINE_PUBLIC_RATE_LIMIT": "3 per minute"})
    yield limited.test_client()
    limiter.reset()
    # The limiter is shared by every app in the process: switch it off again for the other tests.
    limiter.enabled = False
    with limited.app_context():
        db.engine.dispose()


@pytest.fixture
def login_as(client):
    """Sign in as a new staff member with the given role, without the deliberately slow password check."""
    from tests.helpers import make_staff, sign_in_directly

    def sign_in(role: str, **overrides):
        user = make_staff(role=role, **overrides)
        sign_in_directly(client, user)
        return user

    return sign_in
