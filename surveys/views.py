"""Survey pages."""

from flask import render_template

from core.auth import role_required
from core.models import Role
from surveys import bp


@bp.get("/")
@role_required(Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)
def index():
    return render_template("surveys/index.html")
