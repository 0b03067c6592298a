"""Survey reads for pages and exports: SQL sums the answers, Python turns a few hundred totals into figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import and_, func, select

from core.contacts import ContactRecord
from core.extensions import db
from core.models import Channel, ServiceArea
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


def score_tally(satisfied: int | None, net: int | None, nps: int | None, kept: int | None, count: int) -> Tally:
    """Summed answers of one kind as a Tally: satisfaction, NPS or yes/no, by which score the question gives."""
    if satisfied is not None:
        return Tally(scored=count, satisfied=satisfied * count, net_sum=net * count)
    if nps is not None:
        return Tally(nps_answers=count, promoters=count * (nps == 1), detractors=count * (nps == -1))
    if kept is not None:
        return Tally(yes_no=count, said_yes=kept * count)
    return Tally()


def _tally_choice(question: Question, choice: str | None, count: int) -> Tally:
    """What `count` answers of `choice` add to the satisfaction, net, yes and NPS sums."""
    if choice is None or question.type_enum not in SCORED_TYPES:
        return Tally()
    score = question.score(choice)
    return score_tally(score.satisfied, score.net, score.nps, score.kept, count)


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
