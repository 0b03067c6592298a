"""The complaints procedure: stages, clocks, letters, remedies, learning and Ombudsman referrals."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/complaints", cli_group="complaints")

from complaints import commands, demo, models, retention, views  # noqa: E402,F401
