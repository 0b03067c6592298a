"""Survey factories: surveys built straight into the database, and submitted responses with scored answers."""

from __future__ import annotations

import itertools
from datetime import date, datetime

from core.extensions import db
from core.models import Commitment
from surveys.models import Answer, Question, Response, ResponseStatus, Section, Survey, SurveyState
from surveys.services import new_token

_counter = itertools.count(1)


def make_survey(questions: list[dict] | None = None, *, state: str = SurveyState.LIVE, sections: int = 1,
                **overrides) -> Survey:
    """A survey with `sections` pages; each question dict gives type, text and optionally section (1-based),
    required, options, commitments, condition=(question index, value) and tsm_code."""
    n = next(_counter)
    fields = {"slug": f"survey-{n}", "version": 1, "title": f"Survey {n}", "state": state}
    fields.update(overrides)
    survey = Survey(**fields)
    survey.sections = [Section(position=i, title=f"Page {i}") for i in range(1, sections + 1)]
    db.session.add(survey)
    db.session.flush()
    specs = questions if questions is not None else [{"type": "good_average_poor", "text": "How did we do?"}]
    made: list[Question] = []
    for spec in specs:
        section = survey.sections[spec.get("section", 1) - 1]
        question = Question(survey_id=survey.id, position=len(section.questions) + 1, type=spec["type"],
                            text=spec.get("text", f"Question {len(made) + 1}"), required=spec.get("required", True),
                            options=spec.get("options", []), commitments=spec.get("commitments", []),
                            tsm_code=spec.get("tsm_code"), equality_key=spec.get("equality_key"))
        if "condition" in spec:
            index, value = spec["condition"]
            question.condition_question = made[index]
            question.condition_value = value
        section.questions.append(question)
        made.append(question)
    db.session.commit()
    return survey


def make_response(survey: Survey, values: list[object], *, channel: str = "phone", month: date = date(2026, 10, 1),
                  invitation=None) -> Response:
    """A submitted response giving values[i] to the survey's i-th question (None skips it)."""
    _token, hashed = new_token()
    response = Response(survey_id=survey.id, token_hash=hashed, via="invitation" if invitation else "open",
                        channel=channel, status=ResponseStatus.SUBMITTED, month=month, invitation=invitation,
                        submitted_at=datetime(month.year, month.month, 15, 10, 0), draft={})
    db.session.add(response)
    db.session.flush()
    for question, value in zip(survey.all_questions, values, strict=False):
        if value is None:
            continue
        for part, choice in enumerate(value if isinstance(value, list) else [value]):
            common = {"response_id": response.id, "question_id": question.id, "part": part, "survey_id": survey.id,
                      "month": month, "channel": channel}
            if question.type == "free_text":
                db.session.add(Answer(**common, text=choice))
                continue
            score = question.score(choice)
            db.session.add(Answer(**common, choice=choice, number=score.number, satisfied=score.satisfied,
                                  net=score.net, nps=score.nps, kept=score.kept))
    if invitation is not None:
        invitation.used_at = response.submitted_at
    db.session.commit()
    return response


def commitment(charter, code: str) -> Commitment:
    return next(c for c in charter.commitments if c.code == code)
