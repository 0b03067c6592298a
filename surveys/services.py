"""Survey writes and rules: building surveys, going live, new versions, and residents answering them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Commitment, StaffUser
from core.once import token_hash
from core.timesource import now, today
from surveys.models import (
    DEFAULT_RATING_LABELS,
    TP09_LABELS,
    TP09_TEXT,
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


class SurveyRuleError(RuleError):
    """A survey rule stopped the change; the message is safe to show to staff."""


def new_token() -> tuple[str, str]:
    """A random link token and its SHA-256; only the hash is stored."""
    token = secrets.token_urlsafe(24)
    return token, token_hash(token)


# --- Building -------------------------------------------------------------------------------------------------


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:50].strip("-")
    return slug or "survey"


def create_survey(*, title: str, description: str | None, by: StaffUser) -> Survey:
    base = slugify(title)
    slug, n = base, 1
    while db.session.scalar(select(func.count()).select_from(Survey).where(Survey.slug == slug)):
        n += 1
        slug = f"{base}-{n}"
    survey = Survey(slug=slug, version=1, title=title.strip(), description=(description or "").strip() or None,
                    state=SurveyState.DRAFT, created_by_id=by.id)
    survey.sections.append(Section(position=1, title="Your experience"))
    db.session.add(survey)
    record_audit(survey, "survey_created", by=by, after={"title": survey.title}, summary="Survey created")
    db.session.commit()
    return survey


def require_draft(survey: Survey) -> None:
    """A live or closed survey's questions are fixed: answers already given must keep meaning what they meant."""
    if not survey.is_draft:
        raise SurveyRuleError("You can only change a draft survey. Create a new version to change a live survey.")


def update_survey_details(survey: Survey, *, title: str, description: str | None, by: StaffUser) -> None:
    require_draft(survey)
    before = {"title": survey.title, "description": survey.description}
    survey.title = title.strip()
    survey.description = (description or "").strip() or None
    record_audit(survey, "survey_details_changed", by=by, before=before,
                 after={"title": survey.title, "description": survey.description})
    db.session.commit()


def add_section(survey: Survey, *, title: str, description: str | None, by: StaffUser) -> Section:
    require_draft(survey)
    section = Section(position=len(survey.sections) + 1, title=title.strip(),
                      description=(description or "").strip() or None)
    survey.sections.append(section)
    record_audit(survey, "section_added", by=by, after={"title": section.title})
    db.session.commit()
    return section


def update_section(section: Section, *, title: str, description: str | None, by: StaffUser) -> None:
    require_draft(section.survey)
    section.title = title.strip()
    section.description = (description or "").strip() or None
    record_audit(section.survey, "section_changed", by=by, after={"title": section.title})
    db.session.commit()


def delete_section(section: Section, *, by: StaffUser) -> None:
    survey = section.survey
    require_draft(survey)
    if len(survey.sections) == 1:
        raise SurveyRuleError("A survey needs at least one section.")
    for question in section.questions:
        _refuse_if_depended_on(question, leaving=set(section.questions))
    survey.sections.remove(section)
    for position, remaining in enumerate(survey.sections, start=1):
        remaining.position = position
    record_audit(survey, "section_deleted", by=by, before={"title": section.title})
    db.session.commit()


@dataclass
class QuestionSpec:
    """What the builder form says a question should be."""

    section: Section
    type: str
    text: str
    hint: str | None = None
    required: bool = True
    options: list[str] = field(default_factory=list)
    commitments: list[Commitment] = field(default_factory=list)
    condition_question: Question | None = None
    condition_value: str | None = None
    tsm_code: str | None = None


def check_spec(spec: QuestionSpec, question: Question | None = None) -> list[tuple[str, str]]:
    """Problems with a question as (form field, message); empty when it can be saved."""
    problems = []
    kind = QuestionType(spec.type)
    options = [o.strip() for o in spec.options if o.strip()]
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        if len(options) < 2:
            problems.append(("options", "Enter at least 2 options, one on each line"))
        elif len(set(o.lower() for o in options)) != len(options):
            problems.append(("options", "Each option must be different"))
        elif any(len(o) > 200 for o in options):
            problems.append(("options", "Each option must be 200 characters or fewer"))
    if kind == QuestionType.RATING and options and len(options) != 5:
        problems.append(("options", "Enter 5 labels for a rating scale, one on each line, from 1 (worst) to 5 (best)"))
    if spec.condition_question is not None:
        trigger = spec.condition_question
        if trigger.section.position >= spec.section.position:
            problems.append(("condition", "A question can only depend on a question in an earlier section"))
        elif spec.condition_value not in dict(trigger.choices()):
            problems.append(("condition", "Select an answer the earlier question can have"))
        if question is not None and trigger.id == question.id:
            problems.append(("condition", "A question cannot depend on itself"))
    return problems


def _apply_spec(question: Question, spec: QuestionSpec) -> None:
    kind = QuestionType(spec.type)
    options = [o.strip() for o in spec.options if o.strip()]
    if kind == QuestionType.RATING and not options:
        options = list(DEFAULT_RATING_LABELS)
    if kind not in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.RATING):
        options = []
    question.type = kind.value
    question.text = spec.text.strip()
    question.hint = (spec.hint or "").strip() or None
    question.required = spec.required
    question.options = options
    question.commitments = list(spec.commitments)
    question.condition_question = spec.condition_question
    question.condition_value = spec.condition_value if spec.condition_question is not None else None
    question.tsm_code = spec.tsm_code


def add_question(spec: QuestionSpec, *, by: StaffUser) -> Question:
    survey = spec.section.survey
    require_draft(survey)
    problems = check_spec(spec)
    if problems:
        raise SurveyRuleError(problems[0][1])
    question = Question(survey_id=survey.id, position=len(spec.section.questions) + 1)
    _apply_spec(question, spec)
    spec.section.questions.append(question)
    db.session.flush()
    record_audit(survey, "question_added", by=by, after={"question": question.text, "type": question.type})
    db.session.commit()
    return question


def update_question(question: Question, spec: QuestionSpec, *, by: StaffUser) -> None:
    survey = question.section.survey
    require_draft(survey)
    problems = check_spec(spec, question)
    if problems:
        raise SurveyRuleError(problems[0][1])
    before = {"question": question.text, "type": question.type, "options": question.options}
    if spec.section is not question.section:
        _refuse_if_depended_on(question, leaving={question}, moving_to=spec.section)
        old = question.section
        old.questions.remove(question)
        _renumber(old)
        question.position = len(spec.section.questions) + 1
        spec.section.questions.append(question)
    _apply_spec(question, spec)
    record_audit(survey, "question_changed", by=by, before=before,
                 after={"question": question.text, "type": question.type, "options": question.options})
    db.session.commit()


def _dependants(question: Question) -> list[Question]:
    return [q for q in question.section.survey.all_questions if q.condition_question_id == question.id]


def _refuse_if_depended_on(question: Question, *, leaving: set, moving_to: Section | None = None) -> None:
    for dependant in _dependants(question):
        if dependant in leaving:
            continue
        if moving_to is None or moving_to.position >= dependant.section.position:
            raise SurveyRuleError(f"“{dependant.text}” is shown depending on this question's answer. "
                                  "Change that question first.")


def delete_question(question: Question, *, by: StaffUser) -> None:
    section = question.section
    require_draft(section.survey)
    _refuse_if_depended_on(question, leaving={question})
    section.questions.remove(question)
    _renumber(section)
    record_audit(section.survey, "question_deleted", by=by, before={"question": question.text})
    db.session.commit()


def _renumber(section: Section) -> None:
    for position, question in enumerate(section.questions, start=1):
        question.position = position


def move_question(question: Question, step: int, *, by: StaffUser) -> None:
    """Move a question up (-1) or down (+1) within its section."""
    section = question.section
    require_draft(section.survey)
    index = section.questions.index(question)
    target = index + step
    if not 0 <= target < len(section.questions):
        return
    questions = list(section.questions)
    questions[index], questions[target] = questions[target], questions[index]
    for position, item in enumerate(questions, start=1):
        item.position = position
    section.questions.sort(key=lambda q: q.position)
    record_audit(section.survey, "question_moved", by=by, after={"question": question.text})
    db.session.commit()


def add_tp09_question(section: Section, *, landlord: str, commitments: list[Commitment], by: StaffUser) -> Question:
    """Add the Tenant Satisfaction Measure TP09 question (complaint handling), asked only of the council's tenants."""
    if any(q.tsm_code == "TP09" for q in section.survey.all_questions):
        raise SurveyRuleError("This survey already asks the TP09 question.")
    spec = QuestionSpec(section=section, type=QuestionType.RATING, text=TP09_TEXT.format(landlord=landlord),
                        options=list(TP09_LABELS), commitments=commitments, tsm_code="TP09")
    return add_question(spec, by=by)


def make_live(survey: Survey, *, by: StaffUser) -> None:
    """Open a draft for answers; the previous live version of the same survey closes."""
    require_draft(survey)
    if not survey.all_questions:
        raise SurveyRuleError("Add at least one question before making the survey live.")
    empty = [s.title for s in survey.sections if not s.questions]
    if empty:
        raise SurveyRuleError(f"The section “{empty[0]}” has no questions. Add a question or delete the section.")
    moment = now()
    for other in db.session.scalars(select(Survey).where(Survey.slug == survey.slug, Survey.id != survey.id,
                                                         Survey.state == SurveyState.LIVE)):
        other.state = SurveyState.CLOSED
        other.closed_at = moment
        record_audit(other, "survey_closed", by=by, summary=f"Replaced by version {survey.version}")
    survey.state = SurveyState.LIVE
    survey.live_at = moment
    record_audit(survey, "survey_live", by=by, summary=f"Version {survey.version} is live")
    db.session.commit()


def close_survey(survey: Survey, *, by: StaffUser) -> None:
    if survey.state != SurveyState.LIVE:
        raise SurveyRuleError("Only a live survey can be closed.")
    survey.state = SurveyState.CLOSED
    survey.closed_at = now()
    record_audit(survey, "survey_closed", by=by)
    db.session.commit()


def new_version(survey: Survey, *, by: StaffUser) -> Survey:
    """Copy a live or closed survey into a new draft version, leaving the answered one untouched."""
    if survey.is_draft:
        raise SurveyRuleError("This survey is still a draft: change it directly.")
    existing = db.session.scalar(select(Survey).where(Survey.slug == survey.slug, Survey.state == SurveyState.DRAFT))
    if existing is not None:
        raise SurveyRuleError(f"Version {existing.version} of this survey is already being drafted.")
    latest = db.session.scalar(select(func.max(Survey.version)).where(Survey.slug == survey.slug))
    copy = Survey(slug=survey.slug, version=latest + 1, title=survey.title, description=survey.description,
                  state=SurveyState.DRAFT, created_by_id=by.id, replaces_id=survey.id)
    db.session.add(copy)
    db.session.flush()
    copies: dict[int, Question] = {}
    for section in survey.sections:
        new_section = Section(position=section.position, title=section.title, description=section.description)
        copy.sections.append(new_section)
        for question in section.questions:
            clone = Question(survey_id=copy.id, position=question.position, type=question.type, text=question.text,
                             hint=question.hint, required=question.required, options=list(question.options),
                             commitments=list(question.commitments), condition_value=question.condition_value,
                             tsm_code=question.tsm_code)
            clone.condition_question = copies.get(question.condition_question_id)
            copies[question.id] = clone
            new_section.questions.append(clone)
    record_audit(copy, "survey_version_created", by=by, summary=f"Version {copy.version} drafted from "
                                                                f"version {survey.version}")
    db.session.commit()
    return copy


def live_version(survey: Survey) -> Survey | None:
    """The live version of this survey (this one or a later one), if any."""
    if survey.state == SurveyState.LIVE:
        return survey
    return db.session.scalar(select(Survey).where(Survey.slug == survey.slug, Survey.state == SurveyState.LIVE))


def live_survey_by_slug(slug: str) -> Survey | None:
    return db.session.scalar(select(Survey).where(Survey.slug == slug, Survey.state == SurveyState.LIVE))


def any_survey_with_slug(slug: str) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Survey).where(Survey.slug == slug)))


# --- Answering ------------------------------------------------------------------------------------------------


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
