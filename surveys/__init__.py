"""Post-contact surveys and consultations tied to charter commitments, and their results."""

from flask import Blueprint

from core.events import complaint_closed, complaint_escalated, complaint_withdrawn

bp = Blueprint("surveys", __name__, url_prefix="/surveys", cli_group="surveys")
#: The integration API, outside the /surveys prefix: POST /api/v1/contacts.
api = Blueprint("surveys_api", __name__, url_prefix="/api/v1")


@bp.record_once
def _register_api(state) -> None:
    from core.extensions import csrf

    csrf.exempt(api)
    state.app.register_blueprint(api)


import core.contacts  # noqa: E402,F401  registers the contact tables this package records into
from core.contacts import on_contacts_cleared  # noqa: E402
from surveys import answer_views, api_views, commands, demo, models, openapi, services, views  # noqa: E402,F401
from surveys.invitations import (  # noqa: E402
    clear_invitation_emails,
    on_complaint_closed,
    on_complaint_escalated,
    on_complaint_withdrawn,
)

# A closed complaint invites the resident to the complaint-handling survey (complaints sends the signals); one
# escalated before its invitation was due is held until the case ends, at its final closure or its withdrawal.
complaint_closed.connect(on_complaint_closed)
complaint_escalated.connect(on_complaint_escalated)
complaint_withdrawn.connect(on_complaint_withdrawn)

# Clearing a contact's details, whoever does it, clears the invitation emails sent to them too.
on_contacts_cleared(clear_invitation_emails)
