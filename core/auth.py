"""Staff sign-in: password hashing, lockout after repeated failures, and role checks."""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from flask import abort, current_app
from flask_login import current_user
from werkzeug.security import check_password_hash, generate_password_hash

from core.errors import RuleError
from core.extensions import db, login_manager
from core.models import Role, StaffUser
from core.timesource import now

#: Shortest password accepted (NCSC guidance favours length over complexity rules).
MIN_PASSWORD_LENGTH = 12

login_manager.login_view = "staff.sign_in"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"


@login_manager.user_loader
def _load_user(user_id: str) -> StaffUser | None:
    return db.session.get(StaffUser, int(user_id))


def hash_password(password: str) -> str:
    # Werkzeug's default is scrypt, a memory-hard algorithm.
    return generate_password_hash(password)


class SignInError(RuleError):
    """Sign-in refused; the message is safe to show."""


def authenticate(email: str, password: str) -> StaffUser:
    """Return the staff member for these credentials, counting failures towards a lockout."""
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email.strip().lower()))
    moment = now()
    if user is not None and user.locked_until and user.locked_until > moment:
        minutes = current_app.config["CHARTERLINE_LOCKOUT_MINUTES"]
        raise SignInError(f"This account is locked after too many failed attempts. Try again in {minutes} minutes.")
    if user is None or not check_password_hash(user.password_hash, password):
        if user is not None:
            user.failed_sign_ins += 1
            if user.failed_sign_ins >= current_app.config["CHARTERLINE_LOCKOUT_ATTEMPTS"]:
                user.locked_until = moment + timedelta(minutes=current_app.config["CHARTERLINE_LOCKOUT_MINUTES"])
                user.failed_sign_ins = 0
            db.session.commit()
        raise SignInError("Enter a correct email address and password.")
    if not user.active:
        raise SignInError("This account has been disabled. Ask an administrator to turn it back on.")
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_signed_in_at = moment
    db.session.commit()
    return user


def role_required(*roles: str):
    """Allow the view only to signed-in staff with one of `roles` (administrators always pass)."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*allowed):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: Every staff role: pages any signed-in member of staff may read.
ANY_STAFF = tuple(Role)
