"""The resident's route through the feedback form: the order of the questions and the answers kept between pages."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import session, url_for
from sqlalchemy import delete, select

from core.charters import active_service_area
from core.extensions import db
from core.models import Commitment, ServiceArea
from core.once import derived_token, token_hash
from feedback.acknowledgement import published_commitments
from feedback.forms import NO_ADJUSTMENTS, NOT_SURE
from feedback.models import FeedbackDraft, FeedbackKind
from feedback.rules import (
    EQUALITY_QUESTIONS,
    ContactDetails,
    Submission,
    adjustment_problems,
    contact_problems,
    description_problems,
    reply_problems,
)
from feedback.services import active_charter
from feedback.uploads import StoredFile, delete_stored

SESSION_KEY = "feedback_draft"


def current_draft(*, create: bool = False) -> FeedbackDraft | None:
    """The draft for this browser's session; a new one when asked to create and there is none."""
    key = session.get(SESSION_KEY)
    draft = None
    if key:
        draft = db.session.scalar(select(FeedbackDraft).where(FeedbackDraft.key_hash == token_hash(key)))
    if draft is None and create:
        key = secrets.token_urlsafe(32)
        draft = FeedbackDraft(key_hash=token_hash(key), answers={}, uploads=[])
        db.session.add(draft)
        session[SESSION_KEY] = key
    return draft


def submission_token() -> str | None:
    """The one-time token of this session's journey (core.once): sent with the check page, and kept (hashed) with
    the item, so the same answers are stored once however many times they are sent."""
    key = session.get(SESSION_KEY)
    return derived_token("feedback-submission", key) if key else None


def save_answers(draft: FeedbackDraft, **answers) -> None:
    # JSON columns only notice a new value, so assign a fresh dict.
    draft.answers = {**(draft.answers or {}), **answers}
    db.session.commit()


def set_uploads(draft: FeedbackDraft, uploads: list[dict]) -> None:
    draft.uploads = list(uploads)
    db.session.commit()


def discard(draft: FeedbackDraft, *, delete_files: bool) -> None:
    """Forget a draft once sent (its files now belong to the item) or thrown away (its files go too)."""
    if delete_files:
        for upload in draft.uploads or []:
            delete_stored(upload["stored_name"])
    # One statement rather than the unit of work's delete: a repeat of the same post may have removed it already.
    db.session.execute(delete(FeedbackDraft).where(FeedbackDraft.id == draft.id))
    db.session.commit()
    session.pop(SESSION_KEY, None)


def stored_files(draft: FeedbackDraft) -> list[StoredFile]:
    return [StoredFile(**upload) for upload in draft.uploads or []]


def contact_of(answers: dict) -> ContactDetails:
    contact = answers.get("contact") or {}
    adjustments = [a for a in answers.get("adjustments") or [] if a != NO_ADJUSTMENTS]
    return ContactDetails(
        name=contact.get("name"), email=contact.get("email"), phone=contact.get("phone"),
        address=contact.get("address"), postcode=contact.get("postcode"), reply_by=answers.get("reply_by"),
        adjustments=adjustments, adjustments_other=answers.get("adjustments_other"),
        language=answers.get("language"),
    )


def service_area_of(answers: dict) -> ServiceArea | None:
    code = answers.get("service_area")
    if not code or code == NOT_SURE:
        return None
    return active_service_area(code)


def commitments_of(answers: dict) -> list[Commitment]:
    return published_commitments([c for c in answers.get("commitments") or [] if c != NOT_SURE])


def submission_of(answers: dict) -> Submission:
    happened = answers.get("happened_on")
    return Submission(
        kind=answers.get("kind", ""), description=answers.get("description") or "",
        service_area=service_area_of(answers), commitments=commitments_of(answers),
        happened_on=date.fromisoformat(happened) if happened else None,
        outcome_wanted=answers.get("outcome_wanted"), contact=contact_of(answers),
        equality=answers.get("equality") or None,
    )


def _always(_answers: dict) -> bool:
    return True


def _has_commitments(_answers: dict) -> bool:
    charter = active_charter()
    return charter is not None and bool(charter.commitments)


def _can_reply(answers: dict) -> bool:
    return bool(contact_of(answers).ways_to_reply())


@dataclass(frozen=True)
class Step:
    endpoint: str
    applies: Callable[[dict], bool]
    done: Callable[[dict], bool]
    #: The answers this question asks for: a problem with one of them is shown here, on the first when no field fits.
    fields: tuple[str, ...]


STEPS = [
    Step("feedback.kind", _always, lambda a: a.get("kind") in {k.value for k in FeedbackKind}, ("kind",)),
    Step("feedback.service", _always, lambda a: "service_area" in a, ("service_area",)),
    Step("feedback.commitments", _has_commitments, lambda a: "commitments" in a, ("commitments",)),
    Step("feedback.details", _always,
         lambda a: not description_problems(a.get("kind", ""), a.get("description"), a.get("outcome_wanted")),
         ("description", "happened_on", "outcome_wanted")),
    Step("feedback.evidence", _always, lambda a: bool(a.get("evidence_seen")), ("files",)),
    Step("feedback.contact", _always,
         lambda a: "contact" in a and not contact_problems(a.get("kind", ""), contact_of(a)),
         ("name", "email", "phone", "address", "postcode")),
    Step("feedback.reply", _can_reply, lambda a: not reply_problems(contact_of(a)), ("reply_by",)),
    Step("feedback.adjustments", _can_reply,
         lambda a: "adjustments" in a and not adjustment_problems(contact_of(a)),
         ("adjustments", "language", "adjustments_other")),
    Step("feedback.equality", _always, lambda a: bool(a.get("equality_seen")), tuple(EQUALITY_QUESTIONS)),
]


def step_for(field: str) -> Step | None:
    """The question that asks for an answer, or None when none does."""
    return next((step for step in STEPS if field in step.fields), None)


def first_unfinished(answers: dict) -> str | None:
    """The first question still to answer (or to answer again), or None when the answers can be checked."""
    for step in STEPS:
        if step.applies(answers) and not step.done(answers):
            return step.endpoint
    return None


def step_at(endpoint: str) -> Step:
    return STEPS[_position(endpoint)]


def _position(endpoint: str) -> int:
    return next(i for i, step in enumerate(STEPS) if step.endpoint == endpoint)


def next_url(endpoint: str, answers: dict, *, changing: bool) -> str:
    """Where to go after answering: back to the check page when changing an answer, otherwise onwards."""
    if changing:
        return url_for("feedback.check")
    for step in STEPS[_position(endpoint) + 1:]:
        if step.applies(answers):
            return url_for(step.endpoint)
    return url_for("feedback.check")


def previous_url(endpoint: str, answers: dict) -> str:
    """The back link: the question before this one that applies."""
    position = len(STEPS) if endpoint == "feedback.check" else _position(endpoint)
    for step in reversed(STEPS[:position]):
        if step.applies(answers):
            return url_for(step.endpoint)
    return url_for("feedback.start")
