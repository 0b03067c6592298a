"""Staff forms: sign in, staff accounts, charter wording and closure dates, with GOV.UK widgets and wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, ValidationError

from core.auth import MIN_PASSWORD_LENGTH
from core.fields import EMAIL_FORMAT, GovDateField
from core.models import Role
from core.text import storable_int


def role_choices() -> list[SelectChoice]:
    return [SelectChoice(role.value, role.label) for role in Role]


class SignInForm(FlaskForm):
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter your password"), Length(max=200)])
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _strong_password(_form, field) -> None:
    if field.data and len(field.data) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Password must be {MIN_PASSWORD_LENGTH} characters or more")


class NewStaffForm(FlaskForm):
    name = StringField("Full name", widget=GovTextInput(),
                       validators=[InputRequired("Enter their full name"),
                                   Length(max=120, message="Full name must be 120 characters or fewer")])
    email = EmailField("Email address", widget=GovTextInput(),
                       validators=[InputRequired("Enter their email address"), Email(EMAIL_FORMAT),
                                   Length(max=254, message="Email address must be 254 characters or fewer")])
    role = RadioField("Role", widget=GovRadioInput(), choices=role_choices,
                      validators=[InputRequired("Select a role")])
    password = PasswordField("Temporary password", widget=GovPasswordInput(),
                             description=f"At least {MIN_PASSWORD_LENGTH} characters. Give it to them in person.",
                             validators=[InputRequired("Enter a temporary password"), _strong_password,
                                         Length(max=200, message="Password must be 200 characters or fewer")])
    submit = SubmitField("Add staff member", widget=GovSubmitInput())


class ChangeRoleForm(FlaskForm):
    role = RadioField("Role", widget=GovRadioInput(), choices=role_choices,
                      validators=[InputRequired("Select a role")])
    submit = SubmitField("Change role", widget=GovSubmitInput())


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New temporary password", widget=GovPasswordInput(),
                             validators=[InputRequired("Enter a new password"), _strong_password,
                                         Length(max=200, message="Password must be 200 characters or fewer")])
    submit = SubmitField("Set password", widget=GovSubmitInput())


class ConfirmForm(FlaskForm):
    """A button-only form: CSRF protection for actions such as disabling an account."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


class CommitmentWordingForm(FlaskForm):
    wording = TextAreaField("What the commitment says", widget=GovTextArea(),
                            validators=[InputRequired("Enter what the commitment says"),
                                        Length(max=1000, message="The commitment must be 1000 characters or fewer")])
    submit = SubmitField("Save wording", widget=GovSubmitInput())


class PublishCharterForm(FlaskForm):
    effective_from = GovDateField("Date the new version comes into force", description="For example, 1 4 2027",
                                  thing="the date the new version comes into force")
    submit = SubmitField("Publish this version", widget=GovSubmitInput())


class ClosureDateForm(FlaskForm):
    day = GovDateField("Date the council is closed", description="For example, 24 12 2026",
                       thing="the date the council is closed")
    name = StringField("What the closure is for", widget=GovTextInput(),
                       description="Staff and residents see this when a deadline skips the day, "
                                   "for example ‘Christmas closure’",
                       validators=[InputRequired("Enter what the closure is for"),
                                   Length(max=120, message="What the closure is for must be 120 characters or fewer")])
    submit = SubmitField("Add closure date", widget=GovSubmitInput())


class TagItemsForm(FlaskForm):
    """The queue of items on no commitment: the items ticked and the commitment to tag them to. The choices are
    checked by the tagging services (an item may have left the page, or be one this officer may not tag)."""

    #: An id no record can have (not a number, or too large to store) stands for an item that is not there.
    items = SelectMultipleField("Items", coerce=lambda value: storable_int(str(value)) or 0, validate_choice=False)
    commitment = SelectField("Commitment to tag them to", widget=GovSelect(), validate_choice=False)
    #: "<item id>:<commitment id>": one item tagged to one of its suggestions, in one click.
    accept = StringField()
    submit = SubmitField("Tag the selected items", widget=GovSubmitInput())
