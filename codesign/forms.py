"""Co-design forms, with GOV.UK widgets and wording: group, meetings, proposals, consultation, paper responses,
events, decisions and adoption. The consultation's own questions come from the survey engine (surveys.forms)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation

from codesign.models import Consultation, DecisionKind, EventKind, MemberKind, Proposal, ProposalKind
from codesign.services.consultation import proposals_of
from core.fields import EMAIL_FORMAT, GovDateField
from core.models import Channel, Commitment
from core.standards import METRICS, UNITS, Standard
from surveys.forms import build_section_form, field_name, render_params
from surveys.models import Question

_WHOLE = re.compile(r"[0-9]{1,9}")


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class WholeNumberField(StringField):
    """A whole number typed in a text box, with GOV.UK wording when it is not one; `data` is an int or None."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, thing: str, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.thing = thing
        self.required = required

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "").strip().replace(",", "")
        self.raw = raw
        # ASCII digits only: str.isdigit() also accepts superscripts and other scripts' digits, which int() refuses.
        self.data = int(raw) if _WHOLE.fullmatch(raw) else None

    def _value(self):
        return getattr(self, "raw", None) or ("" if self.data is None else str(self.data))

    def pre_validate(self, form):
        raw = getattr(self, "raw", "")
        if not raw:
            if self.required:
                raise StopValidation(f"Enter {self.thing}")
            return
        if self.data is None:
            raise StopValidation(f"{self.thing[0].upper()}{self.thing[1:]} must be a whole number, like 12")


class MemberForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(),
                       validators=[InputRequired("Enter the member’s name"),
                                   Length(max=120, message="Name must be 120 characters or fewer")])
    kind = RadioField("Is the member a resident or staff?", widget=GovRadioInput(),
                      choices=_choices((k.value, k.label) for k in MemberKind),
                      validators=[InputRequired("Select whether the member is a resident or staff")])
    submit = SubmitField("Add member", widget=GovSubmitInput())


class MeetingForm(FlaskForm):
    held_on = GovDateField("Date of the meeting", description="For example, 14 5 2026", thing="the date of the meeting")
    attendance = WholeNumberField("How many people came", thing="how many people came")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=8000)])
    submit = SubmitField("Record meeting", widget=GovSubmitInput())


class ProposalForm(FlaskForm):
    kind = RadioField("What kind of change is it?", widget=GovRadioInput(),
                      choices=_choices((k.value, k.label) for k in ProposalKind),
                      validators=[InputRequired("Select what kind of change this is")])
    commitment_code = SelectField("Which commitment is it about?", widget=GovSelect(),
                                  description="Leave as ‘A new commitment’ for a new one", validate_choice=False)
    new_code = StringField("Code for a new commitment", widget=GovTextInput(),
                           description="Stays with the promise from version to version, for example C-12",
                           validators=[Optional(), Length(max=40, message="The code must be 40 characters or fewer")])
    channel = SelectField("Which way of contacting us is a new commitment about?", widget=GovSelect(),
                          choices=_choices((c.value, c.label) for c in Channel), default=Channel.ANY,
                          validate_choice=False)
    proposed_text = TextAreaField("Proposed wording", widget=GovTextArea(),
                                  description="Not needed when a commitment is stopped",
                                  validators=[Optional(), Length(max=1000, message="The proposed wording must be "
                                                                                   "1,000 characters or fewer")])
    metric = SelectField("What the new target measures", widget=GovSelect(),
                         choices=_choices([("", "No change to the target"), *METRICS.items()]), validate_choice=False)
    target = StringField("New target", widget=GovTextInput(), description="A number, for example 5",
                         validators=[Optional(), Length(max=12)])
    unit = SelectField("Unit", widget=GovSelect(), choices=_choices((k, v[1]) for k, v in UNITS.items()),
                       default="working_days", validate_choice=False)
    share = StringField("Share of cases (optional)", widget=GovTextInput(),
                        description="A percentage, for example 90", validators=[Optional(), Length(max=6)])
    reason = TextAreaField("Why is the change proposed?", widget=GovTextArea(),
                           validators=[InputRequired("Enter the reason for the proposal"),
                                       Length(max=4000, message="The reason must be 4,000 characters or fewer")])
    evidence_codes = SelectMultipleField("Evidence that prompted it (optional)", widget=GovCheckboxesInput(),
                                         description="The commitments whose performance or feedback led to it")
    evidence_notes = TextAreaField("Other evidence (optional)", widget=GovTextArea(),
                                   description="For example a theme in complaints or a learning action",
                                   validators=[Optional(), Length(max=4000)])
    author = RadioField("Who wrote it?", widget=GovRadioInput(), default="staff",
                        choices=_choices([("group", "The co-design group"), ("staff", "Council staff")]),
                        validators=[InputRequired("Select who wrote the proposal")])
    submit = SubmitField("Save proposal", widget=GovSubmitInput())

    def set_commitments(self, commitments: list[Commitment]) -> None:
        self.commitment_code.choices = _choices([("", "A new commitment"),
                                                 *((c.code, f"{c.number}. {c.wording[:90]}") for c in commitments)])
        self.evidence_codes.choices = _choices((c.code, f"{c.code}: {c.wording[:90]}") for c in commitments)

    def code(self) -> str:
        return (self.new_code.data or "").strip() if self.kind.data == ProposalKind.NEW else self.commitment_code.data

    def standards(self, current: Commitment | None) -> list[Standard] | None:
        """The proposed standards: the new target in place of the commitment's first standard, the others kept.
        None when no target was given; a target that is not a number is put on the form and gives None."""
        if not self.metric.data:
            return None
        if self.metric.data not in METRICS or self.unit.data not in UNITS:
            self.metric.errors = [*self.metric.errors, "Select what the target measures and its unit"]
            return None
        try:
            target = float((self.target.data or "").strip())
            share = float(self.share.data.strip()) / 100 if (self.share.data or "").strip() else None
        except ValueError:
            self.target.errors = [*self.target.errors, "Enter the target and share as numbers, like 5 and 90"]
            return None
        if not 0 < target <= 100_000 or (share is not None and not 0 < share <= 1):
            self.target.errors = [*self.target.errors, "Enter a target above 0, and a share from 1 to 100"]
            return None
        unit = self.unit.data
        rule = None
        if target.is_integer() and unit in ("working_days", "calendar_days"):
            rule = f"{unit.split('_')[0]}-days:{int(target)}"
        first = current.standards[0] if current is not None and current.standards else None
        standard = Standard(metric=self.metric.data, target=target, unit=unit, share=share, rule=rule,
                            subject=first.subject if first else None)
        rest = list(current.standards[1:]) if current is not None else []
        return [standard, *rest]

    def fill_from(self, proposal: Proposal) -> None:
        self.kind.data = proposal.kind
        if proposal.kind == ProposalKind.NEW:
            self.new_code.data = proposal.commitment_code
            self.channel.data = proposal.channel
        else:
            self.commitment_code.data = proposal.commitment_code
        self.proposed_text.data = proposal.proposed_text
        standards = proposal.proposed_standards
        if standards:
            first = standards[0]
            self.metric.data, self.unit.data = first.metric, first.unit
            self.target.data = f"{first.target:g}"
            self.share.data = f"{first.share * 100:g}" if first.share is not None else ""
        self.reason.data = proposal.reason
        self.evidence_codes.data = list(proposal.evidence_codes or [])
        self.evidence_notes.data = proposal.evidence_notes
        self.author.data = proposal.author


class ConsultationForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(),
                        validators=[InputRequired("Enter the consultation’s title"),
                                    Length(max=200, message="The title must be 200 characters or fewer")])
    opens_on = GovDateField("Opening date", description="For example, 1 6 2026", thing="the opening date")
    closes_on = GovDateField("Closing date", description="For example, 12 7 2026", thing="the closing date")
    summary = TextAreaField("Plain English summary", widget=GovTextArea(),
                            validators=[InputRequired("Enter a plain English summary"), Length(max=8000)])
    easy_read = TextAreaField("Easy read summary", widget=GovTextArea(),
                              description="Short sentences and everyday words, for people with a learning disability",
                              validators=[InputRequired("Enter the easy read summary"), Length(max=8000)])
    asks_equality = BooleanField("Ask the optional equality questions", widget=GovCheckboxInput(), default=True)
    submit = SubmitField("Save consultation", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())


def response_form(questions: list[Question], *, paper: bool) -> type[FlaskForm]:
    """The consultation's form: the survey engine's fields for its questions (named q<question id>), then an
    optional email address (online) or the date received (paper)."""
    base = build_section_form(questions)
    extra: dict[str, Field] = {}
    if paper:
        extra["received_on"] = GovDateField("Date the paper response was received",
                                            description="For example, 20 6 2026", thing="the date received")
        extra["submit"] = SubmitField("Save paper response", widget=GovSubmitInput())
    else:
        extra["email"] = EmailField(
            "Email address (optional)", widget=GovTextInput(),
            description="Only to make sure each person responds once. We keep a one-way code made from it, never "
                        "the address, and we will not contact you.",
            validators=[Optional(), Email(EMAIL_FORMAT),
                        Length(max=254, message="Email address must be 254 characters or fewer")])
        extra["submit"] = SubmitField("Send my response", widget=GovSubmitInput())
    return type("ConsultationResponseForm", (base,), extra)


class EventForm(FlaskForm):
    kind = RadioField("Kind of event", widget=GovRadioInput(), choices=_choices((k.value, k.label) for k in EventKind),
                      validators=[InputRequired("Select the kind of event")])
    held_on = GovDateField("Date of the event", description="For example, 20 6 2026", thing="the date of the event")
    place = StringField("Where was it held?", widget=GovTextInput(),
                        validators=[InputRequired("Enter where the event was held"), Length(max=200)])
    attendance = WholeNumberField("How many people came", thing="how many people came")
    submit = SubmitField("Record event", widget=GovSubmitInput())


def event_form(proposals: list[Proposal]) -> type[EventForm]:
    """The event form with, for each proposal, the show of hands for, against and neutral, and notes."""
    extra: dict[str, Field] = {}
    for p in proposals:
        extra[f"p{p.id}_in_favour"] = WholeNumberField("For", thing="the number for", required=False)
        extra[f"p{p.id}_against"] = WholeNumberField("Against", thing="the number against", required=False)
        extra[f"p{p.id}_neutral"] = WholeNumberField("Neither", thing="the number neither for nor against",
                                                     required=False)
        extra[f"p{p.id}_notes"] = TextAreaField("What was said (optional)", widget=GovTextArea(),
                                                validators=[Optional(), Length(max=8000)])
    return type("ProposalEventForm", (EventForm,), extra)


class DecisionForm(FlaskForm):
    decision = RadioField("Decision", widget=GovRadioInput(),
                          choices=_choices((d.value, d.label) for d in DecisionKind),
                          validators=[InputRequired("Select the decision")])
    decided_text = TextAreaField("Amended wording", widget=GovTextArea(), description="Only when adopted with changes",
                                 validators=[Optional(), Length(max=1000)])
    decision_reason = TextAreaField("Reason, written for residents", widget=GovCharacterCount(),
                                    description="This is published on the ‘We asked, you said, we did’ page",
                                    validators=[InputRequired("Enter the reason for the decision, written for "
                                                              "residents"), Length(max=4000)])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class HighlightForm(FlaskForm):
    answer_id = HiddenField()
    text = TextAreaField("Comment as it will be shown", widget=GovTextArea(),
                         description="Names, addresses, phone numbers and email addresses are removed when saved",
                         validators=[InputRequired("Enter the comment as it should be shown"), Length(max=1000)])
    submit = SubmitField("Quote this comment", widget=GovSubmitInput())


class AdoptForm(FlaskForm):
    effective_from = GovDateField("Date the new version comes into force", description="For example, 1 10 2026",
                                  thing="the date the new version comes into force")
    submit = SubmitField("Adopt the decisions", widget=GovSubmitInput())


def grouped_fields(consultation: Consultation, form) -> list[tuple[str, list[tuple[Proposal | None, list]]]]:
    """The response form's fields grouped for the page: each proposal's scale and comment, then the equality
    questions."""
    proposals = proposals_of(consultation.review_id)
    by_question = {p.scale_question_id: p for p in proposals} | {p.comment_question_id: p for p in proposals}
    groups: list[tuple[str, list[tuple[Proposal | None, list]]]] = []
    for section in consultation.survey.sections:
        blocks: list[tuple[Proposal | None, list]] = []
        for question in section.questions:
            proposal = by_question.get(question.id)
            field = (form[field_name(question)], render_params(question))
            if blocks and proposal is not None and blocks[-1][0] is proposal:
                blocks[-1][1].append(field)
            else:
                blocks.append((proposal, [field]))
        groups.append((section.title, blocks))
    return groups
