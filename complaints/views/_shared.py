"""What every complaints page shares: the signed-in officer, the case to show or change, anonymised cases kept
as they are, and the form page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from complaints import bp, services
from complaints.models import Complaint, ComplaintLetter
from core.extensions import db
from core.formatting import govuk_date
from core.models import Role, StaffUser
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


def _to_letter(letter: ComplaintLetter):
    return redirect(url_for("complaints.letter", complaint_id=letter.complaint_id, letter_id=letter.id))
