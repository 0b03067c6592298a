"""The feedback JSON API for council websites, CRMs and kiosks: key-authenticated, rate-limited per key."""

from __future__ import annotations

from datetime import date

from flask import current_app, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from core.api_keys import key_from_request
from core.charters import active_service_area
from core.extensions import csrf, db, limiter
from core.models import ServiceArea
from core.timesource import today
from feedback import bp
from feedback.models import ApiKey, FeedbackItem, FeedbackKind
from feedback.openapi import API_FIELDS, RESIDENT_FIELDS, spec
from feedback.rules import (
    API_CHANNELS,
    EQUALITY_QUESTIONS,
    ContactDetails,
    Problem,
    Submission,
    submission_problems,
)
from feedback.services import (
    FEEDBACK_READ,
    FEEDBACK_WRITE,
    find_api_key,
    published_commitments,
    record_feedback,
    tracking_url,
)


def _presented_key() -> str | None:
    """The key in `Authorization: Bearer <key>`, the one way the API description offers."""
    return key_from_request()


def current_api_key() -> ApiKey | None:
    """The key this request presents, looked up once per request."""
    cache = request.environ
    if "charterline.api_key" not in cache:
        cache["charterline.api_key"] = find_api_key(_presented_key())
    return cache["charterline.api_key"]


def _limit_key() -> str:
    key = current_api_key()
    return f"api-key:{key.id}" if key else f"address:{get_remote_address()}"


def _limit_value() -> str:
    key = current_api_key()
    if key is not None and key.active:
        return f"{key.per_minute} per minute"
    # No key, or a wrong one: the public limit, so keys cannot be guessed quickly.
    return current_app.config["CHARTERLINE_PUBLIC_RATE_LIMIT"]


api_limit = limiter.shared_limit(_limit_value, scope="api", key_func=_limit_key)


def _error(status: int, message: str, **headers):
    response = jsonify({"errors": [{"message": message}]})
    response.status_code = status
    response.headers.update(headers)
    return response


def _authorise(scope: str) -> tuple[ApiKey | None, object]:
    key = current_api_key()
    if key is None:
        message = "This API key is not valid" if _presented_key() else "Send your API key in the Authorization header"
        return None, _error(401, message, **{"WWW-Authenticate": 'Bearer realm="charterline"'})
    if not key.active:
        return None, _error(403, "This API key has been revoked")
    if scope not in (key.scopes or []):
        return None, _error(403, f"This API key may not use {scope}")
    return key, None


# Reading the request body

NUL_MESSAGE = "Must not contain the NUL character (U+0000)"


def _text(data: dict, name: str, path: str, problems: list[Problem]) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(path, "Must be text"))
        return None
    if "\x00" in value:  # PostgreSQL cannot store it in text; no person types it
        problems.append(Problem(path, NUL_MESSAGE))
        return None
    return value.strip() or None


def _date(data: dict, name: str, problems: list[Problem]) -> date | None:
    value = _text(data, name, name, problems)
    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(name, "Must be a real date in the format YYYY-MM-DD"))
        return None
    if parsed > today():
        problems.append(Problem(name, "Must be today or in the past"))
        return None
    return parsed


def _strings(data: dict, name: str, path: str, problems: list[Problem]) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, "Must be a list of text values"))
        return []
    return value


def _unknown(data: dict, allowed: set[str], prefix: str, problems: list[Problem]) -> None:
    for name in sorted(set(data) - allowed):
        problems.append(Problem(f"{prefix}{name}", "Is not a field this API accepts"))


def _object(data: dict, name: str, problems: list[Problem]) -> dict:
    value = data.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(Problem(name, "Must be an object"))
        return {}
    return value


def _contact(data: dict, problems: list[Problem]) -> ContactDetails:
    resident = _object(data, "resident", problems)
    _unknown(resident, RESIDENT_FIELDS, "resident.", problems)
    values = {name: _text(resident, name, f"resident.{name}", problems)
              for name in ("name", "email", "phone", "address", "postcode", "reply_by", "adjustments_other",
                           "language")}
    return ContactDetails(**values, adjustments=_strings(resident, "adjustments", "resident.adjustments", problems))


def _service_area(code: str | None, problems: list[Problem]) -> ServiceArea | None:
    if code is None:
        return None
    area = active_service_area(code)
    if area is None:
        problems.append(Problem("service_area", f"There is no service area with the code {code!r}"))
    return area


def _commitments(codes: list[str], problems: list[Problem]) -> list:
    found = published_commitments(codes)
    known = {c.code for c in found}
    for code in dict.fromkeys(codes):
        if code not in known:
            problems.append(Problem("commitments", f"There is no commitment with the code {code!r} in the charter"))
    return found


#: Where each rule's field lives in the API body.
_PLACES = {name: f"resident.{name}" for name in RESIDENT_FIELDS} | {
    name: f"equality.{name}" for name in EQUALITY_QUESTIONS}


def read_submission(data: object) -> tuple[Submission | None, str, date, list[Problem]]:
    """Parse and check a request body; returns the submission, channel, date received and any problems."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return None, "", today(), [Problem("", "The request body must be a JSON object")]
    _unknown(data, API_FIELDS, "", problems)
    kind = _text(data, "kind", "kind", problems)
    if kind is None:
        problems.append(Problem("kind", "Enter the kind of feedback"))
    elif kind not in {k.value for k in FeedbackKind}:
        problems.append(Problem("kind", "Must be one of: " + ", ".join(k.value for k in FeedbackKind)))
    channel = _text(data, "channel", "channel", problems) or "web_form"
    if channel not in {c.value for c in API_CHANNELS}:
        problems.append(Problem("channel", "Must be one of: " + ", ".join(c.value for c in API_CHANNELS)))
    equality = _object(data, "equality", problems)
    submission = Submission(
        kind=kind or "", description=_text(data, "description", "description", problems) or "",
        service_area=_service_area(_text(data, "service_area", "service_area", problems), problems),
        commitments=_commitments(_strings(data, "commitments", "commitments", problems), problems),
        happened_on=_date(data, "happened_on", problems),
        outcome_wanted=_text(data, "outcome_wanted", "outcome_wanted", problems),
        contact=_contact(data, problems), equality=equality or None,
    )
    received_on = _date(data, "received_on", problems) or today()
    # The rules shared with the online form, unless the field (or the object holding it) is already wrong.
    already = {p.field for p in problems}
    for problem in submission_problems(submission):
        place = _PLACES.get(problem.field, problem.field)
        if place not in already and place.split(".")[0] not in already:
            problems.append(Problem(place, problem.message))
    return submission, channel, received_on, problems


@bp.post("/api/v1/feedback")
@csrf.exempt
@api_limit
def api_create():
    key, refused = _authorise(FEEDBACK_WRITE)
    if refused:
        return refused
    data = request.get_json(silent=True)
    if data is None:
        return _error(400, "Send the feedback as a JSON object with the Content-Type application/json")
    submission, channel, received_on, problems = read_submission(data)
    if problems:
        return jsonify({"errors": [{"field": p.field, "message": p.message} for p in problems]}), 422
    item, token = record_feedback(submission, channel=channel, received_on=received_on, by=None, api_key=key)
    body = {
        "reference": item.reference,
        "kind": item.kind,
        "status": item.status,
        "received_on": item.received_on.isoformat(),
        "acknowledgement_due_on": item.acknowledgement_due_on.isoformat(),
        "tracking_url": tracking_url(token),
    }
    location = url_for("feedback.api_show", reference=item.reference)
    return jsonify(body), 201, {"Location": location}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


@bp.get("/api/v1/feedback/<reference>")
@api_limit
def api_show(reference: str):
    key, refused = _authorise(FEEDBACK_READ)
    if refused:
        return refused
    # A key sees only what it sent: a kiosk key cannot read other people's feedback.
    item = db.session.scalar(select(FeedbackItem).where(FeedbackItem.reference == reference,
                                                        FeedbackItem.api_key_id == key.id))
    if item is None:
        return _error(404, "There is no feedback with this reference for this API key")
    return jsonify({
        "reference": item.reference,
        "kind": item.kind,
        "status": item.status,
        "channel": item.channel,
        "service_area": item.service_area.code if item.service_area else None,
        "commitments": [c.code for c in item.commitments],
        "received_on": item.received_on.isoformat(),
        "acknowledgement_due_on": _iso(item.acknowledgement_due_on),
        "acknowledged_at": _iso(item.acknowledged_at),
        "withdrawn_at": _iso(item.withdrawn_at),
        "closed_at": _iso(item.closed_at),
    })


@bp.get("/api/v1/openapi.json")
def openapi():
    return jsonify(spec())
