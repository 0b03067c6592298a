"""One-time submission tokens: a form sent twice, or four times at once, is stored once, and the database decides.

A token is issued with the page that sends the form (in a hidden field, or derived from the journey's session
key). What the form creates keeps the token's SHA-256 under a unique constraint, written in the same transaction,
so of several identical posts only one can commit; the others fail on the constraint, roll back and show the
resident what the first one stored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import IntegrityError

from core.extensions import db

T = TypeVar("T")
F = TypeVar("F")

#: Tokens are at most this long; anything longer is not one of ours and is never looked up.
MAX_LENGTH = 100


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def derived_token(purpose: str, source: str) -> str:
    """A token worked out from `source` with the app's secret key: the same source always gives the same token,
    and nobody without the key can work it out. 256 bits, URL-safe."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    digest = hmac.new(secret, f"{purpose}\x00{source}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _signature(purpose: str, bound_to: str, nonce: str) -> str:
    return derived_token(purpose, f"{bound_to}\x00{nonce}")[:22]


def issue_token(purpose: str, bound_to: str) -> str:
    """A new one-time token for a form about `bound_to` (say, one tracking page), signed so it cannot be made up."""
    nonce = secrets.token_urlsafe(24)
    return f"{nonce}.{_signature(purpose, bound_to, nonce)}"


def verified_token(token: str | None, purpose: str, bound_to: str) -> str | None:
    """The token if it was issued here for this purpose and `bound_to`, else None."""
    if not token or len(token) > MAX_LENGTH:
        return None
    nonce, _, signature = token.partition(".")
    if not nonce or not hmac.compare_digest(signature.encode(), _signature(purpose, bound_to, nonce).encode()):
        return None
    return token


def save_or_find_first(save: Callable[[], T], find_first: Callable[[], F | None]) -> tuple[T | None, F | None]:
    """Save a submission sent once; when the same one sent at the same moment got in first, what it stored.

    Returns ``(saved, None)``, or ``(None, first)`` after the database refused this one on a unique key and rolled
    back. A refusal with nothing stored first is a real fault and is raised."""
    try:
        return save(), None
    except IntegrityError:
        db.session.rollback()
        first = find_first()
        if first is None:
            raise
        return None, first
