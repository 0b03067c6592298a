"""Forms for the council's closure dates, with GOV.UK widgets and wording."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import StringField, SubmitField
from wtforms.validators import InputRequired, Length

from core.fields import GovDateField


class ClosureDateForm(FlaskForm):
    day = GovDateField("Date the council is closed", description="For example, 24 12 2026",
                       thing="the date the council is closed")
    name = StringField("What the closure is for", widget=GovTextInput(),
                       description="Staff and residents see this when a deadline skips the day, "
                                   "for example ‘Christmas closure’",
                       validators=[InputRequired("Enter what the closure is for"),
                                   Length(max=120, message="What the closure is for must be 120 characters or fewer")])
    submit = SubmitField("Add closure date", widget=GovSubmitInput())
