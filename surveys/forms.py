"""Survey forms: the builder's, contacts and imports, and the answering form generated for each survey section."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    EmailField,
    Field,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation, ValidationError

from core.fields import EMAIL_FORMAT, GovDateField
from core.models import Channel
from surveys.models import Question, QuestionType, RuleTrigger

#: The longest free-text answer kept.
MAX_TEXT_ANSWER = 2000


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def question_type_choices() -> list[SelectChoice]:
    return choices((t.value, t.label) for t in QuestionType)


def contact_channel_choices() -> list[SelectChoice]:
    return choices((c.value, c.label) for c in Channel if c != Channel.ANY)


class SurveyDetailsForm(FlaskForm):
    title = StringField("Survey title", widget=GovTextInput(),
                        description="Residents see this, for example ‘How did we do on the phone?’",
                        validators=[InputRequired("Enter a title for the survey"),
                                    Length(max=200, message="Title must be 200 characters or fewer")])
    description = TextAreaField("Introduction (optional)", widget=GovTextArea(),
                                description="Shown on the first page: why you are asking and how long it takes",
                                validators=[Optional(), Length(max=2000, message="Introduction must be 2000 "
                                                                                 "characters or fewer")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class SectionForm(FlaskForm):
    title = StringField("Section title", widget=GovTextInput(), description="The heading of this page of the survey",
                        validators=[InputRequired("Enter a title for the section"),
                                    Length(max=200, message="Title must be 200 characters or fewer")])
    description = TextAreaField("Text under the heading (optional)", widget=GovTextArea(),
                                validators=[Optional(), Length(max=2000, message="Text must be 2000 characters "
                                                                                 "or fewer")])
    submit = SubmitField("Save section", widget=GovSubmitInput())


class QuestionForm(FlaskForm):
    """Builder form for one question; the view fills in sections, commitments and possible conditions."""

    section = SelectField("Section", widget=GovSelect(), validators=[InputRequired("Select a section")])
    text = TextAreaField("Question", widget=GovTextArea(),
                         validators=[InputRequired("Enter the question"),
                                     Length(max=500, message="Question must be 500 characters or fewer")])
    hint = StringField("Hint (optional)", widget=GovTextInput(), description="Help shown under the question",
                       validators=[Optional(), Length(max=500, message="Hint must be 500 characters or fewer")])
    type = RadioField("Type of answer", widget=GovRadioInput(), choices=question_type_choices,
                      validators=[InputRequired("Select the type of answer")])
    options = TextAreaField("Options", widget=GovTextArea(),
                            description="One on each line. For ‘choose one’ and ‘choose any’ questions: the options. "
                                        "For a rating scale: 5 labels from 1 (worst) to 5 (best), or leave empty "
                                        "for ‘Very dissatisfied’ to ‘Very satisfied’.",
                            validators=[Optional(), Length(max=5000, message="Options must be 5000 characters "
                                                                             "or fewer")])
    required = RadioField("Must residents answer it?", widget=GovRadioInput(),
                          choices=lambda: choices([("yes", "Yes, required"), ("no", "No, optional")]),
                          default="yes", validators=[InputRequired("Select whether the question is required")])
    commitments = SelectMultipleField("Charter commitments this question is evidence for", widget=GovCheckboxesInput(),
                                      description="Select all that apply", validate_choice=True)
    condition = SelectField("Show this question only if", widget=GovSelect(),
                            description="Only answers to questions in earlier sections can be used",
                            validators=[Optional()])
    submit = SubmitField("Save question", widget=GovSubmitInput())

    @property
    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


def _whole_hours(_form, field) -> None:
    raw = (field.data or "").strip()
    if not raw:
        raise StopValidation("Enter how many hours to wait")
    if not (raw.isascii() and raw.isdigit()):  # int() refuses superscripts, which isdigit() accepts
        raise StopValidation("Delay must be a whole number of hours, like 24")
    if int(raw) > 24 * 28:
        raise StopValidation("Delay must be 672 hours (28 days) or fewer")
    field.data = int(raw)


class RuleForm(FlaskForm):
    survey = SelectField("Survey", widget=GovSelect(), validators=[InputRequired("Select a survey")])
    trigger = RadioField("Send it when", widget=GovRadioInput(),
                         choices=lambda: choices((t.value, t.label) for t in RuleTrigger),
                         default=RuleTrigger.CONTACT.value, validators=[InputRequired("Select when to send it")])
    channel = SelectField("For contacts by", widget=GovSelect(), validators=[Optional()])
    service = SelectField("For contacts about", widget=GovSelect(), validators=[Optional()])
    delay_hours = StringField("Hours to wait after the contact", widget=GovTextInput(), default="24",
                              description="0 sends it at the next run of the invitations job",
                              validators=[_whole_hours])
    submit = SubmitField("Add rule", widget=GovSubmitInput())


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


def _time_of_day(_form, field) -> None:
    if field.data and not _TIME.match(field.data.strip()):
        raise ValidationError("Time must be a time of day like 14:05")


class ContactForm(FlaskForm):
    channel = SelectField("How did they contact us?", widget=GovSelect(), choices=contact_channel_choices,
                          validators=[InputRequired("Select how they contacted us")])
    service = SelectField("Which service was it about? (optional)", widget=GovSelect(), validators=[Optional()])
    day = GovDateField("Date of the contact", description="For example, 20 11 2026", thing="the date of the contact",
                       not_after_today=True)
    time = StringField("Time (optional)", widget=GovTextInput(), description="For example, 14:05",
                       validators=[Optional(), _time_of_day])
    email = EmailField("Resident’s email address (optional)", widget=GovTextInput(),
                       description="We send the survey invitation here",
                       validators=[Optional(), Email(EMAIL_FORMAT), Length(max=254, message="Email address must be "
                                                                                            "254 characters or fewer")])
    phone = StringField("Resident’s phone number (optional)", widget=GovTextInput(),
                        validators=[Optional(), Length(max=40, message="Phone number must be 40 characters or fewer")])
    commitments = SelectMultipleField("Commitments the contact concerns (optional)", widget=GovCheckboxesInput(),
                                      description="Select all that apply", validate_choice=True)
    submit = SubmitField("Log contact", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField("CSV file of contacts", widget=GovFileInput(),
                     description="Columns: channel, when, service, email, phone, commitments, reference")
    submit = SubmitField("Check file", widget=GovSubmitInput())

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise StopValidation("Select a CSV file")
        if not field.data.filename.lower().endswith(".csv"):
            raise StopValidation("The selected file must be a CSV")


class StaffOptOutForm(FlaskForm):
    address = StringField("Email address or phone number", widget=GovTextInput(),
                          description="We keep only a one-way code made from it, never the address itself",
                          validators=[InputRequired("Enter an email address or phone number"),
                                      Length(max=254, message="Address must be 254 characters or fewer")])
    submit = SubmitField("Stop survey invitations", widget=GovSubmitInput())


class ResultsFilterForm(FlaskForm):
    """GET filters on results pages; no CSRF token needed to read."""

    class Meta:
        csrf = False

    start = SelectField("From", widget=GovSelect(), validators=[Optional()])
    end = SelectField("To", widget=GovSelect(), validators=[Optional()])
    channel = SelectField("Channel", widget=GovSelect(), validators=[Optional()])
    #: On the results by commitment only: one commitment's questions.
    commitment = SelectField("Commitment", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Show results", widget=GovSubmitInput())


# --- Answering: one form class per survey section, built from its questions (as indico's make_survey_form) ----


def field_name(question: Question) -> str:
    return f"q{question.id}"


def _at_least_one(message: str):
    def check(_form, field) -> None:
        if not field.data:
            raise StopValidation(message)

    return check


def _answer_field(question: Question) -> Field:
    kind = question.type_enum
    label = question.text
    hint = question.hint or ""
    if kind == QuestionType.TEXT:
        validators = [InputRequired(f"Enter your answer to ‘{label}’")] if question.required else [Optional()]
        validators.append(Length(max=MAX_TEXT_ANSWER, message=f"Your answer must be {MAX_TEXT_ANSWER:,} "
                                                             "characters or fewer"))
        return TextAreaField(label, widget=GovCharacterCount(), description=hint, validators=validators)
    options = choices(question.choices())
    if kind == QuestionType.MULTIPLE:
        validators = [_at_least_one(f"Select at least one answer to ‘{label}’")] if question.required else []
        return SelectMultipleField(label, widget=GovCheckboxesInput(), description=hint, choices=options,
                                   validators=validators)
    validators = [InputRequired(f"Select your answer to ‘{label}’")] if question.required else [Optional()]
    return RadioField(label, widget=GovRadioInput(), description=hint, choices=options, validators=validators)


def build_section_form(questions: list[Question]) -> type[FlaskForm]:
    """A FlaskForm class with one field per question shown on this page, named q<question id>."""
    attributes = {field_name(q): _answer_field(q) for q in questions}
    attributes["submit"] = SubmitField("Continue", widget=GovSubmitInput())
    return type("SurveySectionForm", (FlaskForm,), attributes)


def render_params(question: Question) -> dict:
    """GOV.UK macro parameters for a question's field: its words as the legend or label, and its hint if any."""
    hint = {"text": question.hint} if question.hint else None
    if question.type_enum == QuestionType.MULTIPLE:
        hint = {"text": question.hint or "Select all that apply"}
    if question.type_enum == QuestionType.TEXT:
        return {"label": {"text": question.text, "classes": "govuk-label--m"}, "hint": hint,
                "maxlength": MAX_TEXT_ANSWER, "rows": 5}
    params = {"fieldset": {"legend": {"text": question.text, "classes": "govuk-fieldset__legend--m"}}, "hint": hint}
    if question.type_enum == QuestionType.NPS:
        params["classes"] = "govuk-radios--small"
    return params


def answers_from(form: FlaskForm, questions: list[Question]) -> dict[int, object]:
    """The page's answers keyed by question id; blanks are kept as "" (or [] for multiple choice)."""
    found: dict[int, object] = {}
    for question in questions:
        value = form[field_name(question)].data
        if question.type_enum == QuestionType.MULTIPLE:
            found[question.id] = list(value or [])
        else:
            found[question.id] = (value or "").strip() if isinstance(value, str) or value is None else value
    return found


def initial_data(questions: list[Question], draft: dict) -> dict:
    return {field_name(q): draft[str(q.id)] for q in questions if str(q.id) in draft}
