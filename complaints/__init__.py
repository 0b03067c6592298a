"""The complaints procedure: stages, clocks, letters, remedies, learning and Ombudsman referrals."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints")

from complaints import views  # noqa: E402,F401
