"""Shared tables: staff accounts, service areas, charters and commitments, the audit trail and the outbox."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.reference_data import watch
from core.standards import Standard
from core.timesource import now


class Role(StrEnum):
    ADMIN = "admin"
    COMPLAINTS_OFFICER = "complaints_officer"
    CASE_HANDLER = "case_handler"
    POLICY_OFFICER = "policy_officer"
    VIEWER = "viewer"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.COMPLAINTS_OFFICER: "Complaints officer",
    Role.CASE_HANDLER: "Case handler",
    Role.POLICY_OFFICER: "Policy officer",
    Role.VIEWER: "Viewer (read only)",
}


class Regime(StrEnum):
    """Which Complaint Handling Code a service area's complaints follow."""

    LGSCO = "lgsco"  # Local Government and Social Care Ombudsman: council services
    HO = "ho"  # Housing Ombudsman: the council as landlord

    @property
    def label(self) -> str:
        return {"lgsco": "Local Government and Social Care Ombudsman", "ho": "Housing Ombudsman"}[self.value]


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    WEB_FORM = "web_form"
    WEB_CHAT = "web_chat"
    VISIT = "visit"
    HOME_VISIT = "home_visit"
    SOCIAL_MEDIA = "social_media"
    VOICEMAIL = "voicemail"
    ANY = "any"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.PHONE: "Phone",
    Channel.EMAIL: "Email",
    Channel.LETTER: "Letter",
    Channel.WEB_FORM: "Web form",
    Channel.WEB_CHAT: "Web chat",
    Channel.VISIT: "Visit to our offices",
    Channel.HOME_VISIT: "Home visit",
    Channel.SOCIAL_MEDIA: "Social media",
    Channel.VOICEMAIL: "Voicemail",
    Channel.ANY: "Any way of contacting us",
}


class CharterStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class StaffUser(UserMixin, db.Model):
    """A member of council staff. Residents never have accounts."""

    __tablename__ = "staff_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Lower-cased sign-in address.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    #: Werkzeug scrypt hash; never the password itself.
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    #: Moved on to end every session the user has (core.auth.end_sessions); sessions carry the one they began in.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    last_signed_in_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # Flask-Login keeps this in the session: a session ends when the user's generation moves on.
        return f"{self.id}:{self.session_generation or 0}"

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    def has_role(self, *roles: str) -> bool:
        return self.role == Role.ADMIN or self.role in roles

    def __repr__(self) -> str:
        return f"<StaffUser {self.email} {self.role}>"


class ServiceArea(db.Model):
    """A council service that feedback and complaints are about (housing repairs, waste, council tax ...)."""

    __tablename__ = "service_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    #: Complaint Handling Code that applies: HO for the council as landlord, LGSCO for everything else.
    regime: Mapped[str] = mapped_column(String(10), default=Regime.LGSCO)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<ServiceArea {self.code}>"


class Charter(db.Model):
    """One dated version of a council's customer charter."""

    __tablename__ = "charter"
    __table_args__ = (UniqueConstraint("council_slug", "version", name="council_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    council_slug: Mapped[str] = mapped_column(String(60), index=True)
    council_name: Mapped[str] = mapped_column(String(160))
    title: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=CharterStatus.DRAFT)
    effective_from: Mapped[date | None]
    #: Where the wording came from (the published document), shown to staff.
    source: Mapped[str | None] = mapped_column(Text)
    introduction: Mapped[str | None] = mapped_column(Text)
    #: How long one ring lasts, for standards counted in rings ("within four rings").
    seconds_per_ring: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    published_at: Mapped[datetime | None]

    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="charter", order_by="Commitment.number", cascade="all, delete-orphan"
    )
    #: What the council asks of residents in return (a behaviour charter); not promises, never measured.
    expectations: Mapped[list[Expectation]] = relationship(
        back_populates="charter", order_by="Expectation.number", cascade="all, delete-orphan"
    )

    @property
    def measurable_commitments(self) -> list[Commitment]:
        return [c for c in self.commitments if c.is_measurable]

    def __repr__(self) -> str:
        return f"<Charter {self.council_slug} v{self.version} {self.status}>"


class Commitment(db.Model):
    """A numbered promise in a charter, with a measurable standard where there is one."""

    __tablename__ = "commitment"
    __table_args__ = (UniqueConstraint("charter_id", "code", name="charter_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charter.id"), index=True)
    #: Stable across charter versions, so reports can follow one promise year to year.
    code: Mapped[str] = mapped_column(String(40), index=True)
    number: Mapped[int]
    #: The words residents see.
    wording: Mapped[str] = mapped_column(Text)
    channel: Mapped[str] = mapped_column(String(20), default=Channel.ANY)
    #: The measurable standards, in charter order, as dicts (core.standards.Standard); empty for a promise with no
    #: number. Read them through ``standards``.
    standard_rows: Mapped[list] = mapped_column("standards", JSON, default=list)

    charter: Mapped[Charter] = relationship(back_populates="commitments")

    @property
    def standards(self) -> tuple[Standard, ...]:
        return tuple(Standard.from_dict(row) for row in self.standard_rows or ())

    @standards.setter
    def standards(self, standards) -> None:
        self.standard_rows = [standard.as_dict() for standard in standards]

    @property
    def is_measurable(self) -> bool:
        return bool(self.standard_rows)

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    def __repr__(self) -> str:
        return f"<Commitment {self.code}>"


class Expectation(db.Model):
    """What a charter asks of residents in return ("treat our staff with respect"), numbered in order."""

    __tablename__ = "charter_expectation"

    id: Mapped[int] = mapped_column(primary_key=True)
    charter_id: Mapped[int] = mapped_column(ForeignKey("charter.id"), index=True)
    number: Mapped[int]
    wording: Mapped[str] = mapped_column(Text)

    charter: Mapped[Charter] = relationship(back_populates="expectations")


# Every submission reads these; each process keeps a copy until one of them changes (core.reference_data).
watch(ServiceArea)
watch(Charter)
watch(Commitment)


class AuditEvent(db.Model):
    """One change to a record: who made it, when, what, and the values before and after."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_type: Mapped[str] = mapped_column(String(50))
    target_id: Mapped[int]
    action: Mapped[str] = mapped_column(String(80))
    #: None when the system or a resident made the change.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    summary: Mapped[str | None] = mapped_column(Text)

    actor: Mapped[StaffUser | None] = relationship()


class OutboxStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"  # GOV.UK Notify says the email reached the resident's inbox
    FAILED = "failed"  # gave up after the configured number of attempts, or could never be delivered
    TO_PRINT = "to_print"  # a letter waiting to be printed and posted
    POSTED = "posted"


class OutboxMessage(db.Model):
    """A message queued in the same transaction as the change that causes it, delivered later."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        # The messages about one record: anonymisation clears them a batch of records at a time.
        Index("ix_outbox_message_related", "related_type", "related_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "email" or "letter".
    channel: Mapped[str] = mapped_column(String(20), default="email")
    to_address: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: standard, large_print, braille, easy_read: how a letter is to be produced.
    format: Mapped[str] = mapped_column(String(20), default="standard")
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=now)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    related_type: Mapped[str | None] = mapped_column(String(50))
    related_id: Mapped[int | None]
    #: A letter that GOV.UK Notify prints and posts, rather than one printed here.
    post_by_notify: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: GOV.UK Notify's id for the notification sent, and the last status Notify reported for it.
    notify_id: Mapped[str | None] = mapped_column(String(36))
    notify_status: Mapped[str | None] = mapped_column(String(30))


class ReplyMethod(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"


class Resident(db.Model):
    """A resident's contact details, shared by feedback, complaints and surveys. Anonymised, never deleted."""

    __tablename__ = "resident"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(Text)
    postcode: Mapped[str | None] = mapped_column(String(10))
    #: How they want us to reply: email, phone or letter.
    reply_by: Mapped[str | None] = mapped_column(String(10))
    #: Reasonable adjustments asked for (Equality Act 2010; Complaint Handling Code 5.6):
    #: large_print, braille, easy_read, interpreter, bsl, other.
    adjustments: Mapped[list] = mapped_column(JSON, default=list)
    adjustments_other: Mapped[str | None] = mapped_column(Text)
    #: Interpreter language when "interpreter" is asked for.
    language: Mapped[str | None] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(default=now)
    anonymised_at: Mapped[datetime | None]

    @property
    def letter_format(self) -> str:
        """How letters to this resident are produced."""
        for wanted in ("braille", "large_print", "easy_read"):
            if wanted in (self.adjustments or []):
                return wanted
        return "standard"


class SentimentMixin:
    """Sentiment scored once when the text is written, with the scorer's version, and an officer's correction."""

    sentiment_polarity: Mapped[float | None]
    sentiment_subjectivity: Mapped[float | None]
    #: positive, neutral or negative, as scored.
    sentiment_label: Mapped[str | None] = mapped_column(String(10), index=True)
    sentiment_version: Mapped[str | None] = mapped_column(String(20))
    #: An officer's correction; reports use it in place of the scored label.
    sentiment_override_label: Mapped[str | None] = mapped_column(String(10))
    sentiment_override_by_id: Mapped[int | None]
    sentiment_override_at: Mapped[datetime | None]

    @property
    def effective_sentiment(self) -> str | None:
        return self.sentiment_override_label or self.sentiment_label


# Closure dates live with the clocks; importing them here registers their table.
from core.clocks.models import ClosureDate  # noqa: E402, F401
