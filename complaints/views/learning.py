"""Learning from complaints: the list of actions, and adding and updating them on a case."""

from __future__ import annotations

from flask import abort, render_template
from wtforms.fields.choices import SelectChoice

from complaints import bp, queries, services
from complaints.forms import LearningForm, LearningUpdateForm
from complaints.models import LearningAction
from complaints.views._shared import WORKERS, _case_to_change, _form_page, _me, _to_case
from core.auth import ANY_STAFF, role_required
from core.errors import attempt
from core.extensions import db
from core.timesource import today


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
    if form.validate_on_submit() and attempt(form, "description", lambda: services.add_learning_action(
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
    if form.validate_on_submit() and attempt(form, "status", lambda: services.update_learning_action(
            action, status=form.status.data, what_we_changed=form.what_we_changed.data, by=_me(), on=today(),
            version=form.version_number)):
        return _to_case(complaint, "Learning action updated.")
    return render_template("complaints/form_page.html", form=form, complaint=complaint, warning=None,
                           page_title="Update the learning action", intro=action.description)
