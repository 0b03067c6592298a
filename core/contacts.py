"""Contact records: a resident contacted the council (channel, service, when, how to reach them, commitments)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, select, text, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.api_keys import ApiKey  # noqa: F401  the table contact_record.api_key_id refers to
from core.extensions import db
from core.models import Commitment, ServiceArea, StaffUser
from core.timesource import now


class ContactSource:
    """How a contact came to be recorded."""

    FORM = "form"  # staff typed it in
    API = "api"  # an integration (telephony, CRM) posted it
    IMPORT = "import"  # a CSV file uploaded by an officer
    COMPLAINT = "complaint"  # a complaint was closed

    ALL = (FORM, API, IMPORT, COMPLAINT)


#: Which rows each reference index covers: contacts an integration sent with its API key, and all the others.
_SENT_WITH_A_KEY = text("api_key_id IS NOT NULL")
_SENT_WITHOUT_A_KEY = text("api_key_id IS NULL")

contact_commitment = Table(
    "contact_commitment",
    db.metadata,
    Column("contact_id", ForeignKey("contact_record.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("commitment.id"), primary_key=True, index=True),
)


class ContactRecord(db.Model):
    """One contact between a resident and the council, whatever part of Charterline recorded it."""

    __tablename__ = "contact_record"
    __table_args__ = (
        # An integration may send the same contact twice; its own reference makes the second a no-op. References
        # belong to the API key that sent them: two integrations may use the same one without meeting.
        Index("uq_contact_record_key_reference", "api_key_id", "external_reference", unique=True,
              sqlite_where=_SENT_WITH_A_KEY, postgresql_where=_SENT_WITH_A_KEY),
        # Imports and closed complaints: a reference is recorded once per source.
        Index("uq_contact_record_source_reference", "source", "external_reference", unique=True,
              sqlite_where=_SENT_WITHOUT_A_KEY, postgresql_where=_SENT_WITHOUT_A_KEY),
        Index("ix_contact_record_occurred_at", "occurred_at"),
        # The contacts about one record: anonymisation clears them a batch of records at a time.
        Index("ix_contact_record_related", "related_type", "related_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: phone, email, visit ... (core.models.Channel).
    channel: Mapped[str] = mapped_column(String(20))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"), index=True)
    #: When the contact happened (UTC, naive). A closed complaint's contact is dated by the closure that ends the
    #: case: a contact held while the case was reopened moves to the final closure (or withdrawal) when released.
    occurred_at: Mapped[datetime]
    #: Optional ways to reach the resident; cleared by anonymisation.
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    #: form, api, import or complaint (ContactSource).
    source: Mapped[str] = mapped_column(String(20))
    #: Complaint Handling Code that applied ("ho" when the council was the landlord), from the service or the case.
    regime: Mapped[str | None] = mapped_column(String(10))
    #: The sender's own reference for the contact (API and imports).
    external_reference: Mapped[str | None] = mapped_column(String(100))
    #: What the contact was about elsewhere in Charterline, e.g. ("feedback_item", 42) for a closed complaint.
    related_type: Mapped[str | None] = mapped_column(String(50))
    related_id: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: The API key an integration used (core.api_keys.ApiKey).
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    anonymised_at: Mapped[datetime | None]
    #: Set while nobody may be invited about the contact yet: a closed complaint the resident escalated is held
    #: until the case ends. A held contact still happened, so it is listed and kept like any other.
    held_at: Mapped[datetime | None]

    service_area: Mapped[ServiceArea | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(secondary=contact_commitment)

    def __repr__(self) -> str:
        return f"<ContactRecord {self.id} {self.channel} {self.occurred_at:%Y-%m-%d}>"


def record_contact(
    *,
    channel: str,
    occurred_at: datetime,
    source: str,
    service_area: ServiceArea | None = None,
    email: str | None = None,
    phone: str | None = None,
    commitments: Iterable[Commitment] = (),
    external_reference: str | None = None,
    regime: str | None = None,
    related: tuple[str, int] | None = None,
    by: StaffUser | None = None,
    api_key_id: int | None = None,
) -> ContactRecord:
    """Add a contact to the session (the caller commits); values are assumed already validated."""
    contact = ContactRecord(
        channel=channel,
        occurred_at=occurred_at,
        source=source,
        service_area=service_area,
        email=(email or "").strip().lower() or None,
        phone=(phone or "").strip() or None,
        commitments=list(commitments),
        external_reference=external_reference or None,
        regime=regime or (service_area.regime if service_area is not None else None),
        related_type=related[0] if related else None,
        related_id=related[1] if related else None,
        recorded_by_id=by.id if by is not None else None,
        api_key_id=api_key_id,
    )
    db.session.add(contact)
    db.session.flush()
    return contact


def find_by_reference(source: str, reference: str, *, api_key_id: int | None = None) -> ContactRecord | None:
    """The contact recorded with this reference by this source and, for the API, by this key (None: no key)."""
    return db.session.scalar(
        select(ContactRecord).where(ContactRecord.source == source, ContactRecord.external_reference == reference,
                                    ContactRecord.api_key_id.is_(None) if api_key_id is None
                                    else ContactRecord.api_key_id == api_key_id)
    )


#: Functions called with the ids of contacts whose details were just cleared, in the same transaction and before
#: it commits, so that what other parts keep about those contacts is cleared with them.
CONTACTS_CLEARED: list[Callable[[list[int]], object]] = []

#: Contacts passed to each function at a time: few statements, and well within every database's limit on values.
_CLEARED_BATCH = 500


def on_contacts_cleared(handler: Callable[[list[int]], object]) -> Callable[[list[int]], object]:
    """Let a package that keeps something about contacts (surveys: the invitation emails) clear it with them."""
    if handler not in CONTACTS_CLEARED:
        CONTACTS_CLEARED.append(handler)
    return handler


def contacts_cleared(ids: Iterable[int]) -> None:
    """Tell the registered functions which contacts were cleared; the caller commits."""
    ids = sorted(ids)
    for start in range(0, len(ids), _CLEARED_BATCH):
        for handler in CONTACTS_CLEARED:
            handler(ids[start:start + _CLEARED_BATCH])


def anonymise_contacts(*, occurred_before: datetime) -> int:
    """Clear the email address and phone number of contacts older than the cut-off; returns how many changed.

    The rest of the record stays, so counts by channel, service and commitment are unchanged.
    """
    table = ContactRecord.__table__
    cleared = db.session.scalars(
        update(table)
        .where(table.c.occurred_at < occurred_before, table.c.anonymised_at.is_(None))
        .values(email=None, phone=None, anonymised_at=now())
        .returning(table.c.id)
    ).all()
    contacts_cleared(cleared)
    db.session.commit()
    return len(cleared)
