"""Complaints forms, with GOV.UK widgets and wording; each carries the case's version for optimistic locking."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from complaints import deadlines
from complaints.models import Exclusion, LearningStatus, Outcome, ReferralDecision, RemedyKind
from core.fields import GovDateField
from core.models import Regime

#: Ways of contacting the council that a restriction usually leaves open (LGSCO guide, chapter 6).
CHANNELS_KEPT_OPEN = [
    "Writing to one named officer",
    "Email to the complaints team",
    "Reporting repairs",
    "Paying rent, council tax or other bills",
    "Reporting a safeguarding concern or an emergency",
]


def _too_long(limit: int, what: str) -> Length:
    return Length(max=limit, message=f"{what} must be {limit:,} characters or fewer")


class VersionedForm(FlaskForm):
    """The version of the record the officer saw: a stale form is refused rather than overwriting a colleague."""

    version = HiddenField()

    @property
    def version_number(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class ConfirmForm(VersionedForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class AssignHandlerForm(VersionedForm):
    handler = SelectField("Handler", widget=GovSelect(), validators=[InputRequired("Select a handler")])
    submit = SubmitField("Assign handler", widget=GovSubmitInput())


class PointsForm(VersionedForm):
    points = TextAreaField(
        "What are the points to be answered?", widget=GovTextArea(),
        description="One point on each line, in words the resident would recognise. These are the complaint's "
                    "definition: the response must answer each one.",
        validators=[InputRequired("Enter at least one point to be answered"), _too_long(5000, "The points")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    @property
    def point_list(self) -> list[str]:
        return [line.strip(" -•\t") for line in (self.points.data or "").splitlines() if line.strip(" -•\t")]


def _whole_number(_form, field) -> None:
    raw = (field.data or "").strip()
    # Only ASCII digits: int() refuses superscripts and the like, which isdigit() accepts.
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 60:
        raise ValidationError("Enter the number of working days as a whole number from 1 to 60")


class ExtendForm(VersionedForm):
    days = StringField("How many more working days are needed?", widget=GovTextInput(),
                       validators=[InputRequired("Enter the number of working days"), _whole_number])
    reason = TextAreaField("Why is more time needed?", widget=GovTextArea(),
                           description="This is explained to the resident in the letter.",
                           validators=[InputRequired("Enter why more time is needed"), _too_long(2000, "The reason")])
    good_reason = TextAreaField("Good reason for a longer extension (if needed)", widget=GovTextArea(),
                                validators=[Optional(), _too_long(2000, "The good reason")])
    submit = SubmitField("Continue to the letter", widget=GovSubmitInput())

    def describe_cap(self, stage: int) -> None:
        cap = deadlines.EXTENSION_CAP[stage]
        self.good_reason.description = (
            f"Only needed when the extensions at this stage add up to more than {cap} working days. "
            "A complaints officer must approve it.")


class PauseForm(VersionedForm):
    reason = TextAreaField("Why is the clock paused?", widget=GovTextArea(),
                           description="For example, the resident asked us to wait while they are in hospital.",
                           validators=[InputRequired("Enter why the clock is paused"), _too_long(2000, "The reason")])
    submit = SubmitField("Pause the clock", widget=GovSubmitInput())


class RefuseForm(VersionedForm):
    exclusion = RadioField("Which exclusion applies?", widget=GovRadioInput(),
                           choices=[SelectChoice(e.value, e.label) for e in Exclusion],
                           validators=[InputRequired("Select which exclusion applies")])
    reason = TextAreaField("Explain the reasons", widget=GovTextArea(),
                           description="The resident is told this, and that they can take the decision to the "
                                       "Ombudsman.",
                           validators=[InputRequired("Enter the reasons"), _too_long(4000, "The reasons")])
    submit = SubmitField("Continue to the letter", widget=GovSubmitInput())


class WithdrawForm(VersionedForm):
    reason = TextAreaField("What did the resident say? (optional)", widget=GovTextArea(),
                           validators=[Optional(), _too_long(2000, "The note")])
    submit = SubmitField("Record the withdrawal", widget=GovSubmitInput())


class EscalateForm(VersionedForm):
    note = TextAreaField("Anything the resident wants us to know (optional)", widget=GovTextArea(),
                         description="The resident does not have to give a reason.",
                         validators=[Optional(), _too_long(4000, "The note")])
    submit = SubmitField("Record the request for stage 2", widget=GovSubmitInput())


class ResidentEscalateForm(FlaskForm):
    note = TextAreaField("Is there anything you want us to know? (optional)", widget=GovTextArea(),
                         description="You do not have to give a reason.",
                         validators=[Optional(), _too_long(4000, "What you want us to know")])
    submit = SubmitField("Ask for a review (stage 2)", widget=GovSubmitInput())


def findings_form(points, data=None) -> FlaskForm:
    """A form with a decision and reasons for each defined point."""

    class FindingsForm(VersionedForm):
        submit = SubmitField("Save findings", widget=GovSubmitInput())

    for point in points:
        setattr(FindingsForm, f"outcome_{point.id}", RadioField(
            f"Point {point.number}: decision", widget=GovRadioInput(),
            choices=[SelectChoice(o.value, o.label) for o in Outcome],
            validators=[InputRequired(f"Select a decision on point {point.number}")]))
        setattr(FindingsForm, f"reasons_{point.id}", TextAreaField(
            f"Point {point.number}: reasons", widget=GovTextArea(),
            description="Say what you found, and the policy, law or good practice you relied on.",
            validators=[InputRequired(f"Enter the reasons for point {point.number}"),
                        _too_long(5000, "The reasons")]))
    return FindingsForm(data=data)


def _money(_form, field) -> None:
    raw = (field.data or "").strip().lstrip("£").replace(",", "")
    if not raw:
        field.amount = None
        return
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise ValidationError("Enter the amount in pounds, like 75 or 75.50") from exc
    if value <= 0 or value >= Decimal("100000000") or value.as_tuple().exponent < -2:
        raise ValidationError("Enter the amount in pounds, like 75 or 75.50")
    field.amount = value


class RemedyForm(VersionedForm):
    kind = RadioField("What kind of remedy?", widget=GovRadioInput(),
                      choices=[SelectChoice(k.value, k.label) for k in RemedyKind],
                      validators=[InputRequired("Select the kind of remedy")])
    description = TextAreaField("What will be done?", widget=GovTextArea(),
                                validators=[InputRequired("Enter what will be done"),
                                            _too_long(2000, "What will be done")])
    responsible = StringField("Who will do it?", widget=GovTextInput(), description="A person or a team.",
                              validators=[InputRequired("Enter who will do it"), _too_long(200, "Who will do it")])
    due_on = GovDateField("By when?", description="For example, 27 3 2026", thing="the date it will be done by")
    amount = StringField("Amount, for a financial remedy", widget=GovTextInput(), validators=[_money])
    point = SelectField("Which point does it put right?", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Add remedy", widget=GovSubmitInput())


class CompleteRemedyForm(VersionedForm):
    note = TextAreaField("What was done? (optional)", widget=GovTextArea(),
                         validators=[Optional(), _too_long(2000, "The note")])
    submit = SubmitField("Mark as done", widget=GovSubmitInput())


class LetterForm(VersionedForm):
    subject = StringField("Subject", widget=GovTextInput(),
                          validators=[InputRequired("Enter the subject"), _too_long(300, "The subject")])
    body = TextAreaField("Letter", widget=GovTextArea(),
                         description="Edit the letter if you need to. It is sent exactly as it reads here, and kept.",
                         validators=[InputRequired("Enter the letter"), _too_long(20000, "The letter")])
    submit = SubmitField("Send letter", widget=GovSubmitInput())


class ReferralForm(FlaskForm):
    ombudsman = RadioField("Which Ombudsman?", widget=GovRadioInput(),
                           choices=[SelectChoice(r.value, r.label) for r in Regime],
                           validators=[InputRequired("Select which Ombudsman")])
    reference = StringField("Ombudsman's reference", widget=GovTextInput(),
                            validators=[InputRequired("Enter the Ombudsman's reference"),
                                        _too_long(40, "The reference")])
    kind = RadioField("Is it an enquiry or an investigation?", widget=GovRadioInput(),
                      choices=[SelectChoice("enquiry", "Enquiry"), SelectChoice("investigation", "Investigation")],
                      validators=[InputRequired("Select enquiry or investigation")])
    received_on = GovDateField("When did the Ombudsman contact us?", description="For example, 27 3 2026",
                               thing="the date the Ombudsman contacted us", not_after_today=True)
    submit = SubmitField("Record the referral", widget=GovSubmitInput())


class ReferralDecisionForm(VersionedForm):
    decision = RadioField("What did the Ombudsman decide?", widget=GovRadioInput(),
                          choices=[SelectChoice(d.value, d.label) for d in ReferralDecision],
                          validators=[InputRequired("Select the Ombudsman's decision")])
    decided_on = GovDateField("Date of the decision", description="For example, 27 3 2026",
                              thing="the date of the decision", not_after_today=True)
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Optional(), _too_long(4000, "Notes")])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class _CheckboxesMaybeNone(SelectMultipleField):
    """Checkboxes whose options may turn out to be none (a case touching no commitment). The page then shows no
    boxes, so whatever was posted is ignored: an error would link to a field that is not there."""

    def validate(self, form, extra_validators=()) -> bool:
        if not self.choices:
            self.data, self.process_errors, self.errors = [], [], []
            return True
        return super().validate(form, extra_validators)


class LearningForm(FlaskForm):
    description = TextAreaField("What will the council change?", widget=GovTextArea(),
                                validators=[InputRequired("Enter what the council will change"),
                                            _too_long(2000, "The change")])
    owner = StringField("Who owns this action?", widget=GovTextInput(),
                        validators=[InputRequired("Enter who owns this action"), _too_long(200, "The owner")])
    due_on = GovDateField("When is it due?", description="For example, 27 3 2026", thing="the date it is due")
    commitments = _CheckboxesMaybeNone("Which charter commitments did the complaint touch?",
                                       widget=GovCheckboxesInput(), coerce=int, validators=[Optional()])
    submit = SubmitField("Add learning action", widget=GovSubmitInput())


class LearningUpdateForm(VersionedForm):
    status = RadioField("Status", widget=GovRadioInput(),
                        choices=[SelectChoice(s.value, s.label) for s in LearningStatus],
                        validators=[InputRequired("Select the status")])
    what_we_changed = TextAreaField("What we changed", widget=GovTextArea(),
                                    description='Needed when it is done. Residents read this in "You said, we did".',
                                    validators=[Optional(), _too_long(2000, "What we changed")])
    submit = SubmitField("Save", widget=GovSubmitInput())


class RestrictionForm(VersionedForm):
    reason = TextAreaField("Why is contact being restricted?", widget=GovTextArea(),
                           description="Describe the behaviour and its effect on staff or services. The resident "
                                       "is told this.",
                           validators=[InputRequired("Enter why contact is being restricted"),
                                       _too_long(4000, "The reason")])
    restrictions = TextAreaField("What is restricted?", widget=GovTextArea(),
                                 description="For example, contact in writing only, to one named officer.",
                                 validators=[InputRequired("Enter what is restricted"),
                                             _too_long(2000, "What is restricted")])
    scope = SelectField("Which services does it cover?", widget=GovSelect(),
                        description="Restrict only the service affected unless there is a significant risk across "
                                    "services.",
                        validators=[InputRequired("Select which services it covers")])
    channels_open = SelectMultipleField("Which ways of contacting us stay open?", widget=GovCheckboxesInput(),
                                        choices=[SelectChoice(c, c) for c in CHANNELS_KEPT_OPEN],
                                        validators=[InputRequired("Select at least one way of contacting us")])
    review_on = GovDateField("Review date", thing="the review date", required=False)
    submit = SubmitField("Continue to the letter", widget=GovSubmitInput())


class RestrictionReviewForm(VersionedForm):
    decision = RadioField("What is the outcome of the review?", widget=GovRadioInput(),
                          choices=[SelectChoice("end", "End the restriction"),
                                   SelectChoice("continue", "Continue it, with a new review date")],
                          validators=[InputRequired("Select the outcome of the review")])
    reason = TextAreaField("Reasons", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reasons"), _too_long(4000, "The reasons")])
    next_review_on = GovDateField("Next review date (if it continues)", thing="the next review date",
                                  required=False)
    submit = SubmitField("Save review", widget=GovSubmitInput())
