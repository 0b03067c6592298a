"""Survey figures per charter commitment, across surveys and versions: satisfaction, net satisfaction, NPS and
response rate per commitment, per channel and per month (the survey results by commitment, the charter review and
the annual pack), and the questions behind each commitment's figure. SQL sums the answers; Python turns the totals
into figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from core.extensions import db
from core.models import Commitment
from surveys.models import Answer, Invitation, InvitationStatus, Question, question_commitment
from surveys.queries import Period, channel_label, minimum_responses, score_tally
from surveys.stats import Figures, Tally, figures


@dataclass
class CommitmentFigures:
    code: str
    wording: str
    figures: Figures


@dataclass
class CommitmentResults:
    period: Period
    minimum: int
    commitments: list[CommitmentFigures]
    by_channel: list[Figures]
    by_month: list[Figures]


def _scored_counts(period: Period) -> Select:
    """Answers counted by question, month, channel and score: an index-only pass over the scores index, grouped
    by every column in it, so the database only counts (no per-row arithmetic)."""
    columns = (Answer.question_id, Answer.month, Answer.channel, Answer.satisfied, Answer.net, Answer.nps,
               Answer.kept)
    return select(*columns, func.count()).where(*period.where(Answer.month)).group_by(*columns)


def _latest_commitments() -> dict[str, Commitment]:
    """Commitments by code, the newest charter version's wording winning (codes are stable across versions)."""
    latest: dict[str, Commitment] = {}
    for commitment in db.session.scalars(select(Commitment).order_by(Commitment.charter_id)):
        latest[commitment.code] = commitment
    return latest


def _in_charter_order(codes, latest: dict[str, Commitment]) -> list[str]:
    return sorted(codes, key=lambda code: (latest[code].number if code in latest else 0, code))


def commitment_codes_asked() -> list[str]:
    """The codes of the commitments that some survey question is tagged to, in the charter's order."""
    codes = db.session.scalars(select(Commitment.code).distinct()
                               .join(question_commitment, question_commitment.c.commitment_id == Commitment.id))
    return _in_charter_order(set(codes), _latest_commitments())


def _tagged_questions(codes: set[str] | None) -> tuple[dict[int, set[str]], dict[int, set[str]]]:
    """The commitment codes each question, and each survey, asks about (only ``codes`` when given)."""
    code_of = dict(db.session.execute(select(Commitment.id, Commitment.code)).all())
    question_codes: dict[int, set[str]] = defaultdict(set)
    survey_codes: dict[int, set[str]] = defaultdict(set)
    for question_id, survey_id, commitment_id in db.session.execute(
            select(question_commitment.c.question_id, Question.survey_id, question_commitment.c.commitment_id)
            .join(Question, Question.id == question_commitment.c.question_id)):
        if codes is None or code_of[commitment_id] in codes:
            question_codes[question_id].add(code_of[commitment_id])
            survey_codes[survey_id].add(code_of[commitment_id])
    return question_codes, survey_codes


def _invited(period: Period, survey_ids: list[int] | None) -> Select:
    statement = (select(Invitation.survey_id, Invitation.sent_month, Invitation.channel, func.count(),
                        func.count(Invitation.used_at))
                 .where(Invitation.status == InvitationStatus.SENT, *period.where(Invitation.sent_month))
                 .group_by(Invitation.survey_id, Invitation.sent_month, Invitation.channel))
    return statement if survey_ids is None else statement.where(Invitation.survey_id.in_(survey_ids))


def commitment_results(*, period: Period = Period(), codes: Collection[str] | None = None) -> CommitmentResults:
    """Satisfaction, net satisfaction, NPS and response rate per commitment, per channel and per month.

    A commitment's response rate is that of the invitations to the surveys asking about it: the people whose
    answers make up its satisfaction figure. With ``codes``, only those commitments: only the answers to their
    questions and the invitations to the surveys asking about them are read, and the figures by channel and by
    month are of those alone.
    """
    minimum = minimum_responses()
    question_codes, survey_codes = _tagged_questions(None if codes is None else set(codes))
    per_code: dict[str, Tally] = defaultdict(Tally)
    by_channel: dict[str, Tally] = defaultdict(Tally)
    by_month: dict[date, Tally] = defaultdict(Tally)
    scored, invited = _scored_counts(period), _invited(period, None if codes is None else list(survey_codes))
    if codes is not None:
        scored = scored.where(Answer.question_id.in_(list(question_codes)))
    for question_id, month, answer_channel, satisfied, net, nps, kept, count in db.session.execute(scored):
        tally = score_tally(satisfied, net, nps, kept, count)
        if tally == Tally():
            continue
        for tagged in question_codes.get(question_id, ()):
            per_code[tagged] += tally
        by_channel[answer_channel] += tally
        by_month[month] += tally
    for survey_id, month, invite_channel, sent, used in db.session.execute(invited):
        tally = Tally(invited=sent, responded=used)
        by_channel[invite_channel] += tally
        by_month[month] += tally
        for tagged in survey_codes.get(survey_id, ()):
            per_code[tagged] += tally
    latest = _latest_commitments()
    ordered = _in_charter_order(per_code, latest)
    return CommitmentResults(
        period=period, minimum=minimum,
        commitments=[CommitmentFigures(code, latest[code].wording if code in latest else "",
                                       figures(code, per_code[code], minimum)) for code in ordered],
        by_channel=[figures(channel_label(c), by_channel[c], minimum) for c in sorted(by_channel)],
        by_month=[figures(f"{m:%B %Y}", by_month[m], minimum) for m in sorted(k for k in by_month if k)],
    )


def figures_for_commitments(codes: list[str], *, period: Period = Period()) -> dict[str, Figures]:
    """Each of ``codes``' figures, as ``commitment_results`` gives them, reading only the answers to their
    questions: one commitment's evidence page does not count every answer of the year."""
    return {row.code: row.figures for row in commitment_results(period=period, codes=codes).commitments}


@dataclass(frozen=True)
class CommitmentQuestion:
    """A question tagged to a commitment, with its answers on satisfaction in a period."""

    question: Question
    scored: int


def commitment_questions(code: str, period: Period = Period()) -> list[CommitmentQuestion]:
    """The questions tagged to a commitment code (under any charter version), each with the answers on satisfaction
    it had in the period: together, the answers behind the commitment's satisfaction figure."""
    tagged = (select(question_commitment.c.question_id)
              .join(Commitment, Commitment.id == question_commitment.c.commitment_id).where(Commitment.code == code))
    scored = dict(db.session.execute(
        select(Answer.question_id, func.count())
        .where(Answer.question_id.in_(tagged), Answer.satisfied.is_not(None), *period.where(Answer.month))
        .group_by(Answer.question_id)).all())
    questions = db.session.scalars(select(Question).where(Question.id.in_(tagged))
                                   .options(joinedload(Question.survey))
                                   .order_by(Question.survey_id, Question.position))
    return [CommitmentQuestion(question, scored.get(question.id, 0)) for question in questions]
