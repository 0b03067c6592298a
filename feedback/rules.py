"""What a piece of feedback must contain: field limits, choices and GOV.UK-worded checks shared by forms and the API."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from email_validator import EmailNotValidError, validate_email

from core.clocks.calendar import FIRST_YEAR, LAST_YEAR
from core.equality import EQUALITY_QUESTIONS, PREFER_NOT_TO_SAY  # noqa: F401 (read from feedback.rules too)
from core.models import Channel, Commitment, ReplyMethod, ServiceArea
from core.timesource import today
from feedback.models import FeedbackKind

#: The longest answer each field accepts, in characters.
LIMITS = {
    "description": 5000,
    "outcome_wanted": 2000,
    "name": 120,
    "email": 254,
    "phone": 40,
    "address": 500,
    "postcode": 10,
    "adjustments_other": 500,
    "language": 60,
    "message": 5000,
    "reason": 1000,
    "key_name": 100,
    "search": 200,
}

#: Kinds a resident can choose, in the order the form offers them.
KIND_CHOICES = [FeedbackKind.COMPLIMENT, FeedbackKind.COMMENT, FeedbackKind.SERVICE_REQUEST, FeedbackKind.COMPLAINT]

#: Kinds where we must be able to reply: a complaint needs a name and a way to reach the resident.
NEEDS_CONTACT = {FeedbackKind.COMPLAINT, FeedbackKind.SERVICE_REQUEST}

#: Ways of reaching us that staff record on a resident's behalf.
STAFF_CHANNELS = [Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.VISIT, Channel.HOME_VISIT, Channel.WEB_CHAT,
                  Channel.SOCIAL_MEDIA, Channel.VOICEMAIL]
#: Channels a council system may report through the API.
API_CHANNELS = [Channel.WEB_FORM, *STAFF_CHANNELS]

#: Reasonable adjustments (Equality Act 2010; Complaint Handling Codes 5.6).
ADJUSTMENTS = {
    "large_print": "Large print",
    "braille": "Braille",
    "easy_read": "Easy read",
    "interpreter": "An interpreter",
    "bsl": "British Sign Language (BSL)",
    "other": "Something else",
}

REPLY_METHODS = {ReplyMethod.EMAIL.value: "Email", ReplyMethod.PHONE.value: "Phone", ReplyMethod.LETTER.value: "Letter"}

#: What the description is called for each kind, and the message when it is missing.
DESCRIPTION_WORDING = {
    FeedbackKind.COMPLIMENT: ("Tell us what went well", "Enter your compliment"),
    FeedbackKind.COMMENT: ("Tell us your comment or suggestion", "Enter your comment or suggestion"),
    FeedbackKind.SERVICE_REQUEST: ("Tell us what needs putting right", "Enter what needs putting right"),
    FeedbackKind.COMPLAINT: ("Tell us what happened", "Enter what happened"),
}

EMAIL_FORMAT = "Email address must be in the correct format, like name@example.com"
PHONE_FORMAT = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
POSTCODE_FORMAT = "Enter a real postcode, like AA1 1AA"
NEED_A_WAY_TO_REPLY = "Enter an email address, telephone number or postal address so we can reply to you"

_PHONE = re.compile(r"^\+?[0-9 ()\-]{7,}$")
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def too_long(label: str, limit: int) -> str:
    return f"{label} must be {limit:,} characters or fewer"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an answer: the field it belongs to and a GOV.UK-worded message."""

    field: str
    message: str


@dataclass
class ContactDetails:
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    postcode: str | None = None
    reply_by: str | None = None
    adjustments: list[str] = field(default_factory=list)
    adjustments_other: str | None = None
    language: str | None = None

    def has_any(self) -> bool:
        return any((self.name, self.email, self.phone, self.address, self.postcode))

    def ways_to_reply(self) -> list[str]:
        """Reply methods the resident has given details for."""
        return [method for method, value in (("email", self.email), ("phone", self.phone),
                                              ("letter", self.address)) if value]


@dataclass
class Submission:
    """Everything needed to record one piece of feedback, however it arrived."""

    kind: str
    description: str
    service_area: ServiceArea | None = None
    commitments: list[Commitment] = field(default_factory=list)
    happened_on: date | None = None
    outcome_wanted: str | None = None
    contact: ContactDetails = field(default_factory=ContactDetails)
    #: Equality monitoring answers, kept apart from the case; None when the resident skipped them.
    equality: dict[str, str] | None = None


def clean(value: str | None) -> str | None:
    """Trim an answer; an answer of only spaces counts as no answer."""
    if value is None:
        return None
    value = value.strip()
    return value or None


def is_email(value: str) -> bool:
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def is_phone(value: str) -> bool:
    digits = re.sub(r"\D", "", value)
    return bool(_PHONE.match(value)) and 7 <= len(digits) <= 15


def normalise_postcode(value: str) -> str:
    compact = re.sub(r"\s+", "", value.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def is_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(value)))


def text_problems(values: dict[str, str | None], labels: dict[str, str]) -> list[Problem]:
    """Length checks for free-text answers."""
    return [Problem(name, too_long(labels[name], LIMITS[name]))
            for name, value in values.items() if value and len(value) > LIMITS[name]]


CONTACT_LABELS = {"name": "Full name", "email": "Email address", "phone": "Telephone number",
                  "address": "Postal address", "postcode": "Postcode", "adjustments_other": "What you need",
                  "language": "Language"}


def contact_problems(kind: str, contact: ContactDetails) -> list[Problem]:
    """Contact details: formats, and for complaints and service requests a name and a way to reply."""
    problems = text_problems({name: getattr(contact, name) for name in CONTACT_LABELS}, CONTACT_LABELS)
    if contact.email and not is_email(contact.email):
        problems.append(Problem("email", EMAIL_FORMAT))
    if contact.phone and not is_phone(contact.phone):
        problems.append(Problem("phone", PHONE_FORMAT))
    if contact.postcode and not is_postcode(contact.postcode):
        problems.append(Problem("postcode", POSTCODE_FORMAT))
    if kind in NEEDS_CONTACT:
        if not contact.name:
            problems.append(Problem("name", "Enter your full name"))
        if not contact.ways_to_reply():
            problems.append(Problem("email", NEED_A_WAY_TO_REPLY))
    return problems


def reply_problems(contact: ContactDetails) -> list[Problem]:
    """How to reply: required once there is a way to reply, and it must be one they gave details for."""
    ways = contact.ways_to_reply()
    if not ways:
        return []
    if contact.reply_by is None:
        return [Problem("reply_by", "Select how you would like us to reply")]
    if contact.reply_by not in REPLY_METHODS:
        return [Problem("reply_by", "Select email, phone or letter")]
    if contact.reply_by not in ways:
        detail = {"email": "an email address", "phone": "a telephone number", "letter": "a postal address"}
        return [Problem("reply_by", f"Give us {detail[contact.reply_by]} or choose another way for us to reply")]
    return []


def adjustment_problems(contact: ContactDetails) -> list[Problem]:
    problems = []
    unknown = [a for a in contact.adjustments if a not in ADJUSTMENTS]
    if unknown:
        problems.append(Problem("adjustments", "Select the adjustments you need from the list"))
    if "interpreter" in contact.adjustments and not contact.language:
        problems.append(Problem("language", "Enter the language you need an interpreter for"))
    if "other" in contact.adjustments and not contact.adjustments_other:
        problems.append(Problem("adjustments_other", "Tell us what you need us to do differently"))
    return problems


def equality_problems(answers: dict[str, str] | None) -> list[Problem]:
    problems = []
    for name, value in (answers or {}).items():
        question = EQUALITY_QUESTIONS.get(name)
        if question is None:
            problems.append(Problem(name, "This is not one of the equality questions"))
        elif not isinstance(value, str) or value not in {code for code, _ in question[1]}:
            # A list or an object (sent through the API) is no answer on the list, and cannot be looked up in it.
            problems.append(Problem(name, "Select an answer from the list, or prefer not to say"))
    return problems


def description_problems(kind: str, description: str | None, outcome_wanted: str | None) -> list[Problem]:
    label, missing = DESCRIPTION_WORDING.get(kind, DESCRIPTION_WORDING[FeedbackKind.COMPLAINT])
    problems = [] if description else [Problem("description", missing)]
    problems += text_problems({"description": description, "outcome_wanted": outcome_wanted},
                              {"description": "Your answer", "outcome_wanted": "What you would like us to do"})
    return problems


def received_problems(received_on: date) -> list[Problem]:
    """The day it was received: a real day the council's calendar covers, and not in the future."""
    if not FIRST_YEAR <= received_on.year <= LAST_YEAR:
        return [Problem("received_on", f"The date it was received must be between {FIRST_YEAR} and {LAST_YEAR}")]
    if received_on > today():
        return [Problem("received_on", "The date it was received must be today or in the past")]
    return []


def submission_problems(submission: Submission) -> list[Problem]:
    """Every problem with a complete submission, in the order the questions are asked."""
    problems = []
    if submission.kind not in {k.value for k in FeedbackKind}:
        problems.append(Problem("kind", "Select what you would like to do"))
    problems += description_problems(submission.kind, submission.description, submission.outcome_wanted)
    problems += contact_problems(submission.kind, submission.contact)
    problems += reply_problems(submission.contact)
    problems += adjustment_problems(submission.contact)
    problems += equality_problems(submission.equality)
    return problems
