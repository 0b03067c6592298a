"""Survey tables: surveys and their versions, sections, questions, invitation rules, invitations, opt-outs,
responses and answers, and staged contact imports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Index, SmallInteger, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.contacts import ContactRecord
from core.extensions import db
from core.models import Commitment, SentimentMixin, ServiceArea
from core.timesource import now


class SurveyState(StrEnum):
    DRAFT = "draft"  # being built; questions may change
    LIVE = "live"  # answerable; questions are fixed
    CLOSED = "closed"  # no more answers; results stay

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def tag_colour(self) -> str:
        return {"draft": "yellow", "live": "green", "closed": "grey"}[self.value]


class QuestionType(StrEnum):
    RATING = "rating"
    GOOD_AVERAGE_POOR = "good_average_poor"
    YES_NO = "yes_no"
    SINGLE = "single_choice"
    MULTIPLE = "multiple_choice"
    TEXT = "free_text"
    NPS = "nps"

    @property
    def label(self) -> str:
        return QUESTION_TYPE_LABELS[self]


QUESTION_TYPE_LABELS = {
    QuestionType.RATING: "Rating scale, 1 to 5, with a label for each point",
    QuestionType.GOOD_AVERAGE_POOR: "Good, average or poor",
    QuestionType.YES_NO: "Yes, no or not sure",
    QuestionType.SINGLE: "Choose one option",
    QuestionType.MULTIPLE: "Choose any options that apply",
    QuestionType.TEXT: "Free text",
    QuestionType.NPS: "Likelihood to recommend, 0 to 10",
}

#: Labels for 1..5 that a new rating question starts with.
DEFAULT_RATING_LABELS = ["Very dissatisfied", "Fairly dissatisfied", "Neither satisfied nor dissatisfied",
                         "Fairly satisfied", "Very satisfied"]
GOOD_AVERAGE_POOR = [("good", "Good"), ("average", "Average"), ("poor", "Poor")]
YES_NO_NOT_SURE = [("yes", "Yes"), ("no", "No"), ("not_sure", "Not sure")]
#: Types whose answers are counted as satisfied or not, and scored +1/0/−1 for net satisfaction.
SATISFACTION_TYPES = {QuestionType.RATING, QuestionType.GOOD_AVERAGE_POOR}
#: Types whose answers feed the figures (satisfaction and net, share saying yes, NPS).
SCORED_TYPES = SATISFACTION_TYPES | {QuestionType.YES_NO, QuestionType.NPS}
#: Types an answer can be given in, so a later question can depend on it.
CHOICE_TYPES = {QuestionType.RATING, QuestionType.GOOD_AVERAGE_POOR, QuestionType.YES_NO, QuestionType.SINGLE,
                QuestionType.MULTIPLE, QuestionType.NPS}

#: Tenant Satisfaction Measures (Regulator of Social Housing, 2023): asked only of the council's tenants.
TP09_TEXT = "How satisfied or dissatisfied are you with {landlord}'s approach to complaints handling?"
TP09_LABELS = ["Very dissatisfied", "Fairly dissatisfied", "Neither satisfied nor dissatisfied",
               "Fairly satisfied", "Very satisfied"]


@dataclass(frozen=True)
class Score:
    """What one answer contributes to the statistics; stored on the answer so SQL can sum it."""

    satisfied: int | None = None
    net: int | None = None
    nps: int | None = None
    #: 1 for "yes", 0 for "no" or "not sure": the share saying a promise was kept.
    kept: int | None = None
    number: int | None = None


class Survey(db.Model):
    """One version of a survey. Editing a live survey makes a new version with the same slug."""

    __tablename__ = "survey"
    __table_args__ = (UniqueConstraint("slug", "version", name="slug_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Shared by every version; used in open links.
    slug: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    #: Shown on the start page.
    description: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10), default=SurveyState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    live_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    #: The version this one was copied from.
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("survey.id"))

    sections: Mapped[list[Section]] = relationship(
        back_populates="survey", order_by="Section.position", cascade="all, delete-orphan"
    )

    @property
    def state_enum(self) -> SurveyState:
        return SurveyState(self.state)

    @property
    def is_draft(self) -> bool:
        return self.state == SurveyState.DRAFT

    @property
    def all_questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def __repr__(self) -> str:
        return f"<Survey {self.slug} v{self.version} {self.state}>"


class Section(db.Model):
    """A page of a survey: residents answer one section at a time."""

    __tablename__ = "survey_section"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    survey: Mapped[Survey] = relationship(back_populates="sections")
    questions: Mapped[list[Question]] = relationship(
        back_populates="section", order_by="Question.position", cascade="all, delete-orphan"
    )


question_commitment = Table(
    "survey_question_commitment",
    db.metadata,
    Column("question_id", ForeignKey("survey_question.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("commitment.id"), primary_key=True, index=True),
)


class Question(db.Model):
    """A question, tagged to the charter commitments its answers are evidence for."""

    __tablename__ = "survey_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("survey_section.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    type: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    hint: Mapped[str | None] = mapped_column(Text)
    required: Mapped[bool] = mapped_column(default=True)
    #: Option labels: the choices of a single or multiple choice question, or the labels of 1..5 on a rating.
    options: Mapped[list] = mapped_column(JSON, default=list)
    #: Shown only if the answer to this earlier question (in an earlier section) was `condition_value`.
    condition_question_id: Mapped[int | None] = mapped_column(ForeignKey("survey_question.id"))
    condition_value: Mapped[str | None] = mapped_column(String(200))
    #: A Tenant Satisfaction Measure code such as "TP09"; such questions are asked only of the council's tenants.
    tsm_code: Mapped[str | None] = mapped_column(String(10))
    #: The optional equality question this asks (a key of core.equality.EQUALITY_QUESTIONS such as "age_band"), so
    #: the pack can count who answered surveys; None for every other question.
    equality_key: Mapped[str | None] = mapped_column(String(30))

    survey: Mapped[Survey] = relationship(viewonly=True)
    section: Mapped[Section] = relationship(back_populates="questions")
    commitments: Mapped[list[Commitment]] = relationship(secondary=question_commitment, order_by=Commitment.number)
    condition_question: Mapped[Question | None] = relationship(remote_side=[id])

    @property
    def type_enum(self) -> QuestionType:
        return QuestionType(self.type)

    def choices(self) -> list[tuple[str, str]]:
        """(stored value, label) in the order residents see them: the best answer first on scales."""
        kind = self.type_enum
        if kind == QuestionType.RATING:
            labels = self.options or DEFAULT_RATING_LABELS
            return [(str(n), f"{labels[n - 1]}") for n in range(5, 0, -1)]
        if kind == QuestionType.GOOD_AVERAGE_POOR:
            return list(GOOD_AVERAGE_POOR)
        if kind == QuestionType.YES_NO:
            return list(YES_NO_NOT_SURE)
        if kind == QuestionType.NPS:
            return [(str(n), _nps_label(n)) for n in range(10, -1, -1)]
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            return [(option, option) for option in self.options]
        return []

    def label_for(self, value: str) -> str:
        return dict(self.choices()).get(value, value)

    def score(self, value: str) -> Score:
        """How an answer counts: rating 4-5 and "good" are satisfied, net +1/0/−1; NPS 9-10 promote, 0-6 detract;
        "yes" counts towards the share saying yes (of everyone answering, "not sure" included)."""
        kind = self.type_enum
        if kind == QuestionType.RATING:
            n = int(value)
            return Score(satisfied=int(n >= 4), net=1 if n >= 4 else (0 if n == 3 else -1), number=n)
        if kind == QuestionType.GOOD_AVERAGE_POOR:
            net = {"good": 1, "average": 0, "poor": -1}[value]
            return Score(satisfied=int(net == 1), net=net)
        if kind == QuestionType.NPS:
            n = int(value)
            return Score(nps=1 if n >= 9 else (0 if n >= 7 else -1), number=n)
        if kind == QuestionType.YES_NO:
            return Score(kept=int(value == "yes"))
        return Score()

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.type}>"


def _nps_label(n: int) -> str:
    if n == 10:
        return "10 – extremely likely"
    if n == 0:
        return "0 – not at all likely"
    return str(n)


class RuleTrigger(StrEnum):
    CONTACT = "contact"
    COMPLAINT_CLOSED = "complaint_closed"

    @property
    def label(self) -> str:
        return {"contact": "A contact is logged", "complaint_closed": "A complaint is closed"}[self.value]


class InvitationRule(db.Model):
    """Which survey a contact is invited to, and how long after the contact; the most specific active rule wins."""

    __tablename__ = "survey_invitation_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Any version of the survey; invitations go to whichever version is live when they are sent.
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"), index=True)
    trigger: Mapped[str] = mapped_column(String(20), default=RuleTrigger.CONTACT)
    #: None matches every channel.
    channel: Mapped[str | None] = mapped_column(String(20))
    #: None matches every service.
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    #: Hours after the contact before the invitation is sent.
    delay_hours: Mapped[int] = mapped_column(default=24)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))

    survey: Mapped[Survey] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()

    @property
    def specificity(self) -> int:
        return (2 if self.service_area_id else 0) + (1 if self.channel else 0)


class InvitationStatus(StrEnum):
    SENT = "sent"
    SKIPPED = "skipped"


class SkipReason(StrEnum):
    NO_EMAIL = "no_email"
    OPTED_OUT = "opted_out"
    RECENTLY_INVITED = "recently_invited"

    @property
    def label(self) -> str:
        return {"no_email": "No email address", "opted_out": "Opted out of surveys",
                "recently_invited": "Invited recently"}[self.value]


class Invitation(db.Model):
    """The decision about one contact: an invitation sent (single-use link), or the reason none was sent."""

    __tablename__ = "survey_invitation"
    __table_args__ = (
        Index("ix_survey_invitation_recipient", "recipient_hash", "sent_at"),
        # Response rates: invitations counted by survey, month and channel from this index alone.
        Index("ix_survey_invitation_rates", "survey_id", "status", "sent_month", "channel", "used_at"),
        Index("ix_survey_invitation_months", "status", "sent_month", "survey_id", "channel", "used_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    #: One decision per contact, so `flask surveys invite` can run twice without inviting anyone twice.
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact_record.id"), unique=True)
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitation_rule.id"))
    status: Mapped[str] = mapped_column(String(10))
    skip_reason: Mapped[str | None] = mapped_column(String(20))
    #: SHA-256 of the link's token; the token itself is only in the email.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: SHA-256 of the normalised email address, kept after anonymisation for the re-invite rule.
    recipient_hash: Mapped[str | None] = mapped_column(String(64))
    #: The contact's channel and service, copied for response rates.
    channel: Mapped[str] = mapped_column(String(20))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
    #: First day of the month it was sent in.
    sent_month: Mapped[date | None]
    expires_at: Mapped[datetime | None]
    #: When the response made through it was submitted: the link works once.
    used_at: Mapped[datetime | None]

    survey: Mapped[Survey] = relationship()
    contact: Mapped[ContactRecord] = relationship()


class OptOut(db.Model):
    """Someone asked never to be invited again; only the SHA-256 of their normalised address is kept, forever."""

    __tablename__ = "survey_opt_out"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    #: "link" (the resident clicked) or "staff" (they asked us).
    source: Mapped[str] = mapped_column(String(10), default="link")


class ResponseStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"


class Response(db.Model):
    """One person's answers to one survey; answers are written out only when they submit."""

    __tablename__ = "survey_response"
    __table_args__ = (
        Index("ix_survey_response_survey", "survey_id", "status", "month", "channel"),
        Index("ix_survey_response_month", "status", "month"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("survey_invitation.id"), unique=True)
    #: SHA-256 of the token in the answering pages' address (the invitation's own token when invited).
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: "invitation" or "open" (a kiosk, QR code or web link).
    via: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(String(20))
    service_area_id: Mapped[int | None] = mapped_column(ForeignKey("service_area.id"))
    #: "ho" when the contact was with the council as landlord: Tenant Satisfaction Measures are asked.
    regime: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), default=ResponseStatus.IN_PROGRESS)
    #: Answers so far, keyed by question id, while the resident moves through the sections.
    draft: Mapped[dict] = mapped_column(JSON, default=dict)
    started_at: Mapped[datetime] = mapped_column(default=now)
    submitted_at: Mapped[datetime | None]
    #: First day of the month it was submitted in.
    month: Mapped[date | None]

    survey: Mapped[Survey] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    service_area: Mapped[ServiceArea | None] = relationship()


#: Charter commitments a free-text answer was tagged to by hand, when its question is tagged to none ("Anything
#: else you want to tell us?"): a comment on a promise counts for that promise like feedback does.
answer_commitment = Table(
    "survey_answer_commitment",
    db.metadata,
    Column("answer_id", ForeignKey("survey_answer.id", ondelete="CASCADE"), primary_key=True),
    Column("commitment_id", ForeignKey("commitment.id"), primary_key=True, index=True),
)


class Answer(SentimentMixin, db.Model):
    """One answer (one row per option ticked on a multiple choice question), with the response's survey, month and
    channel copied on so results are summed from this table alone."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        # Results page for one survey: one index-only pass grouped by month, channel, question and answer.
        Index("ix_survey_answer_results", "survey_id", "month", "channel", "question_id", "choice"),
        # Figures per commitment across surveys: grouped by every column of this index, in its order.
        Index("ix_survey_answer_scores", "question_id", "month", "channel", "satisfied", "net", "nps", "kept"),
        # One answer per question per response (one row per option ticked): a response sent twice, or twice at
        # once, cannot store its answers twice.
        UniqueConstraint("response_id", "question_id", "part", name="uq_survey_answer_response_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_question.id"))
    #: Which row of the question's answer this is: 0, or 0, 1, 2 ... for the options ticked on a multiple choice.
    part: Mapped[int] = mapped_column(SmallInteger, default=0)
    survey_id: Mapped[int] = mapped_column(ForeignKey("survey.id"))
    month: Mapped[date]
    channel: Mapped[str] = mapped_column(String(20))
    #: The option chosen ("4", "good", "not_sure", an option label); None for free text.
    choice: Mapped[str | None] = mapped_column(String(200))
    #: 1-5 on a rating, 0-10 on NPS.
    number: Mapped[int | None] = mapped_column(SmallInteger)
    #: 1 if satisfied (rating 4-5, "good"), 0 if not; None for other types.
    satisfied: Mapped[int | None] = mapped_column(SmallInteger)
    #: +1, 0 or −1 (GovMetric net satisfaction).
    net: Mapped[int | None] = mapped_column(SmallInteger)
    #: +1 promoter, 0 passive, −1 detractor.
    nps: Mapped[int | None] = mapped_column(SmallInteger)
    #: 1 for "yes", 0 for "no" or "not sure" (yes/no questions).
    kept: Mapped[int | None] = mapped_column(SmallInteger)
    text: Mapped[str | None] = mapped_column(Text)

    question: Mapped[Question] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(secondary=answer_commitment, order_by=Commitment.number)


class ImportStatus(StrEnum):
    PENDING = "pending"  # had errors; waiting for the officer to import the good rows or give up
    IMPORTED = "imported"
    DISCARDED = "discarded"


class ContactImport(db.Model):
    """An uploaded CSV of contacts: its good rows (normalised) and every bad row with its line and reason."""

    __tablename__ = "survey_contact_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=now)
    #: Good rows ready to record, as JSON-safe dicts.
    rows: Mapped[list] = mapped_column(JSON, default=list)
    #: [{"line": 7, "message": "..."}].
    problems: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default=ImportStatus.PENDING)
    imported_count: Mapped[int] = mapped_column(default=0)
    decided_at: Mapped[datetime | None]
