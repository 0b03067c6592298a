"""Post-contact surveys and consultations tied to charter commitments, and their results."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("surveys", __name__, url_prefix="/surveys", cli_group="surveys")
#: The integration API, outside the /surveys prefix: POST /api/v1/contacts.
api = Blueprint("surveys_api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Add the survey pages, the contacts API and commands, connect surveys' answers to complaints' signals, and
    register what surveys adds to core's shared parts."""
    from core.contacts import on_contacts_cleared
    from core.demo import register_demo_step
    from core.events import complaint_closed, complaint_escalated, complaint_withdrawn
    from core.extensions import csrf
    from core.openapi import register_api_section
    from core.sentiment.registry import register_scored_text
    from surveys import answer_views, api_views, commands, results_views, views  # noqa: F401  their routes join the blueprints
    from surveys.demo import load_demo_surveys
    from surveys.invitations import (
        clear_invitation_emails,
        on_complaint_closed,
        on_complaint_escalated,
        on_complaint_withdrawn,
    )
    from surveys.models import Answer
    from surveys.openapi import describe_contacts_api

    # A closed complaint invites the resident to the complaint-handling survey; one escalated before its
    # invitation was due is held until the case ends, at its final closure or its withdrawal.
    complaint_closed.connect(on_complaint_closed)
    complaint_escalated.connect(on_complaint_escalated)
    complaint_withdrawn.connect(on_complaint_withdrawn)
    # Clearing a contact's details, whoever does it, clears the invitation emails sent to them too.
    on_contacts_cleared(clear_invitation_emails)
    # Free-text answers are scored for sentiment once, when written; other answers have no text and are skipped.
    register_scored_text(Answer, text="text")
    register_api_section(describe_contacts_api)
    register_demo_step("Surveys", load_demo_surveys)
    csrf.exempt(api)
    app.register_blueprint(bp)
    app.register_blueprint(api)
