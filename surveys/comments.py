"""Survey comments and the promises they concern: how many are on a commitment, the ones on none, tagging them.

A comment is a free-text answer. It is on a commitment when its question is tagged to one (its answers are evidence
for that commitment), or when staff tagged the comment itself ("Anything else you want to tell us?" is on none).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Commitment, Role, StaffUser
from core.queries import TagShare
from surveys.models import (
    Answer,
    Question,
    QuestionType,
    Response,
    Survey,
    answer_commitment,
    question_commitment,
)

#: Who may tag survey comments: the policy team, who own the charter review (administrators may too).
TAGGERS = (Role.POLICY_OFFICER,)


#: Slug prefixes of surveys whose free-text answers are not comments on the council's service (a charter
#: consultation's comments are about its proposals): the package that makes them names them from its init_app.
_NOT_COMMENTS: set[str] = set()


def register_non_comment_surveys(slug_prefix: str) -> None:
    _NOT_COMMENTS.add(slug_prefix)


def post_contact_only(query):
    """``query`` (which joins Survey) without the surveys registered as not about the council's service."""
    for prefix in sorted(_NOT_COMMENTS):
        query = query.where(~Survey.slug.startswith(prefix, autoescape=True))
    return query


def _comment_questions():
    """Free-text questions of the surveys whose answers are comments."""
    return post_contact_only(select(Question.id).join(Survey, Survey.id == Question.survey_id)
                             .where(Question.type == QuestionType.TEXT))


def _is_comment():
    # By question first: the answers index starts with the question, so only free-text answers are read.
    return and_(Answer.question_id.in_(_comment_questions()), Answer.text.is_not(None), Answer.text != "")


def _is_tagged():
    # IN over the (few) tagged questions and tagged answers: each list is read once, not probed per answer.
    return or_(Answer.question_id.in_(select(question_commitment.c.question_id)),
               Answer.id.in_(select(answer_commitment.c.answer_id)))


def _period(start: date, end: date) -> list:
    # Answers carry the first day of their month: a period counts the whole months it touches.
    return [Answer.month >= start.replace(day=1), Answer.month <= end]


def tagged_share(start: date, end: date) -> TagShare:
    """Comments made from ``start`` to ``end`` (whole months) and how many are on a commitment; counted in SQL."""
    total, tagged = db.session.execute(
        select(func.count(), func.coalesce(func.sum(case((_is_tagged(), 1), else_=0)), 0))
        .where(_is_comment(), *_period(start, end))
    ).one()
    return TagShare(total, tagged)


@dataclass
class CommentPage:
    answers: list[Answer]
    #: When each was submitted, by answer id.
    submitted: dict[int, object]
    total: int
    page: int
    pages: int


def untagged_page(start: date, end: date, *, page: int = 1, per_page: int = 25) -> CommentPage:
    """Comments on no commitment from ``start`` to ``end``, newest first, one page of them."""
    conditions = [_is_comment(), *_period(start, end), ~_is_tagged()]
    total = db.session.scalar(select(func.count()).select_from(Answer).where(*conditions))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(Answer, Response.submitted_at).join(Response, Response.id == Answer.response_id).where(*conditions)
        .options(selectinload(Answer.question))
        .order_by(Answer.month.desc(), Response.submitted_at.desc(), Answer.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return CommentPage([a for a, _ in rows], {a.id: at for a, at in rows}, total, page, pages)


def tagged_examples(start: date, *, limit: int = 1000) -> list[tuple[str, str, str]]:
    """(commitment code, comment, channel) for comments tagged by hand since ``start``: past tagging to learn from."""
    query = (select(Commitment.code, Answer.text, Answer.channel)
             .join(answer_commitment, answer_commitment.c.commitment_id == Commitment.id)
             .join(Answer, Answer.id == answer_commitment.c.answer_id)
             .where(Answer.month >= start.replace(day=1), _is_comment())
             .order_by(Answer.id.desc()).limit(limit))
    return [(code, text, channel) for code, text, channel in db.session.execute(query)]


def tag_comments(answers: list[Answer], commitment: Commitment, *, by: StaffUser) -> int:
    """Tag each comment to ``commitment`` (audited, one record per comment); returns how many changed. Only the
    policy team may; a comment already on the commitment is left as it is. The caller commits."""
    if not by.has_role(*TAGGERS):
        raise RuleError("Only policy officers can tag survey comments to a commitment.", "commitment")
    changed = 0
    for answer in answers:
        if not answer.text:
            raise RuleError("Only comments (answers in the resident's own words) can be tagged.", "items")
        if commitment in answer.commitments:
            continue
        before = [c.code for c in answer.commitments]
        answer.commitments.append(commitment)
        record_audit(answer, "survey.comment_tagged", by=by, before={"commitments": before},
                     after={"commitments": [*before, commitment.code]},
                     summary=f"Comment tagged to commitment {commitment.code}")
        changed += 1
    return changed
