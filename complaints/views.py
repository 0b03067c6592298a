"""Complaints pages."""

from flask import render_template

from complaints import bp
from core.auth import ANY_STAFF, role_required


@bp.get("/")
@role_required(*ANY_STAFF)
def dashboard():
    return render_template("complaints/dashboard.html")
