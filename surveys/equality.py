"""The optional equality questions a post-contact survey may ask (the ones residents are asked when they give
feedback and in a charter consultation, core.equality): adding them in the builder, and counting the year's answers
for the annual pack. Surveys other packages make for their own purposes (a charter consultation counts its own
equality answers) are left out, told apart as surveys.comments tells them apart: by their registered slug prefix."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.audit import record_audit
from core.equality import EQUALITY_QUESTIONS
from core.extensions import db
from core.models import StaffUser
from surveys.comments import post_contact_only
from surveys.models import Answer, Question, QuestionType, Section, Survey
from surveys.services import SurveyRuleError, require_draft

EQUALITY_SECTION = "About you"
EQUALITY_HINT = ("These questions are optional. We use the answers only to check that we serve every part of the "
                 "community; we publish them only as totals, never anyone’s own answers.")


def asks_equality(survey: Survey) -> bool:
    return any(question.equality_key for question in survey.all_questions)


def add_equality_questions(survey: Survey, *, by: StaffUser) -> Section:
    """Add an "About you" section at the end of a draft survey with the optional equality questions, each a single
    choice that may be left unanswered."""
    require_draft(survey)
    if asks_equality(survey):
        raise SurveyRuleError("This survey already asks the optional equality questions.")
    section = Section(position=len(survey.sections) + 1, title=EQUALITY_SECTION, description=EQUALITY_HINT)
    survey.sections.append(section)
    db.session.flush()
    for position, (key, (text, options)) in enumerate(EQUALITY_QUESTIONS.items(), start=1):
        section.questions.append(Question(survey_id=survey.id, position=position, type=QuestionType.SINGLE, text=text,
                                          required=False, options=[label for _value, label in options],
                                          equality_key=key))
    record_audit(survey, "equality_questions_added", by=by, after={"section": section.title,
                                                                   "questions": len(EQUALITY_QUESTIONS)})
    db.session.commit()
    return section


def equality_answer_counts(start: date, end: date) -> list[tuple[str, str, int]]:
    """The answers to the equality questions of post-contact surveys submitted in the whole months from ``start`` to
    ``end``: rows of (question, answer, count), counted in SQL by question key and answer, in the questions' and
    answers' own order. Answers no longer on the list are left out."""
    counted = {(key, choice): count for key, choice, count in db.session.execute(
        post_contact_only(
            select(Question.equality_key, Answer.choice, func.count())
            .join(Question, Question.id == Answer.question_id).join(Survey, Survey.id == Answer.survey_id)
            .where(Question.equality_key.is_not(None), Answer.choice.is_not(None),
                   Answer.month >= start.replace(day=1), Answer.month <= end))
        .group_by(Question.equality_key, Answer.choice))}
    return [(text, label, counted[key, label]) for key, (text, options) in EQUALITY_QUESTIONS.items()
            for _value, label in options if (key, label) in counted]
