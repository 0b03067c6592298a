"""After the response: Ombudsman referrals, learning actions, the restrictions register and reminders."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from complaints.models.vocabulary import LearningStatus, ReferralDecision
from core.extensions import db
from core.models import Commitment, Resident, ServiceArea, StaffUser

if TYPE_CHECKING:
    from complaints.models.case import Complaint
    from complaints.models.response import Remedy




class OmbudsmanReferral(db.Model):
    """An Ombudsman enquiry or investigation about a complaint, for the case and the annual report (8.1)."""

    __tablename__ = "ombudsman_referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    #: "lgsco" or "ho".
    ombudsman: Mapped[str] = mapped_column(String(10))
    reference: Mapped[str] = mapped_column(String(40))
    #: "enquiry" or "investigation".
    kind: Mapped[str] = mapped_column(String(20))
    received_on: Mapped[date]
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(default=1)

    complaint: Mapped[Complaint] = relationship(back_populates="referrals")
    remedies: Mapped[list[Remedy]] = relationship(order_by="Remedy.id", viewonly=True)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def decision_label(self) -> str:
        return ReferralDecision(self.decision).label if self.decision else "Waiting for a decision"

    @property
    def remedies_complete(self) -> bool | None:
        """True once every remedy the Ombudsman ordered is done; None when none were ordered."""
        if not self.remedies:
            return None
        return all(r.completed_on for r in self.remedies)


learning_action_commitment = Table(
    "learning_action_commitment",
    db.metadata,
    Column("learning_action_id", ForeignKey("learning_action.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("commitment.id"), primary_key=True, index=True),
)


class LearningAction(db.Model):
    """What the council changes because a complaint was upheld: feeds "You said, we did" (Code 9.1-9.3)."""

    __tablename__ = "learning_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    status: Mapped[str] = mapped_column(String(20), default=LearningStatus.PLANNED)
    what_we_changed: Mapped[str | None] = mapped_column(Text)
    completed_on: Mapped[date | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    version_id: Mapped[int] = mapped_column(default=1)

    complaint: Mapped[Complaint] = relationship(back_populates="learning_actions")
    commitments: Mapped[list[Commitment]] = relationship(secondary=learning_action_commitment)

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def status_label(self) -> str:
        return LearningStatus(self.status).label


class Restriction(db.Model):
    """A decision to restrict how a resident contacts the council (LGSCO guide on unreasonable actions).

    It never stops a new complaint from being recorded; it flags the resident's cases.
    """

    __tablename__ = "contact_restriction"
    __table_args__ = (Index("ix_contact_restriction_resident", "resident_id", "ended_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("resident.id"))
    #: The case that led to it.
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    decided_on: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    #: What is restricted, in plain words (e.g. one named officer; written contact only).
    restrictions: Mapped[str] = mapped_column(Text)
    #: None means every service; otherwise the one service it covers.
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    #: Ways the resident can still contact the council (payments, repairs, safeguarding ...).
    channels_open: Mapped[list] = mapped_column(JSON, default=list)
    review_on: Mapped[date] = mapped_column(index=True)
    last_reviewed_on: Mapped[date | None]
    ended_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(Text)
    version_id: Mapped[int] = mapped_column(default=1)

    resident: Mapped[Resident] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()
    decided_by: Mapped[StaffUser] = relationship()

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def scope_label(self) -> str:
        return self.service_area.name if self.service_area else "All council services"

    @property
    def active(self) -> bool:
        return self.ended_on is None


class Reminder(db.Model):
    """A reminder or breach notice already queued, so running the reminders twice sends nothing new."""

    __tablename__ = "complaint_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "due:clock:12:2026-03-04" or "breach:clock:12:2026-03-04" or "review:restriction:3:2026-09-01".
    key: Mapped[str] = mapped_column(String(120), unique=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    restriction_id: Mapped[int | None] = mapped_column(ForeignKey("contact_restriction.id"))
    sent_on: Mapped[date]
    outbox_message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id"))
