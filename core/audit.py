"""The audit trail: every staff change to a record becomes an AuditEvent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from core.extensions import db
from core.models import AuditEvent, StaffUser
from core.timesource import now


def _jsonable(value: object) -> object:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value


def target_type_of(target: object) -> str:
    return getattr(target, "__tablename__", type(target).__name__.lower())


#: Records waiting for the id of a row not yet written: (record, field, target), in the order they were made.
_AWAITING = "charterline.awaiting_ids"


def link_when_saved(record: object, field: str, target: object) -> None:
    """Point ``record.<field>`` at ``target``'s id and save ``record`` with the caller's transaction.

    A target already written has its id, and the record joins the session. A target not yet written has no id;
    rather than write it early (a flush of its own), the record waits and is inserted by the flush that writes the
    target, as soon as that flush has given the target its id, so a query later in the transaction sees it. Such a
    record is inserted with a plain INSERT, so the object returned to the caller is not tracked by the session:
    read the trail back with ``history_for``.
    """
    target_id = getattr(target, "id", None)
    if target_id is not None:
        setattr(record, field, target_id)
        db.session.add(record)
    else:
        db.session.info.setdefault(_AWAITING, []).append((record, field, target))


@event.listens_for(Session, "after_flush")
def _write_records_whose_target_is_written(session: Session, _context) -> None:
    waiting = session.info.get(_AWAITING)
    if not waiting:
        return
    ready, still = [], []
    for record, field, target in waiting:
        if getattr(target, "id", None) is not None:
            setattr(record, field, target.id)
            ready.append(record)
        elif inspect(target).transient:
            # Nothing will ever write it: refuse the whole change rather than drop an audit event or a message.
            session.info[_AWAITING] = []
            raise ValueError(f"{type(record).__name__} refers to a {type(target).__name__} that was never added")
        else:
            still.append((record, field, target))
    session.info[_AWAITING] = still
    # One INSERT for each kind of record, in the order the records were made, on the flush's own connection.
    rows: dict[object, list[dict]] = {}
    for record in ready:
        state = inspect(record)
        rows.setdefault(state.mapper.local_table, []).append(
            {column.key: state.dict[attr.key] for attr in state.mapper.column_attrs if attr.key in state.dict
             for column in attr.columns[:1]})
    connection = session.connection()
    for table, values in rows.items():
        for fields in {tuple(row) for row in values}:
            connection.execute(table.insert(), [row for row in values if tuple(row) == fields])


@event.listens_for(Session, "after_soft_rollback")
def _forget_waiting_records(session: Session, previous) -> None:
    if not previous.nested:
        session.info.pop(_AWAITING, None)


def record_audit(
    target: object,
    action: str,
    *,
    by: StaffUser | None,
    before: dict | None = None,
    after: dict | None = None,
    summary: str | None = None,
) -> AuditEvent:
    """Add an audit event for `target` to the session; the caller's commit saves it with the change."""
    audit = AuditEvent(
        target_type=target_type_of(target),
        action=action,
        at=now(),  # when it happened, whichever statement writes it
        actor_id=by.id if by is not None else None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        summary=summary,
    )
    link_when_saved(audit, "target_id", target)
    return audit


def changes(obj: object, fields: dict[str, object]) -> tuple[dict, dict]:
    """Apply `fields` to `obj` and return (before, after) for the values that really changed."""
    before: dict = {}
    after: dict = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            before[name] = old
            after[name] = value
            setattr(obj, name, value)
    return before, after


def history_for(target: object) -> list[AuditEvent]:
    """Audit events for one record, newest first, for its page."""
    return list(
        db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == target_type_of(target), AuditEvent.target_id == target.id)
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        )
    )
