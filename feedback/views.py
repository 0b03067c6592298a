"""Feedback pages."""

from flask import render_template

from core.auth import ANY_STAFF, role_required
from feedback import bp


@bp.get("/feedback")
def start():
    return render_template("feedback/start.html")


@bp.get("/staff/feedback")
@role_required(*ANY_STAFF)
def inbox():
    return render_template("feedback/inbox.html")
