"""API keys for integrations: issued by administrators, stored only as a hash, revocable, rate-limited per key."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from functools import wraps

from flask import g, request
from sqlalchemy import JSON, ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.audit import record_audit
from core.extensions import db, limiter
from core.models import StaffUser
from core.reference_data import detached_copies, kept, watch
from core.timesource import now

#: Every key starts with this, so a leaked key is easy to recognise in logs and secret scanners.
KEY_PREFIX = "chl_"


class ApiKey(db.Model):
    """A credential an integration sends as `Authorization: Bearer <key>`; only its SHA-256 is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: What the key is for, e.g. "Telephony system".
    name: Mapped[str] = mapped_column(String(120))
    #: The first characters of the key, shown to administrators to tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: What the key may do, e.g. ["contacts:write"].
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    #: Requests this key may make each minute.
    per_minute: Mapped[int] = mapped_column(default=120)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<ApiKey {self.prefix}… {self.name}>"


# Every API request looks its key up: kept per process until a key is issued or revoked (its last use aside).
watch(ApiKey, ignoring={"last_used_at"})


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def issue_api_key(*, name: str, scopes: list[str], by: StaffUser | None,
                  per_minute: int = 120) -> tuple[ApiKey, str]:
    """Create a key and return it with the secret, which is shown once and never stored."""
    raw = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(name=name.strip(), prefix=raw[:len(KEY_PREFIX) + 6], key_hash=hash_key(raw), scopes=list(scopes),
                 per_minute=per_minute, created_by_id=by.id if by is not None else None)
    db.session.add(key)
    record_audit(key, "api_key.issued", by=by,
                 after={"name": key.name, "scopes": key.scopes, "per_minute": per_minute},
                 summary=f"API key {key.prefix}… issued")
    db.session.commit()
    return key, raw


def revoke_api_key(key: ApiKey, *, by: StaffUser | None) -> None:
    """Stop a key working at once; the record stays for the audit trail."""
    if key.revoked_at is not None:
        return
    key.revoked_at = now()
    key.revoked_by_id = by.id if by is not None else None
    record_audit(key, "api_key.revoked", by=by, summary=f"API key {key.prefix}… revoked")
    db.session.commit()


def key_from_request() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _keys_by_hash() -> dict[str, ApiKey]:
    table = ApiKey.__table__
    return {key.key_hash: key for key in detached_copies(ApiKey, db.session.execute(select(table)).mappings())}


def find_key(raw: str | None) -> ApiKey | None:
    """The key (active or revoked) matching `raw`, or None; a wrong key costs no query."""
    if not raw or len(raw) > 200:
        return None
    key = kept("api-keys", _keys_by_hash).get(hash_key(raw))
    return db.session.merge(key, load=False) if key is not None else None


def authenticate(raw: str | None) -> ApiKey | None:
    """The active key matching `raw`, or None."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    key = find_key(raw)
    return key if key is not None and key.active else None


def _error(status: int, message: str):
    return {"errors": [{"message": message}]}, status, {"WWW-Authenticate": "Bearer"} if status == 401 else {}


def _rate_for_key() -> str:
    return f"{g.api_key.per_minute} per minute"


def _identity_of_key() -> str:
    return f"api-key:{g.api_key.id}"


def require_api_key(scope: str) -> Callable:
    """Let a view run only for a request carrying an active key with `scope`; the key is in `g.api_key`.

    Each key has its own rate limit (429 once spent), so one busy integration cannot starve the others.
    """

    def decorator(view: Callable) -> Callable:
        limited = limiter.limit(_rate_for_key, key_func=_identity_of_key)(view)

        @wraps(view)
        def wrapped(*args, **kwargs):
            key = authenticate(key_from_request())
            if key is None:
                return _error(401, "Send a valid API key as 'Authorization: Bearer <key>'")
            if scope not in (key.scopes or []):
                return _error(403, f"This API key may not use {scope}")
            key.last_used_at = now()
            g.api_key = key
            return limited(*args, **kwargs)

        return wrapped

    return decorator
