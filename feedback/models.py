"""Feedback tables: each compliment, comment, complaint or service request, its tags, messages and files."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, false
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, validates
from sqlalchemy.orm.attributes import get_history

from core.api_keys import ApiKey  # noqa: F401  one key table for every API, re-exported for feedback
from core.extensions import db
from core.models import Channel, Commitment, Resident, SentimentMixin, ServiceArea, StaffUser
from core.timesource import now, uk_date


class FeedbackKind(StrEnum):
    COMPLIMENT = "compliment"
    COMMENT = "comment"
    COMPLAINT = "complaint"
    # A first report of something to put right (Complaint Handling Codes 1.2-1.4): recorded, not a complaint.
    SERVICE_REQUEST = "service_request"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()

    @property
    def noun(self) -> str:
        """How the kind reads in a sentence: "your complaint", "your service request"."""
        return self.value.replace("_", " ")

    @property
    def prefix(self) -> str:
        """Reference prefix, e.g. CMP-2026-00042."""
        return {"compliment": "CPL", "comment": "COM", "complaint": "CMP", "service_request": "SR"}[self.value]


class FeedbackStatus(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


feedback_commitment = Table(
    "feedback_commitment",
    db.metadata,
    Column("feedback_id", ForeignKey("feedback_item.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("commitment.id"), primary_key=True, index=True),
)


class FeedbackItem(SentimentMixin, db.Model):
    """One piece of feedback from a resident, however it reached the council."""

    __tablename__ = "feedback_item"
    __table_args__ = (
        Index("ix_feedback_item_kind_status", "kind", "status"),
        Index("ix_feedback_item_received_on", "received_on"),
        # Items on no commitment in a period (the staff home, the charter review): counted from this index alone.
        Index("ix_feedback_item_received_tagged", "received_on", "tagged"),
        # The charter review's counts: each a pass over the index alone, already in the order it groups by.
        Index("ix_feedback_item_acknowledged_day", "channel", "received_on", "acknowledged_on", "status"),
        Index("ix_feedback_item_closed_day", "channel", "received_on", "closed_on", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Public reference, e.g. CMP-2026-00042.
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=FeedbackStatus.RECEIVED)
    #: How it reached us: web_form, phone, email, letter, visit, web_chat, social_media ...
    channel: Mapped[str] = mapped_column(String(20))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"), index=True)
    #: The day the council received it: day 0 of every clock. A correction keeps the day it replaced in the
    #: change's history (active_history), so the month it left is recounted too (feedback.tallies).
    received_on: Mapped[date] = mapped_column(active_history=True)
    received_at: Mapped[datetime] = mapped_column(default=now)
    #: What happened, in the resident's words.
    description: Mapped[str] = mapped_column(Text)
    happened_on: Mapped[date | None]
    #: What the resident would like to happen.
    outcome_wanted: Mapped[str | None] = mapped_column(Text)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("resident.id"), index=True)
    #: SHA-256 of the private tracking token; the token itself is only ever sent to the resident.
    tracking_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: SHA-256 of the one-time token of the form or API request that sent it (core.once): unique, so the same
    #: submission is stored once however many times, and however simultaneously, it arrives.
    submission_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: Staff member who recorded it on the resident's behalf (None when the resident used the web form).
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    acknowledged_at: Mapped[datetime | None]
    acknowledgement_due_on: Mapped[date | None]
    #: Why staff reclassified it (complaint <-> service request), if they did.
    reclassified_reason: Mapped[str | None] = mapped_column(Text)
    #: The kind the resident chose. Staff may reclassify, but the resident can always insist on a complaint
    #: (Complaint Handling Codes 1.3: they must be given the choice).
    resident_kind: Mapped[str] = mapped_column(String(20), default=lambda ctx: ctx.get_current_parameters()["kind"])
    #: The service request a complaint was raised about; the request carries on alongside it (HO Code FAQ, LGSCO 1.7).
    raised_from_id: Mapped[int | None] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    #: The charter commitment whose acknowledgement standard applies, if the charter has one for the channel.
    acknowledgement_commitment_id: Mapped[int | None] = mapped_column(ForeignKey("commitment.id"), index=True)
    #: The deadline rule that gave acknowledgement_due_on (kept so the date can explain itself).
    acknowledgement_rule: Mapped[str | None] = mapped_column(String(40))
    #: Whether the acknowledgement was sent on or before its due date; None until it is sent.
    acknowledgement_met: Mapped[bool | None]
    #: The API key a council system used to send it, if it came through the API.
    api_key_id: Mapped[int | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    withdrawn_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: The days it was acknowledged and closed, kept from the times above whenever they are set (_keep_days), so the
    #: charter review counts a year of items by day from an index it reads alone
    #: (feedback.queries.received_and_acknowledged). SQLite does not read a column the database computes from an
    #: index alone, which doubled the time of those counts (docs/performance.md, the charter review's evidence).
    acknowledged_on: Mapped[date | None]
    closed_on: Mapped[date | None]
    #: Optimistic locking: two officers cannot silently overwrite each other.
    version_id: Mapped[int] = mapped_column(default=1)
    #: Whether it is tagged to at least one commitment; kept at every flush from ``commitments`` (keep_tagged_flag),
    #: so counting the items on no promise reads one index instead of probing the tags of every item.
    tagged: Mapped[bool] = mapped_column(default=False, server_default=false())
    #: Theme labels found in the text (see core.sentiment.themes).
    themes: Mapped[list] = mapped_column(JSON, default=list)
    #: When the resident's words, messages and files were removed under the retention policy (feedback.retention);
    #: what reports count (kind, service, commitments, channel, dates, status, sentiment, themes) stays.
    anonymised_at: Mapped[datetime | None]

    service_area: Mapped[ServiceArea | None] = relationship()
    resident: Mapped[Resident | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(secondary=feedback_commitment, order_by=Commitment.number)
    acknowledgement_commitment: Mapped[Commitment | None] = relationship(
        foreign_keys=[acknowledgement_commitment_id])
    recorded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[recorded_by_id])
    messages: Mapped[list[FeedbackMessage]] = relationship(order_by="FeedbackMessage.id")
    attachments: Mapped[list[Attachment]] = relationship(order_by="Attachment.id")

    __mapper_args__ = {"version_id_col": version_id}

    @validates("acknowledged_at", "closed_at")
    def _keep_days(self, key: str, moment: datetime | None) -> datetime | None:
        # The UK date, as acknowledgement_met is judged (feedback.acknowledgement): 23:30 UTC in summer is the next day.
        setattr(self, "acknowledged_on" if key == "acknowledged_at" else "closed_on",
                uk_date(moment) if moment else None)
        return moment

    @property
    def kind_label(self) -> str:
        return FeedbackKind(self.kind).label

    @property
    def kind_noun(self) -> str:
        return FeedbackKind(self.kind).noun

    @property
    def status_label(self) -> str:
        return FeedbackStatus(self.status).label

    @property
    def channel_label(self) -> str:
        return Channel(self.channel).label

    @property
    def is_open(self) -> bool:
        """Whether the resident can still add to it or withdraw it."""
        return self.status not in {FeedbackStatus.CLOSED, FeedbackStatus.WITHDRAWN}

    def __repr__(self) -> str:
        return f"<FeedbackItem {self.reference}>"


def keep_tagged_flag(session: Session, _context, _instances) -> None:
    """Before each flush, set ``tagged`` on every item whose commitments changed (connected by feedback.init_app)."""
    for item in (*session.new, *session.dirty):
        if isinstance(item, FeedbackItem) and get_history(item, "commitments").has_changes():
            tagged = bool(item.commitments)
            if item.tagged != tagged:
                item.tagged = tagged


class FeedbackMessage(db.Model):
    """A message on a feedback item's tracking page, from staff or from the resident."""

    __tablename__ = "feedback_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    #: "staff" or "resident".
    author: Mapped[str] = mapped_column(String(10))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: SHA-256 of the one-time token of the tracking page's form that sent it: the same message is added once.
    submission_hash: Mapped[str | None] = mapped_column(String(64), unique=True)

    staff: Mapped[StaffUser | None] = relationship()


class FeedbackQuote(db.Model):
    """The item's words as staff chose to quote them in the annual review, anonymised (core.redaction) and perhaps
    shortened: one per item, so a second choice edits it; removed with the item's words under retention."""

    __tablename__ = "feedback_quote"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    chosen_at: Mapped[datetime] = mapped_column(default=now)

    item: Mapped[FeedbackItem] = relationship()
    chosen_by: Mapped[StaffUser | None] = relationship()


class Attachment(db.Model):
    """An evidence file, stored under a random name outside static/."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: Detected from the file's content, not its name.
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    uploaded_by: Mapped[str] = mapped_column(String(10), default="resident")
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: When the file was deleted under the retention policy; the row stays to say there was one.
    removed_at: Mapped[datetime | None]


class EqualityMonitoring(db.Model):
    """Optional equality answers, kept apart from the case: no link to the resident or the item."""

    __tablename__ = "equality_monitoring"

    id: Mapped[int] = mapped_column(primary_key=True)
    submitted_on: Mapped[date]
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    #: The kind of feedback the answers came with (complaint, comment, compliment, service_request), so the pack can
    #: say who complained; the kind alone identifies nobody. None for answers given before it was kept.
    kind: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    sex: Mapped[str | None] = mapped_column(String(30))
    disability: Mapped[str | None] = mapped_column(String(30))
    ethnicity: Mapped[str | None] = mapped_column(String(60))
    religion: Mapped[str | None] = mapped_column(String(60))
    sexual_orientation: Mapped[str | None] = mapped_column(String(30))

    service_area: Mapped[ServiceArea | None] = relationship()


class FeedbackDraft(db.Model):
    """A resident's answers while they go through the form; deleted when sent, purged when abandoned."""

    __tablename__ = "feedback_draft"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the random key in the resident's session cookie.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    #: Evidence files already stored: stored_name, original_name, content_type and size of each.
    uploads: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now, index=True)


class ReferenceCounter(db.Model):
    """The last reference number issued in each year, so references stay short and never repeat."""

    __tablename__ = "feedback_reference_counter"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)
