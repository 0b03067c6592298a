"""Restricting a resident's contact from a case, the restrictions register and reviews."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from complaints import bp, deadlines, queries, services
from complaints.forms import RestrictionForm, RestrictionReviewForm
from complaints.models import ComplaintLetter, Restriction
from complaints.views._shared import _case, _form_page, _me, _to_letter
from core.audit import history_for
from core.auth import ANY_STAFF, role_required
from core.errors import attempt
from core.extensions import db
from core.models import Role
from core.timesource import today


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
        letter = attempt(form, "reason", lambda: services.prepare_restriction(
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


@bp.get("/restrictions")
@role_required(*ANY_STAFF)
def restrictions():
    include_ended = request.args.get("show") == "all"
    # ?review=due: the restrictions due for review within the deciding officer's notice period (the staff home).
    review_by = queries.restriction_review_horizon(today()) if request.args.get("review") == "due" else None
    return render_template("complaints/restrictions.html",
                           restrictions=queries.restriction_register(include_ended, review_by=review_by),
                           include_ended=include_ended, review_by=review_by, page_title="Restrictions register",
                           today=today(), long_date=deadlines.long_date)


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
    if form.validate_on_submit() and attempt(form, "decision", lambda: services.review_restriction(
            item, decision=form.decision.data, reason=form.reason.data, next_review_on=form.next_review_on.data,
            by=_me(), on=today(), version=form.version_number)):
        flash("Review recorded.", "success")
        return redirect(url_for("complaints.restriction", restriction_id=item.id))
    return render_template("complaints/restriction_review.html", form=form, restriction=item,
                           page_title="Review the restriction", long_date=deadlines.long_date)
