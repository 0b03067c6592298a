"""The answering form generated for each survey section, and its GOV.UK error wording."""

from werkzeug.datastructures import MultiDict
from wtforms import RadioField, SelectMultipleField, TextAreaField

from surveys.forms import MAX_TEXT_ANSWER, answers_from, build_section_form, initial_data
from tests.surveys.factories import make_survey


def _survey():
    return make_survey([
        {"type": "good_average_poor", "text": "How was the call?"},
        {"type": "multiple_choice", "text": "What helped?", "options": ["Speed", "Kindness"]},
        {"type": "free_text", "text": "Anything else?", "required": False},
        {"type": "nps", "text": "Recommend us?", "required": False},
    ])


def _form(app, questions, data):
    with app.test_request_context(method="POST", data=data):
        form = build_section_form(questions)()
        form.validate()
        return form


def test_one_field_per_question_of_the_right_kind(app, db):
    survey = _survey()
    questions = survey.all_questions
    form_class = build_section_form(questions)
    with app.test_request_context():
        form = form_class()
    kinds = [type(form[f"q{q.id}"]) for q in questions]
    assert kinds == [RadioField, SelectMultipleField, TextAreaField, RadioField]
    assert [c.value for c in form[f"q{questions[0].id}"].choices] == ["good", "average", "poor"]
    assert [c.value for c in form[f"q{questions[3].id}"].choices][:2] == ["10", "9"]


def test_required_questions_get_gov_uk_errors_and_the_other_answers_are_kept(app, db):
    questions = _survey().all_questions
    form = _form(app, questions, MultiDict({f"q{questions[2].id}": "Kind staff", f"q{questions[3].id}": "7"}))
    assert form.errors == {
        f"q{questions[0].id}": ["Select your answer to ‘How was the call?’"],
        f"q{questions[1].id}": ["Select at least one answer to ‘What helped?’"],
    }
    assert form[f"q{questions[2].id}"].data == "Kind staff"
    assert form[f"q{questions[3].id}"].data == "7"


def test_optional_questions_may_be_left_blank(app, db):
    questions = _survey().all_questions
    data = MultiDict([(f"q{questions[0].id}", "good"), (f"q{questions[1].id}", "Speed"),
                      (f"q{questions[1].id}", "Kindness")])
    form = _form(app, questions, data)
    assert form.errors == {}
    assert answers_from(form, questions) == {questions[0].id: "good", questions[1].id: ["Speed", "Kindness"],
                                             questions[2].id: "", questions[3].id: ""}


def test_answers_outside_the_options_and_overlong_text_are_refused(app, db):
    questions = _survey().all_questions
    data = MultiDict([(f"q{questions[0].id}", "brilliant"), (f"q{questions[1].id}", "Bribes"),
                      (f"q{questions[2].id}", "x" * (MAX_TEXT_ANSWER + 1))])
    form = _form(app, questions, data)
    assert set(form.errors) == {f"q{questions[0].id}", f"q{questions[1].id}", f"q{questions[2].id}"}
    assert form.errors[f"q{questions[2].id}"] == ["Your answer must be 2,000 characters or fewer"]


def test_saved_answers_fill_the_form_when_coming_back(app, db):
    questions = _survey().all_questions
    draft = {str(questions[0].id): "poor", str(questions[1].id): ["Kindness"]}
    with app.test_request_context():
        form = build_section_form(questions)(data=initial_data(questions, draft))
    assert form[f"q{questions[0].id}"].data == "poor"
    assert form[f"q{questions[1].id}"].data == ["Kindness"]
