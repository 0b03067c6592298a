"""Feedback forms: the resident's questions, the tracking page, staff recording and the inbox filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
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
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from core.fields import GovDateField
from core.models import Channel
from feedback.models import FeedbackKind, FeedbackStatus
from feedback.quotes import MAX_LENGTH as QUOTE_MAX_LENGTH
from feedback.rules import (
    ADJUSTMENTS,
    EQUALITY_QUESTIONS,
    KIND_CHOICES,
    LIMITS,
    REPLY_METHODS,
    STAFF_CHANNELS,
    clean,
    too_long,
)

#: The value of "I'm not sure" in service and commitment questions.
NOT_SURE = "not-sure"

KIND_LABELS = {
    FeedbackKind.COMPLIMENT: "Pay a compliment",
    FeedbackKind.COMMENT: "Make a comment or suggestion",
    FeedbackKind.SERVICE_REQUEST: "Report something that needs putting right",
    FeedbackKind.COMPLAINT: "Make a complaint",
}


def within(name: str, label: str):
    """A length check worded the GOV.UK way, from the shared limits."""
    limit = LIMITS[name]

    def check(_form, field) -> None:
        if field.data and len(field.data) > limit:
            raise ValidationError(too_long(label, limit))

    return check


def text(field) -> str | None:
    return clean(field.data)


class KindForm(FlaskForm):
    kind = RadioField("What would you like to do?", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, KIND_LABELS[k]) for k in KIND_CHOICES],
                      validators=[InputRequired("Select what you would like to do")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ServiceForm(FlaskForm):
    service_area = RadioField("Which service is it about?", widget=GovRadioInput(),
                              validators=[InputRequired("Select the service it is about, or select I'm not sure")])
    submit = SubmitField("Continue", widget=GovSubmitInput())


class CommitmentsForm(FlaskForm):
    commitments = SelectMultipleField("Which of our promises is it about?", widget=GovCheckboxesInput(),
                                      description="Select all that apply.")
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_commitments(self, field) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Select the promises it is about, or select none of these or I'm not sure")
        if NOT_SURE in chosen and len(chosen) > 1:
            raise ValidationError("Select the promises it is about, or none of these or I'm not sure, not both")


class DetailsForm(FlaskForm):
    description = TextAreaField("Tell us what happened", widget=GovCharacterCount())
    happened_on = GovDateField("When did it happen?", thing="the date it happened", required=False,
                               not_after_today=True,
                               description="For example, 27 3 2026. Leave this blank if you are not sure.")
    outcome_wanted = TextAreaField("What would you like us to do to put things right? (optional)",
                                   widget=GovTextArea())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EvidenceForm(FlaskForm):
    files = MultipleFileField("Upload a file", widget=GovFileInput(multiple=True),
                              description="PDF, JPEG, PNG or Word documents, up to 10MB each, 5 files at most.")
    upload = SubmitField("Upload files", widget=GovSubmitInput())


class RemoveFileForm(FlaskForm):
    stored_name = HiddenField()


class ContactForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput())
    email = StringField("Email address", widget=GovTextInput())
    phone = StringField("Telephone number", widget=GovTextInput(),
                        description="For international numbers include the country code")
    address = TextAreaField("Postal address", widget=GovTextArea())
    postcode = StringField("Postcode", widget=GovTextInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReplyForm(FlaskForm):
    reply_by = RadioField("How would you like us to reply?", widget=GovRadioInput(), validate_choice=False)
    submit = SubmitField("Continue", widget=GovSubmitInput())


#: "No adjustments": the exclusive answer to the adjustments question.
NO_ADJUSTMENTS = "none"


class AdjustmentsForm(FlaskForm):
    adjustments = SelectMultipleField(
        "Do you need us to do anything differently when we contact you?", widget=GovCheckboxesInput(),
        description="For example, because of a disability. Select all that apply.",
        choices=[SelectChoice(code, label) for code, label in ADJUSTMENTS.items()]
        + [SelectChoice(NO_ADJUSTMENTS, "No, I do not need anything different")])
    language = StringField("Which language?", widget=GovTextInput())
    adjustments_other = TextAreaField("Tell us what you need", widget=GovTextArea())
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def validate_adjustments(self, field) -> None:
        chosen = field.data or []
        if not chosen:
            raise ValidationError("Select what you need us to do differently, or select no")
        if NO_ADJUSTMENTS in chosen and len(chosen) > 1:
            raise ValidationError("Select what you need us to do differently, or select no, not both")


def _equality_field(name: str) -> RadioField:
    question, options = EQUALITY_QUESTIONS[name]
    return RadioField(question, widget=GovRadioInput(), validators=[Optional()],
                      choices=[SelectChoice(code, label) for code, label in options])


class EqualityForm(FlaskForm):
    age_band = _equality_field("age_band")
    sex = _equality_field("sex")
    disability = _equality_field("disability")
    ethnicity = _equality_field("ethnicity")
    religion = _equality_field("religion")
    sexual_orientation = _equality_field("sexual_orientation")
    submit = SubmitField("Continue", widget=GovSubmitInput())
    skip = SubmitField("Skip these questions", widget=GovSubmitInput())

    def answers(self) -> dict[str, str]:
        return {name: getattr(self, name).data for name in EQUALITY_QUESTIONS if getattr(self, name).data}


class CheckAnswersForm(FlaskForm):
    #: A spam trap: hidden from people (and screen readers) by the stylesheet, so only robots fill it in.
    website = StringField("Leave this field empty", widget=GovTextInput())
    #: The journey's one-time token (core.once): the same answers sent twice are stored once.
    submission = HiddenField()
    submit = SubmitField("Send", widget=GovSubmitInput())


# The resident's tracking page

class TrackMessageForm(FlaskForm):
    body = TextAreaField("What would you like to add?", widget=GovCharacterCount(),
                         validators=[InputRequired("Enter the information you want to add"),
                                     within("message", "Your message")])
    #: The page's one-time token (core.once): the same message sent twice is added once.
    submission = HiddenField()
    submit = SubmitField("Send", widget=GovSubmitInput())


class TrackFilesForm(FlaskForm):
    files = MultipleFileField("Upload a file", widget=GovFileInput(multiple=True),
                              description="PDF, JPEG, PNG or Word documents, up to 10MB each.")
    submit = SubmitField("Upload files", widget=GovSubmitInput())


class WithdrawForm(FlaskForm):
    reason = TextAreaField("Why are you withdrawing it? (optional)", widget=GovTextArea(),
                           validators=[within("reason", "Your reason")])
    submit = SubmitField("Withdraw", widget=GovSubmitInput())


class KeepComplaintForm(FlaskForm):
    submit = SubmitField("Handle it as a complaint", widget=GovSubmitInput())


class ComplainForm(FlaskForm):
    description = TextAreaField("What are you unhappy about?", widget=GovCharacterCount(),
                                description="For example, how long it is taking or how you have been treated.",
                                validators=[InputRequired("Enter what you are unhappy about"),
                                            within("description", "Your complaint")])
    #: The page's one-time token (core.once): the same complaint sent twice is recorded once.
    submission = HiddenField()
    submit = SubmitField("Make a complaint", widget=GovSubmitInput())


# Staff

class RecordFeedbackForm(FlaskForm):
    channel = RadioField("How did it reach us?", widget=GovRadioInput(),
                         choices=[SelectChoice(c.value, c.label) for c in STAFF_CHANNELS],
                         validators=[InputRequired("Select how it reached us")])
    received_on = GovDateField("Date received", thing="the date it was received", not_after_today=True,
                               description="The day it reached the council, which is day 0 of every clock. "
                                           "For example, 27 3 2026.")
    kind = RadioField("Type of feedback", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, k.label) for k in KIND_CHOICES],
                      validators=[InputRequired("Select the type of feedback")])
    service_area = SelectField("Service", widget=GovSelect(), validate_choice=False)
    commitments = SelectMultipleField("Charter commitments it concerns", widget=GovCheckboxesInput(),
                                      validate_choice=False, description="Select all that apply, or none.")
    description = TextAreaField("What the resident told us", widget=GovCharacterCount())
    happened_on = GovDateField("When it happened (if known)", thing="the date it happened", required=False,
                               not_after_today=True)
    outcome_wanted = TextAreaField("What they would like us to do (optional)", widget=GovTextArea())
    name = StringField("Full name", widget=GovTextInput())
    email = StringField("Email address", widget=GovTextInput())
    phone = StringField("Telephone number", widget=GovTextInput())
    address = TextAreaField("Postal address", widget=GovTextArea())
    postcode = StringField("Postcode", widget=GovTextInput())
    reply_by = RadioField("How they want us to reply", widget=GovRadioInput(), validate_choice=False,
                          choices=[SelectChoice(code, label) for code, label in REPLY_METHODS.items()])
    adjustments = SelectMultipleField("Reasonable adjustments they asked for", widget=GovCheckboxesInput(),
                                      choices=[SelectChoice(code, label) for code, label in ADJUSTMENTS.items()],
                                      validate_choice=False)
    language = StringField("Interpreter language", widget=GovTextInput())
    adjustments_other = TextAreaField("Other adjustment", widget=GovTextArea())
    #: The page's one-time token (core.once): the same form sent twice records one item.
    submission = HiddenField()
    submit = SubmitField("Record feedback", widget=GovSubmitInput())


class RetagForm(FlaskForm):
    version = HiddenField()
    service_area = SelectField("Service", widget=GovSelect(), validate_choice=False)
    commitments = SelectMultipleField("Charter commitments it concerns", widget=GovCheckboxesInput(),
                                      validate_choice=False)
    submit = SubmitField("Save tags", widget=GovSubmitInput())


class ReclassifyForm(FlaskForm):
    version = HiddenField()
    kind = RadioField("Handle it as", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, k.label) for k in KIND_CHOICES],
                      validators=[InputRequired("Select the type of feedback")])
    reason = TextAreaField("Reason", widget=GovTextArea(),
                           description="The resident sees this on their tracking page.",
                           validators=[InputRequired("Enter the reason for the change"),
                                       within("reason", "The reason")])
    submit = SubmitField("Reclassify", widget=GovSubmitInput())


class SentimentForm(FlaskForm):
    label = RadioField("What is the resident's feeling?", widget=GovRadioInput(),
                       choices=[SelectChoice("positive", "Positive"), SelectChoice("neutral", "Neutral"),
                                SelectChoice("negative", "Negative")],
                       validators=[InputRequired("Select positive, neutral or negative")])
    reason = TextAreaField("Why are you changing it?", widget=GovTextArea(),
                           description="Corrections are audited and can be used to train the scorer.",
                           validators=[InputRequired("Enter why you are changing the sentiment"),
                                       within("reason", "The reason")])
    submit = SubmitField("Save sentiment", widget=GovSubmitInput())


class StatusForm(FlaskForm):
    version = HiddenField()
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=[SelectChoice(s.value, s.label) for s in FeedbackStatus
                                 if s != FeedbackStatus.WITHDRAWN],
                        validators=[InputRequired("Select a status")])
    submit = SubmitField("Change status", widget=GovSubmitInput())


class StaffMessageForm(FlaskForm):
    body = TextAreaField("Message to the resident", widget=GovCharacterCount(),
                         description="They see it on their tracking page, and we send it to them.",
                         validators=[InputRequired("Enter your message"), within("message", "Your message")])
    submit = SubmitField("Send message", widget=GovSubmitInput())


class QuoteForm(FlaskForm):
    text = TextAreaField("The quote as it will appear in the annual review", widget=GovCharacterCount(),
                         description="Personal details have been replaced. Shorten it to the words that show what "
                                     "residents told us, and remove anything else that could identify someone. "
                                     f"Up to {QUOTE_MAX_LENGTH} characters, counting any personal details replaced "
                                     "by a description such as [phone number].",
                         validators=[InputRequired("Enter the quote as it should appear in the annual review")])
    submit = SubmitField("Save quote", widget=GovSubmitInput())


class StaffFilesForm(FlaskForm):
    files = MultipleFileField("Add evidence files", widget=GovFileInput(multiple=True),
                              description="PDF, JPEG, PNG or Word documents, up to 10MB each, 5 files in all.")
    submit = SubmitField("Upload files", widget=GovSubmitInput())


class ApiKeyForm(FlaskForm):
    name = StringField("Which system is it for?", widget=GovTextInput(),
                       description="For example, Council website or Library kiosk",
                       validators=[InputRequired("Enter which system the key is for"), within("key_name", "The name")])
    scopes = SelectMultipleField(
        "What may it do?", widget=GovCheckboxesInput(), default=["feedback:write", "feedback:read"],
        choices=[SelectChoice("feedback:write", "Send feedback and complaints"),
                 SelectChoice("feedback:read", "Read back the feedback it sent"),
                 SelectChoice("contacts:write", "Log contacts, so residents are invited to surveys"),
                 SelectChoice("channel-stats:write", "Send monthly channel statistics (calls, chats, visits)")],
        validators=[InputRequired("Select what the key may do")])
    per_minute = IntegerField("Requests allowed each minute", widget=GovTextInput(), default=120,
                              validators=[InputRequired("Enter how many requests the key may make each minute"),
                                          NumberRange(1, 100_000, "Enter a number from 1 to 100,000")])
    submit = SubmitField("Issue key", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


SORTS = {
    "received": "Date received",
    "reference": "Reference",
    "kind": "Type",
    "status": "Status",
    "ack_due": "Acknowledgement due",
}


class InboxFilterForm(FlaskForm):
    """The inbox filters: read from the query string, so a filtered list can be bookmarked and exported."""

    class Meta:
        csrf = False

    q = StringField("Search", widget=GovTextInput(), description="Reference, words in the feedback, name or email",
                    validators=[Optional(), within("search", "Search")])
    kind = SelectField("Type", widget=GovSelect(), validate_choice=False)
    status = SelectField("Status", widget=GovSelect(), validate_choice=False)
    service = SelectField("Service", widget=GovSelect(), validate_choice=False)
    commitment = SelectField("Commitment", widget=GovSelect(), validate_choice=False)
    # One or more ways in: a standard about email covers the web form too (core.standards.channels_covered).
    channel = SelectMultipleField("Channel", widget=GovCheckboxesInput(), validate_choice=False)
    sentiment = SelectField("Sentiment", widget=GovSelect(), validate_choice=False)
    received_from = GovDateField("Received from", thing="the from date", required=False)
    received_to = GovDateField("Received to", thing="the to date", required=False)
    sort = SelectField("Sort by", widget=GovSelect(), validate_choice=False,
                       choices=[SelectChoice(k, v) for k, v in SORTS.items()])
    order = SelectField("Order", widget=GovSelect(), validate_choice=False,
                        choices=[SelectChoice("desc", "Newest or highest first"),
                                 SelectChoice("asc", "Oldest or lowest first")])
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    def validate_received_to(self, field) -> None:
        if field.data and self.received_from.data and field.data < self.received_from.data:
            raise ValidationError("The to date must be the same as or after the from date")

    def validate_channel(self, field) -> None:
        known = {choice.value for choice in field.choices} | {""}  # "" was "All" before channels could be ticked
        if any(value not in known for value in field.data or ()):
            raise ValidationError("Select channels from the list")


def channel_choices() -> list[SelectChoice]:
    return [SelectChoice(c.value, c.label) for c in Channel if c != Channel.ANY]
