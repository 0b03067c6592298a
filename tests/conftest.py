"""Fixtures: one app per test session on SQLite or PostgreSQL (TEST_DATABASE_URL), emptied after each test."""

from __future__ import annotations

import os

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text

from app import create_app
from core.extensions import db as _db
from core.reference_data import forget_kept, replace_stamp
from core.timesource import set_today
from tests.helpers import make_staff
from tests.html_checks import CheckedClient

# Every HTML page any test client returns keeps the page rules (one h1, title, form actions, ids, error summary),
# in every app the tests create, without each test asking.
Flask.test_client_class = CheckedClient

TEST_PASSWORD = "correct horse battery staple"


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if url and worker:
        return _database_of_its_own(url, worker)
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _database_of_its_own(url: str, worker: str) -> str:
    """Tests run in parallel (pytest -n): each worker gets its own database on the same PostgreSQL server."""
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = create_engine(base, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        if connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_path_factory),
        "RATELIMIT_ENABLED": False,
        "CHARTERLINE_COUNCIL": "harrow",
        "SERVER_NAME": None,
    })
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.drop_all()
        _db.engine.dispose()


def _used_tables(tables: list) -> list:
    """The tables a test wrote to: rows left in them, or their id sequence moved (a rolled-back insert)."""
    rows = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
    used = set(_db.session.scalars(text(rows)))
    used |= set(_db.session.scalars(text(
        "SELECT d.refobjid::regclass::text FROM pg_depend d JOIN pg_sequences s"
        " ON d.objid = (quote_ident(s.schemaname) || '.' || quote_ident(s.sequencename))::regclass"
        " WHERE d.deptype IN ('a', 'i') AND d.classid = 'pg_class'::regclass AND s.last_value IS NOT NULL")))
    return [t for t in tables if t.name in used or f'"{t.name}"' in used]


def _empty_tables() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    if _db.engine.dialect.name == "postgresql":
        # Truncating only what the test touched: one TRUNCATE of every table costs more than the test itself.
        used = _used_tables(tables)
        if used:
            names = ", ".join(f'"{t.name}"' for t in used)
            _db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            _db.session.execute(table.delete())
    replace_stamp()  # the emptied database is a new one to every process
    _db.session.commit()


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs inside an app context and leaves the database empty."""
    with app.app_context():
        yield
        _db.session.rollback()
        _db.session.remove()
        _empty_tables()
        forget_kept()
        set_today(None)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def login_as(client):
    """Sign in as a new staff member with the given role; returns the StaffUser."""

    def sign_in(role: str, **overrides):
        user = make_staff(role=role, password=TEST_PASSWORD, **overrides)
        response = client.post("/sign-in", data={"email": user.email, "password": TEST_PASSWORD})
        assert response.status_code == 302, response.data[:500]
        return user

    return sign_in
