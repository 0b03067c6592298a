"""The channel statistics API's part of the OpenAPI document, built from the columns the import checks."""

from __future__ import annotations

from channel_stats.api_views import CHANNEL_STATS_SCOPE
from channel_stats.columns import THRESHOLD_PATTERN
from channel_stats.importing import MAX_COUNT, MAX_ROWS, MONTH_PATTERN
from channel_stats.models import COUNT_COLUMNS
from core.models import Channel
from core.openapi import (
    ApiSection,
    error_response,
    idempotency_key_parameter,
    json_response,
    key_responses,
    ref,
    replayed_header,
    scoped,
)


def _count(description: str) -> dict:
    return {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_COUNT,
            "description": f"{description}; null or left out when not measured."}


def _row_schema() -> dict:
    return {
        "type": "object",
        "description": "One month of one channel, for one service area or the whole council: the template CSV's "
                       "columns as names. A threshold count is named <measure>_within_<N><unit> with unit s, m or "
                       "h, e.g. answered_within_20s, put_through_within_60s, seen_within_15m.",
        "required": ["month", "channel"],
        "additionalProperties": False,
        "properties": {
            "month": {"type": "string", "pattern": MONTH_PATTERN, "examples": ["2026-04"],
                      "description": "The month, YYYY-MM, not in the future."},
            "channel": {"type": "string", "enum": [c.value for c in Channel],
                        "description": "A channel of the charter with a standard channel statistics measure."},
            "service": {"type": ["string", "null"],
                        "description": "A service area code of the charter; null, blank or 'all' for the whole "
                                       "council."},
            **{name: _count(description) for name, description in COUNT_COLUMNS.items()},
        },
        "patternProperties": {THRESHOLD_PATTERN: _count("Cases within the threshold the name gives")},
    }


def _problems_schema() -> dict:
    return {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {"errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["message"], "additionalProperties": False,
            "properties": {
                "row": {"type": ["integer", "null"], "description": "The row, 1 for the first object; null for "
                                                                    "the whole request"},
                "column": {"type": ["string", "null"], "description": "The column (the object's key) at fault"},
                "field": {"type": "string", "description": "The Idempotency-Key header, when it is at fault"},
                "message": {"type": "string", "description": "What is wrong and what to do, e.g. 'Row 4, "
                                                             "calls_answered: enter a whole number, like 120'"},
            },
        }}},
    }


def _imported_schema() -> dict:
    return {
        "type": "object",
        "required": ["imported", "replaced", "months", "warnings"],
        "additionalProperties": False,
        "properties": {
            "imported": {"type": "integer", "minimum": 1, "description": "Rows stored"},
            "replaced": {"type": "integer", "minimum": 0, "description": "Of those, rows that replaced the same "
                                                                         "month, channel and service"},
            "months": {"type": "array", "items": {"type": "string", "pattern": MONTH_PATTERN}},
            "warnings": {"type": "array", "items": {"type": "string"},
                         "description": "Columns a charter standard is measured from that the rows left blank: "
                                        "the review leaves those months out of that standard"},
        },
    }


def describe_channel_stats_api() -> ApiSection:
    return ApiSection(
        tag="Channel statistics",
        description="Telephony, web chat and queue systems send monthly figures for the charter's standards that "
                    "Charterline cannot measure itself: the same rows as the import page's CSV.",
        paths={"/api/v1/channel-statistics": {"post": {
            "operationId": "importChannelStatistics",
            "tags": ["Channel statistics"],
            "summary": "Import months of channel statistics",
            "description": "Every row is checked first: with any problem nothing is stored. A row for a month, "
                           "channel and service already imported replaces it (audited).",
            "security": scoped(CHANNEL_STATS_SCOPE),
            "parameters": [idempotency_key_parameter()],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "array", "minItems": 1, "maxItems": MAX_ROWS, "items": ref("ChannelStatisticsRow")}}}},
            "responses": {
                "201": {**json_response("ChannelStatisticsImported", "Imported"), "headers": replayed_header()},
                "400": error_response("The body is not a JSON array, or the Idempotency-Key header is not a usable "
                                      "key"),
                "409": error_response("Another import of the same months finished at the same moment: send again"),
                "422": json_response("ChannelStatisticsProblems", "The rows have problems: every one, with its row "
                                                                  "and column, and nothing was stored; or the "
                                                                  "Idempotency-Key was used for a different request"),
                **key_responses(CHANNEL_STATS_SCOPE),
            },
        }}},
        schemas={"ChannelStatisticsRow": _row_schema(), "ChannelStatisticsImported": _imported_schema(),
                 "ChannelStatisticsProblems": _problems_schema()},
    )
