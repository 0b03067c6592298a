"""The OpenAPI document's shared parts (errors, key security) and the sections each package adds for its routes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core.idempotency import HEADER, LIFETIME, MAX_LENGTH, REPLAYED_HEADER

#: The security scheme every key-authenticated operation names, with the scope its key needs.
SECURITY_SCHEME = "apiKey"
#: Where the error body every API shares lives in the document.
ERRORS = "Errors"


@dataclass(frozen=True)
class ApiSection:
    """One package's part of the API: a tag grouping its operations, its paths and the schemas they refer to."""

    tag: str
    description: str
    paths: dict
    schemas: dict = field(default_factory=dict)


#: Functions that describe a package's API routes: f() -> ApiSection, called when the document is built.
API_SECTIONS: list[Callable[[], ApiSection]] = []


def register_api_section(describe: Callable[[], ApiSection]) -> Callable[[], ApiSection]:
    """Let a package describe its own API routes in the one document feedback serves, without an upward import."""
    if describe not in API_SECTIONS:
        API_SECTIONS.append(describe)
    return describe


def scoped(scope: str) -> list[dict]:
    """The security requirement of an operation that needs a key with `scope` (OpenAPI 3.1 allows role names)."""
    return [{SECURITY_SCHEME: [scope]}]


def ref(schema_name: str) -> dict:
    return {"$ref": f"#/components/schemas/{schema_name}"}


def json_response(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def error_response(description: str) -> dict:
    return json_response(ERRORS, description)


def key_responses(scope: str) -> dict:
    """The answers every operation behind an API key can give: no usable key (401, with the scheme to use), a key
    without ``scope`` (403), and too many requests (429)."""
    bearer = {"WWW-Authenticate": {"schema": {"type": "string", "const": "Bearer"}}}
    return {
        "401": {**error_response("No API key, or one that is not valid or has been revoked"), "headers": bearer},
        "403": error_response(f"The API key may not use {scope}"),
        "429": error_response("Too many requests for this key; try again in a minute"),
    }


def idempotency_key_parameter() -> dict:
    """The optional Idempotency-Key header of an operation that stores something (core.idempotency)."""
    hours = int(LIFETIME.total_seconds() // 3600)
    return {
        "name": HEADER, "in": "header", "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_LENGTH, "pattern": "^[ -~]+$"},
        "example": "6f1c0e4a-3b8e-4d2c-9a57-0b6f2f6f3d21",
        "description": (
            "Optional: a value unique to this request, such as a UUID, so that it can be sent again safely (after a "
            "timeout, say). A request sent again with the same key gets the first answer again (the same status, "
            f"body and Location, with {REPLAYED_HEADER}: true) and stores nothing new, even when both arrive at "
            f"once. Scope: keys belong to the API key that sends them; another API key's identical key is another "
            f"request. Lifetime: a key is remembered for {hours} hours from its first answer, then forgotten (it "
            "can then be used again). The same key with a different request (method, path or JSON body) is refused "
            "with 422. Requests that are refused (4xx) are not remembered: send the corrected request with the "
            "same key or a new one."),
    }


def replayed_header() -> dict:
    """The response header that marks an answer given again for a retried Idempotency-Key."""
    return {REPLAYED_HEADER: {"schema": {"type": "string", "const": "true"},
                              "description": "Present when this is the first answer again, for a request sent "
                                             "again with the same Idempotency-Key"}}


def errors_schema() -> dict:
    """The body of every API error: a list of problems, each with its field when one field is at fault."""
    return {
        "type": "object",
        "required": ["errors"],
        "additionalProperties": False,
        "properties": {"errors": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["message"], "additionalProperties": False,
            "properties": {"field": {"type": "string", "description": "Dotted path of the field, e.g. resident.email"},
                           "message": {"type": "string"}},
        }}},
    }


#: A text of spaces or nothing, which the APIs read as a field left out.
BLANK = r"^\s*$"


def blank_or(rules: dict) -> dict:
    """Rules (a format, a pattern) a text follows unless it is blank: the APIs read a blank text as not given."""
    return {"anyOf": [rules, {"type": "string", "pattern": BLANK}]}


def build_document(*, info: dict, server: str, paths: dict) -> dict:
    """The OpenAPI 3.1 document: `paths` (those of the serving package) and every registered section's."""
    sections = [describe() for describe in API_SECTIONS]
    schemas = {ERRORS: errors_schema()}
    all_paths = dict(paths)
    for section in sections:
        _add_unique(all_paths, section.paths, section.tag)
        _add_unique(schemas, section.schemas, section.tag)
    return {
        "openapi": "3.1.0",
        "info": info,
        "servers": [{"url": server}],
        "security": [{SECURITY_SCHEME: []}],
        "tags": [{"name": section.tag, "description": section.description} for section in sections],
        "paths": all_paths,
        "components": {
            "securitySchemes": {SECURITY_SCHEME: {
                "type": "http", "scheme": "bearer",
                "description": "An API key issued by an administrator, sent as 'Authorization: Bearer <key>'. "
                               "Each operation lists the scope the key needs."}},
            "schemas": schemas,
        },
    }


def _add_unique(into: dict, new: dict, tag: str) -> None:
    # Two sections describing one path or schema name would silently overwrite each other.
    clash = sorted(set(into) & set(new))
    if clash:
        raise ValueError(f"The {tag} API section describes {', '.join(clash)} again")
    into.update(new)
