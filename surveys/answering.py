"""Answering a survey: invitation and open links, the pages a response shows, saving answers and submitting."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from core.errors import RuleError
from core.extensions import db
from core.once import token_hash
from core.timesource import now, today
from surveys.models import (
    Answer,
    Invitation,
    Question,
    QuestionType,
    Response,
    ResponseStatus,
    Section,
    Survey,
    SurveyState,
)
from surveys.services import SurveyRuleError, live_version, new_token

#: What a resident is told for each kind of link that cannot be answered (the problem page says more).
LINK_PROBLEMS = {
    "unknown": "This survey link is not recognised",
    "used": "These answers have already been sent",
    "expired": "This survey link has expired",
    "closed": "This survey has closed",
}


class LinkProblem(RuleError):
    """A survey link that cannot be answered: a refusal shown to the resident; `kind` picks the polite page that
    explains why."""

    def __init__(self, kind: str, survey: Survey | None = None):
        super().__init__(LINK_PROBLEMS[kind])
        self.kind = kind  # unknown, used, expired, closed
        self.survey = survey


def invitation_by_token(token: str) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == token_hash(token)))


def invitation_for_token(token: str) -> Invitation:
    """The invitation behind an answer link, or LinkProblem saying politely why it cannot be answered."""
    invitation = invitation_by_token(token)
    if invitation is None:
        raise LinkProblem("unknown")
    if invitation.used_at is not None:
        raise LinkProblem("used", invitation.survey)
    if invitation.expires_at is not None and invitation.expires_at < now():
        raise LinkProblem("expired", invitation.survey)
    if live_version(invitation.survey) is None:
        raise LinkProblem("closed", invitation.survey)
    return invitation


def start_invited_response(invitation: Invitation) -> Response:
    """The invitation's response, started now or resumed; it shares the invitation's token."""
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is not None:
        return response
    contact = invitation.contact
    response = Response(survey=live_version(invitation.survey), invitation=invitation,
                        token_hash=invitation.token_hash, via="invitation", channel=invitation.channel,
                        service_area_id=invitation.service_area_id, regime=contact.regime, draft={})
    db.session.add(response)
    db.session.commit()
    return response


def start_open_response(survey: Survey, channel: str) -> tuple[Response, str]:
    """A response through a kiosk, QR code or web link: no invitation, nothing known about who is answering."""
    token, hashed = new_token()
    response = Response(survey=survey, token_hash=hashed, via="open", channel=channel, draft={})
    db.session.add(response)
    db.session.commit()
    return response, token


def response_for_token(token: str) -> Response:
    response = db.session.scalar(select(Response).where(Response.token_hash == token_hash(token)))
    if response is None:
        raise LinkProblem("unknown")
    if response.status == ResponseStatus.SUBMITTED:
        raise LinkProblem("used", response.survey)
    invitation = response.invitation
    if invitation is not None and invitation.expires_at is not None and invitation.expires_at < now():
        raise LinkProblem("expired", response.survey)
    if response.survey.state != SurveyState.LIVE:
        raise LinkProblem("closed", response.survey)
    return response


def submitted_response(token: str) -> Response | None:
    """The response behind an answering link, if it has been submitted."""
    return db.session.scalar(select(Response).where(Response.token_hash == token_hash(token),
                                                    Response.status == ResponseStatus.SUBMITTED))


def _answer_matches(value: object, wanted: str | None) -> bool:
    if isinstance(value, list):
        return wanted in value
    return value == wanted


def visible_questions(survey: Survey, draft: dict, regime: str | None) -> list[Question]:
    """Questions this respondent should see, in order, given their answers so far.

    Tenant Satisfaction Measures go only to the council's own tenants (Regulator of Social Housing TSM
    standard); a conditional question shows only if its earlier question is itself shown and answered so.
    """
    shown: list[Question] = []
    shown_ids: set[int] = set()
    for question in survey.all_questions:
        if question.tsm_code and regime != "ho":
            continue
        trigger = question.condition_question_id
        if trigger is not None and (trigger not in shown_ids
                                    or not _answer_matches(draft.get(str(trigger)), question.condition_value)):
            continue
        shown.append(question)
        shown_ids.add(question.id)
    return shown


def pages(response: Response) -> list[Section]:
    """The sections this respondent will see: those with at least one visible question."""
    visible = {q.section_id for q in visible_questions(response.survey, response.draft, response.regime)}
    return [s for s in response.survey.sections if s.id in visible]


def questions_on(response: Response, section: Section) -> list[Question]:
    return [q for q in visible_questions(response.survey, response.draft, response.regime)
            if q.section_id == section.id]


def save_section(response: Response, section: Section, answers: dict[int, object]) -> None:
    """Keep one page's answers (blank optional answers are kept as blank) and drop any now hidden."""
    draft = dict(response.draft or {})
    for question_id, value in answers.items():
        draft[str(question_id)] = value
    visible = {str(q.id) for q in visible_questions(response.survey, draft, response.regime)}
    response.draft = {key: value for key, value in draft.items() if key in visible}
    db.session.commit()


def _is_blank(value: object) -> bool:
    return value is None or value == "" or value == []


def first_unanswered(response: Response) -> Section | None:
    """The first page with a required question not answered yet (None when the response is complete)."""
    for question in visible_questions(response.survey, response.draft, response.regime):
        if str(question.id) not in response.draft or (question.required
                                                      and _is_blank(response.draft.get(str(question.id)))):
            return question.section
    return None


def _answer_rows(response: Response, question: Question, value: object, month) -> list[Answer]:
    common = {"response_id": response.id, "question_id": question.id, "survey_id": response.survey_id,
              "month": month, "channel": response.channel}
    if question.type_enum == QuestionType.TEXT:
        # Scored for sentiment as it is written (core.sentiment.registry; the registration is in surveys.models).
        return [Answer(**common, text=str(value))]
    values = value if isinstance(value, list) else [value]
    rows = []
    for part, choice in enumerate(values):
        score = question.score(choice)
        rows.append(Answer(**common, part=part, choice=choice, number=score.number, satisfied=score.satisfied,
                           net=score.net, nps=score.nps, kept=score.kept))
    return rows


class AlreadySubmitted(LinkProblem):
    """The response was submitted before, or a moment ago by the same answers sent at once: nothing more is stored."""

    def __init__(self, survey: Survey | None = None):
        super().__init__("used", survey)


def submit_response(response: Response) -> None:
    """Write the answers out, spend the invitation, and close the response to further changes.

    Submitted at most once, however many times (and however simultaneously) the check page is sent: the response is
    closed by a conditional UPDATE that only one transaction can make, and the answers' unique constraint refuses a
    second set. Either way the repeat stores nothing and raises AlreadySubmitted.
    """
    if response.status == ResponseStatus.SUBMITTED:
        raise AlreadySubmitted(response.survey)
    if first_unanswered(response) is not None:
        raise SurveyRuleError("Some questions still need an answer.")
    survey = response.survey
    moment = now()
    month = today().replace(day=1)
    rows = [row for question in visible_questions(survey, response.draft, response.regime)
            if not _is_blank(value := response.draft.get(str(question.id)))
            for row in _answer_rows(response, question, value, month)]
    closed = db.session.execute(
        update(Response).where(Response.id == response.id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(status=ResponseStatus.SUBMITTED, submitted_at=moment, month=month)
        .execution_options(synchronize_session=False))
    if closed.rowcount != 1:
        db.session.rollback()
        raise AlreadySubmitted(survey)
    db.session.add_all(rows)
    if response.invitation is not None:
        response.invitation.used_at = moment
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AlreadySubmitted(survey) from None
