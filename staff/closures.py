"""Administrators' pages for the council's closure dates, which stop the council's own deadline clocks."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from core.auth import role_required
from core.clocks import closures as clock_service
from core.clocks.models import ClosureDate
from core.errors import attempt
from core.extensions import db
from core.models import Role
from core.timesource import today
from staff.forms import ClosureDateForm, ConfirmForm

bp = Blueprint("clocks", __name__)


@bp.get("/admin/closures")
@role_required(Role.ADMIN)
def closures():
    rows = clock_service.active_closures()
    on = today()
    return render_template("clocks/closures.html", upcoming=[c for c in rows if c.day >= on],
                           past=[c for c in rows if c.day < on])


@bp.route("/admin/closures/new", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def new_closure():
    form = ClosureDateForm()
    if form.validate_on_submit():
        change = attempt(form, "day", lambda: clock_service.add_closure(day=form.day.data, name=form.name.data,
                                                                        by=current_user))
        if change:
            closure = change.closure
            flash(f"{closure.name} on {closure.day.day} {closure.day:%B %Y} is now a closure date. "
                  f"{_moved_message(change.moved)}", "success")
            return redirect(url_for("clocks.closures"))
    return render_template("clocks/new_closure.html", form=form)


@bp.route("/admin/closures/<int:closure_id>/remove", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def remove_closure(closure_id: int):
    closure = db.get_or_404(ClosureDate, closure_id)
    if closure.removed_at is not None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        change = clock_service.remove_closure(closure, by=current_user)
        flash(f"{closure.name} on {closure.day.day} {closure.day:%B %Y} is no longer a closure date. "
              f"{_moved_message(change.moved)}", "success")
        return redirect(url_for("clocks.closures"))
    return render_template("clocks/remove_closure.html", form=form, closure=closure)


def _moved_message(moved: int) -> str:
    """How many open due dates the change moved (they moved in the same transaction as the closure)."""
    if not moved:
        return "No open due dates changed."
    return f"{moved} open due date{' has' if moved == 1 else 's have'} moved; each case's history says why."
