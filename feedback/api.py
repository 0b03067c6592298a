"""The feedback JSON API for council websites, CRMs and kiosks: key-authenticated, rate-limited per key."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import current_app, jsonify, request, url_for
from flask_limiter.util import get_remote_address
from sqlalchemy import select

from core import idempotency
from core.api_keys import key_from_request
from core.charters import active_service_area
from core.clocks.calendar import FIRST_YEAR
from core.extensions import csrf, db, limiter
from core.models import Channel, ServiceArea
from core.once import save_or_find_first
from core.text import unstorable
from core.timesource import iso_utc, today
from feedback import bp
from feedback.acknowledgement import published_commitments, tracking_url
from feedback.models import ApiKey, FeedbackItem, FeedbackKind
from feedback.once import tracking_token_for
from feedback.openapi import API_FIELDS, DATE_PATTERN, RESIDENT_FIELDS, spec
from feedback.rules import (
    API_CHANNELS,
    EQUALITY_QUESTIONS,
    REPLY_METHODS,
    ContactDetails,
    Problem,
    Submission,
    submission_problems,
)
from feedback.services import FEEDBACK_READ, FEEDBACK_WRITE, find_api_key, submit_feedback


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



def _text(data: dict, name: str, path: str, problems: list[Problem]) -> str | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(path, "Must be text"))
        return None
    if unstorable(value):
        problems.append(Problem(path, unstorable(value)))
        return None
    return value.strip() or None


def _choice(data: dict, name: str, path: str, choices: list[str], problems: list[Problem]) -> str | None:
    """One of the listed values, exactly as the API description lists it; null is the same as leaving it out."""
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(path, "Must be text"))
    elif value not in choices:
        problems.append(Problem(path, "Must be one of: " + ", ".join(choices)))
    else:
        return value
    return ""  # given but wrong: not the same as leaving it out


def _date(data: dict, name: str, problems: list[Problem]) -> date | None:
    value = data.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(Problem(name, "Must be text"))
        return None
    try:
        # Exactly YYYY-MM-DD, as the description says: a blank date is not a date left out.
        if not re.match(DATE_PATTERN, value):
            raise ValueError(value)  # fromisoformat also reads 20260306 and week dates, which the API does not offer
        parsed = date.fromisoformat(value)
    except ValueError:
        problems.append(Problem(name, "Must be a real date in the format YYYY-MM-DD"))
        return None
    if parsed > today():
        problems.append(Problem(name, "Must be today or in the past"))
        return None
    if parsed.year < FIRST_YEAR:
        # Working-day clocks run only over the years the calendar covers.
        problems.append(Problem(name, f"Must be a date from {FIRST_YEAR}-01-01 to today"))
        return None
    return parsed


def _strings(data: dict, name: str, path: str, problems: list[Problem]) -> list[str]:
    value = data.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(Problem(path, "Must be a list of text values"))
        return []
    for text in value:
        if unstorable(text):
            problems.append(Problem(path, unstorable(text)))
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
              for name in ("name", "email", "phone", "address", "postcode", "adjustments_other", "language")}
    values["reply_by"] = _choice(resident, "reply_by", "resident.reply_by", list(REPLY_METHODS), problems)
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
    kind = _choice(data, "kind", "kind", [k.value for k in FeedbackKind], problems)
    if kind is None:
        problems.append(Problem("kind", "Enter the kind of feedback"))
    channel = _choice(data, "channel", "channel", [c.value for c in API_CHANNELS], problems)
    if channel is None:
        channel = Channel.WEB_FORM.value
    equality = _object(data, "equality", problems)
    _unknown(equality, set(EQUALITY_QUESTIONS), "equality.", problems)
    equality = {name: value for name, value in equality.items() if name in EQUALITY_QUESTIONS}
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
    once, answered = idempotency.begin(key.id, data, replay=_answer_again)
    if answered is not None:
        return answered
    submission, channel, received_on, problems = read_submission(data)
    if problems:
        return jsonify({"errors": [{"field": p.field, "message": p.message} for p in problems]}), 422

    nonce = idempotency.Idempotent.new_nonce()

    def keep_answer(item: FeedbackItem, _token: str) -> None:
        # The tracking link is never kept: a retry's is worked out again from the nonce (_answer_again).
        once.keep(201, _created(item), url_for("feedback.api_show", reference=item.reference), nonce=nonce)

    # The same request sent again at the same moment: the database keeps the first; answer as it was answered.
    sent, kept = save_or_find_first(
        lambda: submit_feedback(submission, channel=channel, received_on=received_on, by=None, api_key=key,
                                token=tracking_token_for(once.secret(nonce)) if once else None,
                                then=keep_answer if once else None),
        lambda: once.earlier() if once else None)
    if kept is not None:
        return _answer_again(once, kept)
    if sent.problems:
        return jsonify({"errors": [{"field": _PLACES.get(p.field, p.field), "message": p.message}
                                   for p in sent.problems]}), 422
    item, token = sent.item, sent.token
    location = url_for("feedback.api_show", reference=item.reference)
    return jsonify({**_created(item), "tracking_url": tracking_url(token)}), 201, {"Location": location}


def _created(item: FeedbackItem) -> dict:
    """The answer to a new item, but for its tracking link."""
    return {
        "reference": item.reference,
        "kind": item.kind,
        "status": item.status,
        "received_on": item.received_on.isoformat(),
        "acknowledgement_due_on": item.acknowledgement_due_on.isoformat(),
    }


def _answer_again(once: idempotency.Idempotent, kept: idempotency.IdempotencyKey):
    """The first answer to a request sent again with its Idempotency-Key, tracking link and all."""
    return once.answer(kept, {**kept.body, "tracking_url": tracking_url(tracking_token_for(once.secret(kept.nonce)))})


def _iso(value) -> str | None:
    """A date as YYYY-MM-DD; a moment in UTC with its zone, as the description's date-time promises."""
    if value is None:
        return None
    return iso_utc(value) if isinstance(value, datetime) else value.isoformat()


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
