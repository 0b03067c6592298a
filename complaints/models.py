"""Complaints tables: the two-stage case over a feedback item, its clocks, responses, remedies, letters,
Ombudsman referrals, learning, reminders and the restrictions register."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Commitment, Resident, ServiceArea, StaffUser
from core.timesource import now
from feedback.models import FeedbackItem


class ComplaintState(StrEnum):
    """Where a case is within its current stage. There are exactly two stages (Complaint Handling Code 5.2)."""

    RECEIVED = "received"  # waiting to be acknowledged and defined
    ACKNOWLEDGED = "acknowledged"  # defined and logged; the response clock is running
    RESPONDED = "responded"  # stage 1 response sent; the resident may ask for stage 2
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


#: States in which a clock is running.
OPEN_STATES = (ComplaintState.RECEIVED, ComplaintState.ACKNOWLEDGED)

_STATE_LABELS = {
    (1, "received"): "Stage 1: to acknowledge",
    (1, "acknowledged"): "Stage 1: investigating",
    (1, "responded"): "Stage 1: responded",
    (2, "received"): "Stage 2: review requested",
    (2, "acknowledged"): "Stage 2: reviewing",
    (1, "closed"): "Closed after stage 1",
    (2, "closed"): "Closed after the final response",
    (2, "refused"): "Stage 2 refused",
    (2, "withdrawn"): "Withdrawn at stage 2",
}


def running():
    """Cases with a clock running, written the way the partial indexes are (``is_open = 1`` / ``is_open``)."""
    return Complaint.is_open == true()


def state_label(stage: int, state: str) -> str:
    return _STATE_LABELS.get((stage, state), state.capitalize())


class Outcome(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class RemedyKind(StrEnum):
    """Ways of putting things right (Complaint Handling Code 7)."""

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    ACTION = "action"
    DECISION_CHANGED = "decision_changed"
    RECORD_AMENDED = "record_amended"
    FINANCIAL = "financial"
    POLICY_CHANGE = "policy_change"

    @property
    def label(self) -> str:
        return REMEDY_LABELS[self]


REMEDY_LABELS = {
    RemedyKind.APOLOGY: "Apology",
    RemedyKind.EXPLANATION: "Explanation",
    RemedyKind.ACTION: "Action to put things right",
    RemedyKind.DECISION_CHANGED: "Decision reconsidered or changed",
    RemedyKind.RECORD_AMENDED: "Record amended",
    RemedyKind.FINANCIAL: "Financial remedy",
    RemedyKind.POLICY_CHANGE: "Change to policy or procedure",
}


class Exclusion(StrEnum):
    """Reasons a complaint may be refused (Complaint Handling Code 2.2)."""

    OVER_12_MONTHS = "over_12_months"
    LEGAL_PROCEEDINGS = "legal_proceedings"
    ALREADY_CONSIDERED = "already_considered"

    @property
    def label(self) -> str:
        return {
            "over_12_months": "The matter arose more than 12 months ago",
            "legal_proceedings": "Legal proceedings have started",
            "already_considered": "The matter has already been considered under the complaints procedure",
        }[self.value]


class LetterKind(StrEnum):
    ACKNOWLEDGEMENT = "acknowledgement"
    EXTENSION = "extension"
    REFUSAL = "refusal"
    STAGE1_RESPONSE = "stage1_response"
    STAGE2_RESPONSE = "stage2_response"
    RESTRICTION = "restriction"

    @property
    def label(self) -> str:
        return {
            "acknowledgement": "Acknowledgement",
            "extension": "Extension",
            "refusal": "Refusal",
            "stage1_response": "Stage 1 response",
            "stage2_response": "Stage 2 final response",
            "restriction": "Restriction decision",
        }[self.value]


class LearningStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class ReferralDecision(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"
    NOT_INVESTIGATED = "not_investigated"
    PREMATURE = "premature"

    @property
    def label(self) -> str:
        return {
            "upheld": "Upheld: fault found",
            "partly_upheld": "Partly upheld",
            "not_upheld": "Not upheld: no fault found",
            "not_investigated": "Closed without an investigation",
            "premature": "Premature: sent back to the council",
        }[self.value]


class Complaint(db.Model):
    """A complaint under the procedure: one feedback item, two stages at most, and who handles each stage."""

    __tablename__ = "complaint"
    __table_args__ = (
        # Complaint Handling Code 5.2: exactly two stages, never an informal "stage 0".
        CheckConstraint("stage IN (1, 2)", name="complaint_two_stages"),
        # The dashboard's lists: open cases by due date, overall and per handler. Partial indexes hold only the
        # few cases with a running clock, in the lists' order (due date, then id) so a page stops early, and
        # carry stage and state so the counts by state come from the index alone.
        Index("ix_complaint_open_due", "due_on", "id", "stage", "state",
              sqlite_where=text("is_open = 1"), postgresql_where=text("is_open")),
        Index("ix_complaint_open_handler_due", "handler_id", "due_on", "id", "stage", "state",
              sqlite_where=text("is_open = 1"), postgresql_where=text("is_open")),
        Index("ix_complaint_handler", "handler_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = mapped_column(ForeignKey("feedback_item.id"), unique=True)
    #: "lgsco" or "ho", from the service area when the case opened.
    regime: Mapped[str] = mapped_column(String(10))
    stage: Mapped[int] = mapped_column(default=1)
    state: Mapped[str] = mapped_column(String(20), default=ComplaintState.RECEIVED)
    stage1_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    stage2_handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: The handler of the current stage (kept with the stage handlers for the dashboard's index).
    handler_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: A clock is running (received or acknowledged at either stage). Query it as ``running()`` so the partial
    #: indexes apply.
    is_open: Mapped[bool] = mapped_column(default=True)
    #: Due date of the running clock; None when no clock runs or it is paused.
    due_on: Mapped[date | None]
    #: Day the resident asked for stage 2 (day 0 of the stage 2 acknowledgement clock).
    escalated_on: Mapped[date | None]
    #: "resident" (tracking page) or "staff" (recorded by an officer).
    escalated_via: Mapped[str | None] = mapped_column(String(10))
    escalation_note: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None]
    refused_on: Mapped[date | None]
    refusal_exclusion: Mapped[str | None] = mapped_column(String(30))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    withdrawn_on: Mapped[date | None]
    withdrawal_reason: Mapped[str | None] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(default=now)
    #: Optimistic locking: a second officer's stale form is refused, never silently applied.
    version_id: Mapped[int] = mapped_column(default=1)

    feedback: Mapped[FeedbackItem] = relationship()
    stage1_handler: Mapped[StaffUser | None] = relationship(foreign_keys=[stage1_handler_id])
    stage2_handler: Mapped[StaffUser | None] = relationship(foreign_keys=[stage2_handler_id])
    handler: Mapped[StaffUser | None] = relationship(foreign_keys=[handler_id])
    clocks: Mapped[list[ComplaintClock]] = relationship(back_populates="complaint", order_by="ComplaintClock.id")
    points: Mapped[list[ComplaintPoint]] = relationship(
        back_populates="complaint", order_by="(ComplaintPoint.stage, ComplaintPoint.number)"
    )
    responses: Mapped[list[ComplaintResponse]] = relationship(
        back_populates="complaint", order_by="ComplaintResponse.stage"
    )
    remedies: Mapped[list[Remedy]] = relationship(back_populates="complaint", order_by="Remedy.id")
    letters: Mapped[list[ComplaintLetter]] = relationship(
        back_populates="complaint", order_by="ComplaintLetter.id", foreign_keys="ComplaintLetter.complaint_id"
    )
    referrals: Mapped[list[OmbudsmanReferral]] = relationship(
        back_populates="complaint", order_by="OmbudsmanReferral.id"
    )
    learning_actions: Mapped[list[LearningAction]] = relationship(
        back_populates="complaint", order_by="LearningAction.id"
    )

    __mapper_args__ = {"version_id_col": version_id}

    @property
    def state_label(self) -> str:
        return state_label(self.stage, self.state)

    @property
    def reference(self) -> str:
        return self.feedback.reference

    def clock(self, stage: int, kind: str) -> ComplaintClock | None:
        return next((c for c in self.clocks if c.stage == stage and c.kind == kind), None)

    def points_for(self, stage: int) -> list[ComplaintPoint]:
        return [p for p in self.points if p.stage == stage]

    def response_for(self, stage: int) -> ComplaintResponse | None:
        return next((r for r in self.responses if r.stage == stage), None)

    def __repr__(self) -> str:
        return f"<Complaint {self.id} stage {self.stage} {self.state}>"


class ComplaintClock(db.Model):
    """One stage clock (acknowledge or respond), stored with the inputs that produced its due date."""

    __tablename__ = "complaint_clock"
    __table_args__ = (
        UniqueConstraint("complaint_id", "stage", "kind", name="complaint_clock_once"),
        # Breaches in a month (the staff home): clocks due in the month, read with when each was done.
        Index("ix_complaint_clock_due_done", "due_on", "done_on", "complaint_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id"), index=True)
    stage: Mapped[int]
    #: "acknowledge" or "respond".
    kind: Mapped[str] = mapped_column(String(12))
    #: Deadline rule name, e.g. lgsco-stage1-response.
    rule: Mapped[str] = mapped_column(String(40))
    #: Day 0.
    started_on: Mapped[date]
    #: None while paused.
    due_on: Mapped[date | None]
    #: The day the duty was done (acknowledged or responded); None while it is still to do.
    done_on: Mapped[date | None]

    complaint: Mapped[Complaint] = relationship(back_populates="clocks")
    extensions: Mapped[list[ComplaintExtension]] = relationship(order_by="ComplaintExtension.id")
    pauses: Mapped[list[ComplaintPause]] = relationship(order_by="ComplaintPause.id")

    @property
    def extended_days(self) -> int:
        return sum(e.days for e in self.extensions)

    @property
    def open_pause(self) -> ComplaintPause | None:
        return next((p for p in self.pauses if p.last_day is None), None)

    @property
    def met(self) -> bool | None:
        """Whether the duty was done on time; None while still to do or paused."""
        if self.done_on is None or self.due_on is None:
            return None
        return self.done_on <= self.due_on


class ComplaintExtension(db.Model):
    """More time to respond: reason required; beyond the cap only with a good reason and an officer's approval."""

    __tablename__ = "complaint_extension"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("complaint_clock.id"), index=True)
    agreed_on: Mapped[date]
    days: Mapped[int]
    reason: Mapped[str] = mapped_column(Text)
    #: Required when the stage's extensions go beyond the cap (Complaint Handling Code 6.4).
    good_reason: Mapped[str | None] = mapped_column(Text)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    previous_due_on: Mapped[date]
    new_due_on: Mapped[date]

    approved_by: Mapped[StaffUser | None] = relationship(foreign_keys=[approved_by_id])
    recorded_by: Mapped[StaffUser | None] = relationship(foreign_keys=[recorded_by_id])


class ComplaintPause(db.Model):
    """The clock stopped, with the reason; ``last_day`` is None while it is still stopped."""

    __tablename__ = "complaint_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("complaint_clock.id"), index=True)
    first_day: Mapped[date]
    last_day: Mapped[date | None]
    reason: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))


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
