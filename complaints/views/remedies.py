"""Remedies on a case: from the response being written, ordered by the Ombudsman, and marked done."""

from __future__ import annotations

from flask import abort
from wtforms.fields.choices import SelectChoice

from complaints import bp, services
from complaints.forms import CompleteRemedyForm, RemedyForm
from complaints.models import Complaint, OmbudsmanReferral, Remedy
from complaints.views._shared import WORKERS, _case, _case_to_change, _form_page, _me, _to_case
from complaints.views.referrals import _referral_of
from core.auth import role_required
from core.errors import attempt
from core.extensions import db
from core.models import Role
from core.timesource import today


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
    if form.validate_on_submit() and attempt(form, "kind", lambda: services.add_remedy(
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
    if form.validate_on_submit() and attempt(form, "note", lambda: services.complete_remedy(
            remedy, note=form.note.data, by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "Remedy marked as done.")
    return _form_page(form, complaint, "Mark the remedy as done", intro=remedy.description)
