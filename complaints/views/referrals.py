"""Ombudsman enquiries and investigations recorded on a case, and their decisions."""

from __future__ import annotations

from flask import abort, render_template

from complaints import bp, services
from complaints.forms import ReferralDecisionForm, ReferralForm
from complaints.models import Complaint, OmbudsmanReferral
from complaints.views._shared import _case, _form_page, _me, _to_case
from core.auth import role_required
from core.errors import attempt
from core.extensions import db
from core.models import Role
from core.timesource import today


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
    if form.validate_on_submit() and attempt(form, "reference", lambda: services.add_referral(
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
    if form.validate_on_submit() and attempt(form, "decision", lambda: services.decide_referral(
            referral, decision=form.decision.data, decided_on=form.decided_on.data, notes=form.notes.data,
            by=_me(), on=today(), version=form.version_number)):
        return _to_case(complaint, "Ombudsman decision saved.")
    return render_template("complaints/form_page.html", form=form, complaint=complaint,
                           page_title=f"Ombudsman decision on {referral.reference}", intro=None, warning=None)
