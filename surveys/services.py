"""Survey writes and rules: building surveys, going live, new versions, and residents answering them."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from sqlalchemy import func, select

from core.audit import record_audit
from core.errors import RuleError
from core.extensions import db
from core.models import Commitment, StaffUser
from core.once import token_hash
from core.timesource import now
from surveys.models import (
    DEFAULT_RATING_LABELS,
    TP09_LABELS,
    TP09_TEXT,
    Question,
    QuestionType,
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
                             tsm_code=question.tsm_code, equality_key=question.equality_key)
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
