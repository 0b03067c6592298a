"""Staff account changes: create, change role, reset password, disable; each one audited."""

from __future__ import annotations

from sqlalchemy import func, select

from core.audit import record_audit
from core.auth import MIN_PASSWORD_LENGTH, end_sessions, hash_password
from core.errors import RuleError
from core.extensions import db
from core.models import Role, StaffUser


class StaffError(RuleError):
    """A change to a staff account that is not allowed; the message says why."""


def _active_admins() -> int:
    return db.session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == Role.ADMIN, StaffUser.active.is_(True))
    )


def create_staff(*, email: str, name: str, role: str, password: str, by: StaffUser | None) -> StaffUser:
    email = email.strip().lower()
    if Role(role) not in Role:
        raise StaffError("Select a role")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    if db.session.scalar(select(StaffUser).where(StaffUser.email == email)) is not None:
        raise StaffError("There is already a staff account with this email address")
    person = StaffUser(email=email, name=name.strip(), role=Role(role).value, password_hash=hash_password(password))
    db.session.add(person)
    record_audit(person, "staff.created", by=by, after={"email": email, "name": person.name, "role": person.role},
                 summary=f"Account created as {person.role_label.lower()}")
    db.session.commit()
    return person


def change_role(person: StaffUser, role: str, *, by: StaffUser) -> None:
    new_role = Role(role)
    if person.role == new_role:
        return
    if person.role == Role.ADMIN and person.active and _active_admins() == 1:
        raise StaffError("There must always be at least one active administrator")
    record_audit(person, "staff.role_changed", by=by, before={"role": person.role}, after={"role": new_role.value},
                 summary=f"Role changed from {person.role_label.lower()} to {new_role.label.lower()}")
    person.role = new_role.value
    end_sessions(person)
    db.session.commit()


def set_password(person: StaffUser, password: str, *, by: StaffUser | None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")
    person.password_hash = hash_password(password)
    end_sessions(person)
    record_audit(person, "staff.password_reset", by=by, summary="Password reset (the password is never recorded)")
    db.session.commit()


def set_active(person: StaffUser, active: bool, *, by: StaffUser) -> None:
    if person.active == active:
        return
    if not active and person.id == by.id:
        raise StaffError("You cannot disable your own account")
    if not active and person.role == Role.ADMIN and _active_admins() == 1:
        raise StaffError("There must always be at least one active administrator")
    record_audit(person, "staff.enabled" if active else "staff.disabled", by=by, before={"active": person.active},
                 after={"active": active}, summary="Account turned on" if active else "Account disabled")
    person.active = active
    end_sessions(person)
    db.session.commit()
