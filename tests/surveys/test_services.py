"""Building surveys (the versioning rule, conditions, TP09) and answering them (drafts, visibility, submission)."""

from datetime import date

import pytest

from core.audit import history_for
from core.models import Role
from core.sentiment.scoring import score
from core.timesource import set_today
from surveys import answering, services
from surveys.models import Answer, QuestionType, Response, Survey, SurveyState
from surveys.services import QuestionSpec, SurveyRuleError
from tests.helpers import make_charter, make_staff
from tests.surveys.factories import make_survey


@pytest.fixture
def officer(db):
    return make_staff(role=Role.POLICY_OFFICER)


def test_create_survey_starts_as_a_draft_with_one_section_and_a_unique_slug(officer):
    first = services.create_survey(title="How did we do on the phone?", description="", by=officer)
    second = services.create_survey(title="How did we do on the phone?", description=None, by=officer)
    assert first.state == SurveyState.DRAFT
    assert first.slug == "how-did-we-do-on-the-phone"
    assert second.slug == "how-did-we-do-on-the-phone-2"
    assert [s.title for s in first.sections] == ["Your experience"]
    assert history_for(first)[0].action == "survey_created"


def test_questions_of_a_live_survey_cannot_change(officer, db):
    survey = make_survey(state=SurveyState.LIVE)
    question = survey.all_questions[0]
    spec = QuestionSpec(section=survey.sections[0], type=QuestionType.YES_NO, text="Changed?")
    for attempt in (lambda: services.update_question(question, spec, by=officer),
                    lambda: services.add_question(spec, by=officer),
                    lambda: services.delete_question(question, by=officer),
                    lambda: services.add_section(survey, title="More", description=None, by=officer),
                    lambda: services.update_survey_details(survey, title="New", description=None, by=officer)):
        with pytest.raises(SurveyRuleError, match="Create a new version"):
            attempt()
    db.session.refresh(question)
    assert question.text == "How did we do?"
    assert len(survey.all_questions) == 1


def test_editing_a_live_survey_makes_a_new_version_and_leaves_the_answered_one_alone(officer, db):
    charter = make_charter()
    survey = make_survey([
        {"type": "yes_no", "text": "Did we explain clearly?", "commitments": [charter.commitments[1]]},
        {"type": "free_text", "text": "What was unclear?", "section": 2, "condition": (0, "no"), "required": False},
    ], sections=2)
    copy = services.new_version(survey, by=officer)
    assert (copy.slug, copy.version, copy.state, copy.replaces_id) == (survey.slug, 2, SurveyState.DRAFT, survey.id)
    original_ids = {q.id for q in survey.all_questions}
    copied = copy.all_questions
    assert {q.id for q in copied}.isdisjoint(original_ids)
    assert [q.text for q in copied] == ["Did we explain clearly?", "What was unclear?"]
    assert copied[0].commitments == [charter.commitments[1]]
    assert copied[1].condition_question is copied[0]  # the condition points into the new version
    assert copied[1].condition_value == "no"

    services.update_question(copied[0], QuestionSpec(section=copy.sections[0], type="yes_no",
                                                     text="Did we explain our decision clearly?"), by=officer)
    assert survey.all_questions[0].text == "Did we explain clearly?"

    with pytest.raises(SurveyRuleError, match="already being drafted"):
        services.new_version(survey, by=officer)
    services.make_live(copy, by=officer)
    db.session.refresh(survey)
    assert survey.state == SurveyState.CLOSED  # one live version at a time
    assert services.live_version(survey) is copy


def test_a_draft_cannot_be_copied_and_only_a_live_survey_closes(officer):
    draft = make_survey(state=SurveyState.DRAFT)
    with pytest.raises(SurveyRuleError, match="still a draft"):
        services.new_version(draft, by=officer)
    with pytest.raises(SurveyRuleError, match="Only a live survey"):
        services.close_survey(draft, by=officer)


def test_a_survey_goes_live_only_with_questions_on_every_page(officer):
    survey = services.create_survey(title="Empty", description=None, by=officer)
    with pytest.raises(SurveyRuleError, match="at least one question"):
        services.make_live(survey, by=officer)
    services.add_question(QuestionSpec(section=survey.sections[0], type="yes_no", text="Q?"), by=officer)
    services.add_section(survey, title="Second page", description=None, by=officer)
    with pytest.raises(SurveyRuleError, match="has no questions"):
        services.make_live(survey, by=officer)


@pytest.mark.parametrize(("kind", "options", "message"), [
    ("single_choice", ["Only one"], "at least 2 options"),
    ("multiple_choice", ["Same", "same"], "must be different"),
    ("rating", ["1", "2", "3"], "5 labels"),
])
def test_question_options_are_checked(officer, kind, options, message):
    survey = make_survey(state=SurveyState.DRAFT)
    spec = QuestionSpec(section=survey.sections[0], type=kind, text="Q?", options=options)
    with pytest.raises(SurveyRuleError, match=message):
        services.add_question(spec, by=officer)


def test_rating_questions_get_default_labels_and_other_types_drop_options(officer):
    survey = make_survey(state=SurveyState.DRAFT)
    rating = services.add_question(QuestionSpec(section=survey.sections[0], type="rating", text="Rate us"), by=officer)
    assert rating.options[0] == "Very dissatisfied" and rating.options[4] == "Very satisfied"
    assert [value for value, _ in rating.choices()] == ["5", "4", "3", "2", "1"]  # best first, as residents see it
    yes_no = services.add_question(QuestionSpec(section=survey.sections[0], type="yes_no", text="Q?",
                                                options=["ignored"]), by=officer)
    assert yes_no.options == []


def test_a_condition_must_point_to_an_earlier_section_and_a_real_answer(officer):
    survey = make_survey([{"type": "yes_no", "text": "First?"}], state=SurveyState.DRAFT, sections=2)
    trigger = survey.all_questions[0]
    same_page = QuestionSpec(section=survey.sections[0], type="free_text", text="Why?", condition_question=trigger,
                             condition_value="no")
    assert services.check_spec(same_page) == [("condition", "A question can only depend on a question in an "
                                                            "earlier section")]
    impossible = QuestionSpec(section=survey.sections[1], type="free_text", text="Why?", condition_question=trigger,
                              condition_value="maybe")
    assert services.check_spec(impossible) == [("condition", "Select an answer the earlier question can have")]
    fine = QuestionSpec(section=survey.sections[1], type="free_text", text="Why?", condition_question=trigger,
                        condition_value="no")
    assert services.check_spec(fine) == []


def test_a_question_others_depend_on_cannot_be_deleted(officer):
    survey = make_survey([{"type": "yes_no", "text": "First?"},
                          {"type": "free_text", "text": "Why not?", "section": 2, "condition": (0, "no")}],
                         state=SurveyState.DRAFT, sections=2)
    with pytest.raises(SurveyRuleError, match="Why not"):
        services.delete_question(survey.all_questions[0], by=officer)
    with pytest.raises(SurveyRuleError, match="Why not"):
        services.delete_section(survey.sections[0], by=officer)
    services.delete_question(survey.all_questions[1], by=officer)
    services.delete_question(survey.all_questions[0], by=officer)
    assert survey.all_questions == []


def test_questions_move_within_their_section(officer):
    survey = make_survey([{"type": "yes_no", "text": "A"}, {"type": "yes_no", "text": "B"},
                          {"type": "yes_no", "text": "C"}], state=SurveyState.DRAFT)
    services.move_question(survey.all_questions[2], -1, by=officer)
    assert [q.text for q in survey.all_questions] == ["A", "C", "B"]
    services.move_question(survey.all_questions[0], -1, by=officer)  # already first: nothing happens
    assert [q.text for q in survey.all_questions] == ["A", "C", "B"]


def test_tp09_question_has_the_regulator_wording_and_scale(officer):
    survey = make_survey(state=SurveyState.DRAFT)
    question = services.add_tp09_question(survey.sections[0], landlord="Harrow Council", commitments=[], by=officer)
    assert question.text == ("How satisfied or dissatisfied are you with Harrow Council's approach to complaints "
                             "handling?")
    assert question.tsm_code == "TP09"
    assert [label for _, label in question.choices()] == [
        "Very satisfied", "Fairly satisfied", "Neither satisfied nor dissatisfied", "Fairly dissatisfied",
        "Very dissatisfied"]
    with pytest.raises(SurveyRuleError, match="already asks"):
        services.add_tp09_question(survey.sections[0], landlord="Harrow Council", commitments=[], by=officer)


# --- Answering ------------------------------------------------------------------------------------------------


def _conditional_survey() -> Survey:
    return make_survey([
        {"type": "good_average_poor", "text": "How was the call?"},
        {"type": "yes_no", "text": "Did we explain clearly?"},
        {"type": "free_text", "text": "What was unclear?", "section": 2, "condition": (1, "no"), "required": False},
        {"type": "rating", "text": "TP09", "section": 2, "tsm_code": "TP09"},
    ], sections=2)


def test_conditional_questions_show_only_after_the_matching_answer(db):
    survey = _conditional_survey()
    response, _token = answering.start_open_response(survey, "phone")
    answering.save_section(response, survey.sections[0], {survey.all_questions[0].id: "good",
                                                          survey.all_questions[1].id: "yes"})
    assert answering.pages(response) == [survey.sections[0]]  # page 2 has nothing for this respondent
    answering.save_section(response, survey.sections[0], {survey.all_questions[1].id: "no"})
    assert answering.pages(response) == survey.sections
    assert [q.text for q in answering.questions_on(response, survey.sections[1])] == ["What was unclear?"]


def test_tenant_satisfaction_measures_are_asked_only_of_tenants(db):
    survey = _conditional_survey()
    questions = survey.all_questions
    assert questions[3] not in answering.visible_questions(survey, {}, regime="lgsco")
    assert questions[3] not in answering.visible_questions(survey, {}, regime=None)
    assert questions[3] in answering.visible_questions(survey, {}, regime="ho")


def test_changing_an_answer_drops_answers_to_questions_now_hidden(db):
    survey = _conditional_survey()
    q = survey.all_questions
    response, _ = answering.start_open_response(survey, "phone")
    answering.save_section(response, survey.sections[0], {q[0].id: "poor", q[1].id: "no"})
    answering.save_section(response, survey.sections[1], {q[2].id: "The letter"})
    answering.save_section(response, survey.sections[0], {q[0].id: "poor", q[1].id: "yes"})
    assert str(q[2].id) not in response.draft


def test_submission_writes_scored_answers_and_spends_the_response(db):
    set_today(date(2026, 11, 20))
    survey = make_survey([
        {"type": "good_average_poor", "text": "How was it?"},
        {"type": "rating", "text": "Rate us"},
        {"type": "nps", "text": "Recommend?"},
        {"type": "multiple_choice", "text": "What helped?", "options": ["Speed", "Kindness", "Clarity"]},
        {"type": "free_text", "text": "Anything else?", "required": False},
    ])
    q = survey.all_questions
    response, _ = answering.start_open_response(survey, "visit")
    assert answering.first_unanswered(response) == survey.sections[0]
    answering.save_section(response, survey.sections[0], {q[0].id: "average", q[1].id: "4", q[2].id: "6",
                                                          q[3].id: ["Speed", "Clarity"], q[4].id: ""})
    answering.submit_response(response)
    answers = db.session.scalars(db.select(Answer).order_by(Answer.id)).all()
    assert [(a.choice, a.satisfied, a.net, a.nps, a.number) for a in answers] == [
        ("average", 0, 0, None, None), ("4", 1, 1, None, 4), ("6", None, None, -1, 6),
        ("Speed", None, None, None, None), ("Clarity", None, None, None, None)]
    assert {a.month for a in answers} == {date(2026, 11, 1)}
    assert {a.channel for a in answers} == {"visit"}
    assert response.status == "submitted"
    with pytest.raises(answering.LinkProblem):
        answering.submit_response(response)


def test_submission_refuses_missing_required_answers(db):
    survey = make_survey([{"type": "yes_no", "text": "Q?"}])
    response, _ = answering.start_open_response(survey, "phone")
    with pytest.raises(SurveyRuleError):
        answering.submit_response(response)
    assert db.session.scalar(db.select(db.func.count()).select_from(Answer)) == 0


def test_free_text_is_scored_for_sentiment_once_when_written(db):
    survey = make_survey([{"type": "free_text", "text": "Tell us more"}, {"type": "yes_no", "text": "Q?"}])
    response, _ = answering.start_open_response(survey, "phone")
    q = survey.all_questions
    answering.save_section(response, survey.sections[0], {q[0].id: "Nobody called me back and staff were rude",
                                                          q[1].id: "no"})
    answering.submit_response(response)
    text, choice = db.session.scalars(db.select(Answer).order_by(Answer.id)).all()
    expected = score("Nobody called me back and staff were rude")
    assert (text.sentiment_label, text.sentiment_version) == (expected.label, expected.version)
    assert text.sentiment_label == "negative"
    assert choice.sentiment_label is None  # only free text is scored


def test_open_responses_are_anonymous(db):
    survey = make_survey()
    response, token = answering.start_open_response(survey, "visit")
    assert answering.response_for_token(token) is response
    assert (response.invitation_id, response.service_area_id, response.via) == (None, None, "open")
    assert token not in response.token_hash
    assert db.session.scalar(db.select(db.func.count()).select_from(Response)) == 1
