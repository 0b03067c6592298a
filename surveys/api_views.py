"""The integration API: telephony and CRM systems log contacts with `POST /api/v1/contacts`."""

from __future__ import annotations

from flask import g, request

from core.api_keys import require_api_key
from core.contacts import ContactRecord, ContactSource
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
    data, problems = check_contact(payload, Lookups.load())
    if problems:
        return {"errors": [{"field": field, "message": message} for field, message in problems]}, 422
    contact, created = log_contact(data, source=ContactSource.API, api_key_id=g.api_key.id)
    return _contact_json(contact), 201 if created else 200
