"""Residents' compliments, comments, complaints and service requests: intake, staff inbox and tracking."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("feedback", __name__, cli_group="feedback")


def init_app(app: Flask) -> None:
    """Add feedback's pages, API and commands to the app, and register what it adds to core's shared parts."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from core.demo import register_demo_step
    from core.events import calendar_changed, records_rescored
    from core.openapi import register_api_section
    from core.sentiment.registry import register_scored_text
    from feedback import (  # noqa: F401  their routes join the blueprint
        api,
        commands,
        quote_views,
        staff_views,
        tracking_views,
        views,
    )
    from feedback.acknowledgement import move_acknowledgement_dates
    from feedback.demo import load_demo_feedback
    from feedback.models import FeedbackItem, keep_tagged_flag
    from feedback.openapi import describe_feedback_api
    from feedback.tallies import mark_rescored, mark_stale_months

    # Scored for sentiment and themes whenever the resident's description is written; once anonymised, the
    # description is a placeholder and the stored score stands.
    register_scored_text(FeedbackItem, text="description", themes="themes", anonymised="anonymised_at")
    register_api_section(describe_feedback_api)
    register_demo_step("Feedback", load_demo_feedback)
    # Acknowledgements still to send have due dates on the council's calendar: they move when it changes.
    calendar_changed.connect(move_acknowledgement_dates)
    # Every session keeps each item's "tagged" flag in step with its commitments (once, however many apps).
    if not event.contains(Session, "before_flush", keep_tagged_flag):
        event.listen(Session, "before_flush", keep_tagged_flag)
    # ... and marks the months whose counts for the charter review a flush changes (feedback.tallies).
    if not event.contains(Session, "before_flush", mark_stale_months):
        event.listen(Session, "before_flush", mark_stale_months)
    records_rescored.connect(mark_rescored)
    app.register_blueprint(bp)
