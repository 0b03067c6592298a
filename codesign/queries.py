"""Reads for co-design pages and the annual pack: the open consultation, results per proposal by channel and by
equality group (aggregated in SQL, small groups suppressed), and the charter's versions with their changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import aliased

from codesign.diff import Change, charter_diff
from codesign.models import (
    OPPOSING,
    SUPPORTING,
    Consultation,
    ConsultationStatus,
    Event,
    EventSupport,
    GroupMember,
    Meeting,
    Proposal,
    ResponseChannel,
)
from core.extensions import db
from core.models import Charter, CharterStatus
from core.sentiment.themes import count_themes
from core.timesource import today
from reviews.models import Review
from surveys.models import Answer, Question, QuestionType, Response, ResponseStatus
from surveys.queries import minimum_responses
from surveys.stats import Proportion, proportion

#: Themes shown per proposal.
TOP_THEMES = 3


def open_consultation() -> Consultation | None:
    """The consultation residents of the configured council can answer today, if any (the home page links to it)."""
    on = today()
    return db.session.scalar(
        select(Consultation).join(Review)
        .where(Review.council_slug == current_app.config["CHARTERLINE_COUNCIL"],
               Consultation.status == ConsultationStatus.PUBLISHED,
               Consultation.opens_on <= on, Consultation.closes_on >= on)
        .order_by(Consultation.closes_on))


def public_consultations() -> list[Consultation]:
    """Every published or adopted consultation of the configured council, newest first."""
    return list(db.session.scalars(
        select(Consultation).join(Review)
        .where(Review.council_slug == current_app.config["CHARTERLINE_COUNCIL"],
               Consultation.status != ConsultationStatus.DRAFT)
        .order_by(Consultation.opens_on.desc())))


@dataclass(frozen=True)
class GroupRecord:
    members: list[GroupMember]
    meetings: list[Meeting]


def group_of(review: Review) -> GroupRecord:
    members = db.session.scalars(select(GroupMember).where(GroupMember.review_id == review.id)
                                 .order_by(GroupMember.name))
    meetings = db.session.scalars(select(Meeting).where(Meeting.review_id == review.id).order_by(Meeting.held_on))
    return GroupRecord(list(members), list(meetings))


@dataclass(frozen=True)
class Support:
    """Answers on the support scale from one channel or group: how many, and how many supported or opposed.

    Shares carry 95% Wilson intervals; both are None (suppressed) when fewer than `minimum` answered."""

    label: str
    answered: int
    supported: int
    opposed: int
    minimum: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.answered < self.minimum

    @property
    def support(self) -> Proportion | None:
        return proportion(self.supported, self.answered) if self.answered >= max(self.minimum, 1) else None

    @property
    def opposition(self) -> Proportion | None:
        return proportion(self.opposed, self.answered) if self.answered >= max(self.minimum, 1) else None

    def __add__(self, other: Support) -> Support:
        return Support("All channels", self.answered + other.answered, self.supported + other.supported,
                       self.opposed + other.opposed, self.minimum)


@dataclass(frozen=True)
class Comment:
    answer_id: int
    text: str
    sentiment: str | None
    channel: str


@dataclass
class ProposalResults:
    proposal: Proposal
    by_channel: list[Support]
    together: Support
    sentiment: dict[str, int]
    themes: list[tuple[str, int]]
    comments: list[Comment]
    #: Equality question -> one Support per answer given (suppressed below the minimum).
    by_equality: dict[str, list[Support]] = field(default_factory=dict)
    event_notes: list[tuple[Event, str]] = field(default_factory=list)


@dataclass
class ConsultationResults:
    consultation: Consultation
    responses: dict[str, int]
    event_attendance: int
    events: int
    proposals: list[ProposalResults]
    minimum: int

    @property
    def total_responses(self) -> int:
        return sum(self.responses.values())


#: Channels in the order results show them: the survey's two, then events.
CHANNEL_LABELS = {ResponseChannel.ONLINE.value: "Online", ResponseChannel.PAPER.value: "Paper", "event": "Events"}


_supporting = func.sum(case((Answer.choice.in_(SUPPORTING), 1), else_=0))
_opposing = func.sum(case((Answer.choice.in_(OPPOSING), 1), else_=0))


def _scale_counts(question_ids: list[int]) -> dict[tuple[int, str], tuple[int, int, int]]:
    """(question id, channel) -> (answers, support, opposition), summed in SQL."""
    rows = db.session.execute(
        select(Answer.question_id, Answer.channel, func.count(), _supporting, _opposing)
        .where(Answer.question_id.in_(question_ids)).group_by(Answer.question_id, Answer.channel))
    return {(qid, channel): (n, int(s or 0), int(o or 0)) for qid, channel, n, s, o in rows}


def _event_counts(proposal_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """Proposal id -> (hands shown, in favour, against), summed in SQL over every event."""
    rows = db.session.execute(
        select(EventSupport.proposal_id,
               func.sum(EventSupport.in_favour + EventSupport.against + EventSupport.neutral),
               func.sum(EventSupport.in_favour), func.sum(EventSupport.against))
        .where(EventSupport.proposal_id.in_(proposal_ids)).group_by(EventSupport.proposal_id))
    return {pid: (int(n or 0), int(f or 0), int(a or 0)) for pid, n, f, a in rows}


def _sentiments(question_ids: list[int]) -> dict[int, dict[str, int]]:
    label = func.coalesce(Answer.sentiment_override_label, Answer.sentiment_label)
    rows = db.session.execute(select(Answer.question_id, label, func.count())
                              .where(Answer.question_id.in_(question_ids), Answer.text.is_not(None))
                              .group_by(Answer.question_id, label))
    found: dict[int, dict[str, int]] = {}
    for qid, name, n in rows:
        found.setdefault(qid, {})[name or "unscored"] = n
    return found


def _comments(question_ids: list[int]) -> dict[int, list[Comment]]:
    label = func.coalesce(Answer.sentiment_override_label, Answer.sentiment_label)
    rows = db.session.execute(select(Answer.question_id, Answer.id, Answer.text, label, Answer.channel)
                              .where(Answer.question_id.in_(question_ids), Answer.text.is_not(None))
                              .order_by(Answer.id))
    found: dict[int, list[Comment]] = {}
    for qid, answer_id, text, sentiment, channel in rows:
        found.setdefault(qid, []).append(Comment(answer_id, text, sentiment, channel))
    return found


def _equality_counts(scale_ids: list[int], equality: list[Question]) -> dict[tuple[int, int, str], tuple]:
    """(scale question, equality question, answer) -> (answers, support, opposition): each scale answer joined to
    the same response's answer to the equality question, summed in SQL."""
    if not equality:
        return {}
    about = aliased(Answer)
    rows = db.session.execute(
        select(Answer.question_id, about.question_id, about.choice, func.count(), _supporting, _opposing)
        .join(about, and_(about.response_id == Answer.response_id,
                          about.question_id.in_([q.id for q in equality])))
        .where(Answer.question_id.in_(scale_ids))
        .group_by(Answer.question_id, about.question_id, about.choice))
    return {(sid, eid, choice): (n, int(s or 0), int(o or 0)) for sid, eid, choice, n, s, o in rows}


def consultation_results(consultation: Consultation) -> ConsultationResults:
    """Every proposal's results: support and opposition by channel (online, paper, events) and together, comment
    sentiment and themes, and by equality group; shares are suppressed where fewer than the surveys' minimum
    (CHARTERLINE_SURVEY_MIN_RESPONSES) answered."""
    minimum = minimum_responses()
    proposals = list(db.session.scalars(select(Proposal).where(Proposal.review_id == consultation.review_id)
                                        .order_by(Proposal.number)))
    responses = dict(db.session.execute(
        select(Response.channel, func.count())
        .where(Response.survey_id == consultation.survey_id, Response.status == ResponseStatus.SUBMITTED)
        .group_by(Response.channel)).all()) if consultation.survey_id else {}
    events = db.session.execute(select(func.count(), func.sum(Event.attendance))
                                .where(Event.consultation_id == consultation.id)).one()
    scale_ids = [p.scale_question_id for p in proposals if p.scale_question_id]
    comment_ids = [p.comment_question_id for p in proposals if p.comment_question_id]
    scales = _scale_counts(scale_ids) if scale_ids else {}
    shows = _event_counts([p.id for p in proposals]) if proposals else {}
    sentiments = _sentiments(comment_ids) if comment_ids else {}
    comments = _comments(comment_ids) if comment_ids else {}
    asked_about_proposals = set(scale_ids) | set(comment_ids)
    equality = ([q for q in consultation.survey.all_questions
                 if q.type_enum == QuestionType.SINGLE and q.id not in asked_about_proposals]
                if consultation.survey else [])
    by_group = _equality_counts(scale_ids, equality) if scale_ids else {}
    notes = db.session.execute(select(EventSupport.proposal_id, Event, EventSupport.notes).join(Event)
                               .where(Event.consultation_id == consultation.id, EventSupport.notes.is_not(None))
                               .order_by(Event.held_on)).all()
    results = []
    for proposal in proposals:
        channels = [Support(CHANNEL_LABELS[channel], *scales.get((proposal.scale_question_id, channel), (0, 0, 0)),
                            minimum) for channel in (ResponseChannel.ONLINE, ResponseChannel.PAPER)]
        channels.append(Support("Events", *shows.get(proposal.id, (0, 0, 0)), minimum))
        together = channels[0] + channels[1] + channels[2]
        texts = comments.get(proposal.comment_question_id, [])
        groups = {}
        for question in equality:
            rows = [Support(option, *by_group[key], minimum) for option in question.options
                    if (key := (proposal.scale_question_id, question.id, option)) in by_group]
            if rows:
                groups[question.text] = rows
        results.append(ProposalResults(
            proposal=proposal, by_channel=channels, together=together,
            sentiment=sentiments.get(proposal.comment_question_id, {}),
            themes=count_themes(c.text for c in texts)[:TOP_THEMES], comments=texts, by_equality=groups,
            event_notes=[(event, text) for pid, event, text in notes if pid == proposal.id]))
    return ConsultationResults(consultation, responses, int(events[1] or 0), int(events[0] or 0), results, minimum)


@dataclass(frozen=True)
class Version:
    charter: Charter
    changes: list[Change]


def charter_history(council_slug: str) -> list[Version]:
    """The council's published and past versions, newest first, each with what changed from the one before."""
    charters = list(db.session.scalars(
        select(Charter).where(Charter.council_slug == council_slug, Charter.status != CharterStatus.DRAFT)
        .order_by(Charter.version)))
    versions = [Version(charter, charter_diff(charters[i - 1] if i else None, charter) if i else [])
                for i, charter in enumerate(charters)]
    return list(reversed(versions))


def versions_to_come(council_slug: str) -> list[Consultation]:
    """Adopted decisions whose version has not come into force yet, soonest first."""
    return list(db.session.scalars(
        select(Consultation).join(Review)
        .where(Review.council_slug == council_slug, Consultation.status == ConsultationStatus.ADOPTED,
               Consultation.adopted_charter_id.is_(None))
        .order_by(Consultation.in_force_from)))


def consultation_for_charter(charter: Charter) -> Consultation | None:
    """The consultation whose decisions made this version, if one did."""
    return db.session.scalar(select(Consultation).where(Consultation.adopted_charter_id == charter.id))
