"""Co-design tables: the group and its meetings, proposals and decisions, the consultation, its events and who
has responded."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import Charter, StaffUser
from core.standards import Standard
from core.timesource import now
from reviews.models import Review
from surveys.models import Answer, Question, Survey

#: The five-point support scale residents answer for each proposal, as the options of a single-choice survey question.
#: Support is not satisfaction: a rating question would count it in every survey's satisfaction figures.
SUPPORT_LABELS = ["Strongly support", "Support", "Neither support nor oppose", "Oppose", "Strongly oppose"]
SUPPORTING = SUPPORT_LABELS[:2]
OPPOSING = SUPPORT_LABELS[3:]


class MemberKind(StrEnum):
    RESIDENT = "resident"
    STAFF = "staff"

    @property
    def label(self) -> str:
        return {"resident": "Resident", "staff": "Staff"}[self.value]


class GroupMember(db.Model):
    """A named member of a review's co-design group."""

    __tablename__ = "codesign_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("charter_review.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(10))

    @property
    def kind_label(self) -> str:
        return MemberKind(self.kind).label


class Meeting(db.Model):
    """One meeting of the co-design group."""

    __tablename__ = "codesign_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("charter_review.id"), index=True)
    held_on: Mapped[date]
    attendance: Mapped[int]
    notes: Mapped[str | None] = mapped_column(Text)


class ProposalKind(StrEnum):
    NEW = "new"
    REWORDED = "reworded"
    RETARGETED = "retargeted"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return PROPOSAL_KIND_LABELS[self]


PROPOSAL_KIND_LABELS = {
    ProposalKind.NEW: "A new commitment",
    ProposalKind.REWORDED: "New wording for a commitment",
    ProposalKind.RETARGETED: "A new target or timescale",
    ProposalKind.RETIRED: "Stop making a commitment",
}


class Author(StrEnum):
    GROUP = "group"
    STAFF = "staff"


class DecisionKind(StrEnum):
    ADOPT = "adopt"
    AMEND = "amend"
    REJECT = "reject"

    @property
    def label(self) -> str:
        return {"adopt": "Adopted", "amend": "Adopted with changes", "reject": "Not adopted"}[self.value]


class Proposal(db.Model):
    """A proposed change to the charter, with the reason and the evidence behind it, and the council's decision."""

    __tablename__ = "codesign_proposal"
    __table_args__ = (UniqueConstraint("review_id", "number", name="one_number_per_review"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("charter_review.id"), index=True)
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(12))
    #: The commitment it concerns; for a new commitment, the code it will have.
    commitment_code: Mapped[str] = mapped_column(String(40))
    #: The contact channel a new commitment is about (core.models.Channel); others keep their own.
    channel: Mapped[str | None] = mapped_column(String(20))
    #: The wording now (empty for a new commitment).
    current_text: Mapped[str | None] = mapped_column(Text)
    #: The wording proposed (empty for a retired commitment).
    proposed_text: Mapped[str | None] = mapped_column(Text)
    #: The standards proposed, as core.standards.Standard dicts; None keeps the commitment's own.
    proposed_standard_rows: Mapped[list | None] = mapped_column("proposed_standards", JSON)
    reason: Mapped[str] = mapped_column(Text)
    #: Codes of the commitments whose evidence prompted it, and anything else (a theme, a learning action).
    evidence_codes: Mapped[list] = mapped_column(JSON, default=list)
    evidence_notes: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(10), default=Author.STAFF)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: The consultation's questions about it: the five-point scale and the comment box.
    scale_question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_question.id"))
    comment_question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_question.id"))
    decision: Mapped[str | None] = mapped_column(String(10))
    #: The wording adopted when the decision is to amend.
    decided_text: Mapped[str | None] = mapped_column(Text)
    #: Why, written for residents ("We did").
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    decided_at: Mapped[datetime | None]

    review: Mapped[Review] = relationship()
    created_by: Mapped[StaffUser | None] = relationship(foreign_keys=[created_by_id])
    scale_question: Mapped[Question | None] = relationship(foreign_keys=[scale_question_id])
    comment_question: Mapped[Question | None] = relationship(foreign_keys=[comment_question_id])
    highlights: Mapped[list[Highlight]] = relationship(back_populates="proposal", order_by="Highlight.id",
                                                       cascade="all, delete-orphan")

    @property
    def kind_value(self) -> ProposalKind:
        return ProposalKind(self.kind)

    @property
    def proposed_standards(self) -> tuple[Standard, ...] | None:
        if self.proposed_standard_rows is None:
            return None
        return tuple(Standard.from_dict(row) for row in self.proposed_standard_rows)

    @property
    def decision_value(self) -> DecisionKind | None:
        return DecisionKind(self.decision) if self.decision else None

    @property
    def author_label(self) -> str:
        return "The co-design group" if self.author == Author.GROUP else "Council staff"

    @property
    def adopted_text(self) -> str | None:
        """The wording the next version takes, once decided: the amended wording, or the proposed one."""
        if self.decision == DecisionKind.AMEND:
            return self.decided_text
        if self.decision == DecisionKind.ADOPT:
            return self.proposed_text
        return None


class Highlight(db.Model):
    """A comment staff chose as representative of what residents said, anonymised before it is shown."""

    __tablename__ = "codesign_highlight"
    __table_args__ = (UniqueConstraint("proposal_id", "answer_id", name="one_highlight_per_answer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("codesign_proposal.id", ondelete="CASCADE"), index=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("survey_answer.id"))
    text: Mapped[str] = mapped_column(Text)
    chosen_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    proposal: Mapped[Proposal] = relationship(back_populates="highlights")
    answer: Mapped[Answer] = relationship()


class ConsultationStatus(StrEnum):
    DRAFT = "draft"  # being set up; residents cannot see it
    PUBLISHED = "published"  # residents see it, and may answer between the open and close dates
    ADOPTED = "adopted"  # decisions made and the next charter version adopted

    @property
    def label(self) -> str:
        return {"draft": "Draft", "published": "Published", "adopted": "Adopted"}[self.value]


class Consultation(db.Model):
    """A review's public consultation: its dates and summaries, answered through a survey of its own."""

    __tablename__ = "codesign_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("charter_review.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    summary: Mapped[str] = mapped_column(Text)
    easy_read: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=ConsultationStatus.DRAFT)
    #: Asked whether to ask the optional equality questions.
    asks_equality: Mapped[bool] = mapped_column(default=True)
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id"))
    #: The charter version it was about, and the one the decisions adopted.
    charter_id: Mapped[int | None] = mapped_column(ForeignKey("charter.id"))
    adopted_charter_id: Mapped[int | None] = mapped_column(ForeignKey("charter.id"))
    adopted_at: Mapped[datetime | None]
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    #: The date the adopted version comes into force; it is made and published on that date (`flask codesign
    #: publish`), so until then residents' feedback is still tagged to the version in force.
    in_force_from: Mapped[date | None]

    review: Mapped[Review] = relationship()
    survey: Mapped[Survey | None] = relationship()
    charter: Mapped[Charter | None] = relationship(foreign_keys=[charter_id])
    adopted_charter: Mapped[Charter | None] = relationship(foreign_keys=[adopted_charter_id])
    events: Mapped[list[Event]] = relationship(back_populates="consultation", order_by="Event.held_on",
                                               cascade="all, delete-orphan")

    @property
    def status_value(self) -> ConsultationStatus:
        return ConsultationStatus(self.status)

    def is_open(self, on: date) -> bool:
        return self.status == ConsultationStatus.PUBLISHED and self.opens_on <= on <= self.closes_on

    def has_closed(self, on: date) -> bool:
        return self.status != ConsultationStatus.DRAFT and on > self.closes_on


class ResponseChannel(StrEnum):
    """How a response reached us. Stored on the survey response as a contact channel (core.models.Channel)."""

    ONLINE = "web_form"
    PAPER = "letter"

    @property
    def label(self) -> str:
        return {"web_form": "Online", "letter": "Paper"}[self.value]


class Respondent(db.Model):
    """An email address given with a consultation response, so a second response with it is refused: one response
    per person, with no more personal data than that takes.

    Two keys stop a repeat, and neither is the person's data. An online response keeps, as its survey response's
    unique token hash, a hash worked out with the app's secret key from a random value in the respondent's signed
    session cookie: the same browser cannot respond twice, even with two posts at once, and nothing about the person
    is stored. Clearing cookies gets round that, so a respondent may also give an email address (optional, asked
    only for this): it is kept here as a keyed hash (HMAC-SHA-256 with the app's secret key), never the address, so
    nobody without the key can test a guess, and the unique constraint refuses the same address twice. The row is
    not linked to the response, so even with the key an address cannot be tied to the answers or the equality
    questions. No name, no IP address."""

    __tablename__ = "codesign_respondent"
    __table_args__ = (UniqueConstraint("consultation_id", "email_hash", name="one_response_per_email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("codesign_consultation.id"), index=True)
    email_hash: Mapped[str] = mapped_column(String(64))


class EventKind(StrEnum):
    WORKSHOP = "workshop"
    DROP_IN = "drop_in"
    PANEL = "panel"

    @property
    def label(self) -> str:
        return {"workshop": "Workshop", "drop_in": "Drop-in session", "panel": "Residents' panel"}[self.value]


class Event(db.Model):
    """A face-to-face event during the consultation, with the show of support for each proposal."""

    __tablename__ = "codesign_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("codesign_consultation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    attendance: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    consultation: Mapped[Consultation] = relationship(back_populates="events")
    support: Mapped[list[EventSupport]] = relationship(back_populates="event", cascade="all, delete-orphan")

    @property
    def kind_label(self) -> str:
        return EventKind(self.kind).label


class EventSupport(db.Model):
    """The show of hands on one proposal at one event, and what was said."""

    __tablename__ = "codesign_event_support"
    __table_args__ = (UniqueConstraint("event_id", "proposal_id", name="one_count_per_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("codesign_event.id", ondelete="CASCADE"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("codesign_proposal.id"), index=True)
    in_favour: Mapped[int] = mapped_column(default=0)
    against: Mapped[int] = mapped_column(default=0)
    neutral: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)

    event: Mapped[Event] = relationship(back_populates="support")
    proposal: Mapped[Proposal] = relationship()
