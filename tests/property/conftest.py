"""Property-test fixtures: staff signed in without the slow password check, Harrow's charter, a scratch upload
folder, and the check every generated request must pass."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from core.charters import load_charter_file
from tests.helpers import make_staff, page, sign_in_directly

HARROW = Path(__file__).resolve().parents[2] / "charters" / "harrow.toml"


@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "CHARTERLINE_UPLOAD_DIR", str(tmp_path / "uploads"))
    return tmp_path / "uploads"


@pytest.fixture
def charter(db):
    loaded, _created = load_charter_file(HARROW)
    return loaded


@pytest.fixture
def login_as(client):
    """Sign in as a new staff member with the given role (the session is set directly: hashing is slow)."""

    def sign_in(role: str, **overrides):
        user = make_staff(role=role, **overrides)
        sign_in_directly(client, user)
        return user

    return sign_in


_raised: list[BaseException] = []


class _Noted(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            _raised.append(record.exc_info[1])


@pytest.fixture(autouse=True)
def note_server_errors(app):
    """Keep what a request raised (the app logs it, then shows its error page), so a failing example shows the
    exception rather than the page."""
    handler = _Noted(level=logging.ERROR)
    app.logger.addHandler(handler)
    yield
    app.logger.removeHandler(handler)
    _raised.clear()


def answered(response, *, success=(302, 303)) -> BeautifulSoup | None:
    """A form's answer to any input: a redirect on success, or the page again with a GOV.UK error summary.
    Never a server error. Returns the parsed page when there is one."""
    if response.status_code >= 500:
        raised = _raised[-1] if _raised else None
        if raised is not None:
            raise AssertionError(f"{response.status_code}: {type(raised).__name__}: {raised}") from raised
        raise AssertionError(f"{response.status_code}: {response.get_data(as_text=True)[:2000]}")
    if response.status_code in success:
        return None
    soup = page(response, response.status_code)
    summary = soup.select(".govuk-error-summary")
    assert response.status_code != 200 or summary, "a form sent back without saying what is wrong"
    return soup
