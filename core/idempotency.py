"""The APIs' Idempotency-Key header: a retried request with the same key (per API key) gets the first answer again.

The first successful answer (status, body, Location) is kept under a unique (API key, Idempotency-Key) in the same
transaction as what the request stored, so of two retries sent at once only one can store anything; the other
rolls back and answers with what the first one kept. A key is kept for ``LIFETIME`` and then forgotten
(``purge_expired``, run by `flask feedback purge`). Requests that fail (4xx) keep nothing: they can be sent again.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import jsonify, request
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core.api_keys import ApiKey  # noqa: F401  the table api_idempotency_key.api_key_id refers to
from core.extensions import db
from core.once import derived_token
from core.timesource import now

HEADER = "Idempotency-Key"
#: Sent with an answer given again for a retried request.
REPLAYED_HEADER = "Idempotent-Replayed"
#: How long a key is remembered: a retry within this time gets the first answer.
LIFETIME = timedelta(hours=24)
#: The longest key accepted (a UUID is 36 characters).
MAX_LENGTH = 255


class IdempotencyKey(db.Model):
    """The first answer to a request sent with an Idempotency-Key, kept for a day for the API key that sent it."""

    __tablename__ = "api_idempotency_key"
    __table_args__ = (
        # The database, not a check before writing, makes the second of two simultaneous retries fail.
        UniqueConstraint("api_key_id", "key_hash", name="uq_api_idempotency_key_api_key_id"),
        Index("ix_api_idempotency_key_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id", ondelete="CASCADE"))
    #: SHA-256 of the client's key: keys are not secrets, but this keeps every key the same size.
    key_hash: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the method, path and JSON body: the same key with another request is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int]
    body: Mapped[dict] = mapped_column(JSON)
    location: Mapped[str | None] = mapped_column(String(500))
    #: A random value of the first answer: what the answer must not keep (a tracking link) is worked out again from
    #: it (Idempotent.secret), and a key used again once forgotten gives new ones.
    nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now)


def _fingerprint(data: object) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{canonical}".encode()).hexdigest()


def error(status: int, message: str):
    """A problem with the header, in the APIs' error body (the field is the header's name)."""
    response = jsonify({"errors": [{"field": HEADER, "message": message}]})
    response.status_code = status
    return response


@dataclass(frozen=True)
class Idempotent:
    """A request sent with an Idempotency-Key."""

    api_key_id: int
    key: str
    request_hash: str

    @staticmethod
    def new_nonce() -> str:
        return secrets.token_urlsafe(16)

    def secret(self, nonce: str) -> str:
        """A secret of the answer with this nonce, worked out with the app's key from the API key, the
        Idempotency-Key and the nonce: knowing someone's Idempotency-Key is not knowing it."""
        return derived_token("api-request", f"{self.api_key_id}\x00{self.key}\x00{nonce}")

    def earlier(self) -> IdempotencyKey | None:
        """The answer kept for this key, if it is still remembered; one kept longer ago is forgotten now."""
        kept = db.session.scalar(select(IdempotencyKey).where(IdempotencyKey.api_key_id == self.api_key_id,
                                                               IdempotencyKey.key_hash == _hash(self.key)))
        if kept is not None and kept.created_at < now() - LIFETIME:
            db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.id == kept.id))
            db.session.commit()
            return None
        return kept

    def keep(self, status: int, body: dict, location: str | None = None, *, nonce: str | None = None) -> None:
        """Keep the answer in the caller's transaction (it commits it with what the request stored)."""
        db.session.add(IdempotencyKey(api_key_id=self.api_key_id, key_hash=_hash(self.key),
                                      request_hash=self.request_hash, status_code=status, body=body,
                                      location=location, nonce=nonce or self.new_nonce()))

    def answer(self, kept: IdempotencyKey, body: dict | None = None):
        """The kept answer again (with `body` when the caller rebuilds it), or 422 when the key was used for a
        different request."""
        if kept.request_hash != self.request_hash:
            return error(422, f"This {HEADER} was used for a different request in the last "
                              f"{int(LIFETIME.total_seconds() // 3600)} hours. Send a new {HEADER} with each new "
                              "request, and the same one only when you send the same request again")
        response = jsonify(kept.body if body is None else body)
        response.status_code = kept.status_code
        if kept.location:
            response.headers["Location"] = kept.location
        response.headers[REPLAYED_HEADER] = "true"
        return response


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def from_request(api_key_id: int, data: object) -> tuple[Idempotent | None, object | None]:
    """The request's Idempotency-Key, if it sent one, or a 400 answer when the header is not a usable key."""
    key = request.headers.get(HEADER)
    if key is None:
        return None, None
    key = key.strip()
    if not key or len(key) > MAX_LENGTH or not key.isascii() or not key.isprintable():
        return None, error(400, f"The {HEADER} header must be 1 to {MAX_LENGTH} printable ASCII characters, "
                                "such as a UUID")
    return Idempotent(api_key_id=api_key_id, key=key, request_hash=_fingerprint(data)), None


def begin(api_key_id: int, data: object, replay: Callable[[Idempotent, IdempotencyKey], object] | None = None
          ) -> tuple[Idempotent | None, object | None]:
    """The request's Idempotency-Key, and the answer to give now when the request needs no more work: a 400 for a
    key that is not usable, or the answer kept for the same request sent before (``replay`` rebuilds it; by default
    it is given as kept)."""
    once, refused = from_request(api_key_id, data)
    if refused is not None:
        return None, refused
    kept = once.earlier() if once else None
    if kept is None:
        return once, None
    return once, (replay(once, kept) if replay else once.answer(kept))


def purge_expired() -> int:
    """Forget keys older than ``LIFETIME``; returns how many."""
    result = db.session.execute(delete(IdempotencyKey).where(IdempotencyKey.created_at < now() - LIFETIME))
    db.session.commit()
    return result.rowcount or 0
