"""A commitment's measurable standards: what is measured, the target, the unit and the share of cases.

A commitment holds none (a promise with no number, such as "treat you with respect"), one, or several (a
two-part promise, "we will acknowledge your email within 2 working days and reply within 5", is two
standards on one channel, each measured on its own). They are stored on the commitment as a JSON list, in
the order the charter gives them, and read as ``Standard`` values.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

#: What a standard can measure, with the words staff and residents see.
METRICS = {
    "answer": "Time to answer a call",
    "put_through": "Time to put a queued call through",
    "call_back": "Time to call back",
    "acknowledge": "Time to acknowledge",
    "reply": "Time to reply in full",
    "respond_voicemail": "Time to respond to a voicemail",
    "connect_chat": "Time to connect a web chat",
    "see_visitor": "Time to see a visitor without an appointment",
    "see_appointment": "Time to see a visitor with an appointment",
    "arrive": "Arrival for a home visit",
    "notify_change": "Notice of a changed appointment",
    "supply_information": "Time to supply requested information",
}

#: Units, singular and plural. A ring lasts the charter's ``seconds_per_ring``.
UNITS = {
    "seconds": ("second", "seconds"),
    "rings": ("ring", "rings"),
    "minutes": ("minute", "minutes"),
    "hours": ("hour", "hours"),
    "working_days": ("working day", "working days"),
    "calendar_days": ("calendar day", "calendar days"),
    "calendar_months": ("calendar month", "calendar months"),
}

#: Units measured in time on the clock (channel statistics), with their length in seconds; rings vary by charter.
CLOCK_UNITS = {"seconds": 1, "minutes": 60, "hours": 3600}

#: What a standard is about, when it is not every contact through the commitment's channel.
SUBJECTS = {
    "complaint-stage-1": "Complaints at stage 1",
    "complaint-stage-2": "Complaints at stage 2",
}

#: Ways in that a standard on one channel also covers: charters promise "your email or web form", and a voicemail
#: is a phone call. Intake (which standard an item's acknowledgement meets) and the review (which items a standard
#: counts) both read it.
CHANNEL_FAMILY = {
    "web_form": ("web_form", "email"),
    "email": ("email", "web_form"),
    "voicemail": ("voicemail", "phone"),
}

#: Information-rights requests have statutory clocks of their own and are not feedback: a promise in these words is
#: never measured from feedback items.
INFORMATION_REQUESTS = ("freedom of information", "subject access", "environmental information")


def channels_covered(channel: str) -> tuple[str, ...] | None:
    """The ways in that a standard on ``channel`` covers; None for ``any`` (every way in)."""
    if channel == "any":
        return None
    return CHANNEL_FAMILY.get(channel, (channel,))


def about_information_requests(wording: str) -> bool:
    return any(words in wording.lower() for words in INFORMATION_REQUESTS)


#: Named deadline rules a standard may use directly (see core/clocks/rules.py).
NAMED_RULES = {"foi", "foi-pit", "eir", "eir-extended", "sar", "sar-extended"}


@dataclass(frozen=True)
class Standard:
    """One measurable standard: ``metric`` within ``target`` ``unit``, for ``share`` of cases (None: every case)."""

    metric: str
    target: float
    unit: str
    share: float | None = None
    #: The deadline rule for a day-based standard, e.g. "working-days:3" or "sar"; None for time on the clock.
    rule: str | None = None
    #: None for every contact through the commitment's channel, or one of SUBJECTS ("complaint-stage-1").
    subject: str | None = None

    @classmethod
    def from_dict(cls, data: dict) -> Standard:
        return cls(metric=data["metric"], target=float(data["target"]), unit=data["unit"],
                   share=data.get("share"), rule=data.get("rule"), subject=data.get("subject"))

    def as_dict(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value is not None}

    @property
    def metric_label(self) -> str:
        return METRICS.get(self.metric, self.metric)

    @property
    def day_rule(self) -> str | None:
        """The deadline rule of a day-based standard: its own, or one from its unit ("within 24 hours" counts as one
        calendar day); None when it is not day-based (seconds, minutes, rings)."""
        if self.rule:
            return self.rule
        if self.unit == "working_days" and float(self.target).is_integer():
            return f"working-days:{int(self.target)}"
        if self.unit == "calendar_days" and float(self.target).is_integer():
            return f"calendar-days:{int(self.target)}"
        if self.unit == "hours" and self.target:
            return f"calendar-days:{max(1, math.ceil(self.target / 24))}"
        return None

    def seconds(self, seconds_per_ring: int | None) -> float | None:
        """The target as seconds on the clock, for seconds, rings, minutes and hours; None for day-based units."""
        if self.unit == "rings":
            return self.target * seconds_per_ring if seconds_per_ring else None
        factor = CLOCK_UNITS.get(self.unit)
        return self.target * factor if factor else None

    def target_words(self) -> str:
        """The target in words: '3 working days', 'the same working day', 'the end of the next working day'."""
        if self.unit == "working_days" and self.target == 0:
            return "the same working day"
        if self.unit == "working_days" and self.target == 1:
            return "the end of the next working day"
        shown = f"{int(self.target)}" if float(self.target).is_integer() else f"{self.target:g}"
        one, many = UNITS.get(self.unit, (self.unit, self.unit))
        return f"{shown} {one if self.target == 1 else many}"

    def subject_label(self) -> str | None:
        return SUBJECTS.get(self.subject) if self.subject else None

    def describe(self, seconds_per_ring: int | None = None) -> str:
        """Plain words, e.g. 'Time to reply in full: 3 working days (90% of cases)', 'Time to answer a call: 4 rings
        (about 20 seconds)' or 'Time to acknowledge (complaints at stage 1): 5 working days'."""
        label = self.metric_label
        if self.subject_label():
            label += f" ({self.subject_label().lower()})"
        text = f"{label}: {self.target_words()}"
        seconds = self.seconds(seconds_per_ring) if self.unit == "rings" else None
        if seconds is not None:
            text += f" (about {seconds:g} seconds)"
        if self.share is not None:
            text += f" ({self.share:.0%} of cases)"
        return text
