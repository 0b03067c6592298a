"""Pages every part of Charterline shares: start page, staff sign-in, staff accounts, charters and the outbox."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from core import accounts as staff_service
from core import auth
from core import queries as core_queries
from core.audit import history_for
from core.auth import ANY_STAFF, authenticate, role_required
from core.charters import (
    METRICS,
    describe_standard,
    edit_commitment_wording,
    publish_draft,
    published_charter,
    start_draft,
)
from core.errors import attempt, attempt_or_flash
from core.extensions import db, limiter
from core.models import Charter, CharterStatus, Commitment, OutboxMessage, OutboxStatus, Role, StaffUser
from core.outbox import can_post_by_notify, mark_posted, post_by_notify
from core.timesource import today
from reviews.cycles import published_review
from staff import home as staff_home
from staff.forms import (
    ChangeRoleForm,
    CommitmentWordingForm,
    ConfirmForm,
    NewStaffForm,
    PublishCharterForm,
    ResetPasswordForm,
    SignInForm,
)

bp = Blueprint("staff", __name__)


@bp.app_template_global()
def standard_of(commitment: Commitment) -> str | None:
    return describe_standard(commitment)


@bp.get("/")
def home():
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    return render_template("pages/home.html", charter=charter)


@bp.get("/our-charter")
def public_charter():
    charter = published_charter(current_app.config["CHARTERLINE_COUNCIL"])
    if charter is None:
        abort(404)
    return render_template("pages/charter.html", charter=charter,
                           how_we_did=published_review(current_app.config["CHARTERLINE_COUNCIL"]))


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")


@bp.get("/cookies")
def cookies():
    return render_template("pages/cookies.html")


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        user = attempt(form, "email", lambda: authenticate(form.email.data, form.password.data,
                                                           address=request.remote_addr or ""))
        if user:
            auth.start_session(user)
            return redirect(_safe_next(request.args.get("next")) or url_for("staff.dashboard"))
    return render_template("staff/sign_in.html", form=form)


def _safe_next(target: str | None) -> str | None:
    """Only follow same-site paths after sign-in, never another host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


@bp.post("/sign-out")
def sign_out():
    # POST only, so the site-wide CSRF check applies: another site cannot sign staff out.
    auth.sign_out()
    flash("You have been signed out.", "success")
    return redirect(url_for("staff.sign_in"))


@bp.get("/staff")
@login_required
def dashboard():
    sections = staff_home.sections_for(current_user, today(), datetime.now(UTC).replace(tzinfo=None))
    return render_template("staff/dashboard.html", sections=sections)


# Staff accounts (administrators only)

@bp.get("/admin/users")
@role_required(Role.ADMIN)
def users():
    # ?show=disabled or ?show=held-back (accounts under a guessing attack): the staff home's figures.
    show = request.args.get("show", "")
    if show == "held-back":
        people = core_queries.accounts_held_back(datetime.now(UTC).replace(tzinfo=None))
    else:
        query = select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)
        if show == "disabled":
            query = query.where(StaffUser.active.is_(False))
        people = db.session.scalars(query).all()
    return render_template("staff/users.html", people=people, show=show)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_user():
    form = NewStaffForm()
    if form.validate_on_submit():
        person = attempt(form, "email", lambda: staff_service.create_staff(
                email=form.email.data, name=form.name.data, role=form.role.data, password=form.password.data,
                by=current_user,
            ))
        if person:
            flash(f"{person.name} can now sign in as {person.role_label.lower()}.", "success")
            return redirect(url_for("staff.user", user_id=person.id))
    return render_template("staff/new_user.html", form=form)


def _staff_or_404(user_id: int) -> StaffUser:
    return db.get_or_404(StaffUser, user_id)


@bp.get("/admin/users/<int:user_id>")
@role_required(Role.ADMIN)
def user(user_id: int):
    person = _staff_or_404(user_id)
    return render_template("staff/user.html", person=person, history=history_for(person),
                           role_form=ChangeRoleForm(role=person.role), confirm=ConfirmForm())


@bp.route("/admin/users/<int:user_id>/role", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def change_role(user_id: int):
    person = _staff_or_404(user_id)
    form = ChangeRoleForm(role=person.role)
    if form.validate_on_submit():
        if attempt(form, "role", lambda: staff_service.change_role(person, form.role.data, by=current_user)):
            flash(f"{person.name} is now {person.role_label.lower()}.", "success")
            if person.id == current_user.id:
                auth.start_session(person)  # signed out everywhere else, but still signed in here
                if person.role != Role.ADMIN:  # the accounts pages are for administrators only
                    return redirect(url_for("staff.dashboard"))
            return redirect(url_for("staff.user", user_id=person.id))
    return render_template("staff/change_role.html", form=form, person=person)


@bp.route("/admin/users/<int:user_id>/password", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def reset_password(user_id: int):
    person = _staff_or_404(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        staff_service.set_password(person, form.password.data, by=current_user)
        if person.id == current_user.id:
            auth.start_session(person)  # signed out everywhere else, but still signed in here
        flash(f"New password set for {person.name}.", "success")
        return redirect(url_for("staff.user", user_id=person.id))
    return render_template("staff/reset_password.html", form=form, person=person)


@bp.post("/admin/users/<int:user_id>/active")
@role_required(Role.ADMIN)
def toggle_active(user_id: int):
    person = _staff_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if attempt_or_flash(lambda: staff_service.set_active(person, not person.active, by=current_user)):
        flash(f"{person.name}'s account is now {'active' if person.active else 'disabled'}.", "success")
    return redirect(url_for("staff.user", user_id=person.id))


# Charters

@bp.get("/charters")
@role_required(*ANY_STAFF)
def charters():
    rows = db.session.scalars(select(Charter).order_by(Charter.council_name, Charter.version.desc())).all()
    return render_template("staff/charters.html", charters=rows,
                           active_council=current_app.config["CHARTERLINE_COUNCIL"])


def _charter_or_404(charter_id: int) -> Charter:
    return db.get_or_404(Charter, charter_id)


@bp.get("/charters/<int:charter_id>")
@role_required(*ANY_STAFF)
def charter(charter_id: int):
    item = _charter_or_404(charter_id)
    return render_template("staff/charter.html", charter=item, history=history_for(item), metrics=METRICS,
                           confirm=ConfirmForm())


@bp.post("/charters/<int:charter_id>/draft")
@role_required(Role.POLICY_OFFICER)
def start_charter_draft(charter_id: int):
    item = _charter_or_404(charter_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    draft = start_draft(item, by=current_user)
    flash(f"You are editing draft version {draft.version}. Residents still see the published version.", "success")
    return redirect(url_for("staff.charter", charter_id=draft.id))


@bp.route("/charters/<int:charter_id>/commitments/<int:commitment_id>", methods=["GET", "POST"])
@role_required(Role.POLICY_OFFICER)
def edit_commitment(charter_id: int, commitment_id: int):
    item = _charter_or_404(charter_id)
    commitment = db.get_or_404(Commitment, commitment_id)
    if commitment.charter_id != item.id:
        abort(404)
    if item.status != CharterStatus.DRAFT:
        flash("Only a draft version can be edited. Start a new draft version first.", "error")
        return redirect(url_for("staff.charter", charter_id=item.id))
    form = CommitmentWordingForm(wording=commitment.wording)
    if form.validate_on_submit():
        if attempt(form, "wording", lambda: edit_commitment_wording(commitment, form.wording.data.strip(),
                                                                    by=current_user)):
            flash(f"Commitment {commitment.code} updated.", "success")
            return redirect(url_for("staff.charter", charter_id=item.id))
    return render_template("staff/edit_commitment.html", form=form, charter=item, commitment=commitment)


@bp.route("/charters/<int:charter_id>/publish", methods=["GET", "POST"])
@role_required(Role.POLICY_OFFICER)
def publish_charter(charter_id: int):
    item = _charter_or_404(charter_id)
    if item.status != CharterStatus.DRAFT:
        abort(404)
    form = PublishCharterForm()
    if form.validate_on_submit():
        if attempt(form, "effective_from",
                   lambda: publish_draft(item, by=current_user, effective_from=form.effective_from.data)):
            flash(f"Version {item.version} is published.", "success")
            return redirect(url_for("staff.charter", charter_id=item.id))
    return render_template("staff/publish_charter.html", form=form, charter=item)


# Outbox

@bp.get("/outbox")
@role_required(Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER)
def outbox():
    status = request.args.get("status", "")
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(200)
    if status in {s.value for s in OutboxStatus}:
        query = query.where(OutboxMessage.status == status)
    return render_template("staff/outbox.html", messages=db.session.scalars(query).all(), status=status,
                           statuses=list(OutboxStatus))


@bp.get("/outbox/<int:message_id>")
@role_required(Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER)
def outbox_message(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    return render_template("staff/outbox_message.html", message=message, confirm=ConfirmForm(),
                           can_post_by_notify=can_post_by_notify(message))


@bp.post("/outbox/<int:message_id>/posted")
@role_required(Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER)
def outbox_posted(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit() or message.status != OutboxStatus.TO_PRINT:
        abort(400)
    mark_posted(message)
    db.session.commit()
    flash("Letter marked as posted.", "success")
    return redirect(url_for("staff.outbox", status=OutboxStatus.TO_PRINT.value))


@bp.post("/outbox/<int:message_id>/notify")
@role_required(Role.COMPLAINTS_OFFICER, Role.CASE_HANDLER)
def outbox_post_by_notify(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if not ConfirmForm().validate_on_submit() or not can_post_by_notify(message):
        abort(400)
    post_by_notify(message)
    db.session.commit()
    flash("The letter will go to GOV.UK Notify to be printed and posted.", "success")
    return redirect(url_for("staff.outbox_message", message_id=message.id))
