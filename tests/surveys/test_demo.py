"""Demo surveys: four live surveys, answers since two review years ago, safe to load twice."""

from datetime import date

from core.demo import DEMO_STEPS, load_demo_charters
from core.equality import EQUALITY_QUESTIONS
from core.timesource import set_today
from surveys import commitment_figures, queries
from surveys.demo import load_demo_surveys
from surveys.equality import equality_answer_counts
from surveys.models import Answer, Invitation, InvitationRule, Response, Survey


def test_demo_surveys_load_once_with_a_year_of_answers(db):
    set_today(date(2026, 11, 20))
    load_demo_charters()
    assert "Surveys" in [step.name for step in DEMO_STEPS]
    summary = load_demo_surveys()
    surveys = db.session.scalars(db.select(Survey).order_by(Survey.id)).all()
    assert [s.state for s in surveys] == ["live"] * 4
    responses = db.session.scalar(db.select(db.func.count()).select_from(Response))
    assert 8000 <= responses <= 14000
    # From April 2024, the start of the review year two before 2026 to 2027, to November 2026.
    assert summary == f"4 live surveys with {responses:,} responses over 32 months"
    assert db.session.scalar(db.select(db.func.count()).select_from(InvitationRule)) == 4
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) > responses / 2
    assert load_demo_surveys() == "already loaded"
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == responses

    phone = surveys[0]
    results = queries.survey_results(phone)
    assert len(results.by_month) == 32
    assert all(f.satisfaction is not None and f.response_rate is not None for f in results.by_month)
    assert results.by_month[-1].satisfaction.value > results.by_month[0].satisfaction.value  # improving year
    assert any(q.commitments for q in phone.all_questions)
    complaint = surveys[3]
    tp09 = next(q for q in complaint.all_questions if q.tsm_code == "TP09")
    tenants = db.session.scalar(db.select(db.func.count()).select_from(Answer).where(Answer.question_id == tp09.id))
    everyone = db.session.scalar(db.select(db.func.count()).select_from(Response)
                                 .where(Response.survey_id == complaint.id))
    assert 0 < tenants < everyone  # only the council's tenants were asked TP09
    assert commitment_figures.commitment_results().commitments
    email = surveys[1]
    assert [s.title for s in email.sections] == ["Our reply", "About you"]
    assert {q.equality_key for q in email.sections[1].questions} == set(EQUALITY_QUESTIONS)
    counted = equality_answer_counts(date(2025, 4, 1), date(2026, 3, 31))
    assert {question for question, _answer, _count in counted} == {text for text, _ in EQUALITY_QUESTIONS.values()}
