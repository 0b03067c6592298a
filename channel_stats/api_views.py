"""The integration API: telephony and queue systems send a month's figures with `POST /api/v1/channel-statistics`."""

from __future__ import annotations

from flask import current_app, g, request
from sqlalchemy.exc import IntegrityError

from channel_stats import api
from channel_stats.gaps import gaps
from channel_stats.importing import ImportResult, check_records, store_rows
from core import idempotency
from core.api_keys import require_api_key
from core.charters import published_charter
from core.extensions import db

#: The scope an API key needs to send channel statistics.
CHANNEL_STATS_SCOPE = "channel-stats:write"


def _result_json(result: ImportResult) -> dict:
    return {"imported": result.imported, "replaced": result.replaced,
            "months": [f"{month:%Y-%m}" for month in result.months], "warnings": list(result.warnings)}


@api.post("/channel-statistics")
@require_api_key(CHANNEL_STATS_SCOPE)
def import_channel_stats():
    """Import rows: 201 when stored (each replacing the month, channel and service it names), 422 with every
    problem and nothing stored."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, list):
        return {"errors": [{"message": "Send a JSON array of rows with Content-Type: application/json"}]}, 400
    once, answered = idempotency.begin(g.api_key.id, payload)
    if answered is not None:
        return answered
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    rows, problems = check_records(payload, charter)
    if problems:
        return {"errors": [problem.as_json() for problem in problems]}, 422
    source = f"API: {g.api_key.name}"
    try:
        result = store_rows(rows, by=None, source=source, warnings=gaps(rows, charter),
                            then=(lambda done: once.keep(201, _result_json(done))) if once else None)
    except IntegrityError:
        # The same rows sent at the same moment: answer as the first was answered, or ask for a retry.
        db.session.rollback()
        kept = once.earlier() if once else None
        if kept is not None:
            return once.answer(kept)
        return {"errors": [{"message": "Another import of the same months finished at the same moment: send the "
                                       "rows again"}]}, 409
    return _result_json(result), 201
