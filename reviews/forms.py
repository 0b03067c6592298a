"""Review forms: opening a review (council and year), moving it between stages and publishing its pack again."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

#: Review years the form accepts (the working-day calendar covers these).
FIRST_YEAR, LAST_YEAR = 2000, 2098


class OpenReviewForm(FlaskForm):
    council = SelectField("Council", widget=GovSelect(), validate_choice=False,
                          validators=[InputRequired("Select a council whose charter is loaded")])
    year = StringField("Year the review starts in", widget=GovTextInput(),
                       description="For example, 2025 for a review of April 2025 to March 2026",
                       validators=[InputRequired("Enter the year the review starts in, like 2025")])
    submit = SubmitField("Open the review", widget=GovSubmitInput())

    def validate_year(self, field) -> None:
        text = (field.data or "").strip()
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise ValidationError("Enter the year as 4 numbers, like 2025")
        if not FIRST_YEAR <= int(text) <= LAST_YEAR:
            raise ValidationError(f"Enter a year from {FIRST_YEAR} to {LAST_YEAR}")


class StageForm(FlaskForm):
    """Buttons moving the review forward a stage, or back one to put a mistake right (the button's value)."""


class PublishForm(FlaskForm):
    """The button publishing the adopted review's pack again with today's figures."""
