"""The audit trail: every staff change to a record becomes an AuditEvent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent, StaffUser


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
    if getattr(target, "id", None) is None:
        db.session.flush()
    event = AuditEvent(
        target_type=target_type_of(target),
        target_id=target.id,
        action=action,
        actor_id=by.id if by is not None else None,
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
        summary=summary,
    )
    db.session.add(event)
    return event


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
