"""The contacts API's part of the OpenAPI document, built from the same checks and choices the API applies."""

from __future__ import annotations

from core.clocks.calendar import FIRST_YEAR
from core.idempotency import HEADER as IDEMPOTENCY_HEADER
from core.openapi import (
    BLANK,
    ApiSection,
    blank_or,
    error_response,
    idempotency_key_parameter,
    json_response,
    key_responses,
    ref,
    replayed_header,
    scoped,
)
from surveys.api_views import CONTACTS_SCOPE
from surveys.intake import CONTACT_CHANNELS, PHONE_PATTERN, REFERENCE_MAX_LENGTH, WHEN_PATTERN

#: The fields a problem can name in a 422 answer, in the order they are checked (and the Idempotency-Key header).
PROBLEM_FIELDS = ["channel", "when", "service", "email", "phone", "commitments", "reference", IDEMPOTENCY_HEADER]
def _when_or_blank() -> dict:
    """A date and time as the API reads one; null or blank text means not given (the other name may be used)."""
    return {"anyOf": [{"type": "null"}, {"type": "string", "pattern": WHEN_PATTERN},
                      {"type": "string", "pattern": BLANK}]}


#: email_validator refuses longer addresses (RFC 5321 path limit), so the API does too.
EMAIL_MAX_LENGTH = 254
_WHEN = (f"When the contact happened, from 1 January {FIRST_YEAR} and not in the future: ISO 8601 (UK time when it "
         "has no offset) or a UK date and time like 20/11/2026 14:05; a date alone means midnight, UK time.")


def _optional(description: str, **rules) -> dict:
    # Sending systems often send null for what they do not know; null is the same as leaving the field out.
    return {"type": ["string", "null"], "description": description, **rules}


def _submission_schema() -> dict:
    return {
        "type": "object",
        "description": "Other fields are ignored, so a CRM can send its own record as it is.",
        "required": ["channel"],
        # null is the same as leaving a field out, so one of the two names must hold text.
        # One of the two names must hold text (not blank) for when the contact happened.
        "anyOf": [{"required": [name], "properties": {name: {"type": "string", "pattern": r"\S"}}}
                  for name in ("when", "occurred_at")],
        "properties": {
            "channel": {"type": "string", "enum": [c.value for c in CONTACT_CHANNELS],
                        "description": "How the resident contacted the council; capitals, spaces and hyphens are "
                                       "read as the listed value (\"Web form\" is web_form)."},
            "when": {**_when_or_blank(), "description": _WHEN,
                     "examples": ["2026-11-20T14:05:00Z", "2026-11-20T14:05:00+00:00", "2026-11-20 14:05",
                                  "2026-11-20T14:05", "20/11/2026 14:05", "2026-11-20", "20/11/2026"]},
            "occurred_at": {**_when_or_blank(),
                            "description": "Another name for when; when is used if both are sent, and either "
                                           "one sent must be a date and time."},
            "service": _optional("A service area code, as listed on the charter, like council-tax."),
            "email": _optional("The resident's email address; without one no invitation is sent.",
                               maxLength=EMAIL_MAX_LENGTH, **blank_or({"format": "email"})),
            "phone": _optional("The resident's UK phone number.", pattern=f"{BLANK}|{PHONE_PATTERN}"),
            "commitments": {
                "description": "Codes of commitments in the published charter (any case), as a list or as one "
                               "text separated by spaces or semicolons.",
                "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": ["string", "null"]}]},
            "reference": _optional("The sending system's own reference for the contact. Sending it again with "
                                   "the same API key records nothing new: the answer is the contact first logged "
                                   "with it. References belong to the key: another key's contact with the same "
                                   "reference is a different contact.",
                                   maxLength=REFERENCE_MAX_LENGTH),
        },
    }


def _contact_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "channel", "occurred_at", "service", "commitments", "reference"],
        "properties": {
            "id": {"type": "integer"},
            "channel": {"type": "string", "enum": [c.value for c in CONTACT_CHANNELS]},
            "occurred_at": {"type": "string", "format": "date-time", "description": "In UTC."},
            "service": {"type": ["string", "null"]},
            "commitments": {"type": "array", "items": {"type": "string"}},
            "reference": {"type": ["string", "null"]},
        },
    }


def _problems_schema() -> dict:
    return {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {"errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["field", "message"], "additionalProperties": False,
            "properties": {"field": {"type": "string", "enum": PROBLEM_FIELDS,
                                     "description": "A problem with occurred_at is reported under when."},
                           "message": {"type": "string"}},
        }}},
    }


def describe_contacts_api() -> ApiSection:
    return ApiSection(
        tag="Contacts",
        description="Telephony and CRM systems log residents' contacts, so residents are invited to the survey "
                    "that asks whether the charter's promises were kept.",
        paths={"/api/v1/contacts": {"post": {
            "operationId": "logContact",
            "tags": ["Contacts"],
            "summary": "Log a contact with a resident",
            "security": scoped(CONTACTS_SCOPE),
            "parameters": [idempotency_key_parameter()],
            "requestBody": {"required": True, "content": {"application/json": {"schema": ref("ContactSubmission")}}},
            "responses": {
                "201": {**json_response("Contact", "Logged"), "headers": replayed_header()},
                "200": {**json_response("Contact", "This key logged a contact with this reference before: that "
                                                   "contact"), "headers": replayed_header()},
                "400": error_response("The body is not a JSON object, or the Idempotency-Key header is not a usable "
                                      "key"),
                "422": json_response("ContactProblems", "The contact has problems: every one, with its field; or "
                                                        "its Idempotency-Key was used for a different request"),
                **key_responses(CONTACTS_SCOPE),
            },
        }}},
        schemas={"ContactSubmission": _submission_schema(), "Contact": _contact_schema(),
                 "ContactProblems": _problems_schema()},
    )
