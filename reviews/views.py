"""Charter review pages: the reviews and opening one, a review's home, the evidence summary and each commitment."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from core.auth import role_required
from core.errors import attempt, attempt_or_flash
from core.extensions import db
from core.models import Role
from reviews import bp
from reviews.cycles import councils, open_review, versions_in_force
from reviews.evidence import evidence_for
from reviews.evidence.results import Verdict
from reviews.forms import OpenReviewForm, StageForm
from reviews.models import Review, ReviewStage
from reviews.stages import move_stage

#: Policy officers run reviews; complaints officers and viewers may read them.
READERS = (Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)


def _open_form() -> OpenReviewForm:
    form = OpenReviewForm()

    loaded = councils()
    form.council.choices = [SelectChoice(slug, name) for slug, name in loaded]
    if not form.is_submitted() and any(slug == current_app.config["CHARTERLINE_COUNCIL"] for slug, _ in loaded):
        form.council.data = current_app.config["CHARTERLINE_COUNCIL"]
    return form


def _index(form: OpenReviewForm):
    reviews = db.session.scalars(select(Review).order_by(Review.starts_on.desc(), Review.council_slug)).all()
    return render_template("reviews/index.html", form=form, reviews=reviews, names=dict(councils()),
                           can_open=current_user.has_role(Role.POLICY_OFFICER))


@bp.route("/", methods=["GET", "POST"])
@role_required(*READERS)
def index():
    form = _open_form()
    if request.method == "POST":
        if not current_user.has_role(Role.POLICY_OFFICER):
            abort(403)
        if form.validate_on_submit():
            review = attempt(form, "year", lambda: open_review(form.council.data, int(form.year.data.strip()),
                                                               by=current_user))
            if review:
                flash(f"Review opened for {review.title}.", "success")
                return redirect(url_for("reviews.home", review_id=review.id))
    return _index(form)


def _review_or_404(review_id: int) -> Review:
    return db.get_or_404(Review, review_id)


@bp.get("/<int:review_id>")
@role_required(*READERS)
def home(review_id: int):
    review = _review_or_404(review_id)
    return render_template("reviews/home.html", review=review, stages=list(ReviewStage),
                           spans=versions_in_force(review), names=dict(councils()), stage_form=StageForm(),
                           can_move=current_user.has_role(Role.POLICY_OFFICER))


@bp.post("/<int:review_id>/stage")
@role_required(Role.POLICY_OFFICER)
def stage(review_id: int):
    review = _review_or_404(review_id)
    if StageForm().validate_on_submit():
        moved = attempt_or_flash(lambda: move_stage(review, request.form.get("direction", ""), by=current_user))
        if moved:
            flash(f"The review is now at the {moved.label.lower()} stage.", "success")
    return redirect(url_for("reviews.home", review_id=review.id))


@bp.get("/<int:review_id>/evidence")
@role_required(*READERS)
def evidence(review_id: int):
    review = _review_or_404(review_id)
    return render_template("reviews/evidence.html", review=review, evidence=evidence_for(review, voice=False),
                           verdicts=Verdict)


@bp.get("/<int:review_id>/evidence/<code>")
@role_required(*READERS)
def commitment_evidence(review_id: int, code: str):
    review = _review_or_404(review_id)
    result = evidence_for(review, only=code)
    item = result.for_code(code)
    if item is None:
        abort(404)
    return render_template("reviews/commitment.html", review=review, evidence=result, item=item)
