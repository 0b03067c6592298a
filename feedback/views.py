"""Residents' pages: the feedback form one question at a time and the confirmation (the tracking page is in
tracking_views.py)."""

from __future__ import annotations

import hmac
from datetime import date
from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.errors import show_on_form
from core.extensions import db, limiter
from core.models import ServiceArea
from core.once import MAX_LENGTH, save_or_find_first
from core.timesource import today
from feedback import bp, journey
from feedback.acknowledgement import explain_acknowledgement, tracking_url
from feedback.forms import (
    KIND_LABELS,
    NOT_SURE,
    AdjustmentsForm,
    CheckAnswersForm,
    CommitmentsForm,
    ConfirmForm,
    ContactForm,
    DetailsForm,
    EqualityForm,
    EvidenceForm,
    KindForm,
    RemoveFileForm,
    ReplyForm,
    ServiceForm,
    text,
)
from feedback.models import FeedbackItem, FeedbackKind
from feedback.once import find_by_submission, tracking_token_for
from feedback.queries import item_by_reference
from feedback.rules import (
    ADJUSTMENTS,
    CONTACT_LABELS,
    DESCRIPTION_WORDING,
    NEEDS_CONTACT,
    REPLY_METHODS,
    Problem,
    adjustment_problems,
    contact_problems,
    description_problems,
    reply_problems,
    text_problems,
)
from feedback.services import (
    submit_feedback,
)
from feedback.uploads import MAX_FILES, delete_stored, store_all

SENT_KEY = "feedback_sent"
#: Problems found when the answers were sent, waiting to be shown on the question they belong to.
PROBLEMS_KEY = "feedback_problems"


def public_rate_limit() -> str:
    return current_app.config["CHARTERLINE_PUBLIC_RATE_LIMIT"]


def limited(view):
    """The public rate limit on a form's submissions."""
    return limiter.limit(public_rate_limit, methods=["POST"])(view)


@bp.after_request
def never_cache(response):
    # Feedback pages carry personal details and private links: no browser or proxy may keep them.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/feedback")
def start():
    return render_template("feedback/start.html")


def _changing() -> bool:
    return request.args.get("change") == "1"


def _form_action() -> str:
    return url_for(request.endpoint, change=1) if _changing() else request.path


def with_draft(view):
    """Question pages after the first need the answers so far; without them, start again."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        draft = journey.current_draft()
        if draft is None or not draft.answers.get("kind"):
            return redirect(url_for("feedback.kind"))
        return view(draft, *args, **kwargs)

    return wrapped


def _saved(answers: dict) -> dict | None:
    """Earlier answers fill in a question when it is shown; a submission stands on what was sent."""
    return answers if request.method == "GET" else None


def _question(template: str, form, draft=None, **context):
    answers = draft.answers if draft else {}
    if request.method == "GET":
        _show_waiting_problems(form)
    return render_template(template, form=form, action=_form_action(), answers=answers,
                           back=journey.previous_url(request.endpoint, answers), **context)


def _show_waiting_problems(form) -> None:
    """Problems found at "Send" that belong to this question: shown against its answers, the GOV.UK way."""
    waiting = session.get(PROBLEMS_KEY)
    if not waiting or waiting.get("endpoint") != request.endpoint:
        return
    session.pop(PROBLEMS_KEY)
    show_on_form(form, [Problem(field, message) for field, message in waiting["problems"]],
                 field=journey.step_at(request.endpoint).fields[0])


def _answer_again(problems):
    """To the question the first problem belongs to, which shows it (and any others of its own); None when no
    question asks for that answer."""
    step = journey.step_for(problems[0].field)
    if step is None:
        return None
    session[PROBLEMS_KEY] = {"endpoint": step.endpoint,
                             "problems": [[p.field, p.message] for p in problems if p.field in step.fields]}
    return redirect(url_for(step.endpoint, change=1))


def _onwards(draft):
    return redirect(journey.next_url(request.endpoint, draft.answers, changing=_changing()))


@bp.route("/feedback/type", methods=["GET", "POST"])
@limited
def kind():
    draft = journey.current_draft()
    form = KindForm(data=_saved({"kind": draft.answers.get("kind") if draft else None}))
    if form.validate_on_submit():
        draft = journey.current_draft(create=True)
        journey.save_answers(draft, kind=form.kind.data)
        return _onwards(draft)
    return _question("feedback/kind.html", form, draft)


@bp.route("/feedback/service", methods=["GET", "POST"])
@limited
@with_draft
def service(draft):
    form = ServiceForm(data=_saved({"service_area": draft.answers.get("service_area")}))
    areas = db.session.scalars(
        select(ServiceArea).where(ServiceArea.active.is_(True)).order_by(ServiceArea.name)).all()
    form.service_area.choices = [SelectChoice(a.code, a.name) for a in areas] + [
        SelectChoice(NOT_SURE, "I'm not sure")]
    if form.validate_on_submit():
        journey.save_answers(draft, service_area=form.service_area.data)
        return _onwards(draft)
    return _question("feedback/service.html", form, draft)


@bp.route("/feedback/promises", methods=["GET", "POST"])
@limited
@with_draft
def commitments(draft):
    charter = journey.active_charter()
    if charter is None or not charter.commitments:
        return _onwards(draft)
    form = CommitmentsForm(data=_saved({"commitments": draft.answers.get("commitments") or []}))
    form.commitments.choices = [SelectChoice(c.code, c.wording) for c in charter.commitments] + [
        SelectChoice(NOT_SURE, "None of these, or I'm not sure")]
    if form.validate_on_submit():
        journey.save_answers(draft, commitments=form.commitments.data)
        return _onwards(draft)
    return _question("feedback/commitments.html", form, draft)


@bp.route("/feedback/details", methods=["GET", "POST"])
@limited
@with_draft
def details(draft):
    answers = draft.answers
    happened = answers.get("happened_on")
    form = DetailsForm(data=_saved({
        "description": answers.get("description"), "outcome_wanted": answers.get("outcome_wanted"),
        "happened_on": date.fromisoformat(happened) if happened else None}))
    kind_value = answers["kind"]
    form.description.label.text = DESCRIPTION_WORDING[FeedbackKind(kind_value)][0]
    asks_outcome = kind_value in NEEDS_CONTACT
    if form.validate_on_submit():
        outcome = text(form.outcome_wanted) if asks_outcome else None
        if show_on_form(form, description_problems(kind_value, text(form.description), outcome)):
            journey.save_answers(draft, description=text(form.description), outcome_wanted=outcome,
                                 happened_on=form.happened_on.data.isoformat() if form.happened_on.data else None)
            return _onwards(draft)
    return _question("feedback/details.html", form, draft, asks_outcome=asks_outcome)


@bp.route("/feedback/evidence", methods=["GET", "POST"])
@limited
@with_draft
def evidence(draft):
    form = EvidenceForm()
    if form.validate_on_submit():
        uploads = [u for u in request.files.getlist("files") if u and u.filename]
        if not uploads:
            show_on_form(form, [Problem("files", "Select a file to upload")])
        else:
            stored, problems = store_all(uploads, already=len(draft.uploads or []))
            journey.set_uploads(draft, [*(draft.uploads or []), *(s.as_dict() for s in stored)])
            if not show_on_form(form, [Problem("files", message) for message in problems]):
                return _evidence_page(form, draft)
            flash(f"{len(stored)} file{'' if len(stored) == 1 else 's'} uploaded.", "success")
            return redirect(_form_action())
    return _evidence_page(form, draft)


def _evidence_page(form: EvidenceForm, draft):
    return _question("feedback/evidence.html", form, draft, files=journey.stored_files(draft), max_files=MAX_FILES)


@bp.post("/feedback/evidence/remove")
@limited
@with_draft
def remove_evidence(draft):
    form = RemoveFileForm()
    if not form.validate_on_submit():
        abort(400)
    kept = [u for u in draft.uploads or [] if u["stored_name"] != form.stored_name.data]
    if len(kept) < len(draft.uploads or []):
        delete_stored(form.stored_name.data)
        journey.set_uploads(draft, kept)
        flash("File removed.", "success")
    # Only "change" is kept: any other query word is not the page's, and url_for reads some (endpoint) itself.
    return redirect(url_for("feedback.evidence", change=1 if _changing() else None))


@bp.post("/feedback/evidence/continue")
@limited
@with_draft
def evidence_done(draft):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    journey.save_answers(draft, evidence_seen=True)
    return redirect(journey.next_url("feedback.evidence", draft.answers, changing=_changing()))


@bp.route("/feedback/contact", methods=["GET", "POST"])
@limited
@with_draft
def contact(draft):
    form = ContactForm(data=_saved(draft.answers.get("contact") or {}))
    needed = draft.answers["kind"] in NEEDS_CONTACT
    if form.validate_on_submit():
        details = {name: text(getattr(form, name)) for name in ("name", "email", "phone", "address", "postcode")}
        answers = {**draft.answers, "contact": details}
        if show_on_form(form, contact_problems(answers["kind"], journey.contact_of(answers))):
            journey.save_answers(draft, contact=details)
            return _onwards(draft)
    return _question("feedback/contact.html", form, draft, needed=needed)


REPLY_DETAIL = {"email": "email", "phone": "phone", "letter": "address"}


@bp.route("/feedback/reply", methods=["GET", "POST"])
@limited
@with_draft
def reply(draft):
    details = journey.contact_of(draft.answers)
    ways = details.ways_to_reply()
    if not ways:
        return _onwards(draft)
    form = ReplyForm(data=_saved({"reply_by": draft.answers.get("reply_by")}))
    form.reply_by.choices = [SelectChoice(way, REPLY_METHODS[way]) for way in ways]
    if form.validate_on_submit():
        details.reply_by = form.reply_by.data or None
        if show_on_form(form, reply_problems(details)):
            journey.save_answers(draft, reply_by=details.reply_by)
            return _onwards(draft)
    return _question("feedback/reply.html", form, draft, details=details)


@bp.route("/feedback/adjustments", methods=["GET", "POST"])
@limited
@with_draft
def adjustments(draft):
    answers = draft.answers
    form = AdjustmentsForm(data=_saved({
        "adjustments": answers.get("adjustments") or [], "language": answers.get("language"),
        "adjustments_other": answers.get("adjustments_other")}))
    if form.validate_on_submit():
        chosen = form.adjustments.data
        update = {"adjustments": chosen,
                  "language": text(form.language) if "interpreter" in chosen else None,
                  "adjustments_other": text(form.adjustments_other) if "other" in chosen else None}
        problems = adjustment_problems(journey.contact_of({**answers, **update}))
        problems += _adjustment_lengths(update)
        if show_on_form(form, problems):
            journey.save_answers(draft, **update)
            return _onwards(draft)
    return _question("feedback/adjustments.html", form, draft)


def _adjustment_lengths(update: dict) -> list[Problem]:
    return text_problems({"language": update["language"], "adjustments_other": update["adjustments_other"]},
                         CONTACT_LABELS)


@bp.route("/feedback/about-you", methods=["GET", "POST"])
@limited
@with_draft
def equality(draft):
    form = EqualityForm(data=_saved(draft.answers.get("equality") or {}))
    if form.is_submitted() and form.skip.data:
        journey.save_answers(draft, equality=None, equality_seen=True)
        return _onwards(draft)
    if form.validate_on_submit():
        journey.save_answers(draft, equality=form.answers() or None, equality_seen=True)
        return _onwards(draft)
    return _question("feedback/equality.html", form, draft)


def _show_sent(item: FeedbackItem, once: str):
    """The confirmation of what this submission stored, whichever of its sendings stored it."""
    session[SENT_KEY] = {"reference": item.reference, "token": tracking_token_for(once)}
    session.pop(journey.SESSION_KEY, None)
    return redirect(url_for("feedback.confirmation"))


def _this_sessions(posted: str) -> str | None:
    """The posted one-time token if it belongs to this browser's session: its journey's, or the one it sent last.
    Anyone else's (read from a cached page, say) is never looked up, so its confirmation is never shown."""
    if not 0 < len(posted) <= MAX_LENGTH:
        return None
    journey_token = journey.submission_token()
    if journey_token and hmac.compare_digest(posted.encode(), journey_token.encode()):
        return posted
    last = (session.get(SENT_KEY) or {}).get("token")
    if isinstance(last, str) and hmac.compare_digest(tracking_token_for(posted).encode(), last.encode()):
        return posted
    return None


def sent_once(view):
    """The same answers sent again, after their first sending was stored, lead to the same confirmation."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method == "POST":
            posted = request.form.get("submission") or ""
            once = _this_sessions(posted) if posted else journey.submission_token()
            if posted and once is None:
                # A check page from another journey or another browser: show this journey's answers, if any.
                return redirect(url_for("feedback.check"))
            item = find_by_submission(once) if once else None
            if item is not None:
                return _show_sent(item, once)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/feedback/check", methods=["GET", "POST"])
@limited
@sent_once
@with_draft
def check(draft):
    unfinished = journey.first_unfinished(draft.answers)
    if unfinished:
        return redirect(url_for(unfinished, change=1))
    form = CheckAnswersForm()
    submission = journey.submission_of(draft.answers)
    if form.validate_on_submit():
        if form.website.data:
            # Only a robot fills in the hidden field: record nothing, keep nothing, say nothing useful.
            journey.discard(draft, delete_files=True)
            return redirect(url_for("feedback.sent"))
        once = journey.submission_token()
        if form.submission.data and form.submission.data != once:
            # A check page from another journey: show the answers that would be sent now.
            return redirect(url_for("feedback.check"))
        # The same answers sent at the same moment: the database stores the first, and refuses this one.
        sent, first = save_or_find_first(
            lambda: submit_feedback(submission, channel="web_form", received_on=today(), by=None,
                                    files=journey.stored_files(draft), once=once),
            lambda: find_by_submission(once))
        if first is not None:
            return _show_sent(first, once)
        if not sent.problems:
            journey.discard(draft, delete_files=False)
            session[SENT_KEY] = {"reference": sent.item.reference, "token": sent.token}
            return redirect(url_for("feedback.confirmation"))
        # Answers that were fine when given and are not now: answer that question again, told why.
        again = _answer_again(sent.problems)
        if again is not None:
            return again
        show_on_form(form, sent.problems, field="submit")
    else:
        session.pop(PROBLEMS_KEY, None)  # back at the check page: problems not yet shown are out of date
    form.submission.data = journey.submission_token()
    return _question("feedback/check.html", form, draft, submission=submission, kind_labels=KIND_LABELS,
                     noun=FeedbackKind(submission.kind).noun, adjustment_labels=ADJUSTMENTS,
                     files=journey.stored_files(draft), has_commitment_step=journey.STEPS[2].applies(draft.answers))


@bp.get("/feedback/confirmation")
def confirmation():
    sent = session.get(SENT_KEY)
    item = item_by_reference(sent["reference"]) if sent else None
    if item is None:
        return redirect(url_for("feedback.start"))
    return render_template("feedback/confirmation.html", item=item, tracking_link=tracking_url(sent["token"]),
                           track_path=url_for("feedback.track", token=sent["token"]),
                           explanation=explain_acknowledgement(item))


@bp.get("/feedback/sent")
def sent():
    return render_template("feedback/sent.html")
