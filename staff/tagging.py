"""Every item on a promise: the queue of feedback, complaints and survey comments tagged to no commitment, with the
commitments each most likely concerns suggested first, and tagging them in bulk.

Reads come from feedback's and surveys' queries, tagging from their services (which say who may tag what); this
module puts them together for the queue's page and suggests commitments for the items on it, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from core.charters import published_charter
from core.errors import RuleError
from core.extensions import db
from core.models import Commitment, Role, StaffUser
from core.suggest import Suggester, Suggestion
from feedback import queries as feedback_queries
from feedback.models import FeedbackItem, FeedbackKind
from feedback.services import tag_items
from staff.home import last_twelve_months
from surveys import comments as survey_comments
from surveys.models import Answer

FEEDBACK, COMMENTS = "feedback", "comments"
SOURCES = {FEEDBACK: "Feedback and complaints", COMMENTS: "Survey comments"}
PER_PAGE = 25
#: Who sees the queue: the policy team (everything) and complaints officers (complaints only).
QUEUE_ROLES = (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER)


def sources_for(user: StaffUser) -> list[str]:
    if user.has_role(Role.POLICY_OFFICER):
        return [FEEDBACK, COMMENTS]
    return [FEEDBACK]


def kinds_for(user: StaffUser) -> tuple[str, ...] | None:
    """The kinds of feedback the user's queue holds: None for every kind."""
    return None if user.has_role(Role.POLICY_OFFICER) else (FeedbackKind.COMPLAINT.value,)


@dataclass
class QueueRow:
    id: int
    heading: str
    href: str | None
    received: date | datetime | None
    what: str
    text: str
    #: The commitments suggested, most likely first, with why.
    suggestions: list[tuple[Commitment, Suggestion]]


@dataclass
class Queue:
    source: str
    sources: list[str]
    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    commitments: list[Commitment]
    start: date
    end: date


def _commitments() -> list[Commitment]:
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    return list(charter.commitments) if charter else []


def suggester(commitments: list[Commitment], since: date) -> Suggester:
    """A scorer for the charter's commitments, from their wording and the tagging since ``since``."""
    examples = feedback_queries.tagged_examples(since) + survey_comments.tagged_examples(since)
    return Suggester({c.code: c.wording for c in commitments}, examples,
                     channels={c.code: c.channel for c in commitments})


def _suggest(scorer: Suggester, by_code: dict[str, Commitment], text: str,
             channel: str) -> list[tuple[Commitment, Suggestion]]:
    return [(by_code[s.code], s) for s in scorer.suggest(text, 3, channel)]


def queue(user: StaffUser, source: str, page: int, on: date) -> Queue:
    """One page of the user's queue, from the last 12 months, newest first, each item with its suggestions."""
    sources = sources_for(user)
    source = source if source in sources else sources[0]
    start, end = last_twelve_months(on)
    commitments = _commitments()
    by_code = {c.code: c for c in commitments}
    rows: list[QueueRow] = []
    if source == FEEDBACK:
        found = feedback_queries.untagged_page(start, end, kinds=kinds_for(user), page=page, per_page=PER_PAGE)
        total, page, pages = found.total, found.page, found.pages
        scorer = suggester(commitments, start) if found.items else None
        for item in found.items:
            rows.append(QueueRow(item.id, item.reference, url_for("feedback.item", reference=item.reference),
                                 item.received_on, f"{item.kind_label}, {item.channel_label.lower()}"
                                 + (f", {item.service_area.name}" if item.service_area else ""),
                                 item.description, _suggest(scorer, by_code, item.description, item.channel)))
    else:
        comments = survey_comments.untagged_page(start, end, page=page, per_page=PER_PAGE)
        total, page, pages = comments.total, comments.page, comments.pages
        scorer = suggester(commitments, start) if comments.answers else None
        for answer in comments.answers:
            rows.append(QueueRow(answer.id, f"Survey comment {answer.id}", None, comments.submitted[answer.id],
                                 f"Answer to “{answer.question.text}”", answer.text,
                                 _suggest(scorer, by_code, answer.text, answer.channel)))
    return Queue(source, sources, rows, total, page, pages, commitments, start, end)


def _commitment(commitment_id: int | None) -> Commitment:
    chosen = next((c for c in _commitments() if c.id == commitment_id), None)
    if chosen is None:
        raise RuleError("Select the commitment to tag the items to", "commitment")
    return chosen


def tag(user: StaffUser, source: str, item_ids: list[int], commitment_id: int | None) -> int:
    """Tag the chosen items of ``source`` to a commitment of the published charter, audited, all or none; returns
    how many were tagged. Refusals (nothing ticked, no commitment, an item the user may not tag) are RuleErrors."""
    if not user.has_role(*QUEUE_ROLES) or source not in sources_for(user):
        raise RuleError("You cannot tag these items to a commitment.", "commitment")
    ids = sorted(set(item_ids))
    if not ids:
        raise RuleError("Select the items to tag", "items")
    commitment = _commitment(commitment_id)
    model = FeedbackItem if source == FEEDBACK else Answer
    found = list(db.session.scalars(select(model).where(model.id.in_(ids))))
    if len(found) != len(ids):
        raise RuleError("Some of the items selected are no longer there. Select them again.", "items")
    try:
        if source == FEEDBACK:
            changed = tag_items(found, commitment, by=user)
        else:
            changed = survey_comments.tag_comments(found, commitment, by=user)
        db.session.commit()
    except RuleError:
        db.session.rollback()
        raise
    except (IntegrityError, StaleDataError):
        # Someone else tagged some of these items at the same moment: theirs stands, and nothing of this is saved.
        db.session.rollback()
        raise RuleError("Someone else tagged some of these items at the same moment. Check the list and select "
                        "them again.", "items") from None
    return changed
