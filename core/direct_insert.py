"""Write a transaction's new rows directly: one prepared INSERT for each, without the unit of work.

The unit of work can order and link any graph of changes, and pays for that generality with about 0.3 ms of work
for each new object on top of the INSERT itself. A resident's submission is the busiest write in the service and
always adds the same small set of rows (the feedback, its resident, commitment links, the case and its clock, audit
events, the acknowledgement), so it writes them here at about 20 µs each.

``insert_pending()`` writes every object that is new in the session, parents before children (the tables' foreign
key order), copying each key into the rows that refer to it as the flush would, and then treats the objects as
loaded from the database. Changes to objects already in the database are left to the next flush.

Modules that act on new rows at flush time (sentiment scoring, waiting audit records, the reference stamp)
register the same action here with ``before_direct_insert`` and ``after_direct_insert``.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Insert, Table, insert, inspect
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

from core.extensions import db

Hook = Callable[[Session, list], None]

_BEFORE: list[Hook] = []
_AFTER: list[Hook] = []
_INSERTS: dict[Table, Insert] = {}
_ORDER: dict[Table, int] = {}


def before_direct_insert(hook: Hook) -> Hook:
    """Run ``hook(session, objects)`` before new objects are written directly (as a before-flush listener)."""
    _BEFORE.append(hook)
    return hook


def after_direct_insert(hook: Hook) -> Hook:
    """Run ``hook(session, objects)`` once new objects are written directly (as an after-flush listener)."""
    _AFTER.append(hook)
    return hook


def prepared_insert(table: Table) -> Insert:
    """``insert(table)`` built once: executed with a dict (or a list of them) it skips building the statement."""
    statement = _INSERTS.get(table)
    if statement is None:
        statement = _INSERTS[table] = insert(table)
    return statement


def insert_pending(session: Session | None = None) -> None:
    """Write every new object in the session now, one prepared INSERT each, in the caller's transaction.

    Flush the session before making the new objects: an object added earlier and linked to its parent only through
    the parent's collection (``parent.children.append(child)``, no back-reference) gets its key from the flush.
    """
    session = session or db.session()
    if not session.new:
        return
    for hook in _BEFORE:
        hook(session, list(session.new))
    new = sorted(session.new, key=_table_position)  # a stable sort: rows of one table keep the order they were made
    for instance in new:
        _check_writable(instance)
    connection = session.connection()
    # Reading an expired key must not flush: the objects are out of the session while they are written.
    with session.no_autoflush:
        for instance in new:
            session.expunge(instance)
        for instance in new:
            _write(connection, instance)
        for instance in new:
            make_transient_to_detached(instance)
        for instance in new:
            session.add(instance)
    for hook in _AFTER:
        hook(session, new)


def _table_position(instance: object) -> int:
    if not _ORDER:
        _ORDER.update({table: position for position, table in enumerate(db.metadata.sorted_tables)})
    return _ORDER[inspect(instance).mapper.local_table]


def _check_writable(instance: object) -> None:
    mapper = inspect(instance).mapper
    if len(mapper.tables) != 1:
        raise ValueError(f"{type(instance).__name__} spans more than one table and cannot be written directly")


def _attribute(mapper, column) -> str:
    return mapper.get_property_by_column(column).key


def _write(connection, instance: object) -> None:
    state = inspect(instance)
    mapper = state.mapper
    _take_parent_keys(instance, mapper, state.dict)
    table = mapper.local_table
    row = _row(instance, mapper, state.dict)
    primary_key = connection.execute(prepared_insert(table), row).inserted_primary_key
    for column, value in zip(mapper.primary_key, primary_key, strict=True):
        setattr(instance, _attribute(mapper, column), value)
    for relationship in mapper.relationships:
        related = state.dict.get(relationship.key)
        if not related:
            continue
        if relationship.direction is MANYTOMANY:
            _link(connection, instance, relationship, related)
        elif relationship.direction is ONETOMANY:
            _give_key_to_children(instance, mapper, relationship, related)


def _take_parent_keys(instance: object, mapper, given: dict) -> None:
    """Copy the keys of the rows this one refers to: written earlier in this call, or already in the database."""
    for relationship in mapper.relationships:
        target = given.get(relationship.key)
        if relationship.direction is not MANYTOONE or target is None:
            continue
        target_mapper = inspect(target).mapper
        for local, remote in relationship.local_remote_pairs:
            value = getattr(target, _attribute(target_mapper, remote))
            if value is None:
                raise ValueError(f"{type(instance).__name__}.{relationship.key} refers to a row not yet written")
            setattr(instance, _attribute(mapper, local), value)


def _row(instance: object, mapper, given: dict) -> dict:
    """The row to insert: the values set on the object, and each column's default set on the object too."""
    row = {}
    for column in mapper.local_table.columns:
        key = _attribute(mapper, column)
        if key in given:
            row[column.key] = given[key]
            continue
        if (column.primary_key and column.autoincrement in (True, "auto")) or column.server_default is not None:
            continue  # the database fills it in (a server default is read when first used)
        default = column.default
        if default is None:
            value = None
        elif default.is_scalar:
            value = default.arg
        elif default.is_callable:
            value = default.arg(None)
        else:
            raise ValueError(f"{type(instance).__name__}.{key} has a default that only the database can work out")
        setattr(instance, key, value)
        row[column.key] = value
    return row


def _give_key_to_children(instance: object, mapper, relationship, children) -> None:
    """Children point back at this row: give them its key (their table comes later, so they are written after)."""
    for child in children:
        child_mapper = inspect(child).mapper
        for parent_column, child_column in relationship.synchronize_pairs:
            setattr(child, _attribute(child_mapper, child_column), getattr(instance, _attribute(mapper, parent_column)))


def _link(connection, instance: object, relationship, related) -> None:
    mapper = inspect(instance).mapper
    rows = []
    for child in related:
        child_mapper = inspect(child).mapper
        row = {link.key: getattr(instance, _attribute(mapper, own)) for own, link in relationship.synchronize_pairs}
        for theirs, link in relationship.secondary_synchronize_pairs:
            value = getattr(child, _attribute(child_mapper, theirs))
            if value is None:
                raise ValueError(f"{type(instance).__name__}.{relationship.key} refers to a row not yet written")
            row[link.key] = value
        rows.append(row)
    # One row is sent as one statement: a list goes through the driver's batch path, which costs more for one.
    connection.execute(prepared_insert(relationship.secondary), rows[0] if len(rows) == 1 else rows)
