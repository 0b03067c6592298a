"""A case's letters: the draft to check and send, what was sent, and the printable version."""

from __future__ import annotations

from flask import abort, render_template, request

from complaints import bp, services
from complaints.forms import LetterForm
from complaints.models import Complaint, ComplaintLetter
from complaints.views._shared import _case, _form_page, _me, _to_case
from core.auth import ANY_STAFF, role_required
from core.errors import attempt
from core.extensions import db
from core.timesource import today


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
    editable = item.status == "draft" and "send_letter" in services.actions_for(complaint, _me())
    form = LetterForm(subject=item.subject, body=item.body)
    if request.method == "POST":
        if not editable:
            abort(403)
        if form.validate_on_submit() and attempt(form, "body", lambda: services.send_letter(
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
