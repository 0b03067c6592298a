"""The resident's private tracking page: what is happening, messages, files, withdrawal and a complaint about a
service request."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from core.errors import attempt, show_on_form
from core.events import tracking_sections
from core.extensions import limiter
from core.once import issue_token, save_or_find_first, verified_token
from feedback import bp
from feedback.acknowledgement import explain_acknowledgement
from feedback.forms import (
    ComplainForm,
    KeepComplaintForm,
    TrackFilesForm,
    TrackMessageForm,
    WithdrawForm,
)
from feedback.models import FeedbackItem, FeedbackKind
from feedback.once import find_by_submission, message_sent, tracking_token_for
from feedback.services import (
    FeedbackError,
    add_files,
    add_resident_message,
    complain_about,
    find_by_token,
    keep_as_complaint,
    withdraw,
)
from feedback.uploads import MAX_FILES, store_all
from feedback.views import public_rate_limit

#: Every tracking page shares one limit per address, so guessing tokens is slow.
tracking_limit = limiter.shared_limit(public_rate_limit, scope="tracking")


def _tracked(token: str) -> FeedbackItem:
    """The item for the token. Once anonymised there is nothing left to add to or change: its pages lead back to
    the tracking page, which says why."""
    item = find_by_token(token)
    if item is None:
        abort(404)
    if item.anonymised_at is not None and request.endpoint != "feedback.track":
        abort(redirect(url_for("feedback.track", token=token)))
    return item


@bp.get("/track/<token>")
@tracking_limit
def track(token: str):
    item = _tracked(token)
    if item.anonymised_at is not None:
        # The link still works, so the resident learns what happened rather than meeting "Page not found".
        return render_template("feedback/track_anonymised.html", item=item)
    return render_template("feedback/track.html", item=item, token=token, explanation=explain_acknowledgement(item),
                           sections=tracking_sections(item))


@bp.route("/track/<token>/message", methods=["GET", "POST"])
@tracking_limit
def track_message(token: str):
    item = _tracked(token)
    form = TrackMessageForm()
    once = verified_token(form.submission.data, "track-message", item.tracking_token_hash)
    if form.validate_on_submit():
        if once is not None and message_sent(once):
            return _message_added(token)
        if once is None and item.is_open:
            # A page we did not issue (or from before pages had one-time tokens): nothing can tell a repeat apart.
            form.body.errors.append("Your information has not been sent yet. Check it and select Send")
        else:
            try:
                # The same message sent at the same moment: the database adds the first, and refuses this one.
                save_or_find_first(lambda: add_resident_message(item, form.body.data.strip(), once=once),
                                   lambda: message_sent(once) or None)
            except FeedbackError as exc:
                form.body.errors.append(str(exc))
            else:
                return _message_added(token)
    form.submission.data = once or issue_token("track-message", item.tracking_token_hash)
    return render_template("feedback/track_message.html", form=form, item=item, token=token)


def _message_added(token: str):
    flash("We have added your information.", "success")
    return redirect(url_for("feedback.track", token=token))


@bp.route("/track/<token>/files", methods=["GET", "POST"])
@tracking_limit
def track_files(token: str):
    item = _tracked(token)
    form = TrackFilesForm()
    if form.validate_on_submit():
        uploads = [u for u in request.files.getlist("files") if u and u.filename]
        if not uploads:
            form.files.errors.append("Select a file to upload")
        elif not item.is_open:
            form.files.errors.append(f"This {item.kind_noun} is {item.status_label.lower()}, so it cannot be changed")
        else:
            stored, problems = store_all(uploads, already=len(item.attachments))
            if stored:
                add_files(item, stored, by=None)
            if not problems:
                flash(f"We have added {len(stored)} file{'' if len(stored) == 1 else 's'}.", "success")
                return redirect(url_for("feedback.track", token=token))
            form.files.errors.extend(problems)
    return render_template("feedback/track_files.html", form=form, item=item, token=token, max_files=MAX_FILES)


@bp.route("/track/<token>/withdraw", methods=["GET", "POST"])
@tracking_limit
def track_withdraw(token: str):
    item = _tracked(token)
    form = WithdrawForm()
    if form.validate_on_submit():
        if attempt(form, "reason", lambda: withdraw(item, reason=(form.reason.data or "").strip() or None)):
            flash(f"You have withdrawn your {item.kind_noun}.", "success")
            return redirect(url_for("feedback.track", token=token))
    return render_template("feedback/track_withdraw.html", form=form, item=item, token=token)


@bp.route("/track/<token>/complaint", methods=["GET", "POST"])
@tracking_limit
def track_complaint(token: str):
    item = _tracked(token)
    if item.kind != FeedbackKind.SERVICE_REQUEST or not item.is_open:
        abort(404)
    if item.resident_kind == FeedbackKind.COMPLAINT:
        form = KeepComplaintForm()
        if form.validate_on_submit():
            keep_as_complaint(item)
            flash("We will handle this as a complaint.", "success")
            return redirect(url_for("feedback.track", token=token))
        return render_template("feedback/track_keep_complaint.html", form=form, item=item, token=token)
    form = ComplainForm()
    once = verified_token(form.submission.data, "track-complaint", item.tracking_token_hash)
    if form.validate_on_submit():
        complaint = find_by_submission(once) if once else None
        if complaint is None and once is None:
            # A page we did not issue (or from before pages had one-time tokens): nothing can tell a repeat apart.
            form.description.errors.append("Your complaint has not been sent yet. Check it and select Make a complaint")
        else:
            if complaint is None:
                # The same complaint sent at the same moment: the database records the first, refuses this one.
                sent, complaint = save_or_find_first(
                    lambda: complain_about(item, form.description.data.strip(), once=once),
                    lambda: find_by_submission(once))
                if sent is not None and show_on_form(form, sent.problems):
                    complaint = sent.item
            if complaint is not None:
                flash(f"We have received your complaint. Your reference is {complaint.reference}. "
                      "Keep this page's address: it is your private link to this complaint.", "success")
                return redirect(url_for("feedback.track", token=tracking_token_for(once)))
    form.submission.data = once or issue_token("track-complaint", item.tracking_token_hash)
    return render_template("feedback/track_complain.html", form=form, item=item, token=token)
