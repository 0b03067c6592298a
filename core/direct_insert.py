"""Write a transaction's new rows directly: one prepared INSERT for each, without the unit of work.

The unit of work can order and link any graph of changes, and pays for that generality with about 0.3 ms of work
for each new object on top of the INSERT itself. A resident's submission is the busiest write in the service and
always adds the same small set of rows (the feedback, its resident, commitment links, the case and its clock, audit
events, the acknowledgement), so it writes them here at about 20 µs each.

``insert_pending()`` writes every object that is new in the session, parents before children (the tables' foreign
key order), copying each key into the rows that refer to it as the flush would, and then treats the objects as
loaded from the database. Changes to objects already in the database are left to the next flush.

On PostgreSQL the rows' keys are taken from their sequences first, in one query (or with the statement just
before, ``execute_taking_keys``), and then every INSERT goes in one psycopg pipeline: one round trip however many
rows. Elsewhere each INSERT goes on its own and returns its key.

Modules that act on new rows at flush time (sentiment scoring, waiting audit records, the reference stamp)
register the same action here with ``before_direct_insert`` and ``after_direct_insert``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Insert, Integer, Table, insert, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.interfaces import MANYTOMANY, MANYTOONE, ONETOMANY

from core.extensions import db

Hook = Callable[[Session, list], None]

_BEFORE: list[Hook] = []
_AFTER: list[Hook] = []
_INSERTS: dict[Table, Insert] = {}
_ORDER: dict[Table, int] = {}
_INLINE: dict[Table, Insert] = {}
_QUEUE = "charterline.direct_insert_queue"


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
    # On PostgreSQL the rows wait in a queue and go together at the end (``_send_together``).
    queue: list[tuple[Table, list[dict]]] | None = [] if _take_keys(connection, new) else None
    # Reading an expired key must not flush: the objects are out of the session while they are written.
    with session.no_autoflush:
        for instance in new:
            session.expunge(instance)
        connection.info[_QUEUE] = queue
        try:
            for instance in new:
                _write(connection, instance)
            for instance in new:
                make_transient_to_detached(instance)
            for instance in new:
                session.add(instance)
            for hook in _AFTER:
                hook(session, new)
        finally:
            connection.info.pop(_QUEUE, None)
    if queue:
        _send_together(connection, queue)


def _send_together(connection, queue: list[tuple[Table, list[dict]]]) -> None:
    """Send the queued INSERTs to PostgreSQL in one round trip, as one psycopg pipeline.

    The statements go straight to the driver, with the SQL and parameter conversion SQLAlchemy would use; engine
    events such as ``before_cursor_execute`` do not see them. A row the database refuses raises SQLAlchemy's usual
    error, such as ``IntegrityError``, and the caller rolls back as after any failed statement.
    """
    driver = connection.connection.driver_connection
    with as_sqlalchemy_errors(connection), driver.pipeline(), driver.cursor() as cursor:
        send = _PipelineSender(connection, cursor)
        for table, rows in queue:
            send(table, rows)


@contextmanager
def as_sqlalchemy_errors(connection) -> Iterator[None]:
    """Raise the driver's errors as SQLAlchemy raises them (``IntegrityError`` and so on), for work done on the
    driver's connection directly."""
    driver_error = connection.dialect.loaded_dbapi.Error
    try:
        yield
    except driver_error as error:
        raise DBAPIError.instance(None, None, error, driver_error) from error


class _PipelineSender:
    """Queue INSERTs on a psycopg cursor in pipeline mode: SQL compiled once per table and set of columns."""

    def __init__(self, connection, cursor) -> None:
        self.connection = connection
        self.cursor = cursor

    def __call__(self, table: Table, rows: list[dict]) -> None:
        for keys, group in _by_columns(rows):
            sql, converted, defaults = _compiled(self.connection.dialect, table, keys)
            params = []
            for row in group:
                values = dict(row)
                for name, convert in converted:
                    values[name] = convert(values[name])
                for name, default, convert in defaults:
                    value = default.arg if default.is_scalar else default.arg(None)
                    values[name] = convert(value) if convert else value
                params.append(values)
            if len(params) > 1:
                self.cursor.executemany(sql, params)
            else:
                self.cursor.execute(sql, params[0])


def _by_columns(rows: list[dict]) -> list[tuple[tuple, list[dict]]]:
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.items())


_COMPILED: dict[tuple, tuple[str, list, list]] = {}


def _compiled(dialect, table: Table, keys: tuple) -> tuple[str, list, list]:
    """The INSERT's SQL for these columns, as SQLAlchemy would send it; the given columns whose values SQLAlchemy
    converts before sending (with the conversion); and the columns not given that have a default to send."""
    found = _COMPILED.get((table, keys))
    if found is None:
        compiled = insert(table).inline().compile(dialect=dialect, column_keys=list(keys))
        names = list(compiled.bind_names.values())
        if compiled.escaped_bind_names or not set(keys) <= set(names):
            raise ValueError(f"{table.name} has a column whose name cannot be sent as it is")
        converted, defaults = [], []
        for name in names:
            column = table.c[name]
            convert = column.type.dialect_impl(dialect).bind_processor(dialect)
            if name in keys:
                if convert is not None:
                    converted.append((name, convert))
            elif column.default is not None and (column.default.is_scalar or column.default.is_callable):
                defaults.append((name, column.default, convert))
            else:
                raise ValueError(f"{table.name}.{name} has a default that only SQLAlchemy can work out")
        found = _COMPILED[(table, keys)] = (compiled.string, converted, defaults)
    return found


def insert_rows(connection, table: Table, rows: list[dict]) -> None:
    """Insert rows whose keys nobody needs back: at once, or with the direct write under way (its queue)."""
    queue = connection.info.get(_QUEUE)
    if queue is not None:
        queue.append((table, rows))
        return
    statement = _INLINE.get(table)
    if statement is None:
        statement = _INLINE[table] = insert(table).inline()
    # One row is sent as one statement: a list goes through the driver's batch path, which costs more for one.
    connection.execute(statement, rows[0] if len(rows) == 1 else rows)


def _take_keys(connection, new: list) -> bool:
    """On PostgreSQL, give each new row its key from its table's sequence (as its INSERT would), all in one query,
    so that no INSERT need wait for the one before. False elsewhere, or if some row's key comes from no sequence:
    then each INSERT goes on its own and the key comes back from it."""
    wanted = _keys_wanted(connection, new)
    if wanted is None:
        return False
    sequences, wanting = wanted
    if wanting:
        _give_keys(wanting, connection.execute(_TAKE_KEYS, {"sequences": sequences}).scalars().all())
    return True


def _keys_wanted(connection, new: list) -> tuple[list[str], list[tuple]] | None:
    """On PostgreSQL, the sequence of each new row still without its key, and (row, key attribute) for each."""
    driver = connection.connection.driver_connection
    if connection.dialect.name != "postgresql" or not hasattr(driver, "pipeline"):
        return None
    sequences = []
    wanting = []
    for instance in new:
        mapper = inspect(instance).mapper
        column = _sequence_column(mapper)
        if column is None:
            return None
        attribute = _attribute(mapper, column)
        if getattr(instance, attribute) is None:
            sequences.append(_sequence_of(connection, column))
            wanting.append((instance, attribute))
    return sequences, wanting


def _give_keys(wanting: list[tuple], keys: list[int]) -> None:
    for (instance, attribute), key in zip(wanting, keys, strict=True):
        setattr(instance, attribute, key)


def execute_taking_keys(statement, params: dict, session: Session | None = None) -> list[tuple]:
    """Run ``statement`` on the session's connection and return its rows; on PostgreSQL, also take the keys of the
    session's new rows in the same round trip, ready for ``insert_pending``.

    For the one statement a write must make just before its rows (such as taking a reference number). Its
    parameters go as SQLAlchemy would convert them.
    """
    session = session or db.session()
    connection = session.connection()
    wanted = _keys_wanted(connection, list(session.new))
    if not wanted or not wanted[1]:
        return [tuple(row) for row in connection.execute(statement, params)]
    sequences, wanting = wanted
    sql, values = _compiled_statement(connection.dialect, statement, params)
    keys_sql, keys_values = _compiled_statement(connection.dialect, _TAKE_KEYS, {"sequences": sequences})
    driver = connection.connection.driver_connection
    with as_sqlalchemy_errors(connection):
        with driver.pipeline():
            result = driver.execute(sql, values)
            keys = driver.execute(keys_sql, keys_values)
        rows = result.fetchall()
        _give_keys(wanting, [row[0] for row in keys.fetchall()])
    return rows


_STATEMENTS: dict[tuple, tuple] = {}


def _compiled_statement(dialect, statement, params: dict) -> tuple[str, dict]:
    """The statement's SQL for the driver, and its parameters converted as SQLAlchemy converts them."""
    found = _STATEMENTS.get((id(statement), dialect.name))
    if found is None or found[0] is not statement:
        compiled = statement.compile(dialect=dialect)
        if compiled.escaped_bind_names:
            raise ValueError("a parameter name that cannot be sent as it is")
        converters = [(name, bind.type.dialect_impl(dialect).bind_processor(dialect))
                      for bind, name in compiled.bind_names.items()]
        found = _STATEMENTS[(id(statement), dialect.name)] = (statement, compiled, converters)
    _statement, compiled, converters = found
    values = compiled.construct_params(params)
    for name, convert in converters:
        if convert is not None and values.get(name) is not None:
            values[name] = convert(values[name])
    return compiled.string, values


#: One key from each named sequence, in the order named (one prepared statement whatever the rows).
_TAKE_KEYS = text(
    "SELECT nextval(name) FROM unnest(CAST(:sequences AS regclass[])) WITH ORDINALITY AS wanted(name, position) "
    "ORDER BY position"
)
_SEQUENCES: dict[Column, str] = {}


def _sequence_column(mapper) -> Column | None:
    """The table's one integer primary key filled from a sequence, if it has one."""
    columns = mapper.local_table.primary_key.columns
    if len(columns) != 1:
        return None
    column = next(iter(columns))
    if column.autoincrement not in (True, "auto") or not isinstance(column.type, Integer):
        return None
    return column


def _sequence_of(connection, column: Column) -> str:
    name = _SEQUENCES.get(column)
    if name is None:
        name = connection.execute(text("SELECT pg_get_serial_sequence(:table, :column)"),
                                  {"table": column.table.name, "column": column.name}).scalar()
        if name is None:
            raise ValueError(f"{column.table.name}.{column.name} has no sequence to take a key from")
        _SEQUENCES[column] = name
    return name


def _table_position(instance: object) -> int:
    if not _ORDER:
        _ORDER.update({table: position for position, table in enumerate(db.metadata.sorted_tables)})
    return _ORDER[inspect(instance).mapper.local_table]


def _check_writable(instance: object) -> None:
    mapper = inspect(instance).mapper
    if len(mapper.tables) != 1:
        raise ValueError(f"{type(instance).__name__} spans more than one table and cannot be written directly")


_ATTRIBUTES: dict[tuple, str] = {}


def _attribute(mapper, column) -> str:
    found = _ATTRIBUTES.get((mapper, column))
    if found is None:
        found = _ATTRIBUTES[(mapper, column)] = mapper.get_property_by_column(column).key
    return found


def _write(connection, instance: object) -> None:
    state = inspect(instance)
    mapper = state.mapper
    _take_parent_keys(instance, mapper, state.dict)
    table = mapper.local_table
    row = _row(instance, mapper, state.dict)
    if connection.info.get(_QUEUE) is not None:  # the key was taken beforehand (_take_keys)
        insert_rows(connection, table, [row])
    else:
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
    for key, attribute, default in _columns_of(mapper):
        if attribute in given:
            row[key] = given[attribute]
        elif default is not _FILLED_BY_DATABASE:
            value = None if default is None else default.arg if default.is_scalar else default.arg(None)
            given[attribute] = value  # as loaded: reading it later sends no query
            row[key] = value
    return row


_FILLED_BY_DATABASE = object()
_COLUMNS: dict[object, list[tuple]] = {}


def _columns_of(mapper) -> list[tuple]:
    """(column key, attribute, default) for each column; the default is None, a Python default, or a marker for a
    value the database fills in (an autoincrement key, or a server default, read when first used)."""
    found = _COLUMNS.get(mapper)
    if found is None:
        found = []
        for column in mapper.local_table.columns:
            default = column.default
            if (column.primary_key and column.autoincrement in (True, "auto")) or column.server_default is not None:
                default = _FILLED_BY_DATABASE
            elif default is not None and not (default.is_scalar or default.is_callable):
                raise ValueError(f"{mapper.class_.__name__}.{column.key} has a default that only the database can "
                                 "work out")
            found.append((column.key, _attribute(mapper, column), default))
        _COLUMNS[mapper] = found
    return found


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
    insert_rows(connection, relationship.secondary, rows)
