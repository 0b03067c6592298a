"""The integration API: telephony and CRM systems log contacts with `POST /api/v1/contacts`."""

from __future__ import annotations

from flask import g, request

from core import idempotency
from core.api_keys import require_api_key
from core.contacts import ContactRecord, ContactSource
from core.extensions import db
from core.once import save_or_find_first
from core.timesource import iso_utc
from surveys import api
from surveys.intake import Lookups, check_contact, log_contact

#: The scope an API key needs to log contacts.
CONTACTS_SCOPE = "contacts:write"


def _contact_json(contact: ContactRecord) -> dict:
    return {
        "id": contact.id,
        "channel": contact.channel,
        "occurred_at": iso_utc(contact.occurred_at),
        "service": contact.service_area.code if contact.service_area else None,
        "commitments": [c.code for c in contact.commitments],
        "reference": contact.external_reference,
    }


@api.post("/contacts")
@require_api_key(CONTACTS_SCOPE)
def create_contact():
    """Log a contact. 201 when recorded, 200 when this key sent its reference before, 422 with every problem."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return {"errors": [{"message": "Send a JSON object with Content-Type: application/json"}]}, 400
    once, answered = idempotency.begin(g.api_key.id, payload)
    if answered is not None:
        return answered
    data, problems = check_contact(payload, Lookups.load())
    if problems:
        return {"errors": [{"field": field, "message": message} for field, message in problems]}, 422
    if once is None:
        contact, created = log_contact(data, source=ContactSource.API, api_key_id=g.api_key.id)
        return _contact_json(contact), 201 if created else 200
    return _logged_once(once, data)


def _logged_once(once: idempotency.Idempotent, data):
    """Log a contact sent with an Idempotency-Key: its answer is kept with it, in the same transaction."""
    def save():
        contact, created = log_contact(data, source=ContactSource.API, api_key_id=g.api_key.id,
                                       then=lambda new: once.keep(201, _contact_json(new)))
        if not created:
            # Its reference was logged before (or a moment ago): nothing new is stored but the answer.
            kept = once.earlier()
            if kept is not None:
                return once.answer(kept)
            once.keep(200, _contact_json(contact))
            db.session.commit()
        return _contact_json(contact), 201 if created else 200

    # The same request sent again at the same moment: the database keeps the first; answer as it was answered.
    answer, kept = save_or_find_first(save, once.earlier)
    return answer if kept is None else once.answer(kept)
