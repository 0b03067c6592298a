"""The optional equality questions on a post-contact survey: the builder adds them once, to a draft only, and the
year's answers are counted by question and answer, leaving out other years and consultations (hand-counted)."""

from __future__ import annotations

from datetime import date

from core.equality import EQUALITY_QUESTIONS
from core.models import AuditEvent, Role
from surveys.equality import EQUALITY_HINT, equality_answer_counts
from tests.helpers import page
from tests.surveys.factories import make_response, make_survey

SEX = {"type": "single_choice", "text": "What is your sex?", "options": ["Female", "Male", "Prefer not to say"],
       "required": False, "equality_key": "sex", "section": 2}
AGE = {"type": "single_choice", "text": "What is your age?", "options": ["18 to 24", "25 to 34"],
       "required": False, "equality_key": "age_band", "section": 2}


def test_the_builder_adds_the_equality_questions_once_to_a_draft(client, login_as, db):
    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}], state="draft")
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(f"/surveys/{survey.id}"))
    assert soup.select_one(f"form[action='/surveys/{survey.id}/questions/equality'] button").get_text(
        strip=True) == "Add the optional equality questions"

    response = client.post(f"/surveys/{survey.id}/questions/equality")
    assert response.status_code == 302
    assert "are added" in page(client.get(response.location)).select_one(".govuk-notification-banner").get_text()
    about = survey.sections[-1]
    assert (len(survey.sections), about.title, about.description) == (2, "About you", EQUALITY_HINT)
    assert [q.equality_key for q in about.questions] == list(EQUALITY_QUESTIONS)
    assert [q.text for q in about.questions][1] == "What is your sex?"
    assert about.questions[1].options == ["Female", "Male", "Prefer not to say"]
    assert not any(q.required for q in about.questions) and {q.type for q in about.questions} == {"single_choice"}
    audited = db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.target_id == survey.id)).all()
    assert "equality_questions_added" in audited

    soup = page(client.get(client.post(f"/surveys/{survey.id}/questions/equality").location))
    assert "This survey already asks the optional equality questions." in soup.select_one(
        ".govuk-notification-banner").get_text()
    assert len(survey.sections) == 2 and len(survey.all_questions) == 1 + len(EQUALITY_QUESTIONS)


def test_a_live_survey_is_refused_the_equality_questions(client, login_as, db):
    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}])
    login_as(Role.POLICY_OFFICER)
    soup = page(client.get(client.post(f"/surveys/{survey.id}/questions/equality").location))
    assert "You can only change a draft survey" in soup.select_one(".govuk-notification-banner").get_text()
    assert len(survey.sections) == 1 and not any(q.equality_key for q in survey.all_questions)


def test_a_new_version_keeps_which_questions_are_the_equality_questions(db):
    from surveys.services import new_version
    from tests.helpers import make_staff

    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}, SEX], sections=2)
    copy = new_version(survey, by=make_staff(role=Role.POLICY_OFFICER))
    assert [q.equality_key for q in copy.all_questions] == [None, "sex"]


def test_the_years_answers_are_counted_without_consultations_or_other_years(db):
    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}, SEX, AGE], sections=2)
    july = date(2025, 7, 1)
    for values in (["good", "Female", "18 to 24"], ["good", "Female", "18 to 24"], ["poor", "Female", None],
                   ["good", "Male", "18 to 24"]):
        make_response(survey, values, month=july)
    make_response(survey, ["good", "Male", "25 to 34"], month=date(2025, 3, 1))  # the year before
    consultation = make_survey([SEX | {"section": 1}], slug="charter-consultation-99", state="closed")
    for _ in range(3):
        make_response(consultation, ["Male"], month=july)
    assert equality_answer_counts(date(2025, 4, 1), date(2026, 3, 31)) == [
        ("What is your age?", "18 to 24", 3), ("What is your sex?", "Female", 3), ("What is your sex?", "Male", 1)]


def test_the_raw_answers_download_leaves_the_equality_answers_out(db):
    from surveys.exports import raw_answers_csv

    survey = make_survey([{"type": "good_average_poor", "text": "How did we do?"}, SEX], sections=2)
    make_response(survey, ["good", "Female"], month=date(2025, 7, 1))
    lines = "".join(raw_answers_csv(survey)).splitlines()
    assert "How did we do?" in lines[0] and "sex" not in lines[0].lower()
    assert "Female" not in lines[1] and "Good" in lines[1]
