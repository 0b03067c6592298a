"""Complaints pages: the officer dashboard, the case and each step of the procedure, letters, referrals,
learning, the restrictions register, and the resident's request for a stage 2 review."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable

from flask import Response, abort, current_app, flash, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from complaints import bp, deadlines, queries, services
from complaints.forms import (
    AssignHandlerForm,
    CompleteRemedyForm,
    ConfirmForm,
    EscalateForm,
    ExtendForm,
    LearningForm,
    LearningUpdateForm,
    LetterForm,
    PauseForm,
    PointsForm,
    ReferralDecisionForm,
    ReferralForm,
    RefuseForm,
    RemedyForm,
    ResidentEscalateForm,
    RestrictionForm,
    RestrictionReviewForm,
    WithdrawForm,
    findings_form,
)
from complaints.models import (
    Complaint,
    ComplaintLetter,
    ComplaintState,
    LearningAction,
    OmbudsmanReferral,
    Remedy,
    Restriction,
)
from complaints.services import ComplaintRuleError
from core.audit import history_for
from core.auth import ANY_STAFF, role_required
from core.events import register_tracking_section
from core.exports import safe_cell
from core.extensions import db, limiter
from core.formatting import govuk_date
from core.models import Role, StaffUser
from core.timesource import today
from feedback.models import FeedbackItem

#: Roles that work on cases; which case a handler may change is checked per case.
WORKERS = (Role.CASE_HANDLER, Role.COMPLAINTS_OFFICER)


def _me() -> StaffUser:
    return current_user._get_current_object()


def _case(complaint_id: int) -> Complaint:
    return db.get_or_404(Complaint, complaint_id)


#: Pages that only show a case; every other page of a case changes it.
_SHOWING = {"complaints.case", "complaints.letter", "complaints.print_letter"}


@bp.before_request
def _anonymised_cases_stay_as_they_are():
    """A case anonymised under the retention policy can be read but not changed: its pages lead back to it."""
    complaint_id = (request.view_args or {}).get("complaint_id")
    if complaint_id is None or (request.method == "GET" and request.endpoint in _SHOWING):
        return None
    anonymised_at = db.session.scalar(
        select(FeedbackItem.anonymised_at).join(Complaint, Complaint.feedback_id == FeedbackItem.id)
        .where(Complaint.id == complaint_id))
    if anonymised_at is None:
        return None
    flash(f"This complaint was anonymised on {govuk_date(anonymised_at)} under the retention policy, so it can no "
          "longer be changed.", "info")
    return redirect(url_for("complaints.case", complaint_id=complaint_id))


def _case_to_change(complaint_id: int) -> Complaint:
    """The case, if the signed-in officer may change it: the complaints officer or the stage's handler."""
    complaint = _case(complaint_id)
    if not services.can_work_on(complaint, _me()):
        abort(403)
    return complaint


def _to_case(complaint: Complaint, message: str | None = None):
    if message:
        flash(message, "success")
    return redirect(url_for("complaints.case", complaint_id=complaint.id))


def _form_page(form, complaint: Complaint, title: str, *, intro: str | None = None, warning: str | None = None,
               template: str = "complaints/form_page.html", **extra):
    if not form.is_submitted() and hasattr(form, "version"):
        form.version.data = str(complaint.version_id)
    return render_template(template, form=form, complaint=complaint, page_title=title, intro=intro,
                           warning=warning, **extra)


def _attempt(form, field: str, action: Callable[[], object]):
    """Run a service call; a refused rule becomes the field's error message. Returns the result or None."""
    try:
        return action() or True
    except ComplaintRuleError as exc:
        getattr(form, field).errors.append(str(exc))
        return None


# --- Dashboard ----------------------------------------------------------------------------------------------


def _dashboard(filters: queries.Filters, *, mine: bool):
    on = today()
    data = queries.dashboard(filters, on)
    return render_template(
        "complaints/dashboard.html", data=data, filters=filters, mine=mine, today=on,
        soon_limit=queries.due_soon_limit(on), counts=data.counts,
        handlers=queries.handlers(), services=queries.service_areas(), commitments=queries.commitments_in_use(),
        sorts=queries.SORTS, due_tag=queries.due_tag, page_title="My cases" if mine else "Complaints",
        query_args={k: v for k, v in request.args.items() if k != "page"},
        page_numbers=page_numbers(filters.page, data.pages),
    )


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The first, the last and two either side of the current page; None where pages are left out."""
    shown = sorted({1, pages, *range(max(page - 2, 1), min(page + 2, pages) + 1)})
    numbers: list[int | None] = []
    for n in shown:
        if numbers and n - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(n)
    return numbers


@bp.get("/")
@role_required(*ANY_STAFF)
def dashboard():
    return _dashboard(queries.parse_filters(request.args), mine=False)


@bp.get("/mine")
@role_required(*ANY_STAFF)
def my_cases():
    return _dashboard(queries.parse_filters(request.args, mine=current_user.id), mine=True)


CSV_COLUMNS = ["Reference", "Code", "Service", "Stage", "State", "Handler", "Received", "Due", "Due status",
               "Contact restricted"]


def _cell(value: object) -> object:
    """Spreadsheet programs run text cells that start with = + - @, a tab or a return as formulas: such text is
    quoted."""
    return "" if value is None else safe_cell(value)


@bp.get("/export.csv")
@role_required(*ANY_STAFF)
def export_csv():
    filters = queries.parse_filters(request.args, mine=current_user.id if request.args.get("mine") else None)
    on = today()
    soon = queries.due_soon_limit(on)

    def generate():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        batch: list[Complaint] = []
        for complaint in queries.export_rows(filters, on):
            batch.append(complaint)
            if len(batch) == 500:
                yield from _csv_batch(batch, writer, buffer, on, soon)
                batch = []
        yield from _csv_batch(batch, writer, buffer, on, soon)

    # The rows are read while the response streams, so the request's context must stay open.
    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=complaints-{on.isoformat()}.csv"})


def _csv_batch(batch, writer, buffer, on, soon):
    restricted = queries.restricted_residents({c.feedback.resident_id for c in batch if c.feedback.resident_id})
    for c in batch:
        tag = queries.due_tag(c.due_on, on, soon)
        writer.writerow([_cell(v) for v in (
            c.reference, c.regime.upper(), c.feedback.service_area.name if c.feedback.service_area else "",
            c.stage, c.state_label, c.handler.name if c.handler else "", c.feedback.received_on.isoformat(),
            c.due_on.isoformat() if c.due_on else "", tag[0] if tag else "",
            "Yes" if c.feedback.resident_id in restricted else "")])
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()


# --- The case -----------------------------------------------------------------------------------------------


@bp.get("/<int:complaint_id>")
@role_required(*ANY_STAFF)
def case(complaint_id: int):
    complaint = _case(complaint_id)
    resident_id = complaint.feedback.resident_id
    on = today()
    changeable = complaint.feedback.anonymised_at is None
    return render_template(
        "complaints/case.html", complaint=complaint, page_title=f"Complaint {complaint.reference}",
        history=history_for(complaint), explain=services.explain, running=services.running_clock(complaint),
        restrictions=queries.restrictions_for(resident_id),
        can_change=changeable and services.can_work_on(complaint, _me()),
        is_officer=changeable and services.is_officer(_me()), learning_allowed=services.learning_allowed(complaint),
        today=on, soon_limit=queries.due_soon_limit(on),
        due_tag=queries.due_tag, long_date=deadlines.long_date, cap=deadlines.EXTENSION_CAP,
    )


@bp.get("/not-yet-opened")
@role_required(*ANY_STAFF)
def not_opened():
    return render_template("complaints/not_opened.html", items=queries.complaints_not_opened(),
                           page_title="Complaints not yet in the procedure", can_open=_me().has_role(*WORKERS))


@bp.post("/open/<int:feedback_id>")
@role_required(*WORKERS)
def open_case(feedback_id: int):
    item = db.get_or_404(FeedbackItem, feedback_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if item.anonymised_at is not None:
        # A case opened now could never be worked on: an anonymised item can no longer be changed.
        flash(f"Complaint {item.reference} was anonymised on {govuk_date(item.anonymised_at)} under the retention "
              "policy, so it cannot be put into the complaints procedure.", "error")
        return redirect(url_for("complaints.not_opened"))
    try:
        complaint = services.open_complaint(item, by=_me())
    except ComplaintRuleError as exc:
        flash(str(exc), "error")
        return redirect(url_for("complaints.dashboard"))
    return _to_case(complaint, "The complaint is now under the complaints procedure at stage 1.")


@bp.route("/<int:complaint_id>/assign/<int:stage>", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def assign(complaint_id: int, stage: int):
    complaint = _case(complaint_id)
    if stage not in (1, 2):
        abort(404)
    current = getattr(complaint, f"stage{stage}_handler_id")
    form = AssignHandlerForm(handler=str(current) if current else None)
    form.handler.choices = [SelectChoice("", "Choose a handler")] + [
        SelectChoice(str(p.id), f"{p.name} ({p.role_label.lower()})") for p in queries.handlers()]
    if form.validate_on_submit():
        person = db.session.get(StaffUser, int(form.handler.data)) if form.handler.data.isdigit() else None
        if person is None:
            form.handler.errors.append("Select a handler")
        elif _attempt(form, "handler", lambda: services.assign_handler(
                complaint, stage, person, by=_me(), version=form.version_number)):
            return _to_case(complaint, f"{person.name} is the stage {stage} handler.")
    warning = ("The stage 2 handler must be someone other than the stage 1 handler "
               "(Complaint Handling Code 6.13).") if stage == 2 else None
    return _form_page(form, complaint, f"Assign the stage {stage} handler", warning=warning)


# --- Steps that send a letter -------------------------------------------------------------------------------


def _to_letter(letter: ComplaintLetter):
    return redirect(url_for("complaints.letter", complaint_id=letter.complaint_id, letter_id=letter.id))


@bp.route("/<int:complaint_id>/acknowledge", methods=["GET", "POST"])
@role_required(*WORKERS)
def acknowledge(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    stage1 = "\n".join(p.summary for p in complaint.points_for(1))
    form = PointsForm(points=stage1 if complaint.stage == 2 else None)
    if form.validate_on_submit():
        letter = _attempt(form, "points", lambda: services.prepare_acknowledgement(
            complaint, form.point_list, by=_me(), on=today(), version=form.version_number))
        if letter:
            return _to_letter(letter)
    intro = ("Define the complaint: the points the response will answer, as agreed with the resident. The "
             "acknowledgement letter lists them so the resident can tell us if anything is wrong or missing.")
    return _form_page(form, complaint, f"Acknowledge and define the stage {complaint.stage} complaint", intro=intro)


@bp.route("/<int:complaint_id>/points", methods=["GET", "POST"])
@role_required(*WORKERS)
def redefine(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = PointsForm(points="\n".join(p.summary for p in complaint.points_for(complaint.stage)))
    form.submit.label.text = "Save the definition"
    if form.validate_on_submit() and _attempt(form, "points", lambda: services.redefine_points(
            complaint, form.point_list, by=_me(), version=form.version_number)):
        return _to_case(complaint, "The complaint definition has been changed.")
    return _form_page(form, complaint, "Change the complaint definition",
                      intro="Only change the definition if the resident agrees. Findings on points you remove "
                            "are deleted.")


@bp.route("/<int:complaint_id>/extend", methods=["GET", "POST"])
@role_required(*WORKERS)
def extend(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = ExtendForm()
    form.describe_cap(complaint.stage)
    if form.validate_on_submit():
        letter = _attempt(form, "days", lambda: services.prepare_extension(
            complaint, days=int(form.days.data), reason=form.reason.data, good_reason=form.good_reason.data,
            by=_me(), on=today(), version=form.version_number))
        if letter:
            return _to_letter(letter)
    clock = services.running_clock(complaint)
    intro = None
    if clock is not None and clock.due_on is not None:
        intro = (f"The response is due by {deadlines.long_date(clock.due_on)}. The resident must be told before "
                 "then, with the reasons, the new date and the Ombudsman's contact details "
                 "(Complaint Handling Code 6.4 and 6.5).")
    return _form_page(form, complaint, "Extend the response deadline", intro=intro)


@bp.route("/<int:complaint_id>/refuse", methods=["GET", "POST"])
@role_required(*WORKERS)
def refuse(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = RefuseForm()
    if form.validate_on_submit():
        letter = _attempt(form, "exclusion", lambda: services.prepare_refusal(
            complaint, exclusion=form.exclusion.data, reason=form.reason.data, by=_me(), on=today(),
            version=form.version_number))
        if letter:
            return _to_letter(letter)
    intro = ("A complaint is accepted unless there is a valid reason not to (Complaint Handling Code 2.1). "
             "The letter always tells the resident they can take this decision to the Ombudsman.")
    return _form_page(form, complaint, "Refuse the complaint", intro=intro)


@bp.post("/<int:complaint_id>/respond")
@role_required(*WORKERS)
def respond(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        letter = services.prepare_response(complaint, by=_me(), on=today(), version=form.version_number)
    except ComplaintRuleError as exc:
        flash(str(exc), "error")
        return _to_case(complaint)
    return _to_letter(letter)


@bp.route("/<int:complaint_id>/restrict", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def restrict(complaint_id: int):
    complaint = _case(complaint_id)
    form = RestrictionForm()
    form.scope.choices = [SelectChoice("all", "All council services")] + [
        SelectChoice(str(a.id), a.name) for a in queries.service_areas()]
    months = current_app.config["CHARTERLINE_RESTRICTION_REVIEW_MONTHS"]
    form.review_on.description = (f"Leave blank for the usual first review, {months} months from today "
                                  f"({deadlines.long_date(services.default_review_date(today(), months))}).")
    if not form.is_submitted() and complaint.feedback.service_area_id:
        form.scope.data = str(complaint.feedback.service_area_id)
    if form.validate_on_submit():
        letter = _attempt(form, "reason", lambda: services.prepare_restriction(
            complaint, reason=form.reason.data, restrictions=form.restrictions.data,
            service_area_id=int(form.scope.data) if form.scope.data.isdigit() else None,
            channels_open=form.channels_open.data, review_on=form.review_on.data, by=_me(), on=today(),
            version=form.version_number))
        if letter:
            return _to_letter(letter)
    intro = ("Restricting contact is a serious step: consider reasonable adjustments first, restrict only the "
             "service affected, and keep essential ways of contact open. A restriction never stops a new "
             "complaint being recorded.")
    return _form_page(form, complaint, "Restrict how the resident contacts us", intro=intro)


def _letter_of(complaint: Complaint, letter_id: int) -> ComplaintLetter:
    letter = db.get_or_404(ComplaintLetter, letter_id)
    if letter.complaint_id != complaint.id:
        abort(404)
    return letter


@bp.route("/<int:complaint_id>/letters/<int:letter_id>", methods=["GET", "POST"])
@role_required(*ANY_STAFF)
def letter(complaint_id: int, letter_id: int):
    complaint = _case(complaint_id)
    item = _letter_of(complaint, letter_id)
    # A draft on an anonymised case stays unsent: the case can no longer be changed.
    editable = (item.status == "draft" and complaint.feedback.anonymised_at is None
                and services.can_work_on(complaint, _me()))
    form = LetterForm(subject=item.subject, body=item.body)
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit() and _attempt(form, "body", lambda: services.send_letter(
                item, subject=form.subject.data, body=form.body.data, by=_me(), on=today(),
                version=form.version_number)):
            how = "emailed" if item.channel == "email" else "queued for printing and posting"
            return _to_case(complaint, f"{item.kind_label} letter {how}. What was sent is kept on the case.")
    return _form_page(form, complaint, f"{item.kind_label} letter", template="complaints/letter.html",
                      letter=item, editable=editable)


@bp.get("/<int:complaint_id>/letters/<int:letter_id>/print")
@role_required(*ANY_STAFF)
def print_letter(complaint_id: int, letter_id: int):
    complaint = _case(complaint_id)
    item = _letter_of(complaint, letter_id)
    return render_template("complaints/letters/print.html", complaint=complaint, letter=item,
                           page_title=item.subject)


# --- Steps without a letter ---------------------------------------------------------------------------------


@bp.route("/<int:complaint_id>/pause", methods=["GET", "POST"])
@role_required(*WORKERS)
def pause(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = PauseForm()
    if form.validate_on_submit() and _attempt(form, "reason", lambda: services.pause_clock(
            complaint, reason=form.reason.data, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "The clock is paused. Restart it as soon as you can carry on.")
    return _form_page(form, complaint, "Pause the response clock",
                      intro="The Complaint Handling Codes do not give a general power to stop the clock. Pause "
                            "only where the resident asks us to wait or cannot take part, and record why.")


@bp.post("/<int:complaint_id>/restart")
@role_required(*WORKERS)
def restart(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.restart_clock(complaint, by=_me(), on=today(), version=form.version_number)
    except ComplaintRuleError as exc:
        flash(str(exc), "error")
        return _to_case(complaint)
    return _to_case(complaint, "The clock has restarted.")


@bp.route("/<int:complaint_id>/withdraw", methods=["GET", "POST"])
@role_required(*WORKERS)
def withdraw(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = WithdrawForm()
    if form.validate_on_submit() and _attempt(form, "reason", lambda: services.withdraw(
            complaint, reason=form.reason.data, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "The complaint has been withdrawn.")
    return _form_page(form, complaint, "Record that the resident withdrew the complaint")


@bp.route("/<int:complaint_id>/escalate", methods=["GET", "POST"])
@role_required(*WORKERS)
def escalate(complaint_id: int):
    complaint = _case(complaint_id)
    if not services.can_work_on(complaint, _me()) and complaint.stage1_handler_id != current_user.id:
        abort(403)
    form = EscalateForm()
    if form.validate_on_submit() and _attempt(form, "note", lambda: services.escalate(
            complaint, on=today(), via="staff", note=form.note.data, by=_me(), version=form.version_number)):
        return _to_case(complaint, "The stage 2 review has been requested. Assign a stage 2 handler.")
    return _form_page(form, complaint, "Record a request for a stage 2 review",
                      intro="Residents do not have to give a reason for asking (Complaint Handling Code 6.12).")


@bp.route("/<int:complaint_id>/close", methods=["GET", "POST"])
@role_required(*WORKERS)
def close(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = ConfirmForm()
    form.submit.label.text = "Close the case"
    if form.validate_on_submit() and _attempt(form, "submit", lambda: services.close_after_stage1(
            complaint, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "The case is closed. The resident can still ask for a stage 2 review.")
    return _form_page(form, complaint, "Close the case after the stage 1 response",
                      intro="Close the case when the stage 1 response settled the complaint. If the resident "
                            "later asks for a stage 2 review, it reopens at stage 2.")


# --- Responses and remedies ---------------------------------------------------------------------------------


@bp.route("/<int:complaint_id>/findings", methods=["GET", "POST"])
@role_required(*WORKERS)
def findings(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    points = complaint.points_for(complaint.stage)
    response = complaint.response_for(complaint.stage)
    saved = {}
    for point in points:
        finding = response.finding_for(point) if response else None
        if finding:
            saved[f"outcome_{point.id}"], saved[f"reasons_{point.id}"] = finding.outcome, finding.reasons
    form = findings_form(points, data=None if request.method == "POST" else saved)
    if form.validate_on_submit():
        data = {p.id: (form[f"outcome_{p.id}"].data, form[f"reasons_{p.id}"].data) for p in points}
        first = f"outcome_{points[0].id}" if points else "submit"
        if _attempt(form, first, lambda: services.save_findings(complaint, data, by=_me(),
                                                                version=form.version_number)):
            return _to_case(complaint, "Findings saved. Add any remedies, then prepare the response letter.")
    warning = services.SAME_HANDLER if complaint.stage == 2 else None
    return _form_page(form, complaint, f"Stage {complaint.stage} findings", template="complaints/findings.html",
                      points=points, warning=warning)


@bp.route("/<int:complaint_id>/remedies/new", methods=["GET", "POST"])
@role_required(*WORKERS)
def add_remedy(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    return _remedy_form(complaint, None)


@bp.route("/<int:complaint_id>/referrals/<int:referral_id>/remedies/new", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def add_ordered_remedy(complaint_id: int, referral_id: int):
    complaint = _case(complaint_id)
    referral = _referral_of(complaint, referral_id)
    return _remedy_form(complaint, referral)


def _remedy_form(complaint: Complaint, referral: OmbudsmanReferral | None):
    form = RemedyForm()
    form.point.choices = [SelectChoice("", "Not one point in particular")] + [
        SelectChoice(str(p.id), f"Point {p.number}: {p.summary[:80]}") for p in complaint.points_for(complaint.stage)]
    if form.validate_on_submit() and _attempt(form, "kind", lambda: services.add_remedy(
            complaint, kind=form.kind.data, description=form.description.data, responsible=form.responsible.data,
            due_on=form.due_on.data, amount=getattr(form.amount, "amount", None),
            point_id=int(form.point.data) if (form.point.data or "").isdigit() else None, referral=referral,
            by=_me(), version=form.version_number)):
        return _to_case(complaint, "Remedy added. It stays on the case as an action until it is marked done.")
    title = "Add a remedy ordered by the Ombudsman" if referral else "Add a remedy"
    return _form_page(form, complaint, title,
                      intro="Say what will happen, who will do it and by when (Complaint Handling Code 7).")


@bp.route("/<int:complaint_id>/remedies/<int:remedy_id>/done", methods=["GET", "POST"])
@role_required(*WORKERS)
def complete_remedy(complaint_id: int, remedy_id: int):
    complaint = _case_to_change(complaint_id)
    remedy = db.get_or_404(Remedy, remedy_id)
    if remedy.complaint_id != complaint.id:
        abort(404)
    form = CompleteRemedyForm()
    if form.validate_on_submit() and _attempt(form, "note", lambda: services.complete_remedy(
            remedy, note=form.note.data, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "Remedy marked as done.")
    return _form_page(form, complaint, "Mark the remedy as done", intro=remedy.description)


# --- Ombudsman referrals ------------------------------------------------------------------------------------


def _referral_of(complaint: Complaint, referral_id: int) -> OmbudsmanReferral:
    referral = db.get_or_404(OmbudsmanReferral, referral_id)
    if referral.complaint_id != complaint.id:
        abort(404)
    return referral


@bp.route("/<int:complaint_id>/referrals/new", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def add_referral(complaint_id: int):
    complaint = _case(complaint_id)
    form = ReferralForm(ombudsman=complaint.regime)
    if form.validate_on_submit() and _attempt(form, "reference", lambda: services.add_referral(
            complaint, ombudsman=form.ombudsman.data, reference=form.reference.data, kind=form.kind.data,
            received_on=form.received_on.data, by=_me(), on=today())):
        return _to_case(complaint, "Ombudsman referral recorded.")
    return _form_page(form, complaint, "Record an Ombudsman enquiry or investigation")


@bp.route("/<int:complaint_id>/referrals/<int:referral_id>", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def decide_referral(complaint_id: int, referral_id: int):
    complaint = _case(complaint_id)
    referral = _referral_of(complaint, referral_id)
    form = ReferralDecisionForm(decision=referral.decision, notes=referral.notes)
    if not form.is_submitted():
        form.version.data = str(referral.version_id)
    if form.validate_on_submit() and _attempt(form, "decision", lambda: services.decide_referral(
            referral, decision=form.decision.data, decided_on=form.decided_on.data, notes=form.notes.data,
            by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "Ombudsman decision saved.")
    return render_template("complaints/form_page.html", form=form, complaint=complaint,
                           page_title=f"Ombudsman decision on {referral.reference}", intro=None, warning=None)


# --- Learning -----------------------------------------------------------------------------------------------


@bp.get("/learning")
@role_required(*ANY_STAFF)
def learning():
    return render_template("complaints/learning.html", actions=queries.learning_actions(),
                           page_title="Learning from complaints")


@bp.route("/<int:complaint_id>/learning/new", methods=["GET", "POST"])
@role_required(*WORKERS)
def add_learning(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = LearningForm()
    form.commitments.choices = [SelectChoice(c.id, f"{c.code}: {c.wording}")
                                for c in services.commitment_choices(complaint)]
    if form.validate_on_submit() and _attempt(form, "description", lambda: services.add_learning_action(
            complaint, description=form.description.data, owner=form.owner.data, due_on=form.due_on.data,
            commitment_ids=form.commitments.data or [], by=_me())):
        return _to_case(complaint, "Learning action added.")
    return _form_page(form, complaint, "Add a learning action",
                      intro='What the council will change because of this complaint. When it is done, it is '
                            'reported in "You said, we did".')


@bp.route("/<int:complaint_id>/learning/<int:action_id>", methods=["GET", "POST"])
@role_required(*WORKERS)
def update_learning(complaint_id: int, action_id: int):
    complaint = _case_to_change(complaint_id)
    action = db.get_or_404(LearningAction, action_id)
    if action.complaint_id != complaint.id:
        abort(404)
    form = LearningUpdateForm(status=action.status, what_we_changed=action.what_we_changed)
    if not form.is_submitted():
        form.version.data = str(action.version_id)
    if form.validate_on_submit() and _attempt(form, "status", lambda: services.update_learning_action(
            action, status=form.status.data, what_we_changed=form.what_we_changed.data, by=_me(), on=today(),
            version=form.version_number)):
        return _to_case(complaint, "Learning action updated.")
    return render_template("complaints/form_page.html", form=form, complaint=complaint, warning=None,
                           page_title="Update the learning action", intro=action.description)


# --- Restrictions register ----------------------------------------------------------------------------------


@bp.get("/restrictions")
@role_required(*ANY_STAFF)
def restrictions():
    include_ended = request.args.get("show") == "all"
    return render_template("complaints/restrictions.html", restrictions=queries.restriction_register(include_ended),
                           include_ended=include_ended, page_title="Restrictions register", today=today(),
                           long_date=deadlines.long_date)


@bp.get("/restrictions/<int:restriction_id>")
@role_required(*ANY_STAFF)
def restriction(restriction_id: int):
    item = db.get_or_404(Restriction, restriction_id)
    letters = list(db.session.scalars(select(ComplaintLetter).where(ComplaintLetter.restriction_id == item.id)))
    return render_template("complaints/restriction.html", restriction=item, letters=letters,
                           history=history_for(item), page_title="Restriction on contact",
                           long_date=deadlines.long_date, is_officer=services.is_officer(_me()))


@bp.route("/restrictions/<int:restriction_id>/review", methods=["GET", "POST"])
@role_required(Role.COMPLAINTS_OFFICER)
def review_restriction(restriction_id: int):
    item = db.get_or_404(Restriction, restriction_id)
    form = RestrictionReviewForm()
    if not form.is_submitted():
        form.version.data = str(item.version_id)
    if form.validate_on_submit() and _attempt(form, "decision", lambda: services.review_restriction(
            item, decision=form.decision.data, reason=form.reason.data, next_review_on=form.next_review_on.data,
            by=_me(), on=today(), version=form.version_number)):
        flash("Review recorded.", "success")
        return redirect(url_for("complaints.restriction", restriction_id=item.id))
    return render_template("complaints/restriction_review.html", form=form, restriction=item,
                           page_title="Review the restriction", long_date=deadlines.long_date)


# --- The resident's request for stage 2 ---------------------------------------------------------------------


def _complaint_for_token(token: str) -> Complaint:
    complaint = queries.complaint_for_token_hash(hashlib.sha256(token.encode()).hexdigest())
    if complaint is None:
        abort(404)
    if complaint.feedback.anonymised_at is not None:
        abort(redirect(url_for("feedback.track", token=token)))  # which says the details were removed, and why
    return complaint


@bp.route("/track/<token>/escalate", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["CHARTERLINE_PUBLIC_RATE_LIMIT"], methods=["POST"])
def resident_escalate(token: str):
    complaint = _complaint_for_token(token)
    can_ask = complaint.stage == 1 and complaint.state in (ComplaintState.RESPONDED, ComplaintState.CLOSED)
    form = ResidentEscalateForm()
    if can_ask and form.validate_on_submit():
        try:
            services.escalate(complaint, on=today(), via="resident", note=form.note.data)
        except ComplaintRuleError as exc:
            form.note.errors.append(str(exc))
        else:
            return render_template("complaints/track_escalated.html", complaint=complaint,
                                   page_title="You have asked for a review",
                                   ack_due=deadlines.long_date(complaint.due_on))
    return render_template("complaints/track_escalate.html", complaint=complaint, form=form, can_ask=can_ask,
                           page_title="Ask for a review of your complaint (stage 2)")


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
        if isinstance(value, str) and hashlib.sha256(value.encode()).hexdigest() == item.tracking_token_hash:
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


@register_tracking_section
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
    can_ask = complaint.stage == 1 and complaint.state in (ComplaintState.RESPONDED, ComplaintState.CLOSED)
    action = url_for("complaints.resident_escalate", token=token) if token else None
    return Markup(render_template("complaints/_tracking.html", stage_text=stage_text,
                                  dates=_resident_dates(complaint), can_ask=can_ask, action=action))
