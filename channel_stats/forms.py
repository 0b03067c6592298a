"""The import form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from wtforms import FileField, SubmitField


class ImportForm(FlaskForm):
    file = FileField("Upload a CSV file", widget=GovFileInput(),
                     description="One row for each month, channel and service, with the template's columns.")
    submit = SubmitField("Import", widget=GovSubmitInput())
