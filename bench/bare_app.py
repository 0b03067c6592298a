"""The baseline for bench/intake.py: a bare Flask route that inserts one row, served by the same gunicorn.

Nothing of Charterline's is used here but the database URL, so the intake figure can be read as a ratio of what
the same machine, server and database do for the least a web request that writes can do.
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BareRow(Base):
    __tablename__ = "bench_bare_row"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(String(20))
    body: Mapped[str]


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """The same SQLite settings Charterline uses, so the two runs differ only in what the route does."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
    db.init_app(app)

    @app.get("/ready")
    def ready():
        return {"ok": True}

    @app.post("/bare")
    def insert_one():
        row = BareRow(reference=secrets.token_hex(6), body=request.get_data(as_text=True))
        db.session.add(row)
        db.session.commit()
        return {"reference": row.reference}, 201

    return app


def create_table(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    app = create_app()
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.engine.dispose()
