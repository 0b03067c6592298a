"""Survey reads for pages and exports: SQL sums the answers, Python turns a few hundred totals into figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload

from core.contacts import ContactRecord
from core.extensions import db
from core.models import Channel, Commitment, ServiceArea
from surveys.models import (
    SCORED_TYPES,
    Answer,
    ContactImport,
    Invitation,
    InvitationRule,
    InvitationStatus,
    OptOut,
    Question,
    QuestionType,
    Response,
    ResponseStatus,
    Survey,
    question_commitment,
)
from surveys.stats import Figures, Proportion, Tally, figures, proportion


def minimum_responses() -> int:
    return int(current_app.config["CHARTERLINE_SURVEY_MIN_RESPONSES"])


def channel_label(value: str) -> str:
    return Channel(value).label if value in set(Channel) else value


@dataclass(frozen=True)
class Period:
    """Whole months, both ends included; None means open-ended."""

    start: date | None = None
    end: date | None = None

    def where(self, column) -> list:
        conditions = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return conditions


# --- Survey lists ---------------------------------------------------------------------------------------------


@dataclass
class SurveyRow:
    survey: Survey
    responses: int


def survey_rows() -> list[SurveyRow]:
    counts = dict(db.session.execute(
        select(Response.survey_id, func.count())
        .where(Response.status == ResponseStatus.SUBMITTED)
        .group_by(Response.survey_id)
    ).all())
    surveys = db.session.scalars(select(Survey).order_by(Survey.title, Survey.version.desc()))
    return [SurveyRow(s, counts.get(s.id, 0)) for s in surveys]


def versions_of(survey: Survey) -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.slug == survey.slug).order_by(Survey.version)))


def live_surveys() -> list[Survey]:
    return list(db.session.scalars(select(Survey).where(Survey.state == "live").order_by(Survey.title)))


def rules() -> list[InvitationRule]:
    return list(db.session.scalars(select(InvitationRule).order_by(InvitationRule.active.desc(),
                                                                   InvitationRule.id)))


def recent_contacts(limit: int = 50) -> list[tuple[ContactRecord, Invitation | None]]:
    rows = db.session.execute(
        select(ContactRecord, Invitation)
        .outerjoin(Invitation, Invitation.contact_id == ContactRecord.id)
        .order_by(ContactRecord.occurred_at.desc(), ContactRecord.id.desc())
        .limit(limit)
    ).all()
    return [(contact, invitation) for contact, invitation in rows]


def recent_imports(limit: int = 10) -> list[ContactImport]:
    return list(db.session.scalars(select(ContactImport).order_by(ContactImport.id.desc()).limit(limit)))


def opt_out_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OptOut))


def services() -> list[ServiceArea]:
    return list(db.session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name)))


# --- One survey's results -------------------------------------------------------------------------------------


@dataclass
class OptionResult:
    value: str
    label: str
    count: int
    share: Proportion | None


@dataclass
class QuestionResult:
    question: Question
    number: int
    #: Respondents who answered it.
    answered: int
    options: list[OptionResult]
    figures: Figures | None
    minimum: int
    sentiment: dict[str, int] = field(default_factory=dict)

    @property
    def suppressed(self) -> bool:
        return 0 < self.answered < self.minimum


@dataclass
class SurveyResults:
    survey: Survey
    period: Period
    channel: str | None
    minimum: int
    responses: int
    overall: Figures
    questions: list[QuestionResult]
    by_month: list[Figures]
    by_channel: list[Figures]


def _answer_filters(survey_ids: list[int], period: Period, channel: str | None) -> list:
    conditions = [Answer.survey_id.in_(survey_ids) if len(survey_ids) > 1 else Answer.survey_id == survey_ids[0]]
    conditions += period.where(Answer.month)
    if channel:
        conditions.append(Answer.channel == channel)
    return conditions


def _tally_choice(question: Question, choice: str | None, count: int) -> Tally:
    """What `count` answers of `choice` add to the satisfaction, net, yes and NPS sums."""
    if choice is None or question.type_enum not in SCORED_TYPES:
        return Tally()
    score = question.score(choice)
    return _score_tally(score.satisfied, score.net, score.nps, score.kept, count)


def _invitation_tallies(survey_id: int | None, period: Period, channel: str | None) -> dict[tuple, Tally]:
    """Invitations sent and answered, by (month, channel)."""
    query = (select(Invitation.sent_month, Invitation.channel, func.count(), func.count(Invitation.used_at))
             .where(Invitation.status == InvitationStatus.SENT, *period.where(Invitation.sent_month))
             .group_by(Invitation.sent_month, Invitation.channel))
    if survey_id is not None:
        query = query.where(Invitation.survey_id == survey_id)
    if channel:
        query = query.where(Invitation.channel == channel)
    return {(month, ch): Tally(invited=sent, responded=used) for month, ch, sent, used in db.session.execute(query)}


def _sum(tallies: Iterable[Tally]) -> Tally:
    total = Tally()
    for tally in tallies:
        total = total + tally
    return total


def _option_results(question: Question, counts: dict[str | None, int], answered: int,
                    minimum: int) -> list[OptionResult]:
    enough = answered >= max(minimum, 1)
    return [OptionResult(value, label, counts.get(value, 0),
                         proportion(counts.get(value, 0), answered) if enough else None)
            for value, label in question.choices()]


def _answered_multiple(question_ids: list[int], filters: list) -> dict[int, int]:
    if not question_ids:
        return {}
    return dict(db.session.execute(
        select(Answer.question_id, func.count(func.distinct(Answer.response_id)))
        .where(*filters, Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    ).all())


def _sentiments(question_ids: list[int], filters: list) -> dict[int, dict[str, int]]:
    if not question_ids:
        return {}
    label = func.coalesce(Answer.sentiment_override_label, Answer.sentiment_label)
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for question_id, value, count in db.session.execute(
            select(Answer.question_id, label, func.count())
            .where(*filters, Answer.question_id.in_(question_ids))
            .group_by(Answer.question_id, label)):
        found[question_id][value or "not scored"] = count
    return found


def survey_results(survey: Survey, *, period: Period = Period(), channel: str | None = None) -> SurveyResults:
    """Everything the results page shows, from one grouped pass over the survey's answers."""
    minimum = minimum_responses()
    filters = _answer_filters([survey.id], period, channel)
    grouped = db.session.execute(
        select(Answer.month, Answer.channel, Answer.question_id, Answer.choice, func.count())
        .where(*filters)
        .group_by(Answer.month, Answer.channel, Answer.question_id, Answer.choice)
    ).all()
    questions = {q.id: q for q in survey.all_questions}
    option_counts: dict[int, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    by_month: dict[date, Tally] = defaultdict(Tally)
    by_channel: dict[str, Tally] = defaultdict(Tally)
    per_question: dict[int, Tally] = defaultdict(Tally)
    for month, answer_channel, question_id, choice, count in grouped:
        question = questions.get(question_id)
        if question is None:
            continue
        option_counts[question_id][choice] += count
        tally = _tally_choice(question, choice, count)
        by_month[month] += tally
        by_channel[answer_channel] += tally
        per_question[question_id] += tally
    invitations = _invitation_tallies(survey.id, period, channel)
    for (month, invite_channel), tally in invitations.items():
        by_month[month] += tally
        by_channel[invite_channel] += tally

    multiple = [q.id for q in questions.values() if q.type_enum == QuestionType.MULTIPLE]
    texts = [q.id for q in questions.values() if q.type_enum == QuestionType.TEXT]
    answered_multiple = _answered_multiple(multiple, filters)
    sentiments = _sentiments(texts, filters)
    results = []
    for number, question in enumerate(survey.all_questions, start=1):
        counts = option_counts.get(question.id, {})
        answered = answered_multiple.get(question.id, 0) if question.id in multiple else sum(counts.values())
        scored = per_question.get(question.id)
        results.append(QuestionResult(
            question=question, number=number, answered=answered, minimum=minimum,
            options=_option_results(question, counts, answered, minimum),
            figures=figures(question.text, scored, minimum) if scored else None,
            sentiment=sentiments.get(question.id, {}),
        ))
    response_query = select(func.count()).select_from(Response).where(
        Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED, *period.where(Response.month))
    if channel:
        response_query = response_query.where(Response.channel == channel)
    return SurveyResults(
        survey=survey, period=period, channel=channel, minimum=minimum,
        responses=db.session.scalar(response_query),
        overall=figures("All responses", _sum(by_month.values()), minimum),
        questions=results,
        by_month=[figures(f"{m:%B %Y}", by_month[m], minimum) for m in sorted(k for k in by_month if k)],
        by_channel=[figures(channel_label(c), by_channel[c], minimum) for c in sorted(by_channel)],
    )


def answer_months(survey: Survey | None = None) -> list[date]:
    """Every month from the first submitted response to the last (of one survey, or of all)."""
    conditions = [Response.status == ResponseStatus.SUBMITTED]
    if survey is not None:
        conditions.append(Response.survey_id == survey.id)
    # Two single-aggregate queries, each answered from the end of an index rather than a scan.
    first = db.session.scalar(select(func.min(Response.month)).where(*conditions))
    last = db.session.scalar(select(func.max(Response.month)).where(*conditions))
    months = []
    while first is not None and first <= last:
        months.append(first)
        first = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return months


def text_answers(question: Question, *, limit: int = 200) -> list[Answer]:
    return list(db.session.scalars(select(Answer).where(Answer.question_id == question.id)
                                   .order_by(Answer.id.desc()).limit(limit)))


# --- Figures per commitment, channel and month, across surveys ------------------------------------------------


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


def _score_tally(satisfied: int | None, net: int | None, nps: int | None, kept: int | None, count: int) -> Tally:
    if satisfied is not None:
        return Tally(scored=count, satisfied=satisfied * count, net_sum=net * count)
    if nps is not None:
        return Tally(nps_answers=count, promoters=count * (nps == 1), detractors=count * (nps == -1))
    if kept is not None:
        return Tally(yes_no=count, said_yes=kept * count)
    return Tally()


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


def commitment_results(*, period: Period = Period(), code: str | None = None) -> CommitmentResults:
    """Satisfaction, net satisfaction, NPS and response rate per commitment, per channel and per month.

    A commitment's response rate is that of the invitations to the surveys asking about it: the people whose
    answers make up its satisfaction figure. With ``code``, only that commitment: its figures, and by channel and
    by month only the answers to its questions and the invitations to the surveys asking about it.
    """
    minimum = minimum_responses()
    question_codes, survey_codes = _tagged_questions(None if code is None else {code})
    per_code: dict[str, Tally] = defaultdict(Tally)
    by_channel: dict[str, Tally] = defaultdict(Tally)
    by_month: dict[date, Tally] = defaultdict(Tally)
    scored, invited = _scored_counts(period), _invited(period, None if code is None else list(survey_codes))
    if code is not None:
        scored = scored.where(Answer.question_id.in_(list(question_codes)))
    for question_id, month, answer_channel, satisfied, net, nps, kept, count in db.session.execute(scored):
        tally = _score_tally(satisfied, net, nps, kept, count)
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
    """The same figures as ``commitment_results`` gives each commitment, for ``codes`` only: only the answers to
    the questions tagged to them are read, so one commitment's page does not count every answer of the year."""
    question_codes, survey_codes = _tagged_questions(set(codes))
    per_code: dict[str, Tally] = defaultdict(Tally)
    if question_codes:
        for question_id, _month, _channel, satisfied, net, nps, kept, count in db.session.execute(
                _scored_counts(period).where(Answer.question_id.in_(list(question_codes)))):
            tally = _score_tally(satisfied, net, nps, kept, count)
            if tally == Tally():
                continue
            for code in question_codes[question_id]:
                per_code[code] += tally
        for survey_id, _month, _channel, sent, used in db.session.execute(_invited(period, list(survey_codes))):
            for code in survey_codes[survey_id]:
                per_code[code] += Tally(invited=sent, responded=used)
    minimum = minimum_responses()
    return {code: figures(code, per_code[code], minimum) for code in codes if code in per_code}


# --- Raw answers for export -----------------------------------------------------------------------------------


@dataclass
class RawResponse:
    id: int
    submitted_at: object
    channel: str
    via: str
    service: str | None
    answers: dict[int, list[tuple[str | None, str | None, str | None]]]


def raw_responses(survey: Survey, *, batch: int = 2000) -> Iterator[RawResponse]:
    """Submitted responses with their answers, oldest first, streamed in batches."""
    last_id = 0
    while True:
        heads = db.session.execute(
            select(Response.id, Response.submitted_at, Response.channel, Response.via, ServiceArea.code)
            .outerjoin(ServiceArea, ServiceArea.id == Response.service_area_id)
            .where(Response.survey_id == survey.id, Response.status == ResponseStatus.SUBMITTED,
                   Response.id > last_id)
            .order_by(Response.id).limit(batch)
        ).all()
        if not heads:
            return
        ids = [h[0] for h in heads]
        answers: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        label = func.coalesce(Answer.sentiment_override_label, Answer.sentiment_label)
        for response_id, question_id, choice, text, sentiment in db.session.execute(
                select(Answer.response_id, Answer.question_id, Answer.choice, Answer.text, label)
                .where(and_(Answer.response_id >= ids[0], Answer.response_id <= ids[-1]),
                       Answer.survey_id == survey.id)):
            answers[response_id][question_id].append((choice, text, sentiment))
        for response_id, submitted_at, channel, via, service in heads:
            yield RawResponse(response_id, submitted_at, channel, via, service, answers.get(response_id, {}))
        last_id = ids[-1]


def response_rate(month: date) -> Proportion | None:
    """Invitations sent in ``month`` (its first day) and the share answered, across surveys; None when none were
    sent. Counted from the invitations' index on (status, sent month)."""
    sent, used = db.session.execute(
        select(func.count(), func.count(Invitation.used_at))
        .where(Invitation.status == InvitationStatus.SENT, Invitation.sent_month == month)
    ).one()
    return proportion(used, sent) if sent else None


# --- The questions behind a commitment's figures -------------------------------------------------------------


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
