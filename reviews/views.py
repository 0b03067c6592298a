"""Charter review pages."""

from flask import current_app, render_template, request

from core.auth import role_required
from core.fields import GovDateField
from core.models import Role
from core.timesource import today
from reviews import bp
from reviews.queries import charter_review, default_period


@bp.get("/")
@role_required(Role.POLICY_OFFICER, Role.COMPLAINTS_OFFICER, Role.VIEWER)
def index():
    start, end = default_period(today())
    errors = []
    for name in ("start", "end"):
        raw = request.args.get(name)
        if raw:
            try:
                value = GovDateField.parse_iso(raw)
            except ValueError:
                errors.append(f"Enter the {'start' if name == 'start' else 'end'} date as a real date, like 2026-04-01")
                continue
            start, end = (value, end) if name == "start" else (start, value)
    if start > end:
        errors.append("The start date must be on or before the end date")
        start, end = default_period(today())
    review = charter_review(current_app.config["CHARTERLINE_COUNCIL"], start, end)
    return render_template("reviews/index.html", review=review, errors=errors)
