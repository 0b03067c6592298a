"""Migrations build the same schema as the models, on whichever database the suite runs against."""

import os
from datetime import date, datetime

import pytest
import sqlalchemy as sa
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
    name = f"charterline_migrations_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"  # one per parallel worker
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield url.rsplit("/", 1)[0] + f"/{name}"
    with engine.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
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


def _placeholder(column: sa.Column):
    """A value for a column that must have one, by its type: the test sets the ones it is about."""
    kind = column.type
    for types, value in (((sa.Integer, sa.Numeric), 1), ((sa.DateTime,), datetime(2026, 3, 2, 9)),
                         ((sa.Date,), date(2026, 3, 1)), ((sa.Boolean,), False), ((sa.JSON,), {}),
                         ((sa.String, sa.Text), "x")):
        if isinstance(kind, types):
            return value
    raise AssertionError(f"no placeholder for {column.table.name}.{column.name} ({kind!r})")


def _insert(conn, table: sa.Table, **values) -> int:
    """Insert one row as the schema of the time allows it, filling every other column that must have a value."""
    for column in table.columns:
        if column.name not in values and not column.nullable and not column.primary_key \
                and column.server_default is None:
            values[column.name] = _placeholder(column)
    return conn.execute(sa.insert(table).values(**values)).inserted_primary_key[0]


def test_0014_keeps_one_row_of_each_answer_stored_twice(empty_database):
    """Before 0014 a survey response sent twice at once could store its answers twice: the upgrade keeps the first
    row of each answer (each option, on a multiple choice) and numbers a multiple choice answer's options."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0013")
        tables = sa.MetaData()
        tables.reflect(db.engine, only=["survey", "survey_section", "survey_question", "survey_response",
                                        "survey_answer"])
        survey, section, question, response, answer = (tables.tables[name] for name in (
            "survey", "survey_section", "survey_question", "survey_response", "survey_answer"))
        with db.engine.begin() as conn:
            survey_id = _insert(conn, survey, slug="bins")
            section_id = _insert(conn, section, survey_id=survey_id)
            asked = {kind: _insert(conn, question, survey_id=survey_id, section_id=section_id, position=n, type=kind)
                     for n, kind in enumerate(("single_choice", "rating", "free_text", "multiple_choice"))}
            first, second = (_insert(conn, response, survey_id=survey_id, token_hash=f"{n:064d}") for n in (1, 2))
            stored = [  # (response, question type, choice, number, text), in the order they were stored
                (first, "single_choice", "Yes", None, None), (first, "rating", "4", 4, None),
                (first, "free_text", None, None, "Quick."), (first, "multiple_choice", "Paper", None, None),
                (first, "multiple_choice", "Glass", None, None),
                # The same response stored again at the same moment.
                (first, "single_choice", "Yes", None, None), (first, "rating", "4", 4, None),
                (first, "free_text", None, None, "Quick."), (first, "multiple_choice", "Paper", None, None),
                (first, "multiple_choice", "Glass", None, None),
                (second, "multiple_choice", "Paper", None, None), (second, "multiple_choice", "Cans", None, None),
                (second, "rating", "5", 5, None),
            ]
            for response_id, kind, choice, number, words in stored:
                _insert(conn, answer, response_id=response_id, question_id=asked[kind], survey_id=survey_id,
                        choice=choice, number=number, text=words)
        upgrade(revision="0014")
        kinds = {question_id: kind for kind, question_id in asked.items()}
        with db.engine.connect() as conn:
            kept = [(row.response_id, kinds[row.question_id], row.part, row.choice, row.text)
                    for row in conn.execute(text("SELECT response_id, question_id, part, choice, text "
                                                 "FROM survey_answer ORDER BY id"))]
        assert kept == [
            (first, "single_choice", 0, "Yes", None), (first, "rating", 0, "4", None),
            (first, "free_text", 0, None, "Quick."), (first, "multiple_choice", 0, "Paper", None),
            (first, "multiple_choice", 1, "Glass", None),
            (second, "multiple_choice", 0, "Paper", None), (second, "multiple_choice", 1, "Cans", None),
            (second, "rating", 0, "5", None),
        ]
        db.engine.dispose()


def test_0020_marks_the_items_already_tagged_to_a_commitment(empty_database):
    """0020 adds feedback items' "tagged" flag: items with a commitment before the upgrade are marked tagged."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0019")
        tables = sa.MetaData()
        tables.reflect(db.engine, only=["charter", "commitment", "feedback_item", "feedback_commitment"])
        charter, commitment, item, tags = (tables.tables[name] for name in (
            "charter", "commitment", "feedback_item", "feedback_commitment"))
        with db.engine.begin() as conn:
            charter_id = _insert(conn, charter, council_slug="harrow")
            promises = [_insert(conn, commitment, charter_id=charter_id, code=f"H-{n}") for n in (1, 2)]
            items = [_insert(conn, item, reference=f"COM-2026-{n:05d}") for n in range(1, 4)]
            for item_id, commitment_id in ((items[0], promises[0]), (items[2], promises[0]), (items[2], promises[1])):
                conn.execute(sa.insert(tags).values(feedback_id=item_id, commitment_id=commitment_id))
        upgrade(revision="0020")
        with db.engine.connect() as conn:
            flags = dict(conn.execute(text("SELECT id, tagged FROM feedback_item")).all())
        assert {item_id: bool(flag) for item_id, flag in flags.items()} == {
            items[0]: True, items[1]: False, items[2]: True}
        db.engine.dispose()


def test_0022_and_0024_count_and_keep_the_days_of_the_items_already_there(empty_database):
    """0022 marks each month that already has items for the charter review's counts; 0024 keeps the days items
    were acknowledged and closed as they were, in plain columns."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0021")
        tables = sa.MetaData()
        tables.reflect(db.engine, only=["feedback_item"])
        item = tables.tables["feedback_item"]
        with db.engine.begin() as conn:
            _insert(conn, item, reference="COM-2026-00001", received_on=date(2026, 1, 30),
                    acknowledged_at=datetime(2026, 2, 2, 23, 59), closed_at=datetime(2026, 2, 20, 8, 0))
            _insert(conn, item, reference="COM-2026-00002", received_on=date(2026, 1, 5))
            _insert(conn, item, reference="COM-2026-00003", received_on=date(2026, 3, 9),
                    acknowledged_at=datetime(2026, 3, 9, 10, 0))
        upgrade()
        with db.engine.connect() as conn:
            marks = conn.execute(text("SELECT month, changes FROM feedback_tally_stale ORDER BY month")).all()
            days = conn.execute(text("SELECT reference, acknowledged_on, closed_on FROM feedback_item "
                                     "ORDER BY reference")).all()
        assert [(str(month)[:10], changes) for month, changes in marks] == [("2026-01-01", 1), ("2026-03-01", 1)]
        assert [(reference, str(acknowledged)[:10] if acknowledged else None, str(closed)[:10] if closed else None)
                for reference, acknowledged, closed in days] == [
            ("COM-2026-00001", "2026-02-02", "2026-02-20"), ("COM-2026-00002", None, None),
            ("COM-2026-00003", "2026-03-09", None)]
        db.engine.dispose()


def test_0028_keeps_the_uk_dates_of_moments_already_there(empty_database):
    """0028 recounts a day kept from a moment in the last UTC hour of a summer day as the next day (BST), leaves
    winter ones alone, and the downgrade puts the UTC days back."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0027")
        tables = sa.MetaData()
        names = ("feedback_item", "survey", "contact_record", "survey_invitation")
        tables.reflect(db.engine, only=names)
        item, survey, contact, invitation = (tables.tables[name] for name in names)
        with db.engine.begin() as conn:
            _insert(conn, item, reference="COM-2026-00001", received_on=date(2026, 7, 1),
                    acknowledged_at=datetime(2026, 7, 1, 23, 30), acknowledged_on=date(2026, 7, 1),
                    closed_at=datetime(2026, 1, 9, 23, 30), closed_on=date(2026, 1, 9))
            _insert(conn, item, reference="COM-2026-00002", received_on=date(2026, 7, 1),
                    acknowledged_at=datetime(2026, 7, 1, 9, 0), acknowledged_on=date(2026, 7, 1))
            survey_id = _insert(conn, survey, title="Phone", slug="phone")
            contact_id = _insert(conn, contact, occurred_at=datetime(2026, 6, 30, 12, 0))
            _insert(conn, invitation, survey_id=survey_id, contact_id=contact_id, sent_at=datetime(2026, 6, 30, 23, 15),
                    sent_month=date(2026, 6, 1))

        def kept():
            with db.engine.connect() as conn:
                items = conn.execute(text("SELECT acknowledged_on, closed_on FROM feedback_item ORDER BY reference"))
                month = conn.execute(text("SELECT sent_month FROM survey_invitation")).scalar_one()
                return [tuple(str(day)[:10] if day else None for day in row) for row in items] + [str(month)[:10]]

        upgrade()
        assert kept() == [("2026-07-02", "2026-01-09"), ("2026-07-01", None), "2026-07-01"]
        downgrade(revision="0027")
        assert kept() == [("2026-07-01", "2026-01-09"), ("2026-07-01", None), "2026-06-01"]
        db.engine.dispose()


def test_rebuilding_a_table_keeps_the_rows_that_refer_to_it(empty_database):
    """SQLite rebuilds a table to change it (batch mode): dropping the old copy must not cascade to the rows that
    refer to it. 0014 rebuilds feedback_item; its items' commitments and messages are still there after it."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade(revision="0013")
        tables = sa.MetaData()
        tables.reflect(db.engine, only=["charter", "commitment", "feedback_item", "feedback_commitment",
                                        "feedback_message"])
        charter, commitment, item, tags, message = (tables.tables[name] for name in (
            "charter", "commitment", "feedback_item", "feedback_commitment", "feedback_message"))
        with db.engine.begin() as conn:
            charter_id = _insert(conn, charter, council_slug="harrow")
            promise = _insert(conn, commitment, charter_id=charter_id, code="H-1")
            item_id = _insert(conn, item, reference="COM-2026-00001")
            conn.execute(sa.insert(tags).values(feedback_id=item_id, commitment_id=promise))
            _insert(conn, message, feedback_id=item_id, author="resident", body="Any news?")
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT feedback_id, commitment_id FROM feedback_commitment")).all() == [
                (item_id, promise)]
            assert conn.scalar(text("SELECT count(*) FROM feedback_message")) == 1
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:  # and the app's connections check foreign keys again
                assert conn.scalar(text("PRAGMA foreign_keys")) == 1
        db.engine.dispose()
