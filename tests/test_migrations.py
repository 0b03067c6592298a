"""Migrations build the same schema as the models, on whichever database the suite runs against."""

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from app import create_app
from core.extensions import db


@pytest.fixture
def empty_database(tmp_path):
    """A second, empty database: a fresh SQLite file, or a scratch schema on the test PostgreSQL server."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS charterline_migrations"))
        conn.execute(text("CREATE DATABASE charterline_migrations"))
    yield url.rsplit("/", 1)[0] + "/charterline_migrations"
    with engine.connect() as conn:
        conn.execute(text("DROP DATABASE IF EXISTS charterline_migrations WITH (FORCE)"))
    engine.dispose()


def test_upgrade_matches_the_models_and_downgrades_cleanly(empty_database):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"render_as_batch": True}), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_revision_ids_are_sequential():
    versions = sorted(os.listdir(os.path.join(os.path.dirname(__file__), "..", "migrations", "versions")))
    numbered = [v for v in versions if v.endswith(".py")]
    assert [v[:4] for v in numbered] == [f"{i:04d}" for i in range(1, len(numbered) + 1)]
