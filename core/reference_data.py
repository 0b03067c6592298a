"""Reference data kept per process: API keys, service areas, published charter commitments, closure dates.

Every submission reads these, and they change only when an administrator changes them. Each process keeps what
it read together with the database's *reference stamp*: a random value that any change to a watched table
replaces, in the same transaction as the change. A transaction reads the stamp once (one small query) and uses
what the process kept only while the stamp matches. So a revoked API key or a new closure date applies from the
next transaction in every worker, and a database emptied and filled again (new stamp) is never mistaken for the
old one.

Rules for callers:
- A loader returns plain values or detached copies (``detached_copies``), never objects in the session. A caller
  that stores a reference to a kept object attaches it with ``db.session.merge(obj, load=False)`` (no query).
- A transaction that has added or changed reference data reads it from the database for the rest of that
  transaction, so it sees its own change.
- Changes must go through the ORM (the flush is where the stamp is replaced). A bulk ``update()`` or ``delete()``
  on a watched table must call ``replace_stamp()`` itself.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import String, event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, make_transient_to_detached, mapped_column

from core.extensions import db

T = TypeVar("T")


class ReferenceStamp(db.Model):
    """One row: the stamp that changes whenever reference data changes."""

    __tablename__ = "reference_stamp"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(String(32))


def new_stamp() -> str:
    return secrets.token_hex(16)


@event.listens_for(ReferenceStamp.__table__, "after_create")
def _first_stamp(table, connection, **_kw) -> None:
    connection.execute(table.insert().values(id=1, stamp=new_stamp()))


_READ_STAMP = select(ReferenceStamp.__table__.c.stamp).where(ReferenceStamp.__table__.c.id == 1)

#: Watched classes, each with the attributes whose changes do not count (such as a key's last use).
_WATCHED: dict[type, frozenset[str]] = {}

#: What each process keeps: name -> (stamp it was read under, value).
_KEPT: dict[str, tuple[str, Any]] = {}

_STAMP = "charterline.reference_stamp"
_CHANGED = "charterline.reference_changed"


def watch(model: type, *, ignoring: Iterable[str] = ()) -> None:
    """Count changes to ``model`` as changes to reference data (except changes to the ``ignoring`` attributes)."""
    _WATCHED[model] = frozenset(ignoring)


def kept(name: str, load: Callable[[], T]) -> T:
    """The value ``load()`` returns, read once per process while the reference stamp stays the same."""
    session = db.session()
    if session.info.get(_CHANGED):
        return load()
    if _STAMP not in session.info:
        # On the connection: reading the stamp is no reason to flush the caller's half-made changes.
        session.info[_STAMP] = session.connection().execute(_READ_STAMP).scalar()
    stamp = session.info[_STAMP]
    if stamp is None:  # a database without its stamp row: nothing can be trusted to stay the same
        return load()
    held = _KEPT.get(name)
    if held is not None and held[0] == stamp:
        return held[1]
    value = load()
    _KEPT[name] = (stamp, value)
    return value


def forget_stamp() -> None:
    """Read the stamp again at the next ``kept`` call in this transaction (for a long-running command)."""
    db.session.info.pop(_STAMP, None)


def forget_kept() -> None:
    """Drop everything this process kept."""
    _KEPT.clear()


def replace_stamp(session: Session | None = None) -> None:
    """Give the database a new stamp in the current transaction, so every process reads its reference data again.

    Called by the flush for ORM changes to watched tables; call it after a bulk statement on one of them.
    """
    session = session or db.session()
    connection = session.connection()
    # An upsert: the row may be missing (a database made without its first stamp).
    connection.execute(_upsert_stamp(connection.dialect.name), {"id": 1, "stamp": new_stamp()})
    session.info[_CHANGED] = True


_UPSERT_STAMP: dict[str, object] = {}


def _upsert_stamp(dialect: str):
    if dialect not in _UPSERT_STAMP:
        table = ReferenceStamp.__table__
        statement = (postgresql if dialect == "postgresql" else sqlite).insert(table)
        _UPSERT_STAMP[dialect] = statement.on_conflict_do_update(index_elements=[table.c.id],
                                                                 set_={"stamp": statement.excluded.stamp})
    return _UPSERT_STAMP[dialect]


def detached_copies(model: type[T], rows: Iterable) -> list[T]:
    """Detached instances of ``model`` built from rows of its table (``.mappings()``), for keeping per process."""
    columns = [(attribute.key, attribute.columns[0].key) for attribute in inspect(model).column_attrs]
    copies = []
    for row in rows:
        copy = model(**{attribute: row[key] for attribute, key in columns})
        make_transient_to_detached(copy)
        copies.append(copy)
    return copies


def _watched(instance: object) -> bool:
    return type(instance) in _WATCHED


def _really_changed(instance: object) -> bool:
    ignoring = _WATCHED[type(instance)]
    state = inspect(instance)
    return any(attribute.history.has_changes() for attribute in state.attrs if attribute.key not in ignoring)


@event.listens_for(Session, "transient_to_pending")
def _note_new_reference_data(session: Session, instance: object) -> None:
    if _watched(instance):
        session.info[_CHANGED] = True  # read from the database (which the next query's flush writes first)


@event.listens_for(Session, "after_flush")
def _replace_stamp_when_reference_data_changes(session: Session, _context) -> None:
    if (any(_watched(instance) for instance in session.new)
            or any(_watched(instance) for instance in session.deleted)
            or any(_watched(instance) and _really_changed(instance) for instance in session.dirty)):
        replace_stamp(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_stamp_with_the_transaction(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_STAMP, None)
        session.info.pop(_CHANGED, None)
