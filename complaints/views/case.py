"""The case page and the pages for each step of the procedure on it."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from complaints import bp, deadlines, queries, services
from complaints.forms import (
    AssignHandlerForm,
    ConfirmForm,
    EscalateForm,
    ExtendForm,
    PauseForm,
    PointsForm,
    RefuseForm,
    WithdrawForm,
    findings_form,
)
from complaints.views._shared import WORKERS, _case, _case_to_change, _form_page, _me, _to_case, _to_letter
from core.audit import history_for
from core.auth import ANY_STAFF, role_required
from core.errors import attempt, attempt_or_flash
from core.extensions import db
from core.models import Role, StaffUser
from core.timesource import today


@bp.get("/<int:complaint_id>")
@role_required(*ANY_STAFF)
def case(complaint_id: int):
    complaint = _case(complaint_id)
    resident_id = complaint.feedback.resident_id
    on = today()
    return render_template(
        "complaints/case.html", complaint=complaint, page_title=f"Complaint {complaint.reference}",
        history=history_for(complaint), explain=services.explain, running=services.running_clock(complaint),
        restrictions=queries.restrictions_for(resident_id),
        actions=services.actions_for(complaint, _me()), learning_allowed=services.learning_allowed(complaint),
        today=on, soon_limit=queries.due_soon_limit(on),
        long_date=deadlines.long_date, cap=deadlines.EXTENSION_CAP,
    )


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
        elif attempt(form, "handler", lambda: services.assign_handler(
                complaint, stage, person, by=_me(), version=form.version_number)):
            return _to_case(complaint, f"{person.name} is the stage {stage} handler.")
    warning = ("The stage 2 handler must be someone other than the stage 1 handler "
               "(Complaint Handling Code 6.13).") if stage == 2 else None
    return _form_page(form, complaint, f"Assign the stage {stage} handler", warning=warning)


@bp.route("/<int:complaint_id>/acknowledge", methods=["GET", "POST"])
@role_required(*WORKERS)
def acknowledge(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    stage1 = "\n".join(p.summary for p in complaint.points_for(1))
    form = PointsForm(points=stage1 if complaint.stage == 2 else None)
    if form.validate_on_submit():
        letter = attempt(form, "points", lambda: services.prepare_acknowledgement(
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
    if form.validate_on_submit() and attempt(form, "points", lambda: services.redefine_points(
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
        letter = attempt(form, "days", lambda: services.prepare_extension(
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
        letter = attempt(form, "exclusion", lambda: services.prepare_refusal(
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
    letter = attempt_or_flash(lambda: services.prepare_response(complaint, by=_me(), on=today(),
                                                                version=form.version_number))
    return _to_letter(letter) if letter is not None else _to_case(complaint)


@bp.route("/<int:complaint_id>/pause", methods=["GET", "POST"])
@role_required(*WORKERS)
def pause(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = PauseForm()
    if form.validate_on_submit() and attempt(form, "reason", lambda: services.pause_clock(
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
    if not attempt_or_flash(lambda: services.restart_clock(complaint, by=_me(), on=today(),
                                                           version=form.version_number)):
        return _to_case(complaint)
    return _to_case(complaint, "The clock has restarted.")


@bp.route("/<int:complaint_id>/withdraw", methods=["GET", "POST"])
@role_required(*WORKERS)
def withdraw(complaint_id: int):
    complaint = _case_to_change(complaint_id)
    form = WithdrawForm()
    if form.validate_on_submit() and attempt(form, "reason", lambda: services.withdraw(
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
    if form.validate_on_submit() and attempt(form, "note", lambda: services.escalate(
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
    if form.validate_on_submit() and attempt(form, "submit", lambda: services.close_after_stage1(
            complaint, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "The case is closed. The resident can still ask for a stage 2 review.")
    return _form_page(form, complaint, "Close the case after the stage 1 response",
                      intro="Close the case when the stage 1 response settled the complaint. If the resident "
                            "later asks for a stage 2 review, it reopens at stage 2.")


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
        if attempt(form, first, lambda: services.save_findings(complaint, data, by=_me(),
                                                                version=form.version_number)):
            return _to_case(complaint, "Findings saved. Add any remedies, then prepare the response letter.")
    warning = services.SAME_HANDLER if complaint.stage == 2 else None
    return _form_page(form, complaint, f"Stage {complaint.stage} findings", template="complaints/findings.html",
                      points=points, warning=warning)
