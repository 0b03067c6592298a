"""Form fields shared by every part of Charterline, with GOV.UK error wording."""

from __future__ import annotations

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import GovDateInput
from wtforms import Field
from wtforms.validators import StopValidation

from core.clocks.calendar import FIRST_YEAR, LAST_YEAR
from core.timesource import today

#: GOV.UK wording for an email address that is not one.
EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.com"


class GovDateField(Field):
    """A day, month and year date input that never crashes on missing parts and words its errors as GOV.UK does.

    `thing` names the date in messages ("the date it happened"); `required` decides whether it may be blank.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, thing: str = "the date", required: bool = True,
                 not_after_today: bool = False, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.thing = thing
        self.required = required
        self.not_after_today = not_after_today

    @staticmethod
    def parse_iso(raw: str) -> date:
        """A date given as YYYY-MM-DD (in a link or a filter); ValueError when it is not a real date."""
        return date.fromisoformat(raw.strip())

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist):
        # A browser always sends the three parts; anything else (an API client, a test) counts as blank parts.
        parts = [str(v).strip() for v in valuelist][:3]
        parts += [""] * (3 - len(parts))
        self.raw_data = parts
        self.data = None

    def pre_validate(self, form):
        if self.raw_data is None:
            self.raw_data = ["", "", ""]
        day, month, year = self.raw_data
        thing = self.thing
        if not any((day, month, year)):
            if self.required:
                raise StopValidation(f"Enter {thing}")
            return
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise StopValidation(f"{thing[0].upper() + thing[1:]} must include a {' and '.join(missing)}")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise StopValidation(f"{thing[0].upper() + thing[1:]} must be a real date") from exc
        if len(year) != 4:
            raise StopValidation("Year must include 4 numbers")
        # Deadlines are worked out over the years the working-day calendar covers; no date outside them is real here.
        capitalised = thing[0].upper() + thing[1:]
        if value.year < FIRST_YEAR:
            raise StopValidation(f"{capitalised} must be the same as or after 1 January {FIRST_YEAR}")
        if value.year > LAST_YEAR:
            raise StopValidation(f"{capitalised} must be the same as or before 31 December {LAST_YEAR}")
        if self.not_after_today:
            if value > today():
                raise StopValidation(f"{thing[0].upper() + thing[1:]} must be today or in the past")
        self.data = value
