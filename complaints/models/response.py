"""What a stage response says: the points raised, findings, remedies, and the letters sent."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.models.vocabulary import LetterKind, RemedyKind
from core.extensions import db
from core.models import StaffUser
from core.timesource import now

if TYPE_CHECKING:
    from complaints.models.case import Complaint




class ComplaintPoint(db.Model):
    """One defined point to be answered, agreed with the resident (HO Code 6.2: "acknowledged, defined and logged")."""

    __tablename__ = "complaint_point"
    __table_args__ = (UniqueConstraint("complaint_id", "stage", "number", name="complaint_point_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    stage: Mapped[int]
    number: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)

    complaint: Mapped[Complaint] = relationship(back_populates="points")


class ComplaintResponse(db.Model):
    """The decision at one stage: a finding per defined point; drafted, then sent with its letter."""

    __tablename__ = "complaint_response"
    __table_args__ = (UniqueConstraint("complaint_id", "stage", name="complaint_response_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    stage: Mapped[int]
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: Overall outcome, worked out from the findings when the response is sent.
    outcome: Mapped[str | None] = mapped_column(String(20))
    sent_on: Mapped[date | None]

    complaint: Mapped[Complaint] = relationship(back_populates="responses")
    written_by: Mapped[StaffUser | None] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="response", cascade="all, delete-orphan")

    def finding_for(self, point: ComplaintPoint) -> Finding | None:
        return next((f for f in self.findings if f.point_id == point.id), None)


class Finding(db.Model):
    """Upheld, partly upheld or not upheld, with the reasons, for one defined point (Complaint Handling Code 6.7)."""

    __tablename__ = "complaint_finding"
    __table_args__ = (UniqueConstraint("response_id", "point_id", name="complaint_finding_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("complaint_response.id"), index=True)
    point_id: Mapped[int] = mapped_column(ForeignKey("complaint_point.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[str] = mapped_column(Text)

    response: Mapped[ComplaintResponse] = relationship(back_populates="findings")
    point: Mapped[ComplaintPoint] = relationship()


class Remedy(db.Model):
    """Something the council will do to put things right: what, who, by when, tracked to completion (6.6, 7)."""

    __tablename__ = "complaint_remedy"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    #: Offered in this response ...
    response_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_response.id"))
    #: ... or ordered by the Ombudsman in this referral.
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("ombudsman_referral.id"))
    point_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_point.id"))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    #: Who will do it (a person or team).
    responsible: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    completed_on: Mapped[date | None]
    completion_note: Mapped[str | None] = mapped_column(Text)

    complaint: Mapped[Complaint] = relationship(back_populates="remedies")
    point: Mapped[ComplaintPoint | None] = relationship()

    @property
    def kind_label(self) -> str:
        return RemedyKind(self.kind).label


class ComplaintLetter(db.Model):
    """A letter drafted from its template, edited by staff, and kept exactly as sent."""

    __tablename__ = "complaint_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    restriction_id: Mapped[int | None] = mapped_column(ForeignKey("contact_restriction.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    stage: Mapped[int | None]
    #: draft, sent or discarded.
    status: Mapped[str] = mapped_column(String(10), default="draft")
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: "email" or "letter", and the letter format the resident asked for (standard, large_print ...).
    channel: Mapped[str] = mapped_column(String(10))
    to_address: Mapped[str] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20), default="standard")
    #: What the letter records (e.g. the extension asked for); applied when the letter is sent.
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    sent_at: Mapped[datetime | None]
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))

    complaint: Mapped[Complaint | None] = relationship(back_populates="letters", foreign_keys=[complaint_id])
    sent_by: Mapped[StaffUser | None] = relationship(foreign_keys=[sent_by_id])

    @property
    def kind_label(self) -> str:
        return LetterKind(self.kind).label
