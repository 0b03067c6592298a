"""Staff pages: the feedback inbox and its export, recording on a resident's behalf, each item, and API keys."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response, abort, flash, redirect, render_template, request, send_file, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.audit import history_for
from core.auth import ANY_STAFF, role_required
from core.errors import attempt, show_on_form
from core.exports import safe_cell
from core.extensions import db
from core.formatting import govuk_date
from core.models import Role, ServiceArea
from core.once import issue_token, save_or_find_first, verified_token
from core.sentiment.service import override_sentiment
from core.timesource import today
from feedback import bp, queries
from feedback.acknowledgement import explain_acknowledgement, published_commitments, tracking_url
from feedback.forms import (
    ApiKeyForm,
    ConfirmForm,
    InboxFilterForm,
    ReclassifyForm,
    RecordFeedbackForm,
    RetagForm,
    SentimentForm,
    StaffFilesForm,
    StaffMessageForm,
    StatusForm,
    channel_choices,
    text,
)
from feedback.models import ApiKey, Attachment, FeedbackItem, FeedbackKind, FeedbackStatus
from feedback.once import find_by_submission, tracking_token_for
from feedback.quotes import may_quote, quote_of
from feedback.rules import (
    ADJUSTMENTS,
    REPLY_METHODS,
    ContactDetails,
    Problem,
    Submission,
)
from feedback.services import (
    active_charter,
    add_files,
    check_submission,
    issue_api_key,
    reclassify,
    retag,
    revoke_api_key,
    send_staff_message,
    submit_feedback,
    update_status,
)
from feedback.uploads import MAX_FILES, path_of, store_all

#: Who may change feedback: the people who handle it. Everyone on the staff may read it.
HANDLERS = (Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER)


# The inbox

def _filter_form() -> InboxFilterForm:
    form = InboxFilterForm(formdata=request.args if request.args else None)
    everything = [SelectChoice("", "All")]
    form.kind.choices = everything + [SelectChoice(k.value, k.label) for k in FeedbackKind]
    form.status.choices = everything + [SelectChoice(s.value, s.label) for s in FeedbackStatus]
    form.service.choices = everything + [SelectChoice(a.code, a.name) for a in queries.service_areas()]
    charter = active_charter()
    form.commitment.choices = everything + [
        SelectChoice(c.code, f"{c.code}: {c.wording[:60]}{'…' if len(c.wording) > 60 else ''}")
        for c in (charter.commitments if charter else [])]
    form.channel.choices = channel_choices()
    form.sentiment.choices = everything + [SelectChoice(k, v) for k, v in queries.SENTIMENTS.items()]
    return form


def _filters(form: InboxFilterForm) -> queries.InboxFilters:
    return queries.InboxFilters(
        q=text(form.q), kind=form.kind.data or None, status=form.status.data or None,
        service=form.service.data or None, commitment=form.commitment.data or None,
        channels=tuple(c for c in form.channel.data or () if c), sentiment=form.sentiment.data or None,
        received_from=form.received_from.data, received_to=form.received_to.data,
        sort=form.sort.data or "received", order=form.order.data or "desc",
    )


def _page_number() -> int:
    try:
        return int(request.args.get("page", "1"))
    except ValueError:
        return 1


def _filter_arguments(form: InboxFilterForm) -> dict[str, list[str]]:
    """The list's filters as given, for its page and export links: every value of each (a date is three), and only
    the form's own names, as url_for reads some words itself (endpoint, _anchor)."""
    return {name: values for name, values in request.args.lists() if name in form._fields}


@bp.get("/staff/feedback")
@role_required(*ANY_STAFF)
def inbox():
    form = _filter_form()
    valid = not request.args or form.validate()
    filters = _filters(form) if valid else queries.InboxFilters()
    result = queries.inbox_page(filters, _page_number())
    arguments = _filter_arguments(form)
    return render_template("feedback/inbox.html", form=form if not valid else None, filter_form=form, result=result,
                           arguments=arguments, kinds={k.value: k.label for k in FeedbackKind},
                           can_record=current_user.has_role(*HANDLERS), today=today())


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if value is True or value is False:
        return "Yes" if value else "No"
    return safe_cell(value)


def _csv_lines(rows: Iterator[tuple]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(queries.EXPORT_HEADINGS)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/staff/feedback/export.csv")
@role_required(*ANY_STAFF)
def export():
    form = _filter_form()
    if request.args and not form.validate():
        return redirect(url_for("feedback.inbox", **_filter_arguments(form)))
    rows = queries.export_rows(_filters(form))
    return Response(stream_with_context(_csv_lines(rows)), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=feedback-{today():%Y-%m-%d}.csv"})


# Recording on a resident's behalf

def _service_choices() -> list[SelectChoice]:
    areas = db.session.scalars(select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name))
    return [SelectChoice("", "Not known")] + [SelectChoice(a.code, a.name) for a in areas]


def _commitment_choices() -> list[SelectChoice]:
    charter = active_charter()
    return [SelectChoice(c.code, f"{c.code}: {c.wording}") for c in (charter.commitments if charter else [])]


def _chosen(codes: list[str]) -> list:
    return published_commitments(codes or [])


def _area(code: str | None) -> ServiceArea | None:
    return db.session.scalar(select(ServiceArea).where(ServiceArea.code == code)) if code else None


def _recorded_submission(form: RecordFeedbackForm) -> Submission:
    contact = ContactDetails(
        name=text(form.name), email=text(form.email), phone=text(form.phone), address=text(form.address),
        postcode=text(form.postcode), reply_by=form.reply_by.data or None,
        adjustments=[a for a in form.adjustments.data or [] if a in ADJUSTMENTS],
        language=text(form.language), adjustments_other=text(form.adjustments_other),
    )
    return Submission(kind=form.kind.data or "", description=text(form.description) or "",
                      service_area=_area(form.service_area.data), commitments=_chosen(form.commitments.data),
                      happened_on=form.happened_on.data, outcome_wanted=text(form.outcome_wanted), contact=contact)


def _record_token_bound_to() -> str:
    """Whose recording form a one-time token belongs to: the officer's, so nobody else's page can repeat it."""
    return f"staff-{current_user.id}"


@bp.route("/staff/feedback/new", methods=["GET", "POST"])
@role_required(*HANDLERS)
def record():
    form = RecordFeedbackForm()
    form.service_area.choices = _service_choices()
    form.commitments.choices = _commitment_choices()
    once = verified_token(form.submission.data, "record-feedback", _record_token_bound_to())
    if form.is_submitted():
        already = find_by_submission(once) if once else None
        if already is not None:
            # The same form sent again (a double click, a resend): it was recorded the first time.
            return _recorded(already, once)
        # Every problem at once: the form's own checks and the rules shared with the resident's form.
        valid = form.validate()
        submission = _recorded_submission(form)
        problems = check_submission(submission, received_on=form.received_on.data or today())
        if once is None:
            # A page we did not issue (or from before pages had one-time tokens): a repeat could not be told apart.
            problems.append(Problem("description", "This has not been recorded yet. Check it and select "
                                                   "Record feedback"))
        if show_on_form(form, problems) and valid:
            # The same form sent at the same moment: the database records the first and refuses this one.
            sent, already = save_or_find_first(
                lambda: submit_feedback(submission, channel=form.channel.data, received_on=form.received_on.data,
                                        by=current_user, once=once),
                lambda: find_by_submission(once))
            if already is not None:
                return _recorded(already, once)
            if show_on_form(form, list(sent.problems)):
                return _recorded(sent.item, once)
    form.submission.data = once or issue_token("record-feedback", _record_token_bound_to())
    return render_template("feedback/record.html", form=form)


def _recorded(recorded: FeedbackItem, once: str):
    """The item the form recorded, with its tracking link: the same page however many times the form was sent."""
    flash(Markup("Recorded {kind} {reference}. The resident's private tracking link is "
                 "<span class=\"app-break\">{link}</span>. It is also in their acknowledgement.").format(
        kind=recorded.kind_noun, reference=recorded.reference, link=tracking_url(tracking_token_for(once))),
        "success")
    return redirect(url_for("feedback.item", reference=recorded.reference))


# One item

def item_or_404(reference: str) -> FeedbackItem:
    item = queries.item_by_reference(reference)
    if item is None:
        abort(404)
    return item


def item_to_change(reference: str) -> FeedbackItem:
    """The item, unless it has been anonymised: then it stays as it is, and the officer is told why."""
    found = item_or_404(reference)
    if found.anonymised_at is not None:
        flash(f"This {found.kind_noun} was anonymised on {govuk_date(found.anonymised_at)} under the "
              "retention policy, so it can no longer be changed.", "info")
        abort(redirect(url_for("feedback.item", reference=found.reference)))
    return found


@bp.get("/staff/feedback/<reference>")
@role_required(*ANY_STAFF)
def item(reference: str):
    found = item_or_404(reference)
    related = db.session.scalars(select(FeedbackItem).where(FeedbackItem.raised_from_id == found.id)).all()
    raised_from = db.session.get(FeedbackItem, found.raised_from_id) if found.raised_from_id else None
    can_change = current_user.has_role(*HANDLERS) and found.anonymised_at is None
    return render_template("feedback/item.html", item=found, history=history_for(found),
                           explanation=explain_acknowledgement(found), can_change=can_change,
                           adjustments=ADJUSTMENTS, reply_methods=REPLY_METHODS, related=related,
                           raised_from=raised_from, quote=quote_of(found),
                           can_quote=may_quote(found, current_user))


def _version(form) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _done(found: FeedbackItem, message: str):
    flash(message, "success")
    return redirect(url_for("feedback.item", reference=found.reference))


@bp.route("/staff/feedback/<reference>/tags", methods=["GET", "POST"])
@role_required(*HANDLERS)
def tags(reference: str):
    found = item_to_change(reference)
    form = RetagForm(data={"version": found.version_id, "service_area": _area_code(found),
                           "commitments": [c.code for c in found.commitments]})
    form.service_area.choices = _service_choices()
    form.commitments.choices = _commitment_choices()
    if form.validate_on_submit():
        if attempt(form, "service_area", lambda: retag(
                found, service_area=_area(form.service_area.data), commitments=_chosen(form.commitments.data),
                by=current_user, version=_version(form))):
            return _done(found, "Service and commitments saved.")
    return render_template("feedback/tags.html", form=form, item=found)


def _area_code(found: FeedbackItem) -> str:
    return found.service_area.code if found.service_area else ""


@bp.route("/staff/feedback/<reference>/reclassify", methods=["GET", "POST"])
@role_required(*HANDLERS)
def reclassify_item(reference: str):
    found = item_to_change(reference)
    form = ReclassifyForm(data={"version": found.version_id, "kind": found.kind})
    if form.validate_on_submit():
        if attempt(form, "kind", lambda: reclassify(found, form.kind.data, reason=form.reason.data.strip(),
                                                     by=current_user, version=_version(form))):
            return _done(found, f"Now handled as a {found.kind_noun}. The resident has been told why.")
    return render_template("feedback/reclassify.html", form=form, item=found)


@bp.route("/staff/feedback/<reference>/sentiment", methods=["GET", "POST"])
@role_required(*HANDLERS)
def sentiment(reference: str):
    found = item_to_change(reference)
    form = SentimentForm(data={"label": found.effective_sentiment})
    if form.validate_on_submit():
        if attempt(form, "label", lambda: override_sentiment(found, form.label.data, by=current_user,
                                                             reason=form.reason.data)):
            return _done(found, f"Sentiment is now {form.label.data}. Reports use your correction.")
    return render_template("feedback/sentiment.html", form=form, item=found)


@bp.route("/staff/feedback/<reference>/status", methods=["GET", "POST"])
@role_required(*HANDLERS)
def status(reference: str):
    found = item_to_change(reference)
    form = StatusForm(data={"version": found.version_id, "status": found.status})
    if form.validate_on_submit():
        if attempt(form, "status", lambda: update_status(found, form.status.data, by=current_user,
                                                          version=_version(form))):
            return _done(found, f"Status is now {found.status_label.lower()}.")
    return render_template("feedback/status.html", form=form, item=found)


@bp.route("/staff/feedback/<reference>/message", methods=["GET", "POST"])
@role_required(*HANDLERS)
def message(reference: str):
    found = item_to_change(reference)
    form = StaffMessageForm()
    if form.validate_on_submit():
        send_staff_message(found, form.body.data.strip(), by=current_user)
        return _done(found, "Message sent to the resident.")
    return render_template("feedback/message.html", form=form, item=found)


@bp.route("/staff/feedback/<reference>/files", methods=["GET", "POST"])
@role_required(*HANDLERS)
def files(reference: str):
    found = item_to_change(reference)
    form = StaffFilesForm()
    if form.validate_on_submit():
        uploads = [u for u in request.files.getlist("files") if u and u.filename]
        if not uploads:
            form.files.errors.append("Select a file to upload")
        else:
            stored, problems = store_all(uploads, already=len(found.attachments))
            if stored:
                add_files(found, stored, by=current_user)
            if not problems:
                return _done(found, f"{len(stored)} file{'' if len(stored) == 1 else 's'} added.")
            form.files.errors.extend(problems)
    return render_template("feedback/files.html", form=form, item=found, max_files=MAX_FILES)


@bp.get("/staff/feedback/<reference>/files/<int:attachment_id>")
@role_required(*HANDLERS)
def download(reference: str, attachment_id: int):
    found = item_or_404(reference)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.feedback_id != found.id:
        abort(404)
    try:
        path = path_of(attachment.stored_name)
    except FileNotFoundError:
        abort(404)
    if not path.exists():
        abort(404)
    # Always a download, with the type we detected: never rendered in the browser.
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.original_name)


# API keys (administrators)

@bp.get("/admin/api-keys")
@role_required(Role.ADMIN)
def api_keys():
    keys = db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc()))
    return render_template("feedback/api_keys.html", keys=keys.all(), confirm=ConfirmForm())


@bp.route("/admin/api-keys/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_api_key():
    form = ApiKeyForm()
    if form.validate_on_submit():
        key, raw = issue_api_key(name=form.name.data.strip(), per_minute=form.per_minute.data, by=current_user,
                                 scopes=form.scopes.data)
        return render_template("feedback/api_key_issued.html", key=key, raw=raw)
    return render_template("feedback/api_key_new.html", form=form)


@bp.post("/admin/api-keys/<int:key_id>/revoke")
@role_required(Role.ADMIN)
def revoke_key(key_id: int):
    key = db.get_or_404(ApiKey, key_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    revoke_api_key(key, by=current_user)
    flash(f"The key for {key.name} no longer works.", "success")
    return redirect(url_for("feedback.api_keys"))
