"""The feedback API's part of the OpenAPI document (built from the limits the API enforces) and the document."""

from __future__ import annotations

from flask import current_app

from core.clocks.calendar import FIRST_YEAR
from core.openapi import (
    ApiSection,
    blank_or,
    build_document,
    error_response,
    idempotency_key_parameter,
    json_response,
    ref,
    replayed_header,
    scoped,
)
from feedback.models import FeedbackKind, FeedbackStatus
from feedback.rules import ADJUSTMENTS, API_CHANNELS, EQUALITY_QUESTIONS, LIMITS, REPLY_METHODS
from feedback.services import FEEDBACK_READ, FEEDBACK_WRITE

#: Top-level fields a submission may have.
API_FIELDS = {"kind", "description", "service_area", "commitments", "happened_on", "outcome_wanted", "channel",
              "received_on", "resident", "equality"}
#: How the API's dates are written: YYYY-MM-DD, nothing else ISO 8601 allows.
DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
#: Fields of the resident object.
RESIDENT_FIELDS = {"name", "email", "phone", "address", "postcode", "reply_by", "adjustments", "adjustments_other",
                   "language"}


def _nullable(schema: dict) -> dict:
    """An optional field: the API reads null as leaving it out, so the description allows null too."""
    if "$ref" in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    nullable = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:
        nullable["enum"] = [*schema["enum"], None]
    return nullable


def _text(limit_name: str, description: str) -> dict:
    return {"type": "string", "maxLength": LIMITS[limit_name], "description": description}


def _date(description: str) -> dict:
    # The API reads YYYY-MM-DD only (the format's full-date), from the first year the working-day calendar covers.
    return {"type": "string", "format": "date", "pattern": DATE_PATTERN,
            "description": f"{description} From {FIRST_YEAR}-01-01 to today."}


def _submission_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "description"],
        "properties": {
            "kind": {"type": "string", "enum": [k.value for k in FeedbackKind],
                     "description": "A service request is a first report of something to put right "
                                    "(Complaint Handling Codes 1.2-1.4); the resident can always choose complaint."},
            "description": {**_text("description", "What happened, in the resident's words."),
                            "minLength": 1, "pattern": r"\S"},
            "service_area": _nullable({"type": "string",
                                       "description": "Service area code, as listed on the charter."}),
            "commitments": _nullable({"type": "array", "items": {"type": "string"},
                                      "description": "Codes of the charter commitments it concerns."}),
            "happened_on": _nullable(_date("When it happened.")),
            "outcome_wanted": _nullable(_text("outcome_wanted", "What the resident would like us to do.")),
            "channel": _nullable({"type": "string", "enum": [c.value for c in API_CHANNELS], "default": "web_form",
                                  "description": "How it reached the council."}),
            "received_on": _nullable(_date("Day 0 of every clock: the day the council received it; defaults to "
                                           "today.")),
            "resident": _nullable(ref("Resident")),
            "equality": _nullable(ref("EqualityMonitoring")),
        },
    }


def _resident_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Required for complaints and service requests: a name, and an email address, telephone "
                       "number or postal address.",
        "properties": {
            "name": _nullable(_text("name", "Full name.")),
            "email": _nullable({**_text("email", "Email address."), **blank_or({"format": "email"})}),
            "phone": _nullable(_text("phone", "Telephone number.")),
            "address": _nullable(_text("address", "Postal address.")),
            "postcode": _nullable(_text("postcode", "UK postcode.")),
            "reply_by": _nullable({"type": "string", "enum": list(REPLY_METHODS),
                                   "description": "How they want us to reply; we must have the matching detail."}),
            "adjustments": _nullable({"type": "array", "items": {"type": "string", "enum": list(ADJUSTMENTS)},
                                      "description": "Reasonable adjustments (Equality Act 2010; Complaint Handling "
                                                     "Codes 5.6)."}),
            "adjustments_other": _nullable(_text("adjustments_other", "Required when adjustments includes other.")),
            "language": _nullable(_text("language", "Required when adjustments includes interpreter.")),
        },
    }


def _equality_schema() -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "description": "Optional equality monitoring answers, stored apart from the feedback.",
        "properties": {
            name: {"type": "string", "enum": [code for code, _ in options], "description": question}
            for name, (question, options) in EQUALITY_QUESTIONS.items()
        },
    }


def _created_schema() -> dict:
    return {
        "type": "object",
        "required": ["reference", "kind", "status", "received_on", "acknowledgement_due_on", "tracking_url"],
        "additionalProperties": False,
        "properties": {
            "reference": {"type": "string", "pattern": "^[A-Z]{2,3}-[0-9]{4}-[0-9]{5,}$"},
            "kind": {"type": "string", "enum": [k.value for k in FeedbackKind]},
            "status": {"type": "string", "enum": [s.value for s in FeedbackStatus]},
            "received_on": {"type": "string", "format": "date"},
            "acknowledgement_due_on": {"type": "string", "format": "date"},
            "tracking_url": {"type": "string", "format": "uri",
                             "description": "The resident's private tracking page: give it only to them."},
        },
    }


def _feedback_schema() -> dict:
    nullable_date = {"type": ["string", "null"], "format": "date"}
    nullable_moment = {"type": ["string", "null"], "format": "date-time"}
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["reference", "kind", "status", "channel", "service_area", "commitments", "received_on",
                     "acknowledgement_due_on", "acknowledged_at", "withdrawn_at", "closed_at"],
        "properties": {
            "reference": {"type": "string"},
            "kind": {"type": "string", "enum": [k.value for k in FeedbackKind]},
            "status": {"type": "string", "enum": [s.value for s in FeedbackStatus]},
            "channel": {"type": "string"},
            "service_area": {"type": ["string", "null"]},
            "commitments": {"type": "array", "items": {"type": "string"}},
            "received_on": {"type": "string", "format": "date"},
            "acknowledgement_due_on": nullable_date,
            "acknowledged_at": nullable_moment,
            "withdrawn_at": nullable_moment,
            "closed_at": nullable_moment,
        },
    }


def _key_responses() -> dict:
    return {
        "401": error_response("No API key, or a key that is not valid"),
        "403": error_response("The API key has been revoked, or may not use this operation's scope"),
        "429": error_response("Too many requests for this key; try again in a minute"),
    }


def describe_feedback_api() -> ApiSection:
    """The feedback routes of the API, built from the same limits and choices the API enforces."""
    return ApiSection(
        tag="Feedback",
        description="Send residents' compliments, comments, complaints and service requests from the council's "
                    "website, CRM or kiosks, and check their progress.",
        paths={
            "/api/v1/feedback": {"post": {
                "operationId": "createFeedback",
                "tags": ["Feedback"],
                "summary": "Record a piece of feedback",
                "security": scoped(FEEDBACK_WRITE),
                "parameters": [idempotency_key_parameter()],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": ref("FeedbackSubmission")}}},
                "responses": {
                    "201": {**json_response("FeedbackCreated", "Recorded; the acknowledgement is on its way"),
                            "headers": {"Location": {"schema": {"type": "string"},
                                                     "description": "Where to read its progress"},
                                        **replayed_header()}},
                    "400": error_response("The body is not JSON, or the Idempotency-Key header is not a usable key"),
                    **_key_responses(),
                    "422": error_response("The feedback has problems, listed field by field; or its Idempotency-Key "
                                          "was used for a different request"),
                },
            }},
            "/api/v1/feedback/{reference}": {"get": {
                "operationId": "getFeedback",
                "tags": ["Feedback"],
                "summary": "Progress of feedback this key sent",
                "security": scoped(FEEDBACK_READ),
                "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"},
                                "example": "CMP-2026-00042"}],
                "responses": {
                    "200": json_response("Feedback", "Its progress"),
                    **_key_responses(),
                    "404": error_response("No feedback with this reference was sent with this key"),
                },
            }},
        },
        schemas={
            "FeedbackSubmission": _submission_schema(),
            "Resident": _resident_schema(),
            "EqualityMonitoring": _equality_schema(),
            "FeedbackCreated": _created_schema(),
            "Feedback": _feedback_schema(),
        },
    )


def spec() -> dict:
    """The OpenAPI 3.1 document served at /api/v1/openapi.json: every package's registered API section."""
    info = {"title": f"{current_app.config['COUNCIL_NAME']} API", "version": "1.0.0",
            "description": "Council websites, CRMs, kiosks and telephony systems send residents' feedback and log "
                           "contacts with an API key issued by an administrator."}
    document = {"/api/v1/openapi.json": {"get": {
        "operationId": "getOpenApi",
        "summary": "This description",
        "security": [],
        "responses": {"200": {"description": "The OpenAPI document",
                              "content": {"application/json": {"schema": {"type": "object"}}}}},
    }}}
    return build_document(info=info, server=current_app.config["CHARTERLINE_BASE_URL"].rstrip("/"), paths=document)
