"""Sign-in throttling: slows password guessing per address and per account without locking the officer out.

The old rule (five failures lock the account for 15 minutes) let anyone who knew an officer's address lock them
out, and told a stranger which addresses had accounts. This one throttles the *pair* of address and account:

- Every failed sign-in is remembered for ``CHARTERLINE_SIGN_IN_WINDOW_MINUTES`` with the client address it came
  from and a hash of the email address typed (never the address itself, and whether or not an account exists, so
  the throttle behaves the same for real and made-up addresses and cannot be used to discover accounts).
- One client address may get ``CHARTERLINE_SIGN_IN_FREE_ATTEMPTS`` passwords wrong for one email address within the
  window. After that it must wait ``CHARTERLINE_SIGN_IN_DELAY_SECONDS`` after its latest failure, and the wait
  doubles with each further failure, up to the window itself.
- When one email address has ``CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS`` failures within the window from all addresses
  together (a guessing attack spread over many machines), every address that has already failed for it waits after
  each of its failures as if it had used up its free attempts.
- An address that has not been failing for the account is never held back by the throttle: the officer, signing
  in from their own machine, gets in with the right password however many guesses strangers make. A refused try
  is not counted (so waiting out the delay always works), and the password is not checked while refused.

A refused try gets the same message as a wrong password ("Enter a correct email address and password"), and takes
as long, so it reveals neither the account nor the throttle. Flask-Limiter also caps sign-in posts per address.
An officer sharing one public address (a council NAT) with the attacker shares that address's throttle; the window
keeps it short.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import Index, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db


class SignInFailure(db.Model):
    """One wrong password: which account was tried (hashed email) from which client address, and when."""

    __tablename__ = "sign_in_failure"
    __table_args__ = (Index("ix_sign_in_failure_account_failed_at", "account", "failed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the lower-cased email address typed: the same for an account that exists and one that does not.
    account: Mapped[str] = mapped_column(String(64))
    #: The client address the try came from.
    address: Mapped[str] = mapped_column(String(45))
    failed_at: Mapped[datetime]


def _clock() -> datetime:
    # Real time, not timesource.now(): a date fixed for a demonstration must not stretch or shorten a wait.
    return datetime.now(UTC).replace(tzinfo=None)


def account_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _settings() -> tuple[int, timedelta, timedelta, int]:
    config = current_app.config
    return (config["CHARTERLINE_SIGN_IN_FREE_ATTEMPTS"], timedelta(seconds=config["CHARTERLINE_SIGN_IN_DELAY_SECONDS"]),
            timedelta(minutes=config["CHARTERLINE_SIGN_IN_WINDOW_MINUTES"]),
            config["CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS"])


def wait_before_next_try(email: str, address: str) -> timedelta:
    """How long this address must still wait before it may try a password for this email (zero: it may now)."""
    free, delay, window, account_limit = _settings()
    moment = _clock()
    key = account_key(email)
    recent = SignInFailure.failed_at > moment - window
    mine, last = db.session.execute(
        select(func.count(), func.max(SignInFailure.failed_at))
        .where(SignInFailure.account == key, SignInFailure.address == address, recent)
    ).one()
    if not mine:
        return timedelta(0)
    over = mine - free
    if over < 0:
        everyone = db.session.scalar(select(func.count()).where(SignInFailure.account == key, recent))
        if everyone < account_limit:
            return timedelta(0)
        over = 0
    wait = min(delay * 2 ** min(over, 20), window)
    return max(last + wait - moment, timedelta(0))


def record_failure(email: str, address: str) -> None:
    """Remember a wrong password, and forget failures older than the window (they no longer count)."""
    *_, window, _ = _settings()
    moment = _clock()
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at <= moment - window))
    db.session.add(SignInFailure(account=account_key(email), address=address, failed_at=moment))
    db.session.commit()


def forget_failures(email: str, address: str) -> None:
    """After a successful sign-in, this address starts afresh for this account (others' failures still count)."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.account == account_key(email),
                                                   SignInFailure.address == address))
