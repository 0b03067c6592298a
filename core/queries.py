"""Reads of core's own data for the staff home: the outbox, staff accounts held back, the calendar; and TagShare,
the share of items tagged to a commitment that feedback and surveys each count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from core.clocks.models import ClosureDate
from core.extensions import db
from core.models import OutboxMessage, OutboxStatus, StaffUser
from core.sign_in_throttle import SignInFailure, account_key


@dataclass(frozen=True)
class TagShare:
    """How many items there were and how many of them are tagged to at least one charter commitment."""

    total: int = 0
    tagged: int = 0

    @property
    def untagged(self) -> int:
        return self.total - self.tagged

    @property
    def share(self) -> float | None:
        """Tagged items as a share of all (0-1); None when there were none."""
        return self.tagged / self.total if self.total else None

    def __add__(self, other: TagShare) -> TagShare:
        return TagShare(self.total + other.total, self.tagged + other.tagged)


def outbox_count(status: OutboxStatus) -> int:
    """Messages in the outbox with this status (failed; letters waiting to be printed); counted in the index."""
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == status))


def held_back_account_keys(moment: datetime) -> set[str]:
    """Hashed sign-in addresses with so many failures in the window, from all addresses together, that every address
    which failed for them is held back (core.sign_in_throttle): an account under a guessing attack."""
    config = current_app.config
    window = timedelta(minutes=config["CHARTERLINE_SIGN_IN_WINDOW_MINUTES"])
    query = (select(SignInFailure.account).where(SignInFailure.failed_at > moment - window)
             .group_by(SignInFailure.account)
             .having(func.count() >= config["CHARTERLINE_SIGN_IN_ACCOUNT_ATTEMPTS"]))
    return set(db.session.scalars(query))


def accounts_held_back(moment: datetime) -> list[StaffUser]:
    """Staff accounts under a guessing attack now (the nearest thing to a locked account: the throttle locks nobody
    out, but holds back every address that has been failing for them)."""
    keys = held_back_account_keys(moment)
    if not keys:
        return []
    people = db.session.scalars(select(StaffUser).order_by(StaffUser.name))
    return [person for person in people if account_key(person.email) in keys]


def disabled_accounts() -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser).where(StaffUser.active.is_(False)))


def next_closure(on: date) -> ClosureDate | None:
    """The council's next closure date on or after ``on``, if one is set."""
    return db.session.scalar(select(ClosureDate).where(ClosureDate.removed_at.is_(None), ClosureDate.day >= on)
                             .order_by(ClosureDate.day).limit(1))
