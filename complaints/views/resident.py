"""The resident's side: asking for a stage 2 review, and the complaint's section of the tracking page."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from markupsafe import Markup

from complaints import bp, deadlines, queries, services
from complaints.forms import ResidentEscalateForm
from complaints.models import Complaint, ComplaintState
from core.errors import attempt
from core.extensions import db, limiter
from core.once import token_hash
from core.timesource import today
from feedback.models import FeedbackItem


def _complaint_for_token(token: str) -> Complaint:
    complaint = queries.complaint_for_token_hash(token_hash(token))
    if complaint is None:
        abort(404)
    if complaint.feedback.anonymised_at is not None:
        abort(redirect(url_for("feedback.track", token=token)))  # which says the details were removed, and why
    return complaint


@bp.route("/track/<token>/escalate", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CHARTERLINE_PUBLIC_RATE_LIMIT"], methods=["POST"])
def resident_escalate(token: str):
    complaint = _complaint_for_token(token)
    can_ask = "escalate" in services.actions_for(complaint, None)
    form = ResidentEscalateForm()
    if can_ask and form.validate_on_submit():
        asked = attempt(form, "note", lambda: _ask_for_review(complaint, form.note.data))
        if asked == "asked":
            return render_template("complaints/track_escalated.html", complaint=complaint,
                                   page_title="You have asked for a review",
                                   ack_due=deadlines.long_date(complaint.due_on))
        if asked == "already":  # the page says so, as it does when they come back to it
            can_ask = False
    return render_template("complaints/track_escalate.html", complaint=complaint, form=form, can_ask=can_ask,
                           page_title="Ask for a review of your complaint (stage 2)")


def _ask_for_review(complaint: Complaint, note: str | None) -> str:
    """"asked", or "already" when another of the resident's requests (a second click) asked first; a change
    made by staff meanwhile is refused as usual."""
    try:
        services.escalate(complaint, on=today(), via="resident", note=note)
    except services.StaleCaseError:
        db.session.refresh(complaint)
        if complaint.escalated_on is None:
            raise
        return "already"
    return "asked"


_RESIDENT_STAGE_TEXT = {
    (1, "received"): "Stage 1: we have received your complaint",
    (1, "acknowledged"): "Stage 1: we are looking into your complaint",
    (1, "responded"): "Stage 1: we have sent you our response",
    (1, "closed"): "Closed after our stage 1 response",
    (2, "received"): "Stage 2: you have asked for a review",
    (2, "acknowledged"): "Stage 2: we are reviewing your complaint",
    (2, "closed"): "Closed: we have sent you our final response",
}


def _token_in_request(item: FeedbackItem) -> str | None:
    """The tracking token in the current page's address, checked against the item's stored hash."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and token_hash(value) == item.tracking_token_hash:
            return value
    return None


def _resident_dates(complaint: Complaint) -> list[tuple[str, str]]:
    dates = []
    for response in complaint.responses:
        if response.sent_on:
            label = "Final response sent" if response.stage == 2 else "Stage 1 response sent"
            dates.append((label, deadlines.long_date(response.sent_on)))
    clock = services.running_clock(complaint)
    if clock is not None:
        label = "We will confirm what we will look at by" if clock.kind == deadlines.ACKNOWLEDGE else \
            "We will send our response by"
        dates.append((label, deadlines.long_date(clock.due_on) if clock.due_on else "Paused: we will tell you"))
    return dates


def tracking_section(item: FeedbackItem) -> Markup | None:
    """The complaint's stage and dates on the resident's tracking page, with the stage 2 request button."""
    complaint = queries.complaint_for_item(item)
    if complaint is None:
        return None
    token = _token_in_request(item)
    stage_text = _RESIDENT_STAGE_TEXT.get((complaint.stage, complaint.state), complaint.state_label)
    if complaint.state == ComplaintState.REFUSED:
        stage_text = "We could not take your complaint forward"
    elif complaint.state == ComplaintState.WITHDRAWN:
        stage_text = "Withdrawn"
    can_ask = "escalate" in services.actions_for(complaint, None)
    action = url_for("complaints.resident_escalate", token=token) if token else None
    return Markup(render_template("complaints/_tracking.html", stage_text=stage_text,
                                  dates=_resident_dates(complaint), can_ask=can_ask, action=action))
