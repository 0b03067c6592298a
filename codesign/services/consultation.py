"""The public consultation: setting it up, publishing it with a survey of its own, responses online and on paper
(one per person), and face-to-face events with the show of support for each proposal."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from codesign.models import (
    SUPPORT_LABELS,
    Consultation,
    ConsultationStatus,
    Event,
    EventKind,
    EventSupport,
    Proposal,
    Respondent,
    ResponseChannel,
)
from codesign.services.proposals import CodesignRuleError, _advance, _require_text, consultation_of
from core.audit import record_audit
from core.charters import published_charter
from core.extensions import db
from core.formatting import govuk_date
from core.models import StaffUser
from core.once import derived_token, token_hash
from core.timesource import now, today
from feedback.rules import EQUALITY_QUESTIONS
from reviews.models import Review, ReviewStage
from surveys.answering import AlreadySubmitted, submit_response
from surveys.models import Question, QuestionType, Response, Section, Survey, SurveyState
from surveys.services import new_token

EQUALITY_SECTION = "About you"

#: Every consultation is answered through a survey of its own, its slug this prefix and the consultation id.
CONSULTATION_SLUG_PREFIX = "charter-consultation-"


class AlreadyResponded(CodesignRuleError):
    """This person has responded to the consultation already: nothing more is stored."""


def save_consultation(review: Review, *, title: str, opens_on: date, closes_on: date, summary: str, easy_read: str,
                      asks_equality: bool = True, by: StaffUser) -> Consultation:
    """Set up the review's consultation, or change its dates and summaries (until the decisions are adopted)."""
    consultation = consultation_of(review)
    if consultation is not None and consultation.status == ConsultationStatus.ADOPTED:
        raise CodesignRuleError("This consultation’s decisions have been adopted; it can no longer change")
    title = _require_text(title, "Enter the consultation’s title", "title", 200)
    if closes_on < opens_on:
        raise CodesignRuleError("The closing date must be on or after the opening date", "closes_on")
    summary = _require_text(summary, "Enter a plain English summary", "summary", 8000)
    easy_read = _require_text(easy_read, "Enter the easy read summary", "easy_read", 8000)
    if consultation is None:
        consultation = Consultation(review_id=review.id)
        db.session.add(consultation)
    elif consultation.status == ConsultationStatus.PUBLISHED and consultation.asks_equality != asks_equality:
        raise CodesignRuleError("The questions cannot change once the consultation is published", "asks_equality")
    consultation.title = title
    consultation.opens_on, consultation.closes_on = opens_on, closes_on
    consultation.summary, consultation.easy_read = summary, easy_read
    consultation.asks_equality = asks_equality
    db.session.flush()
    record_audit(consultation, "codesign.consultation_saved", by=by,
                 after={"opens_on": opens_on, "closes_on": closes_on}, summary="Consultation details saved")
    db.session.commit()
    return consultation


def proposals_of(review_id: int) -> list[Proposal]:
    return list(db.session.scalars(select(Proposal).where(Proposal.review_id == review_id)
                                   .order_by(Proposal.number)))


def publish_consultation(consultation: Consultation, *, by: StaffUser) -> Survey:
    """Publish the consultation: its survey is made from the proposals (a support scale and a comment box for each,
    then the optional equality questions), and residents see it from the opening date.

    The survey is answered only through the consultation page, which keeps one response per person, so it is
    never live for open links (surveys' own open links would let anyone answer it any number of times)."""
    if consultation.status != ConsultationStatus.DRAFT:
        raise CodesignRuleError("This consultation is already published")
    proposals = proposals_of(consultation.review_id)
    if not proposals:
        raise CodesignRuleError("Add at least one proposal before publishing the consultation")
    survey = Survey(slug=f"{CONSULTATION_SLUG_PREFIX}{consultation.id}", version=1, title=consultation.title,
                    description=consultation.summary, state=SurveyState.CLOSED, created_by_id=by.id,
                    live_at=now())
    section = Section(position=1, title="The proposals")
    survey.sections.append(section)
    about = None
    if consultation.asks_equality:
        about = Section(position=2, title=EQUALITY_SECTION,
                        description="These questions are optional. We use the answers only to check that we have "
                                    "heard from every part of the community; they are never linked to you.")
        survey.sections.append(about)
    db.session.add(survey)
    db.session.flush()
    for position, proposal in enumerate(proposals):
        scale = Question(survey_id=survey.id, position=2 * position + 1, type=QuestionType.SINGLE, required=False,
                         text=f"How much do you support proposal {proposal.number}?", options=list(SUPPORT_LABELS))
        comment = Question(survey_id=survey.id, position=2 * position + 2, type=QuestionType.TEXT, required=False,
                           text=f"Comments on proposal {proposal.number} (optional)")
        section.questions.extend([scale, comment])
        proposal.scale_question, proposal.comment_question = scale, comment
    if about is not None:
        for position, (name, (text, options)) in enumerate(EQUALITY_QUESTIONS.items(), start=1):
            about.questions.append(Question(survey_id=survey.id, position=position, type=QuestionType.SINGLE,
                                            text=text, required=False, options=[label for _value, label in options],
                                            equality_key=name))
    consultation.survey = survey
    consultation.charter = published_charter(consultation.review.council_slug)
    consultation.status = ConsultationStatus.PUBLISHED
    _advance(consultation.review, ReviewStage.CONSULTATION)
    record_audit(consultation, "codesign.consultation_published", by=by, after={"proposals": len(proposals)},
                 summary=f"Consultation published with {len(proposals)} proposals")
    db.session.commit()
    return survey


def _email_hash(consultation: Consultation, email: str) -> str:
    """A keyed hash of the normalised address: equal for the same address, useless to anyone without the key."""
    return token_hash(derived_token("consultation-email", f"{consultation.id}\x00{email.strip().lower()}"))


def browser_key_hash(consultation: Consultation, browser_key: str) -> str:
    """What an online response keeps (as the survey response's unique token hash) for the respondent's browser."""
    return token_hash(derived_token("consultation-response", f"{consultation.id}\x00{browser_key}"))


def has_responded(consultation: Consultation, browser_key: str | None) -> bool:
    if not browser_key:
        return False
    return db.session.scalar(select(Response.id).where(
        Response.token_hash == browser_key_hash(consultation, browser_key))) is not None


@dataclass(frozen=True)
class Reply:
    """One person's answers: by survey question id, as surveys' answering keeps them (blank when skipped)."""

    answers: Mapping[int, object]
    email: str | None = None


def respond(consultation: Consultation, reply: Reply, *, channel: str, browser_key: str | None = None,
            received_on: date | None = None, by: StaffUser | None = None) -> Response:
    """Store one response, online (with the respondent's browser key) or on paper (keyed in by staff), through the
    survey engine (surveys.answering.submit_response), so it is scored and counted like any survey answer.

    One response per person: a browser that has responded, or an email address already given, is refused with
    AlreadyResponded, and the database's unique constraints refuse the same response sent twice at once.
    """
    _check_can_respond(consultation, channel, browser_key, received_on)
    survey = consultation.survey
    # Every question is in the draft, blank when skipped: surveys' answering takes a missing one as not yet seen.
    draft = {str(q.id): reply.answers.get(q.id, "") for q in survey.all_questions}
    if all(value in (None, "", []) for value in draft.values()):
        raise CodesignRuleError("Answer at least one question before sending your response")
    email = (reply.email or "").strip() or None
    email_hash = _email_hash(consultation, email) if email else None
    if email_hash and db.session.scalar(select(Respondent.id).where(Respondent.consultation_id == consultation.id,
                                                                    Respondent.email_hash == email_hash)):
        raise AlreadyResponded("A response has already been sent with this email address", "email")
    if channel == ResponseChannel.ONLINE:
        if has_responded(consultation, browser_key):
            raise AlreadyResponded("You have already responded to this consultation. Thank you.")
        hashed = browser_key_hash(consultation, browser_key)
    else:
        _token, hashed = new_token()
    response = Response(survey=survey, token_hash=hashed, via="open", channel=channel, draft=draft)
    db.session.add(response)
    if email_hash:
        db.session.add(Respondent(consultation_id=consultation.id, email_hash=email_hash))
    if by is not None:
        record_audit(consultation, "codesign.paper_response", by=by, after={"received_on": received_on},
                     summary=f"Paper response received on {govuk_date(received_on)} keyed in")
    try:
        db.session.flush()
        submit_response(response)
    except (IntegrityError, AlreadySubmitted):
        db.session.rollback()
        raise AlreadyResponded("You have already responded to this consultation. Thank you.") from None
    return response


def _check_can_respond(consultation: Consultation, channel: str, browser_key: str | None,
                       received_on: date | None) -> None:
    """Online while the consultation is open; on paper when received while it was open, until adoption."""
    on = today()
    if channel == ResponseChannel.ONLINE:
        if on < consultation.opens_on or consultation.status == ConsultationStatus.DRAFT:
            raise CodesignRuleError(f"This consultation opens on {govuk_date(consultation.opens_on)}")
        if not consultation.is_open(on):
            raise CodesignRuleError(f"This consultation closed on {govuk_date(consultation.closes_on)}, so we can no "
                                    "longer accept responses")
        if not browser_key:
            raise CodesignRuleError("Your browser must accept cookies for us to take your response")
    elif channel == ResponseChannel.PAPER:
        if consultation.status == ConsultationStatus.DRAFT:
            raise CodesignRuleError("The consultation has not been published")
        if received_on is None:
            raise CodesignRuleError("Enter the date the paper response was received", "received_on")
        if received_on > on:
            raise CodesignRuleError("The date received must be today or in the past", "received_on")
        if not consultation.opens_on <= received_on <= consultation.closes_on:
            raise CodesignRuleError(
                f"Only responses received while the consultation was open ({govuk_date(consultation.opens_on)} to "
                f"{govuk_date(consultation.closes_on)}) can be counted", "received_on")
        if consultation.status == ConsultationStatus.ADOPTED:
            raise CodesignRuleError("The decisions have been adopted; no more responses can be counted")
    else:
        raise ValueError(f"unknown channel {channel}")


@dataclass(frozen=True)
class ShowOfSupport:
    in_favour: int = 0
    against: int = 0
    neutral: int = 0
    notes: str | None = None


def record_event(consultation: Consultation, *, kind: str, held_on: date, place: str, attendance: int,
                 support: Mapping[int, ShowOfSupport], by: StaffUser) -> Event:
    """Record a workshop, drop-in or panel session held during the consultation, with the show of support (for,
    against, neutral) and notes for each proposal discussed."""
    if consultation.status != ConsultationStatus.PUBLISHED:
        raise CodesignRuleError("Events can be recorded only for a published consultation that is not yet adopted")
    if kind not in {k.value for k in EventKind}:
        raise CodesignRuleError("Select the kind of event", "kind")
    if held_on > today():
        raise CodesignRuleError("The date of the event must be today or in the past", "held_on")
    if not consultation.opens_on <= held_on <= consultation.closes_on:
        raise CodesignRuleError(f"The event must be held while the consultation was open, from "
                                f"{govuk_date(consultation.opens_on)} to {govuk_date(consultation.closes_on)}",
                                "held_on")
    place = _require_text(place, "Enter where the event was held", "place", 200)
    if attendance is None or attendance < 1:
        raise CodesignRuleError("Enter how many people came, a whole number of 1 or more", "attendance")
    proposals = {p.id: p for p in proposals_of(consultation.review_id)}
    event = Event(consultation_id=consultation.id, kind=kind, held_on=held_on, place=place, attendance=attendance,
                  recorded_by_id=by.id)
    for proposal_id, shown in support.items():
        proposal = proposals.get(proposal_id)
        if proposal is None:
            raise ValueError(f"proposal {proposal_id} is not in this consultation")
        counts = (shown.in_favour, shown.against, shown.neutral)
        if any(n is None or n < 0 for n in counts):
            raise CodesignRuleError(f"Enter whole numbers of 0 or more for proposal {proposal.number}",
                                    f"p{proposal_id}_in_favour")
        if sum(counts) > attendance:
            raise CodesignRuleError(f"More hands were counted for proposal {proposal.number} than people came",
                                    f"p{proposal_id}_in_favour")
        if sum(counts) or shown.notes:
            event.support.append(EventSupport(proposal_id=proposal_id, in_favour=shown.in_favour,
                                              against=shown.against, neutral=shown.neutral,
                                              notes=(shown.notes or "").strip() or None))
    db.session.add(event)
    db.session.flush()
    record_audit(event, "codesign.event_recorded", by=by, after={"kind": kind, "held_on": held_on},
                 summary=f"{EventKind(kind).label} on {govuk_date(held_on)} recorded")
    db.session.commit()
    return event
