"""Staff sign-in: password hashing, sign-in throttling, sessions that end, and role checks."""

from __future__ import annotations

import time
from datetime import timedelta
from functools import wraps

from flask import abort, current_app, session
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from core import sign_in_throttle
from core.errors import RuleError
from core.extensions import db, login_manager
from core.models import Role, StaffUser
from core.timesource import now

#: Shortest password accepted (NCSC guidance favours length over complexity rules).
MIN_PASSWORD_LENGTH = 12

login_manager.login_view = "staff.sign_in"
login_manager.login_message = "Sign in to see this page."
login_manager.login_message_category = "info"

#: Session keys: when this sign-in started and when it was last used (seconds since the epoch).
SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"


@login_manager.user_loader
def _load_user(session_id: str) -> StaffUser | None:
    """The staff member a session belongs to, while that session is still valid.

    The session holds "<user id>:<session generation>" (StaffUser.get_id). Signing out, a new password, a role
    change and disabling the account all move the user's generation on, which ends every session they had at
    once; sessions also end after CHARTERLINE_SESSION_IDLE_MINUTES unused and CHARTERLINE_SESSION_MAX_HOURS after
    signing in, whatever happens.
    """
    user_id, _, generation = session_id.partition(":")
    if not (user_id.isdigit() and generation.isdigit()):
        return None  # a cookie from before sessions carried their generation
    user = db.session.get(StaffUser, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation) or _session_timed_out():
        return None
    session[SEEN_AT] = int(time.time())
    return user


def _session_timed_out() -> bool:
    config = current_app.config
    moment = time.time()
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return True
    return (moment - seen_at > config["CHARTERLINE_SESSION_IDLE_MINUTES"] * 60
            or moment - signed_in_at > config["CHARTERLINE_SESSION_MAX_HOURS"] * 3600)


def start_session(user: StaffUser) -> None:
    """Sign `user` in on this browser, with a fresh session (nothing carried over from before signing in)."""
    session.clear()
    login_user(user)
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(time.time())


def end_sessions(user: StaffUser) -> None:
    """End every session `user` has, on every browser, from their next request (the caller commits)."""
    user.session_generation = (user.session_generation or 0) + 1


def sign_out() -> None:
    """Sign the current user out here and everywhere else they are signed in."""
    if current_user.is_authenticated:
        end_sessions(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()


def hash_password(password: str) -> str:
    # Werkzeug's default is scrypt, a memory-hard algorithm.
    return generate_password_hash(password)


#: Checked when nobody has the address typed, so an unknown address takes as long as a known one.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password("not anybody's password")
    return _DUMMY_HASH


class SignInError(RuleError):
    """Sign-in refused; the message is safe to show."""


#: The one message for a wrong password, an unknown address and a throttled try alike.
WRONG_CREDENTIALS = "Enter a correct email address and password."


def authenticate(email: str, password: str, *, address: str = "") -> StaffUser:
    """Return the staff member for these credentials, tried from client `address` (see core.sign_in_throttle).

    Unknown addresses, wrong passwords and throttled tries get the same message after the same work (a password
    hash is always checked), so the answer never tells a stranger whether an account exists.
    """
    email = email.strip().lower()
    user = db.session.scalar(db.select(StaffUser).where(StaffUser.email == email))
    password_hash = user.password_hash if user is not None else _dummy_hash()
    throttled = sign_in_throttle.wait_before_next_try(email, address) > timedelta(0)
    correct = check_password_hash(password_hash, password)
    if throttled:
        raise SignInError(WRONG_CREDENTIALS)
    if user is None or not correct:
        sign_in_throttle.record_failure(email, address)
        raise SignInError(WRONG_CREDENTIALS)
    if not user.active:
        raise SignInError("This account has been disabled. Ask an administrator to turn it back on.")
    sign_in_throttle.forget_failures(email, address)
    user.last_signed_in_at = now()
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
#: Every role that may change records: all staff but read-only viewers.
STAFF_WHO_CHANGE = tuple(role for role in Role if role != Role.VIEWER)
